"""Owner scoping (workbench.core.audiences) on hand-written tables."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.core.audiences import (
    OwnerView,
    company_data,
    owner_tables,
    owner_view,
    owners_of,
)
from workbench.core.errors import ParameterError
from workbench.extracts.loader import TableAccess


class Data(TableAccess):
    """The smallest cleaned-data stand-in: tables, and one company-wide attribute."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.tables = tables
        self.as_of = pd.Timestamp("2025-01-01")


def _data() -> Data:
    customers = pd.DataFrame({
        "customer_id": ["C1", "C2", "C3", "C4", "C5"],
        "name": ["杭州云帆科技有限公司", "李娜", "北京远景制造有限公司", "张伟", "无主客户"],
        "owner": pd.Categorical(["王磊", "陈静", "王磊", "陈静", None]),
        "region": ["华东", "华东", "华北", "华东", "华东"],
    })  # fmt: skip
    orders = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"], "amount": [10.0, 20, 30, 40]})
    return Data({"customers": customers, "orders": orders})


def test_the_view_keeps_only_the_owners_customers_and_every_other_table_whole():
    data = _data()
    view = owner_view(data, "王磊", "华东")
    assert isinstance(view, OwnerView) and view.owner == "王磊"
    assert list(view.customers["customer_id"]) == ["C1", "C3"]  # both regions: the report picks
    assert list(view["customers"]["name"]) == ["杭州云帆科技有限公司", "北京远景制造有限公司"]
    assert view.orders is data.orders  # company-wide fits still see every order
    assert list(view.customers["owner"].cat.categories) == ["王磊"]  # no other owner's name
    assert view.as_of == data.as_of  # what describes the extracts is the company's
    assert company_data(view) is data and company_data(data) is data


def test_no_owner_is_every_owner():
    data = _data()
    assert owner_view(data, "", "华东") is data


def test_an_unknown_owner_or_one_without_customers_in_the_region_is_named():
    with pytest.raises(
        ParameterError, match=r"owner '王五' has no customers in 华东; the owners are: 王磊, 陈静"
    ):
        owner_view(_data(), "王五", "华东")
    with pytest.raises(ParameterError, match="owner '陈静' has no customers in 华北"):
        owner_view(_data(), "陈静", "华北")
    with pytest.raises(ParameterError, match="owner must be"):
        owner_view(_data(), None, "华东")


def test_owners_of_a_region_and_of_the_company():
    customers = _data().customers
    assert owners_of(customers, "华东") == ["王磊", "陈静"]
    assert owners_of(customers, "华北") == ["王磊"]
    assert owners_of(customers) == owners_of(customers, "全国") == ["王磊", "陈静"]


def test_owner_tables_leaves_the_input_alone():
    tables = _data().tables
    before = tables["customers"].copy()
    scoped = owner_tables(tables, "陈静")
    assert list(scoped["customers"]["customer_id"]) == ["C2", "C4"]
    pd.testing.assert_frame_equal(tables["customers"], before)


def test_the_note_under_the_title_only_for_an_owners_report():
    from workbench.reports.audiences import audience_note

    class Data:  # the unscoped data: any object that is not an OwnerView
        pass

    assert audience_note(Data(), "华东") == ()  # no empty Markdown output in every report

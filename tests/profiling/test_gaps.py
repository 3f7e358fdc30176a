"""What the profile cannot show and why (workbench.profiling.gaps), and those reasons as words
(profiling.tables.gap_*), on small frames written here: three 华东 customers, orders in 2024Q4,
follow-ups in 2024Q4."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from workbench.profiling import analysis, tables
from workbench.profiling.gaps import Gap, has_values, profile_gaps, table_gap

INTERACTIONS_KPIS = ("kpi_followups_per_customer", "kpi_complaints", "kpi_satisfaction",
                     "kpi_silent_customers")  # fmt: skip


def _data(missing: tuple[str, ...] = (), **replace: pd.DataFrame) -> SimpleNamespace:
    customers = pd.DataFrame({
        "customer_id": ["C1", "C2", "C3"], "customer_type": ["企业", "企业", "个人"],
        "region": ["华东", "华东", "华东"], "province": ["浙江省", "上海市", None],
        "industry": ["制造业", None, None], "size": ["中型", "大型", None],
        "source_channel": ["展会", "官网注册", None],
        "first_contact_date": pd.to_datetime(["2024-09-01", "2023-05-01", "2024-01-01"]),
        "first_deal_date": pd.to_datetime(["2024-10-01", None, None]),
    })  # fmt: skip
    orders = pd.DataFrame({
        "customer_id": ["C1", "C2"], "order_date": pd.to_datetime(["2024-10-05", "2024-11-05"]),
        "amount": [100.0, 200.0], "product_category": ["软件", "服务"],
    })  # fmt: skip
    interactions = pd.DataFrame({
        "customer_id": ["C1"], "interaction_date": pd.to_datetime(["2024-12-01"]),
        "channel": ["电话"], "type": ["咨询"], "satisfaction": pd.array([4], dtype="Int64"),
    })  # fmt: skip
    frames = {"customers": customers, "orders": orders, "interactions": interactions, **replace}
    return SimpleNamespace(**frames, supplied=lambda table: table not in missing)


def test_nothing_missing_nothing_said():
    data = _data()
    assert profile_gaps(data, data.customers, "2024Q4") == {}


def test_without_interactions_the_follow_up_figures_and_channels_go():
    data = _data(missing=("interactions",), interactions=_data().interactions.iloc[:0])
    gaps = profile_gaps(data, data.customers, "2024Q4")
    assert gaps == dict.fromkeys((*INTERACTIONS_KPIS, "channel"), Gap("no_table", "interactions"))
    assert tables.summary_points(analysis.kpi_comparison(
        data.customers, data.orders, data.interactions, "2024Q4"), "2024Q4", "zh", gaps)[-1] == (
        "无法展示人均跟进次数、投诉次数、平均满意度、90天未跟进客户，因为数据中没有跟进记录文件。"
    )  # fmt: skip


def test_a_column_empty_in_the_whole_table():
    base = _data()
    data = _data(orders=base.orders.assign(product_category=None),
                 customers=base.customers.drop(columns="customer_type"))  # fmt: skip
    gaps = profile_gaps(data, data.customers, "2024Q4")
    assert gaps == {
        "product_category": Gap("no_column", "orders", ("product_category",)),
        "industry": Gap("no_column", "customers", ("customer_type",)),
        "size": Gap("no_column", "customers", ("customer_type",)),
    }


def test_a_region_without_customers_shows_nothing_and_says_why():
    data = _data()
    gaps = profile_gaps(data, data.customers.iloc[:0], "2024Q4")
    assert set(gaps.values()) == {Gap("no_customers", "customers")} and "kpis" in gaps
    no_region = data.customers.assign(region=None)
    gaps = profile_gaps(_data(customers=no_region), no_region.iloc[:0], "2024Q4")
    assert set(gaps.values()) == {Gap("no_region", "customers", ("region", "province"))}
    assert tables.summary_points(pd.DataFrame(), "2024Q4", "en", gaps) == [
        "Could not show the key figures because the customers extract has neither a region nor a "
        "province, so no customer can be placed in a region."
    ]


def test_nothing_in_the_quarter_and_no_enterprises():
    data = _data()
    gaps = profile_gaps(data, data.customers[data.customers["customer_type"] == "个人"], "2023Q1")
    assert gaps == {
        "industry": Gap("no_enterprises", "customers"),
        "size": Gap("no_enterprises", "customers"),
        "product_category": Gap("none_in_quarter", "orders"),
        "channel": Gap("none_in_quarter", "interactions"),
    }


def test_an_extract_file_without_rows():
    data = _data(interactions=_data().interactions.iloc[:0])
    assert table_gap(data, "interactions", "channel") == Gap("empty_table", "interactions")


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["a", None], True), ([None, None], False), (["", "  "], False), ([pd.NaT], False)],
)
def test_has_values(values, expected):
    assert has_values(pd.DataFrame({"x": values}), "x") is expected
    assert has_values(pd.DataFrame({"y": values}), "x") is False


def test_gap_sentences_in_both_languages_one_per_reason():
    gaps = {
        "kpi_complaints": Gap("no_column", "interactions", ("type",)),
        "kpi_satisfaction": Gap("no_column", "interactions", ("type",)),
        "product_category": Gap("no_column", "orders", ("product_category",)),
        "channel": Gap("none_in_quarter", "interactions"),
    }
    assert tables.gap_sentences(gaps, "zh") == [
        "无法展示投诉次数、平均满意度，因为跟进记录中没有「互动类型」数据（该列缺失或全部为空）。",
        "无法展示各产品类别销售额占比，因为交易记录中没有「产品类别」数据（该列缺失或全部为空）。",
        "无法展示跟进方式分布，因为本区域本期没有跟进记录。",
    ]
    assert tables.gap_note(gaps, "product_category", "en") == (
        "Could not show revenue by product category because the orders extract has no "
        "product_category data (the column is missing or empty)."
    )
    assert tables.gap_note(gaps, "province", "en") == ""  # shown: nothing to say


def test_kpis_the_data_cannot_give_show_a_dash():
    data = _data(missing=("interactions",), interactions=_data().interactions.iloc[:0])
    kpis = analysis.kpi_comparison(data.customers, data.orders, data.interactions, "2024Q4")
    gaps = profile_gaps(data, data.customers, "2024Q4")
    shown = tables.format_kpis(kpis, "2024Q4", "zh", gaps).set_index("指标")
    assert shown.loc["90天未跟进客户"].tolist() == ["–"] * 5  # not "3": nobody was asked
    assert (
        tables.format_kpis(kpis, "2024Q4", "zh").set_index("指标").loc["90天未跟进客户", "本季度"]
        == "3"
    )
    assert shown.loc["销售额（元）", "本季度"] == "300"

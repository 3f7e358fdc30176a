"""Customer types inferred where the extract has none, and every inference audited."""

from __future__ import annotations

import pandas as pd

from workbench.cleaning.audit import Audit
from workbench.cleaning.customer_type import customer_kinds, infer_customer_types, inferred_types

USCC, ID = "91310115MA1H8TQ21K", "110105198803154519"


def test_inferred_from_legal_form_uscc_id_number_or_trade_word() -> None:
    customers = pd.DataFrame(
        {
            "name": ["上海恒泰物流有限公司", "恒泰", "李娜", "王芳", "顺达物流北京分公司", "恒泰物流",
                     "王建设", "华信", "张伟"],
            "uscc": [None, USCC, None, None, None, None, None, USCC, USCC],
            "id_number": [None, None, None, ID, None, None, None, None, ID],
        }
    )  # fmt: skip
    assert inferred_types(customers).fillna("-").tolist() == [
        "企业",
        "企业",
        "-",
        "个人",
        "企业",
        "企业",
        "-",
        "企业",
        "-",
    ]  # fmt: skip (a USCC and an ID number and no company name: left empty)


def test_stated_types_win_over_inference() -> None:
    customers = pd.DataFrame(
        {"customer_type": ["企业客户", "B2C", "", None], "name": ["李娜", "恒泰物流有限公司",
                                                                 "恒泰物流有限公司", "李娜"]}
    )  # fmt: skip
    assert customer_kinds(customers).fillna("-").tolist() == ["企业", "个人", "企业", "-"]


def test_infer_fills_empty_types_adds_a_missing_column_and_audits_each() -> None:
    customers = pd.DataFrame(
        {
            "source_row": [2, 3, 4],
            "customer_id": ["C1", "C2", "C3"],
            "name": ["长江咨询有限公司", "王芳", "恒泰"],
            "id_number": [None, ID, None],
        }
    )
    audit = Audit()
    out = infer_customer_types(customers, audit)
    assert "customer_type" not in customers  # the input is left as it is
    assert out["customer_type"].tolist()[:2] == ["企业", "个人"] and pd.isna(
        out.at[2, "customer_type"]
    )
    changes = audit.changes
    assert changes[["key", "source_row", "field", "new", "rule"]].values.tolist() == [
        ["C1", 2, "customer_type", "企业", "customer_type_inferred"],
        ["C2", 3, "customer_type", "个人", "customer_type_inferred"],
    ]
    assert changes["old"].isna().all()
    stated = infer_customer_types(out.assign(customer_type=["个人", "个人", None]), Audit())
    assert stated["customer_type"].tolist()[:2] == ["个人", "个人"]  # a stated type is kept

"""Churn features as of a cutoff: hand-computed values, and nothing from after the cutoff."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from workbench.churn.features import build_features, feature_spec

CUTOFF = pd.Timestamp("2024-10-01")


def _dates(frame, *columns):
    for column in columns:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _data():
    customers = pd.DataFrame({
        "customer_id": ["A", "B", "C"], "customer_type": ["企业", "个人", "企业"],
        "name": ["甲公司", "李娜", "丙公司"], "region": ["华东", "华南", "华东"],
        "owner": ["王磊", "王磊", "赵强"], "status": ["成交客户", "流失客户", "潜在客户"],
        "first_deal_date": ["2024-01-05", "2024-03-01", None],
        "first_contact_date": ["2023-12-01", "2024-02-01", "2024-11-01"],
        "会员等级": ["金卡", "银卡", None],
    })  # fmt: skip
    orders = pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O4", "O5", "O6", "O7"],
        "customer_id": ["A", "A", "A", "A", "B", "B", "A"],
        "order_date": ["2024-01-05", "2024-04-05", "2024-07-04", "2024-08-03", "2024-03-01",
                       "2024-05-10", "2024-10-20"],
        "amount": [1000.0, 2000.0, 3000.0, 4000.0, 500.0, -200.0, 9999.0],
    })  # fmt: skip
    interactions = pd.DataFrame({
        "interaction_id": ["I1", "I2", "I3", "I4", "I5"],
        "customer_id": ["A", "A", "A", "B", "A"],
        "interaction_date": ["2023-12-15", "2024-08-01", "2024-09-20", "2024-06-01", "2024-10-05"],
        "channel": ["电话", "微信", "电话", "电话", "电话"],
        "type": ["咨询", "投诉", "投诉", "咨询", "投诉"],
        "satisfaction": [5, 2, 1, 4, 1],
    })  # fmt: skip
    requirements = pd.DataFrame({
        "req_id": ["R1", "R2", "R3"], "customer_id": ["A", "A", "B"],
        "created_date": ["2024-05-01", "2024-09-01", "2024-04-01"],
        "status": ["已解决", "已解决", "无法满足"],
        "due_date": ["2024-06-01", "2024-09-15", "2024-05-01"],
        "resolved_date": ["2024-05-20", "2024-10-10", None],
    })  # fmt: skip
    leads = pd.DataFrame({
        "lead_id": ["L1", "L2"], "customer_id": ["A", "B"],
        "created_date": ["2024-08-01", "2024-02-01"], "stage": ["成交", "流失"],
        "intent_date": ["2024-08-10", None], "proposal_date": ["2024-09-01", None],
        "won_date": ["2024-10-15", None], "lost_date": [None, "2024-03-01"],
    })  # fmt: skip
    return SimpleNamespace(tables={
        "customers": _dates(customers, "first_deal_date", "first_contact_date"),
        "orders": _dates(orders, "order_date"),
        "interactions": _dates(interactions, "interaction_date"),
        "requirements": _dates(requirements, "created_date", "due_date", "resolved_date"),
        "opportunities": _dates(leads, "created_date", "intent_date", "proposal_date",
                                "won_date", "lost_date"),
    })  # fmt: skip


def test_features_by_hand():
    data = _data()
    spec = feature_spec(data, extra=("会员等级",))
    f = build_features(data, pd.Index(["A", "B"]), CUTOFF, spec)
    a, b = f.loc["A"], f.loc["B"]
    assert a["days_since_last_order"] == 59  # 2024-08-03 → 2024-10-01
    assert a["purchase_days"] == 4 and a["orders_last_90d"] == 2 and a["orders_prev_90d"] == 1
    assert a["orders_trend"] == 1 and a["revenue_last_90d"] == 7000 and a["revenue_total"] == 10000
    assert a["usual_gap_days"] == pytest.approx(211 / 3)  # 2024-01-05 → 2024-08-03 over 3 gaps
    assert a["gap_ratio"] == pytest.approx(59 / (211 / 3))
    assert a["mean_order_value"] == 2500 and a["tenure_days"] == 270
    assert b["returns_365d"] == 1 and b["purchase_days"] == 1 and np.isnan(b["usual_gap_days"])
    assert (
        a["complaints_90d"] == 2
        and a["interactions_90d"] == 2
        and a["days_since_interaction"] == 11
    )
    assert a["channel:电话"] == 2 and a["type:投诉"] == 2  # not the call of 2024-10-05
    assert a["satisfaction_180d"] == 1.5 and a["satisfaction_change"] == 1.5 - 5  # vs 2023-12-15
    # R2 resolved after the cutoff: still open then, and overdue (due 2024-09-15)
    assert a["open_requirements"] == 1 and a["overdue_requirements"] == 1
    assert b["rejected_requirements_365d"] == 1 and b["open_requirements"] == 0
    assert a["funnel_stage"] == "方案洽谈"  # won on 2024-10-15: after the cutoff
    assert b["funnel_stage"] == "流失" and a["open_leads"] == 1
    assert a["owner_load"] == 2 and a["deal_age_days"] == 270 and a["会员等级"] == "金卡"
    assert "status" not in f.columns  # the label's own echo is never a feature


def test_nothing_after_the_cutoff_is_read():
    """A signal planted only after the cutoff (complaints, orders, a resolution, a won lead)
    leaves every feature as it was."""
    data = _data()
    spec = feature_spec(data)
    before = build_features(data, pd.Index(["A", "B"]), CUTOFF, spec)
    planted = _data()
    tables = planted.tables
    future = pd.DataFrame({"interaction_id": ["F1", "F2"], "customer_id": ["B", "B"],
                           "interaction_date": pd.to_datetime(["2024-10-01", "2024-12-01"]),
                           "channel": ["电话", "电话"], "type": ["投诉", "投诉"],
                           "satisfaction": [1, 1]})  # fmt: skip
    tables["interactions"] = pd.concat([tables["interactions"], future], ignore_index=True)
    order = pd.DataFrame({"order_id": ["F3"], "customer_id": ["B"],
                          "order_date": pd.to_datetime(["2024-11-11"]), "amount": [1e6]})  # fmt: skip
    tables["orders"] = pd.concat([tables["orders"], order], ignore_index=True)
    after = build_features(planted, pd.Index(["A", "B"]), CUTOFF, spec)
    pd.testing.assert_frame_equal(before, after)


def test_a_customers_only_extract_gives_attribute_features():
    data = _data()
    data.tables = {"customers": data.tables["customers"]}
    spec = feature_spec(data)
    assert spec.numeric == ("contact_age_days", "deal_age_days", "owner_load")
    assert spec.categorical == ("customer_type", "region")
    f = build_features(data, pd.Index(["A", "C"]), CUTOFF, spec)
    assert f.loc["A", "contact_age_days"] == 305 and np.isnan(f.loc["C", "contact_age_days"])
    assert f.loc["C", "owner_load"] == 0  # 赵强 had no customer known before the cutoff


def test_an_unknown_extra_feature_is_named():
    from workbench.core.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="extra_features: no column \\['会员积分'\\]"):
        feature_spec(_data(), extra=("会员积分",))

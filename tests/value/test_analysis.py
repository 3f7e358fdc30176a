"""Tests for workbench.value.analysis: the value report of one region (fixtures in conftest.py;
the localized views and the workbook in test_tables.py)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from tests.extracts.order_lines_fixture import load_order_lines
from workbench.value import tables
from workbench.value.analysis import analyse_value, clv_ranking, follow_up_list
from workbench.value.params import ClvParams, ValueParams
from workbench.value.segments import class_migration


def test_small_region_by_hand(small: SimpleNamespace) -> None:
    report = analyse_value(small, "华东", "2024Q4")
    table = report.customers.set_index("customer_id")
    assert list(table.index) == ["C1", "C2", "C3", "C4"]  # 华东 only, leads included
    assert (
        table.loc["C2", "customer"] == "李**"
        and table.loc["C1", "customer"] == "杭州甲科技有限公司"
    )
    assert report.excluded_orders == 1
    # revenue of 2024 (the 12 months before 2025-01-01): C1 1.3M, C2 4,000, C3 0
    assert table.loc["C1", "revenue_12m"] == 1_300_000 and table.loc["C2", "revenue_12m"] == 4_000
    assert table.loc["C3", "revenue_12m"] == 0 and pd.isna(table.loc["C4", "revenue_12m"])
    assert table.loc["C1", "abc_class"] == "A" and table.loc["C3", "abc_class"] == "C"
    assert table.loc["C1", "amount_tier"] == "高" and table.loc["C2", "amount_tier"] == "低"
    assert table.loc["C2", "frequency"] == 1 and table.loc["C2", "orders"] == 2
    assert table.loc["C4", "tags"] == "重点跟进"  # a lead that viewed 12 pages and asked prices
    abc = report.segments["abc_class"].set_index("class")
    # C1 alone makes 99.7% (A: the boundary customer reaching 20%); C2 starts after 70%: C
    assert abc["customers"].tolist() == [1, 0, 2] and abc["revenue"].sum() == 1_304_000
    # at the start of the quarter (window 2023-10 .. 2024-09): C1 600k A, C3 150k and C2 C
    assert report.migration.loc["A", "A"] == 1 and report.migration.loc["C", "C"] == 2
    assert report.migration.to_numpy().sum() == 3
    assert report.clv is None and report.clv_scope == "none"  # 1 repeat buyer: too few to fit
    follow = report.follow_up()
    assert follow["customer_id"].tolist() == ["C4"] and follow["action"].tolist() == ["lead"]


def test_without_clv_the_views_are_empty_and_say_why(small: SimpleNamespace) -> None:
    report = analyse_value(small, "华东", "2024Q4")
    views = tables.clv_views(report)
    assert views["calibration"].empty and views["clv"].empty and views["expected"].empty
    assert "未拟合" in tables.clv_method_note(report, ValueParams())
    assert tables.model_table(report).empty
    with pytest.raises(Exception, match="no CLV"):
        clv_ranking(report.customers)
    points = tables.summary_points(report, "en")
    assert points[0].startswith("1 A customers (33.3% of buyers) make 99.7% of")


def test_follow_up_priorities_by_hand() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": list("abcdefg"),
            "tags": ["高价值客户、高流失风险", "高流失风险", "高流失风险", "重点跟进",
                     "近3个月未复购", "近3个月未复购", "高流失风险、近3个月未复购"],
            "abc_class": pd.Categorical(["C", "B", "C", None, "A", "C", "A"]),
            "clv": [10.0, 500.0, 999.0, np.nan, 50.0, 70.0, 100.0],
            "revenue_12m": [1.0, 2.0, 3.0, np.nan, 4.0, 5.0, 6.0],
        }
    )  # fmt: skip
    follow = follow_up_list(frame)
    assert follow["customer_id"].tolist() == ["b", "g", "a", "d", "e"]
    assert follow["action"].tolist() == ["retain"] * 3 + ["lead", "repurchase"]
    assert follow["priority"].tolist() == [1, 1, 1, 2, 3]
    assert follow_up_list(frame, top=2)["customer_id"].tolist() == ["b", "g"]


def test_class_migration_by_hand() -> None:
    before = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "abc_class": pd.Categorical(["A", "B", "C"], ["A", "B", "C"]),
        }
    )
    after = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
                          "abc_class": pd.Categorical(["B", "B", "C", "A"], ["A", "B", "C"])})  # fmt: skip
    table = class_migration(before, after, "abc_class")
    assert table.index.tolist() == ["A", "B", "C", "新增"]
    assert table.loc["A", "B"] == 1 and table.loc["B", "B"] == 1 and table.loc["新增", "A"] == 1
    assert table.to_numpy().sum() == 4


@pytest.mark.parametrize("region", ["华东", "全国"])
def test_demo_region_adds_up(demo, region: str) -> None:
    params = ValueParams(clv=ClvParams(min_repeat_buyers=30))
    report = analyse_value(demo, region, "2024Q4", params)
    customers = demo.customers if region == "全国" else demo.customers.query("region == @region")
    assert len(report.customers) == len(customers) and report.customers["customer_id"].is_unique
    orders = demo.orders[demo.orders["customer_id"].isin(customers["customer_id"])]
    buys = orders[(orders["amount"] > 0) & (orders["order_date"] < "2025-01-01")]
    year = buys[buys["order_date"] >= "2024-01-01"]
    for column in ("value_class", "abc_class", "amount_tier"):
        segment = report.segments[column]
        assert segment["revenue"].sum() == pytest.approx(year["amount"].sum())
        assert segment["revenue_share"].sum() == pytest.approx(1.0)
    assert report.segments["abc_class"]["customers"].sum() == buys["customer_id"].nunique()
    assert report.migration.to_numpy().sum() == buys["customer_id"].nunique()
    assert report.excluded_orders == int((orders["amount"] <= 0).sum())
    assert report.clv is not None and report.clv_scope == "region"
    predictions = report.customers.dropna(subset=["clv"])
    assert len(predictions) == buys["customer_id"].nunique()
    assert predictions["p_alive"].between(0, 1).all() and (predictions["clv"] >= 0).all()
    ranking = tables.ranking_table(report, 5)
    assert ranking["clv"].is_monotonic_decreasing and len(ranking) == 5


def test_small_region_falls_back_to_company_models(demo) -> None:
    repeat = ValueParams(clv=ClvParams(min_repeat_buyers=10))
    regional = analyse_value(demo, "东北", "2024Q4", repeat)
    region_buyers = regional.customers["frequency"].ge(2).sum()
    fallback = replace(repeat, clv=ClvParams(min_repeat_buyers=int(region_buyers) + 1))
    report = analyse_value(demo, "东北", "2024Q4", fallback)
    assert report.clv_scope == "company" and report.clv.scope == "company"
    # company-wide models, predictions only for this region's buyers
    assert set(report.clv.predictions.index) <= set(report.customers["customer_id"])
    assert "全公司" in tables.clv_method_note(report, fallback)


def test_order_lines_are_summed_into_orders(tmp_path) -> None:
    """The shop export of tests/extracts/order_lines_fixture.py: 14 lines, 8 orders. Purchases
    before 2011-01-01: 17850 536365 77.98 + 536366 22.20 on 12-01, 536372 11.10 on 12-02;
    13047 536367 66.68 + 536368 25.50 on 12-01. Returns C536391, C536379, C540001 are left out."""
    customers = pd.DataFrame({
        "customer_id": ["17850", "13047", "14527"], "customer_type": "企业",
        "name": ["甲公司", "乙公司", "丙公司"], "region": "华东", "owner": "王磊",
        "status": "成交客户", "city": "杭州市",
    })  # fmt: skip
    interactions = pd.DataFrame({"customer_id": pd.Series([], dtype="str"),
                                 "interaction_date": pd.Series([], dtype="datetime64[ns]")})  # fmt: skip
    data = SimpleNamespace(customers=customers, orders=load_order_lines(tmp_path),
                           interactions=interactions)  # fmt: skip
    report = analyse_value(data, "华东", "2010Q4")
    table = report.customers.set_index("customer_id")
    assert report.excluded_orders == 3  # the three returns, not their four lines
    assert table.loc["17850", ["frequency", "orders"]].tolist() == [2, 3]  # 7 lines
    assert table.loc["13047", ["frequency", "orders"]].tolist() == [1, 2]
    assert table.loc["17850", "monetary"] == pytest.approx(111.28)
    assert table.loc["13047", "monetary"] == pytest.approx(92.18)  # the return is left out
    assert table.loc["17850", "revenue_12m"] == pytest.approx(111.28)
    assert pd.isna(table.loc["14527", "orders"])  # only a return: no purchase


def test_purchases_are_orders_with_amount_above_zero_not_lines(small: SimpleNamespace) -> None:
    """An order of C5 (华南) with a discount line: one purchase of 90, nothing left out."""
    lines = pd.DataFrame({
        "order_id": ["D1", "D1"], "customer_id": "C5",
        "order_date": pd.to_datetime(["2024-11-02", "2024-11-02"]), "amount": [100.0, -10.0],
    })  # fmt: skip
    orders = pd.concat([small.orders.assign(order_id=[f"S{i}" for i in range(9)]), lines])
    report = analyse_value(replace_orders(small, orders), "华南", "2024Q4")
    table = report.customers.set_index("customer_id")
    assert report.excluded_orders == 0
    assert table.loc["C5", "orders"] == 2 and table.loc["C5", "monetary"] == 90_090.0


def replace_orders(data: SimpleNamespace, orders: pd.DataFrame) -> SimpleNamespace:
    return SimpleNamespace(customers=data.customers, orders=orders, interactions=data.interactions)


def test_the_churn_models_tags_replace_the_silence_rule(small: SimpleNamespace) -> None:
    """With the churn report's tags, 高流失风险 (and so 挽留回访) is the model's band 高: C1,
    valuable (A), gets it and heads the follow-up list; nobody keeps the rule's tag."""
    plain = analyse_value(small, "华东", "2024Q4")
    churn = pd.DataFrame({"customer_id": ["C1", "C9", "C2"],
                          "tag": ["高流失风险", "高流失风险", "重点跟进"]})  # fmt: skip
    report = analyse_value(small, "华东", "2024Q4", churn_tags=churn)
    tagged = report.tags[report.tags["tag"] == "高流失风险"]["customer_id"].tolist()
    assert tagged == ["C1"]  # C9 is not a customer of 华东; 重点跟进 of churn is not taken
    follow = report.follow_up()
    assert follow.iloc[0]["customer_id"] == "C1" and follow.iloc[0]["action"] == "retain"
    others = report.tags[report.tags["tag"] != "高流失风险"].reset_index(drop=True)
    expected = plain.tags[plain.tags["tag"] != "高流失风险"].reset_index(drop=True)
    pd.testing.assert_frame_equal(others, expected)


def test_a_month_ends_the_12_month_window_at_its_end(small: SimpleNamespace) -> None:
    # November 2024: as_of 2024-12-01, window 2023-12-01 .. 2024-11-30: C1 600k + 700k,
    # C2 4,000, C3 150,000 (2023-12-31 now inside); October: C1's 700k not yet
    november = analyse_value(small, "华东", "2024-11")
    table = november.customers.set_index("customer_id")
    assert november.period == "2024-11" and november.as_of == pd.Timestamp("2024-12-01")
    assert table.loc[["C1", "C2", "C3"], "revenue_12m"].tolist() == [1_300_000, 4_000, 150_000]
    october = analyse_value(small, "华东", "2024-10").customers.set_index("customer_id")
    assert october.loc["C1", "revenue_12m"] == 600_000
    assert november.classes.moves.previous_period == "2024-10"
    year = analyse_value(small, "华东", "2024")
    assert year.customers.set_index("customer_id").loc["C3", "revenue_12m"] == 0
    assert year.classes.moves.previous_period == "2023"
    assert tables.report_title("华东", "2024-11") == "2024年11月华东区域客户价值分析报告"

"""Region growth and churn quarter over quarter, against figures computed by hand from the
ten-customer fixture (conftest.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.trends.analysis import analyse_trends, growth_by_period, region_growth
from workbench.trends.params import GrowthParams, TrendParams

TWO = TrendParams(growth=GrowthParams(quarters=2))


def _east(small):
    growth = region_growth(small.customers, _purchases(small), "2024Q4", TWO)
    return growth[growth["region"] == "华东"].set_index("period")


def _purchases(small):
    from workbench.churn.definition import purchases_of

    return purchases_of(small.orders)


def test_new_buyers_revenue_and_changes_by_hand(small):
    east = _east(small)
    assert list(east.index) == ["2024Q3", "2024Q4"]
    # 2024Q3: C03 and C05 new; C01 2×10,000 + C02 2×5,000 + C03 20,000 + C05 10,000
    assert east.loc["2024Q3", ["new_buyers", "buyers", "revenue"]].tolist() == [2, 4, 60_000.0]
    # 2024Q4: C04 new (two lines = one order of 40,000; the return is no purchase)
    assert east.loc["2024Q4", ["new_buyers", "buyers", "revenue"]].tolist() == [1, 3, 75_000.0]
    assert east.loc["2024Q3", "revenue_qoq"] == pytest.approx(60 / 25 - 1)  # 2024Q2: 25,000
    assert math.isnan(east.loc["2024Q3", "new_buyers_qoq"])  # none in 2024Q2: no ratio
    assert east.loc["2024Q4", "new_buyers_qoq"] == pytest.approx(-0.5)
    assert east.loc["2024Q4", "revenue_qoq"] == pytest.approx(0.25)
    assert east.loc["2024Q4", "revenue_yoy"] == pytest.approx(75 / 30 - 1)  # 2023Q4: 30,000


def test_churn_by_quarter_follows_the_behavioural_definition(small):
    east = _east(small)
    # 2024Q3: active C01, C02 — both bought from 1 July: no churn
    assert east.loc["2024Q3", ["active", "churned", "churn_rate"]].tolist() == [2, 0, 0.0]
    # 2024Q4: active C01, C02, C03, C05; C01 and C05 silent from 1 October for 90 days
    assert east.loc["2024Q4", ["active", "churned", "churn_rate"]].tolist() == [4, 2, 0.5]
    assert east.loc["2024Q4", "churn_rate_change"] == pytest.approx(0.5)


def test_every_region_side_by_side_and_all_regions(small):
    report = analyse_trends(small, "华东", "2024Q4", TWO)
    assert report.comparison["region"].tolist() == [
        "华东", "华南", "华北", "华中", "西南", "西北", "东北", "全国"]  # fmt: skip
    south = report.comparison.set_index("region").loc["华南"]
    assert south[["new_buyers", "buyers", "revenue"]].tolist() == [1, 2, 51_000.0]  # C09; C07
    company = report.comparison.set_index("region").loc["全国"]
    assert company["revenue"] == 75_000.0 + 51_000.0
    assert report.region_growth["region"].unique().tolist() == ["华东"]


def test_a_set_without_purchases_gives_zeros_not_errors(small):
    empty = _purchases(small).iloc[:0]
    growth = growth_by_period(empty, "2024Q4", 2)
    assert growth["revenue"].tolist() == [0.0, 0.0] and growth["churn_rate"].isna().all()


def test_a_region_without_customers(small):
    report = analyse_trends(small, "西北", "2024Q4", TWO)
    assert report.customers == 0 and report.buyers == 0
    assert report.order_drops.empty and report.cohorts["customers"].sum() == 0
    assert (report.region_growth["revenue"] == 0).all()


def test_purchases_after_the_quarter_are_not_seen(small):
    later = pd.DataFrame({"order_id": ["L1"], "customer_id": ["C01"],
                          "order_date": pd.to_datetime(["2025-01-05"]), "amount": [99_000.0]})  # fmt: skip
    small.orders = pd.concat([small.orders, later], ignore_index=True)
    assert _east(small).loc["2024Q4", "revenue"] == 75_000.0


def test_a_month_against_the_previous_month_and_a_year_before(small):
    # 华东 in October 2024: C02 5,000 (10-10) and C04's order 40,000 (10-20, new); nothing in
    # September; October 2023: C01 10,000 (10-15) and C02 2 × 5,000 (10-10, 10-11)
    report = analyse_trends(small, "华东", "2024-10", TWO)
    east = report.region_growth.set_index("period")
    assert list(east.index) == ["2024-09", "2024-10"] and report.period == "2024-10"
    assert east.loc["2024-10", ["new_buyers", "buyers", "revenue"]].tolist() == [1, 2, 45_000.0]
    assert math.isnan(east.loc["2024-10", "revenue_qoq"])  # September: nothing, no ratio
    assert east.loc["2024-10", "revenue_yoy"] == pytest.approx(45 / 20 - 1)
    assert report.as_of == pd.Timestamp("2024-11-01")
    # churn: October is shorter than the 90-day window, which ends with it (08-03 .. 10-31):
    # C01, C02, C03, C05 active; C01 (08-15) and C02 (10-10) buy again, C03 and C05 do not
    assert east.loc["2024-10", ["active", "churned", "churn_rate"]].tolist() == [4, 2, 0.5]


def test_a_year_against_the_year_before(small):
    # 华东 2024: C01 6 × 10,000, C02 7 × 5,000, C03 50,000, C04 40,000, C05 10,000 = 195,000;
    # 2023: C01 8 × 10,000, C02 8 × 5,000 = 120,000; new in 2024: C03, C04, C05
    east = region_growth(small.customers, _purchases(small), "2024", TWO)
    east = east[east["region"] == "华东"].set_index("period")
    assert list(east.index) == ["2023", "2024"]
    assert east.loc["2024", ["new_buyers", "buyers", "revenue"]].tolist() == [3, 5, 195_000.0]
    assert east.loc["2024", "revenue_yoy"] == pytest.approx(195 / 120 - 1)
    assert east.loc["2024", "revenue_qoq"] == east.loc["2024", "revenue_yoy"]

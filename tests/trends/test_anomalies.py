"""The robust z-score rule: a planted drop and a planted rise are flagged, noisy normal series
are not (hand-computed medians, MADs and z-scores from conftest.py's fixture)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.churn.definition import purchases_of
from workbench.trends.anomalies import complaint_counts, complaint_rises, complaints, order_drops
from workbench.trends.params import DropRule, RiseRule


def test_the_planted_drop_is_flagged_and_the_noisy_customer_is_not(small):
    east = small.customers.loc[small.customers["region"] == "华东", "customer_id"]
    purchases = purchases_of(small.orders)
    drops = order_drops(purchases[purchases["customer_id"].isin(east)], "2024Q4").set_index(
        "customer_id"
    )
    # evaluated: C01 and C02 only (C03, C05: one quarter of history; C04: new)
    assert sorted(drops.index) == ["C01", "C02"]
    c01 = drops.loc["C01"]  # 2 every quarter: median 2, MAD 0 → scale = floor 0.25; 0 now
    assert (c01["median"], c01["mad"], c01["scale"], c01["orders"]) == (2.0, 0.0, 0.25, 0.0)
    assert c01["z"] == pytest.approx(-8.0) and c01["change"] == -1.0 and c01["flagged"]
    c02 = drops.loc["C02"]  # 1,3,2,1,2,3,1,2: median 2, MAD 1 → scale 1.4826; 1 now
    assert (c02["median"], c02["mad"], c02["orders"]) == (2.0, 1.0, 1.0)
    assert c02["z"] == pytest.approx(-1 / 1.4826) and not c02["flagged"]


def test_history_counts_from_the_first_purchase_and_thresholds_come_from_params(small):
    purchases = purchases_of(small.orders)
    c01 = purchases[purchases["customer_id"] == "C01"]
    assert order_drops(c01, "2024Q4").loc[0, "history"] == 8
    late = c01[c01["order_date"] >= "2023-10-01"]  # four quarters of history: still evaluated
    assert order_drops(late, "2024Q4").loc[0, "history"] == 4
    assert order_drops(late, "2024Q4", DropRule(min_history_quarters=5)).empty
    assert not order_drops(c01, "2024Q4", DropRule(z_threshold=9.0)).loc[0, "flagged"]


def test_complaint_types_are_read_through_the_vocabulary(small):
    found = complaints(small.interactions)
    assert set(found["type"]) == {"投诉", "complaint", "客诉"}  # 咨询 left out
    assert len(found) == sum([2, 3, 2, 2, 3, 2, 2, 3, 9, 4, 6, 5, 5, 4, 6, 5, 5, 6])


def test_the_planted_complaint_rise_is_flagged_and_the_normal_region_is_not(small):
    rises = complaint_rises(small.interactions, small.customers, "2024Q4").set_index("region")
    east = rises.loc["华东"]  # 2,3,2,2,3,2,2,3: median 2, MAD 0 → scale 1; 9 now: z 7
    assert (east["history"], east["median"], east["mad"], east["scale"]) == (8, 2.0, 0.0, 1.0)
    assert east["complaints"] == 9 and east["z"] == pytest.approx(7.0) and east["flagged"]
    south = rises.loc["华南"]  # 4,6,5,5,4,6,5,5: median 5, MAD 0.5 → scale 1; 6 now: z 1
    assert (south["median"], south["mad"], south["z"]) == (5.0, 0.5, 1.0)
    assert not south["flagged"]
    company = rises.loc["全国"]  # 6,9,7,7,7,8,7,8 → median 7, MAD 0.5; 15 now
    assert company["median"] == 7.0 and company["z"] == pytest.approx(8.0) and company["flagged"]
    north = rises.loc["华北"]  # no complaint ever: 0 against 0 is no anomaly
    assert north["complaints"] == 0 and not north["flagged"]


def test_small_counts_and_short_histories_do_not_alarm(small):
    rises = complaint_rises(small.interactions, small.customers, "2024Q4",
                            RiseRule(min_count=10)).set_index("region")  # fmt: skip
    assert not rises.loc["华东", "flagged"]  # 9 complaints < 10
    early = complaint_rises(small.interactions, small.customers, "2023Q2").set_index("region")
    assert early.loc["华东", "history"] == 2 and not early["flagged"].any()  # from 2022Q4 only


def test_counts_are_missing_before_the_extract_starts(small):
    counts = complaint_counts(small.interactions, small.customers, "2023Q1", 4)
    assert counts.loc["华东"].tolist()[:2] == [pytest.approx(float("nan"), nan_ok=True)] * 2
    assert counts.loc["华东"].tolist()[2:] == [2.0, 3.0]


def test_no_interactions_at_all(small):
    empty = small.interactions.iloc[:0]
    rises = complaint_rises(empty, small.customers, "2024Q4")
    assert not rises["flagged"].any() and rises["median"].isna().all()
    assert pd.isna(complaint_counts(empty, small.customers, "2024Q4", 2)).all().all()

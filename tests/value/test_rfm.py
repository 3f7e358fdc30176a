"""RFM table, quantile scores and value classes on tiny fixtures computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.extracts.order_lines_fixture import load_order_lines
from workbench.extracts.order_lines import order_totals
from workbench.value.params import ClassRules, RfmParams, ValueParams
from workbench.value.rfm import RFM_COLUMNS, quantile_scores, rfm_classes, rfm_scores, rfm_table

AS_OF = pd.Timestamp("2025-01-01")  # exclusive cut-off: orders of 2024 and before count


def _orders(rows: list[tuple[str, str | None, float]]) -> pd.DataFrame:
    ids, dates, amounts = zip(*rows, strict=True) if rows else ((), (), ())
    return pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype=object),
            "order_date": pd.to_datetime(pd.Series(dates, dtype=object)),
            "amount": pd.Series(amounts, dtype="float64"),
        }
    )


# recency_days / frequency / monetary by hand (as_of 2025-01-01):
# c1: last 2024-12-31 → 1 day; days 12-01, 12-31 (two orders on 12-31 count once) → F 2; M 300
# c2: last 2024-12-22 → 10; four days → F 4; M 4000; first 09-01 → tenure 30+31+30+31 = 122
# c3: one order 2024-10-03 → recency 29+30+31 = 90; F 1; M 500
# c4: last 2024-08-01 → 31+30+31+30+31 = 153; F 3; M 600
# c5: one order 2023-01-01 → 365 + 366 = 731; F 1; M 50
# c6: one order 2024-12-28 → 4; F 1; M 80
# c7: only an order on as_of itself and one without a date → no row
ORDERS = _orders(
    [
        ("c1", "2024-12-31", 100.0), ("c1", "2024-12-31", 50.0), ("c1", "2024-12-01", 150.0),
        ("c2", "2024-12-22", 1000.0), ("c2", "2024-11-01", 1000.0),
        ("c2", "2024-10-01", 1000.0), ("c2", "2024-09-01", 1000.0),
        ("c3", "2024-10-03", 500.0),
        ("c4", "2024-06-01", 200.0), ("c4", "2024-07-01", 200.0), ("c4", "2024-08-01", 200.0),
        ("c5", "2023-01-01", 50.0),
        ("c6", "2024-12-28", 80.0),
        ("c7", "2025-01-01", 999.0), ("c7", None, 999.0),
    ]
)  # fmt: skip


def test_rfm_table_by_hand():
    table = rfm_table(ORDERS, AS_OF).set_index("customer_id")
    assert list(table.reset_index().columns) == list(RFM_COLUMNS)
    assert list(table.index) == ["c1", "c2", "c3", "c4", "c5", "c6"]
    assert table["recency_days"].tolist() == [1, 10, 90, 153, 731, 4]
    assert table["frequency"].tolist() == [2, 4, 1, 3, 1, 1]
    assert table["orders"].tolist() == [3, 4, 1, 3, 1, 1]
    assert table["monetary"].tolist() == [300.0, 4000.0, 500.0, 600.0, 50.0, 80.0]
    assert table["mean_order_value"].tolist() == [100.0, 1000.0, 500.0, 200.0, 50.0, 80.0]
    assert table.loc["c2", "tenure_days"] == 122


def test_window_and_time_of_day():
    # 90-day window: [2024-10-03, 2025-01-01) keeps c3's order on its first day, drops c4 and c5
    table = rfm_table(ORDERS, AS_OF, window_days=90).set_index("customer_id")
    assert list(table.index) == ["c1", "c2", "c3", "c6"]
    assert table.loc["c2", "frequency"] == 2  # 11-01 and 12-22; 09-01 and 10-01 are outside
    timed = _orders([("x", "2024-12-31 23:59", 1.0)])
    assert rfm_table(timed, "2025-01-01 08:00")["recency_days"].tolist() == [1]


def test_empty_orders_give_an_empty_table():
    table = rfm_table(_orders([]), AS_OF)
    assert table.empty
    assert list(table.columns) == list(RFM_COLUMNS)
    scored = rfm_classes(_orders([]), AS_OF)
    assert scored.empty and "value_class" in scored


def test_scores_by_hand():
    # n = 6, bins = 5: rank r → 1 + floor((r − 1) × 5 / 6): 1,1,2,3,4,5 for r = 1..6
    # R (recent = high rank): c1 1d r6 → 5, c6 4d r5 → 4, c2 10d r4 → 3, c3 r3 → 2, c4 r2 → 1, c5 r1 → 1
    # F: c3, c5, c6 tie at 1 → rank 1 → 1; c1 (2) r4 → 3; c4 (3) r5 → 4; c2 (4) r6 → 5
    # M: c5 50 r1 → 1, c6 80 r2 → 1, c1 300 r3 → 2, c3 500 r4 → 3, c4 600 r5 → 4, c2 r6 → 5
    scores = rfm_scores(rfm_table(ORDERS, AS_OF), bins=5).set_index("customer_id")
    order = ["c1", "c2", "c3", "c4", "c5", "c6"]
    assert scores.loc[order, "r_score"].tolist() == [5, 3, 2, 1, 1, 4]
    assert scores.loc[order, "f_score"].tolist() == [3, 5, 1, 4, 1, 1]
    assert scores.loc[order, "m_score"].tolist() == [2, 5, 3, 4, 1, 1]
    assert scores.loc[order, "rfm_total"].tolist() == [10, 13, 6, 9, 3, 6]


def test_value_classes_by_hand():
    # default rules: 高价值 R≥3 F≥4 M≥4; 潜在价值 R≥4 F≤2; 中价值 R+F+M ≥ 9; else 低价值
    # c1 5/3/2: F 3 → not high; F > 2 → not potential; total 10 → 中价值
    # c2 3/5/5 → 高价值; c3 2/1/3 total 6 → 低价值; c4 1/4/4: R 1 → not high, total 9 → 中价值
    # c5 1/1/1 → 低价值; c6 4/1/1: recent newcomer → 潜在价值
    classes = rfm_classes(ORDERS, AS_OF).set_index("customer_id")["value_class"]
    assert classes.to_dict() == {
        "c1": "中价值", "c2": "高价值", "c3": "低价值", "c4": "中价值", "c5": "低价值", "c6": "潜在价值",
    }  # fmt: skip
    assert list(classes.cat.categories) == ["高价值", "中价值", "低价值", "潜在价值"]


def test_rules_come_from_params():
    strict = ValueParams(classes=ClassRules(high_min_r=1, mid_min_total=11))
    classes = rfm_classes(ORDERS, AS_OF, params=strict).set_index("customer_id")["value_class"]
    assert classes["c4"] == "高价值"  # R 1 is now enough
    assert classes["c1"] == "低价值"  # total 10 < 11
    assert rfm_classes(ORDERS, AS_OF, params=strict.classes).equals(
        rfm_classes(ORDERS, AS_OF, params=strict)
    )
    assert RfmParams().bins == 5


def test_ties_get_equal_scores_and_bins_are_equal_sized():
    values = pd.Series([7.0, 7.0, 7.0, 7.0])
    assert quantile_scores(values, 5).tolist() == [1, 1, 1, 1]
    # 10 distinct values, 5 bins → two per score; lowest = 1 unless higher_is_better=False
    distinct = pd.Series(np.arange(10.0)[::-1])
    assert quantile_scores(distinct, 5).tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert quantile_scores(distinct, 5, higher_is_better=False).tolist() == [
        1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]  # fmt: skip
    # a tie spanning bins 2-3 gets the score where the group starts, whatever the row order
    tied = pd.Series([1.0, 5.0, 5.0, 5.0, 5.0, 9.0, 9.5, 9.6, 9.7, 9.8])
    scores = quantile_scores(tied, 5)
    assert scores.tolist() == [1, 1, 1, 1, 1, 3, 4, 4, 5, 5]
    shuffled = tied.sample(frac=1, random_state=0)
    assert quantile_scores(shuffled, 5).sort_index().tolist() == scores.tolist()


@pytest.mark.parametrize("n", [1, 2, 3, 7, 1000])
def test_scores_stay_in_range(n):
    rng = np.random.default_rng(0)
    values = pd.Series(rng.integers(0, 5, n).astype(float))
    scores = quantile_scores(values, 5)
    assert scores.between(1, 5).all()
    assert (scores.groupby(values).nunique() == 1).all()  # equal values, equal scores


def test_rfm_table_counts_orders_not_lines(tmp_path):
    lines = load_order_lines(tmp_path)  # tests/extracts/order_lines_fixture.py
    totals = order_totals(lines)
    bought = lines[lines["order_id"].isin(totals.loc[totals["amount"] > 0, "order_id"])]
    table = rfm_table(bought, "2011-01-01").set_index("customer_id")
    pd.testing.assert_frame_equal(table, rfm_table(totals[totals["amount"] > 0], "2011-01-01")
                                  .set_index("customer_id"))  # fmt: skip
    # 17850: 7 lines of 3 orders (77.98 + 22.20 + 11.10 = 111.28) on 2 days; 13047: 3 lines, 2
    assert table.loc["17850", ["frequency", "orders"]].tolist() == [2, 3]
    assert table.loc["17850", "mean_order_value"] == pytest.approx(111.28 / 3)
    assert table.loc["13047", "orders"] == 2

"""Who churned at a snapshot: hand-checked on a few customers."""

import pandas as pd

from workbench.churn.definition import (
    behavioural_churn_rate,
    behavioural_labels,
    purchases_of,
    status_labels,
)


def _purchases(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    return frame


PURCHASES = _purchases([
    ("A", "2024-03-01", 100.0), ("A", "2024-10-15", 100.0),  # bought in the window: stays
    ("B", "2024-06-30", 100.0),  # active (within 365 days), silent after: churns
    ("C", "2023-09-30", 100.0),  # last bought 367 days before: not active, not in the population
    ("D", "2024-09-30", 100.0), ("D", "2024-12-29", 50.0),  # on the window's last day
    ("E", "2024-10-01", 100.0),  # bought on the snapshot day itself: inside the window, stays
])  # fmt: skip


def test_behavioural_labels_population_and_window_bounds():
    labels = behavioural_labels(PURCHASES, pd.Timestamp("2024-10-01"), 90, 365)
    assert labels.sort_index().to_dict() == {"A": False, "B": True, "D": False}
    # the window is [snapshot, snapshot + 90 days): 2024-12-29 is its last day; E first bought
    # on the snapshot day, so it was not active before it
    later = behavioural_labels(PURCHASES, pd.Timestamp("2024-10-01"), 89, 365)
    assert later["D"]


def test_status_labels_dated_and_undated():
    customers = pd.DataFrame({
        "customer_id": ["A", "B", "C", "D"],
        "status": ["流失客户", "流失客户", "成交客户", "流失客户"],
        "churn_date": pd.to_datetime(["2024-11-01", "2024-05-01", None, "2025-03-01"]),
        "first_contact_date": pd.to_datetime(["2023-01-01", "2023-01-01", "2024-12-01", "2023-06-01"]),
    })  # fmt: skip
    undated = status_labels(customers, None, 90)
    assert undated.to_dict() == {"A": True, "B": True, "C": False, "D": True}
    dated = status_labels(customers, pd.Timestamp("2024-10-01"), 90, date_column="churn_date")
    # B churned before the snapshot (not in the population), C was not known yet, D later
    assert dated.to_dict() == {"A": True, "D": False}


def test_churn_rate_by_quarter_needs_a_complete_window():
    rates = behavioural_churn_rate(PURCHASES, ["2024Q3", "2024Q4"], 90, 365).set_index("period")
    # 2024Q3 (from 2024-07-01): A, B and C (2023-09-30 is within 365 days) active, none buys
    # before 2024-09-29 (A's next order is 2024-10-15)
    assert rates.loc["2024Q3", "active"] == 3 and rates.loc["2024Q3", "churned"] == 3
    # 2024Q4: A, B, D active; B churned; its window ends 2024-12-30, the data's end (last + 1 day)
    assert rates.loc["2024Q4", "churn_rate"] == 1 / 3
    region = PURCHASES[PURCHASES["customer_id"] != "D"]  # a region whose last purchase is earlier
    assert pd.isna(behavioural_churn_rate(region, ["2024Q4"])["churn_rate"].iloc[0])
    given = behavioural_churn_rate(region, ["2024Q4"], data_end="2025-01-01")
    assert given["churn_rate"].iloc[0] == 0.5  # A stays, B churns


def test_purchases_are_orders_summed_over_lines_without_returns():
    lines = pd.DataFrame({
        "order_id": ["O1", "O1", "O2", "O3"], "customer_id": ["A", "A", "A", "B"],
        "order_date": pd.to_datetime(["2024-01-01"] * 3 + ["2024-01-02"]),
        "amount": [100.0, 50.0, -80.0, 30.0],
    })  # fmt: skip
    purchases = purchases_of(lines)
    assert purchases[["customer_id", "amount"]].values.tolist() == [["A", 150.0], ["B", 30.0]]


def test_churn_rate_of_a_month_ends_its_window_with_the_month_and_a_year_starts_it():
    rates = behavioural_churn_rate(PURCHASES, ["2024-09", "2024-11", "2024"], 90, 365)
    rates = rates.set_index("period")
    # 2024-09: the window is the 90 days ending 2024-09-30, from 2024-07-03; A (2024-03-01), B
    # (2024-06-30) and C (2023-09-30) active; none buys before 2024-10-01 (A's next: 10-15)
    assert rates.loc["2024-09", ["active", "churned"]].tolist() == [3, 3]
    # 2024-11: from 2024-09-02 to 2024-11-30; A, B, C (2023-09-30 is 338 days before) active,
    # D's first purchase (09-30) is inside the window; A buys 10-15: B and C churned
    assert rates.loc["2024-11", ["active", "churned"]].tolist() == [3, 2]
    # 2024 (from 2024-01-01): only C bought in 2023, and not again
    assert rates.loc["2024", ["active", "churned", "churn_rate"]].tolist() == [1, 1, 1.0]

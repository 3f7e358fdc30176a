"""A hand-made set of ten customers for the trends tests, written without `workbench.demo`.

华东: C01 buys twice every quarter from 2022Q3 to 2024Q3 and nothing in 2024Q4 (the planted
drop); C02 buys 1, 3, 2, 1, 2, 3, 1, 2 times in 2022Q4–2024Q3 and once in 2024Q4 (a noisy
series that must not be flagged); C03 and C05 are acquired in 2024Q3, C04 in 2024Q4 (an order
of two lines and a return); C06 never buys. 华南: C07 (first 2023Q4), C08 (2024Q1), C09 (an
individual, 2024Q4). 华北: C10 bought in 2021 only.

Complaints per quarter, 2022Q4–2024Q3 then 2024Q4 (types written 投诉, complaint, 客诉):
华东 2, 3, 2, 2, 3, 2, 2, 3 then 9 (the planted rise); 华南 4, 6, 5, 5, 4, 6, 5, 5 then 6 (normal),
plus ten 咨询 in 2024Q4 that are no complaints.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

QUARTERS = [f"{y}Q{q}" for y in (2022, 2023, 2024) for q in (1, 2, 3, 4)][3:]  # 2022Q4 …
C02_ORDERS = [1, 3, 2, 1, 2, 3, 1, 2, 1]  # 2022Q4 … 2024Q4
EAST_COMPLAINTS = [2, 3, 2, 2, 3, 2, 2, 3, 9]
SOUTH_COMPLAINTS = [4, 6, 5, 5, 4, 6, 5, 5, 6]
COMPLAINT_WORDS = ("投诉", "complaint", "客诉")


def _first_month(quarter: str) -> pd.Timestamp:
    return pd.Period(quarter, freq="Q").start_time


def customers() -> pd.DataFrame:
    rows = [(f"C{i:02d}", "企业", f"测试{i}有限公司", region, "王磊", "成交客户")
            for i, region in zip(range(1, 11), ["华东"] * 6 + ["华南"] * 3 + ["华北"],
                                 strict=True)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["customer_id", "customer_type", "name", "region", "owner",
                                        "status"])  # fmt: skip
    frame.loc[frame["customer_id"] == "C09", ["customer_type", "name"]] = ["个人", "王小明"]
    return frame


def orders() -> pd.DataFrame:
    rows = []
    for quarter in pd.period_range("2022Q3", "2024Q3", freq="Q"):  # C01: 2 a quarter, 10,000
        start = quarter.start_time
        rows += [("C01", start + pd.DateOffset(days=14), 10_000.0),
                 ("C01", start + pd.DateOffset(months=1, days=14), 10_000.0)]  # fmt: skip
    for quarter, n in zip(QUARTERS, C02_ORDERS, strict=True):  # C02: 5,000 each, days 10, 11 …
        rows += [("C02", _first_month(quarter) + pd.DateOffset(days=9 + i), 5_000.0)
                 for i in range(n)]  # fmt: skip
    rows += [
        ("C03", pd.Timestamp("2024-08-01"), 20_000.0),
        ("C03", pd.Timestamp("2024-12-29"), 30_000.0),
        ("C05", pd.Timestamp("2024-07-05"), 10_000.0),
        ("C07", pd.Timestamp("2023-12-01"), 10_000.0),
        ("C07", pd.Timestamp("2024-11-05"), 50_000.0),
        ("C08", pd.Timestamp("2024-02-01"), 8_000.0),
        ("C09", pd.Timestamp("2024-12-30"), 1_000.0),
        ("C10", pd.Timestamp("2021-03-01"), 9_000.0),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    frame.insert(0, "order_id", [f"O{i}" for i in range(len(frame))])
    lines = pd.DataFrame({  # C04: one order of two lines (40,000), then a return of 5,000
        "order_id": ["O-C04", "O-C04", "R-C04"], "customer_id": ["C04"] * 3,
        "order_date": pd.to_datetime(["2024-10-20", "2024-10-20", "2024-11-01"]),
        "amount": [25_000.0, 15_000.0, -5_000.0],
    })  # fmt: skip
    return pd.concat([frame, lines], ignore_index=True)


def interactions() -> pd.DataFrame:
    rows = []
    for customer, counts in (("C01", EAST_COMPLAINTS), ("C07", SOUTH_COMPLAINTS)):
        for quarter, n in zip(QUARTERS, counts, strict=True):
            day = _first_month(quarter) + pd.DateOffset(months=1, days=9)
            rows += [(customer, day, COMPLAINT_WORDS[i % 3]) for i in range(n)]
    rows += [("C08", pd.Timestamp("2024-11-20"), "咨询")] * 10
    frame = pd.DataFrame(rows, columns=["customer_id", "interaction_date", "type"])
    frame.insert(0, "interaction_id", [f"I{i}" for i in range(len(frame))])
    return frame


@pytest.fixture
def small() -> SimpleNamespace:
    return SimpleNamespace(customers=customers(), orders=orders(), interactions=interactions())

"""Hand-made funnels whose every figure was computed by hand (not from workbench.demo).

- `worked_example`: the CRM guide's 200 leads → 120 intent → 80 proposal → 50 won, 100 lost
  (价格偏高 45, 竞品选择 30, 需求变化 15, 预算不足 10), 50 still open at the first stage.
  Days in stage, by group (leads that left the stage):
    潜在线索: 100 leads × 10 days + 50 × 25 → mean 15, median 10
    意向客户:  80 × 8 (moved on) + 40 × 14 (lost)  → mean 10, median 8
    方案洽谈:  50 × 4 (won) + 30 × 12 (lost)       → mean 7,  median 4
- `ten_leads`: ten customers' leads with skipped, undated and out-of-order stages, where the two
  conventions differ (the expected numbers are in test_metrics.py, worked out beside each lead).
"""

from __future__ import annotations

import pandas as pd
import pytest

DAY0 = pd.Timestamp("2024-01-01")
LEAD_COLUMNS = ["lead_id", "customer_id", "created_date", "stage", "intent_date",
                "proposal_date", "won_date", "lost_date", "expected_amount", "lost_reason"]  # fmt: skip


def _day(n: int | None) -> pd.Timestamp:
    return pd.NaT if n is None else DAY0 + pd.Timedelta(days=n)


def lead(i, stage, intent=None, proposal=None, won=None, lost=None, reason=None, created=0):
    """One lead row; stage dates are days after 2024-01-01 (None: no date)."""
    return [f"L{i:03d}", f"C{i:03d}", _day(created), stage, _day(intent), _day(proposal),
            _day(won), _day(lost), 10_000.0, reason]  # fmt: skip


def frame(rows: list[list]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=LEAD_COLUMNS)
    for column in ("created_date", "intent_date", "proposal_date", "won_date", "lost_date"):
        out[column] = pd.to_datetime(out[column])
    return out


def _worked_rows() -> list[list]:
    rows, i = [], 0

    def add(n, stage, a=None, b=None, c=None, lost=None, reasons=()):
        nonlocal i
        for k in range(n):
            i += 1
            reason = reasons[k] if reasons else None
            rows.append(lead(i, stage, a, b, c if stage == "成交" else None, lost, reason))

    reasons = ["价格偏高"] * 45 + ["竞品选择"] * 30 + ["需求变化"] * 15 + ["预算不足"] * 10
    # 50 won: 10 days as a lead, 8 in intent, 4 in proposal
    add(50, "成交", 10, 18, 22)
    # 30 lost in proposal: 10 + 8, then 12 days in proposal
    add(30, "流失", 10, 18, lost=30, reasons=reasons[0:30])
    # 40 lost in intent: 20 after 10 days as a lead, 20 after 25; then 14 days in intent
    add(20, "流失", 10, lost=24, reasons=reasons[30:50])
    add(20, "流失", 25, lost=39, reasons=reasons[50:70])
    # 30 lost as leads after 25 days; 50 still open as leads
    add(30, "流失", lost=25, reasons=reasons[70:100])
    add(50, "潜在线索")
    return rows


@pytest.fixture
def worked_example() -> pd.DataFrame:
    """200 leads → 120 → 80 → 50 won, 100 lost, 50 open (see the module docstring)."""
    return frame(_worked_rows())


TEN_LEADS = [
    lead(1, "成交", 5, 10, 20),  # in order, won
    lead(2, "方案洽谈", 3, 8),  # in order, open in proposal
    lead(3, "成交", None, 6, 12),  # skipped intent
    lead(4, "成交", 10, 4, 20),  # proposal dated before intent: out of order
    lead(5, "流失", 5, lost=9, reason="价格偏高"),  # lost in intent
    lead(6, "意向客户"),  # in intent now, no intent date
    lead(7, "流失", lost=7, reason="竞品选择"),  # lost as a lead
    lead(8, "流失", 2, 5, lost=15, reason="价格偏高"),  # lost in proposal
    lead(9, "潜在线索"),  # open as a lead
    lead(10, "成交", 4, 9, 30),  # in order, won
]


@pytest.fixture
def ten_leads() -> pd.DataFrame:
    """Ten leads (customers C001…C010) where the two conventions differ."""
    return frame(TEN_LEADS)


@pytest.fixture
def ten_customers() -> pd.DataFrame:
    """Owners 王磊 (C001–C005) and 陈静 (C006–C010); 华东 C001–C007, 华南 C008–C010."""
    ids = [f"C{i:03d}" for i in range(1, 11)]
    return pd.DataFrame(
        {
            "customer_id": ids,
            "owner": ["王磊"] * 5 + ["陈静"] * 5,
            "region": ["华东"] * 7 + ["华南"] * 3,
        }
    )

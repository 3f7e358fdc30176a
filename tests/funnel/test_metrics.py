"""Funnel figures against hand-computed values: the CRM guide's worked example and ten leads where
the two conventions differ."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.funnel.analysis import with_customers
from workbench.funnel.metrics import (
    funnel_by,
    funnel_table,
    loss_reasons,
    period_cohorts,
    stage_days,
    weakest_stage,
    win_rate,
)
from workbench.funnel.stages import lead_stages

from .conftest import frame, lead


def _column(table: pd.DataFrame, column: str) -> list[float]:
    return table.set_index("stage")[column].tolist()


# --- the worked example: 200 → 120 → 80 → 50 -------------------------------------------------


def test_worked_example_counts_and_conversions(worked_example):
    table = funnel_table(lead_stages(worked_example))
    for convention in ("reached", "in_order"):  # clean, ordered dates: both agree
        assert _column(table, convention) == [200, 120, 80, 50, 100]
        conversion = _column(table, f"{convention}_conversion")
        assert math.isnan(conversion[0]) and math.isnan(conversion[4])
        assert conversion[1:4] == pytest.approx([0.60, 2 / 3, 0.625])
        assert _column(table, f"{convention}_overall")[3] == pytest.approx(0.25)
    assert round(table.set_index("stage").loc["proposal", "reached_conversion"], 3) == 0.667
    assert _column(table, "current") == [50, 0, 0, 50, 100]


def test_worked_example_win_rate_weakest_stage_days_and_reasons(worked_example):
    stages = lead_stages(worked_example)
    assert win_rate(stages) == pytest.approx(50 / 150)
    assert weakest_stage(funnel_table(stages)) == "lead"  # 60% < 62.5% < 66.7%
    days = stage_days(stages).set_index("stage")
    assert days.loc[["lead", "intent", "proposal"], "mean_days"].tolist() == [15, 10, 7]
    assert days.loc[["lead", "intent", "proposal"], "median_days"].tolist() == [10, 8, 4]
    assert days.loc[["lead", "intent", "proposal"], "leads"].tolist() == [150, 120, 80]
    assert days.loc["cycle", "mean_days"] == 22  # 10 + 8 + 4 for every won lead
    reasons = loss_reasons(stages)
    assert reasons["reason"].tolist() == ["价格偏高", "竞品选择", "需求变化", "预算不足"]
    assert reasons["leads"].tolist() == [45, 30, 15, 10]
    assert reasons["share"].tolist() == pytest.approx([0.45, 0.30, 0.15, 0.10])


# --- ten leads: skipped, undated and out-of-order stages -----------------------------------------


def test_the_two_conventions_differ_as_worked_out_by_hand(ten_leads):
    table = funnel_table(lead_stages(ten_leads), min_leads=1)
    # reached: intent L1 L2 L4 L5 L6 L8 L10; proposal L1 L2 L3 L4 L8 L10; won L1 L3 L4 L10
    assert _column(table, "reached") == [10, 7, 6, 4, 3]
    assert _column(table, "reached_conversion")[1:4] == pytest.approx([0.7, 6 / 7, 4 / 6])
    assert _column(table, "reached_overall")[3] == pytest.approx(0.4)
    # in order: L3 skipped intent, L6 has no intent date, L4's proposal predates its intent
    assert _column(table, "in_order") == [10, 6, 4, 2, 3]
    assert _column(table, "in_order_conversion")[1:4] == pytest.approx([0.6, 4 / 6, 0.5])
    assert _column(table, "in_order_overall")[3] == pytest.approx(0.2)
    assert _column(table, "current") == [1, 1, 1, 4, 3]  # L9, L6, L2 open; 4 won; 3 lost
    assert win_rate(lead_stages(ten_leads)) == pytest.approx(4 / 7)


def test_weakest_stage_rule_and_its_minimum(ten_leads):
    table = funnel_table(lead_stages(ten_leads), min_leads=1)
    assert weakest_stage(table, "reached", 1) == "proposal"  # 66.7% < 70% < 85.7%
    assert weakest_stage(table, "in_order", 1) == "proposal"  # 50% < 60% < 66.7%
    assert weakest_stage(table, "reached", 7) == "lead"  # proposal holds 6 < 7 leads
    assert weakest_stage(table, "reached", 11) is None
    assert table["weakest"].tolist() == [False, False, True, False, False]


def test_days_in_stage_skip_open_leads_and_negative_spans(ten_leads):
    days = stage_days(lead_stages(ten_leads)).set_index("stage")
    # lead: 5 3 6 10 5 7 2 4 (L6, L9 never left); intent: 5 5 4 3 5 (L4 went backwards)
    # proposal: 10 6 16 10 21; cycle: 20 12 20 30
    assert days["leads"].tolist() == [8, 5, 5, 4]
    assert days["mean_days"].tolist() == pytest.approx([5.25, 4.4, 12.6, 20.5])
    assert days["median_days"].tolist() == [5, 5, 10, 20]


def test_loss_reasons_of_ten_leads_and_blank_reasons(ten_leads):
    reasons = loss_reasons(lead_stages(ten_leads))
    assert reasons.to_dict("list") == {"reason": ["价格偏高", "竞品选择"], "leads": [2, 1],
                                       "share": pytest.approx([2 / 3, 1 / 3])}  # fmt: skip
    blank = frame([lead(1, "流失", lost=3), lead(2, "流失", lost=3, reason=" 价格偏高 ")])
    reasons = loss_reasons(lead_stages(blank))
    assert reasons["reason"].tolist() == ["价格偏高", "to_complete"]
    assert reasons["share"].tolist() == [0.5, 0.5]


def test_by_owner_and_by_region(ten_leads, ten_customers):
    stages = with_customers(lead_stages(ten_leads), ten_customers)
    owners = funnel_by(stages, "owner").set_index("group")
    assert owners.loc["王磊"].tolist() == pytest.approx([5, 4, 4, 3, 1, 0.6, 0.75])
    assert owners.loc["陈静"].tolist() == pytest.approx([5, 3, 2, 1, 2, 0.2, 1 / 3])
    regions = funnel_by(stages, "region").set_index("group")
    assert regions.loc["华东"].tolist() == pytest.approx([7, 5, 4, 3, 2, 3 / 7, 0.6])
    assert regions.loc["华南"].tolist() == pytest.approx([3, 2, 2, 1, 1, 1 / 3, 0.5])
    in_order = funnel_by(stages, "owner", "in_order").set_index("group")
    assert in_order.loc["王磊", ["intent", "proposal", "won"]].tolist() == [4, 2, 1]


def test_period_cohorts_are_leads_created_in_each_period_as_at_its_end():
    def d(text):
        return (pd.Timestamp(text) - pd.Timestamp("2024-01-01")).days

    leads = frame([
        # 2024Q4: A won; B lost; C qualified only after the quarter; D open
        lead(1, "成交", d("2024-10-20"), d("2024-11-01"), d("2024-12-01"), created=d("2024-10-05")),
        lead(2, "流失", lost=d("2024-11-15"), reason="价格偏高", created=d("2024-11-01")),
        lead(3, "成交", d("2025-01-10"), d("2025-01-20"), d("2025-02-01"), created=d("2024-12-20")),
        lead(4, "潜在线索", created=d("2024-10-10")),
        # 2024Q3: E won; F lost only after the quarter: open in proposal at its end
        lead(5, "成交", d("2024-07-10"), d("2024-07-20"), d("2024-08-01"), created=d("2024-07-01")),
        lead(6, "流失", d("2024-08-05"), d("2024-09-01"), lost=d("2024-10-15"),
             created=d("2024-08-01")),
        lead(7, "成交", d("2024-05-02"), d("2024-05-03"), d("2024-05-04"), created=d("2024-05-01")),
        lead(8, "潜在线索", created=d("2025-01-05")),
    ])  # fmt: skip
    table = period_cohorts(leads, "2024Q4").set_index("metric")
    assert table["current"].tolist() == pytest.approx([4, 1, 1, 1, 1, 0.25, 0.5])
    assert table["previous"].tolist() == pytest.approx([2, 2, 2, 1, 0, 0.5, 1.0])
    change = table["change"]
    assert change[["leads", "intent", "proposal", "won"]].tolist() == pytest.approx(
        [1.0, -0.5, -0.5, 0.0]
    )
    assert math.isnan(change["lost"])  # nothing to compare with
    assert change[["conversion", "win_rate"]].tolist() == pytest.approx([-0.25, -0.5])  # points
    # November 2024: only B (created 11-01, lost 11-15); October: A (won only on 12-01, so
    # qualified at October's end) and D (open)
    month = period_cohorts(leads, "2024-11").set_index("metric")
    assert month.loc[["leads", "won", "lost"], "current"].tolist() == [1, 0, 1]
    assert month.loc[["leads", "intent", "won", "lost"], "previous"].tolist() == [2, 1, 0, 0]
    # 2024: leads 1–7, as at 2025-01-01 A, E, G won (C only in 2025), B and F lost; 2023: none
    year = period_cohorts(leads, "2024").set_index("metric")
    assert year.loc[["leads", "won", "lost"], "current"].tolist() == [7, 3, 2]
    assert year.loc["leads", "previous"] == 0

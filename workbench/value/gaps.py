"""What the value report cannot show, and why (see `workbench.profiling.gaps`): a region without
customers or without purchases, CLV without enough repeat buyers, hot leads without follow-ups.
"""

from __future__ import annotations

from workbench.profiling.gaps import Gap, region_gap, table_gap
from workbench.value.analysis import ValueReport

VALUE_PARTS = ("rfm", "abc", "amount_tier", "clv", "leads")


def value_gaps(data: object, report: ValueReport) -> dict[str, Gap]:
    """Part of the value report (VALUE_PARTS) → why it cannot be shown; parts that can are not
    listed. Hot leads (跟进报价) need the interactions' pages viewed or question type."""
    region = region_gap(data, report.customers)
    if region is not None:
        return dict.fromkeys(VALUE_PARTS, region)
    gaps: dict[str, Gap] = {}
    if report.scores.empty:  # no purchase of the region's customers before the period's end
        gaps.update(dict.fromkeys(("rfm", "abc", "amount_tier", "clv"), Gap("no_purchases")))
    elif report.clv is None:
        gaps["clv"] = Gap("few_repeat_buyers")
    leads = table_gap(data, "interactions")
    signals = ("pages_viewed", "question_type")
    if leads is None and all(table_gap(data, "interactions", column) for column in signals):
        leads = Gap("no_column", "interactions", signals)
    if leads is not None:
        gaps["leads"] = leads
    return gaps

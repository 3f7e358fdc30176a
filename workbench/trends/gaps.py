"""What the trends report cannot show, and why (see `workbench.profiling.gaps`): a region without
customers or purchases, complaints without an interactions extract (or its 互动类型 column).
"""

from __future__ import annotations

from workbench.profiling.gaps import Gap, has_values, region_gap, table_gap
from workbench.trends.analysis import TrendReport

TREND_PARTS = ("comparison", "growth", "order_drops", "complaints", "cohorts")


def trend_gaps(data: object, report: TrendReport) -> dict[str, Gap]:
    """Part of the trends report (TREND_PARTS) → why it cannot be shown; parts that can are not
    listed. The regions side by side need only some customer to have a region."""
    gaps: dict[str, Gap] = {}
    if not has_values(data.customers, "region"):
        gaps["comparison"] = Gap("no_region", "customers", ("region", "province"))
    customers = data.customers.iloc[:0] if report.customers == 0 else data.customers
    region = region_gap(data, customers)
    if region is not None:
        gaps.update(dict.fromkeys(("growth", "order_drops", "cohorts"), region))
    elif report.buyers == 0:
        gaps.update(dict.fromkeys(("order_drops", "cohorts"), Gap("no_purchases")))
    complaints = table_gap(data, "interactions", "interaction_date", "type")
    if complaints is not None:
        gaps["complaints"] = complaints
    return gaps

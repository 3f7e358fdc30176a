"""What the funnel report cannot show, and why (see `workbench.profiling.gaps`): no opportunities
extract, no leads of the region in the window, stage dates missing (the in-order funnel and days
in stage need them), no lost leads or no loss reasons, no owners, no prospects' behaviour.
"""

from __future__ import annotations

from workbench.funnel.analysis import FunnelReport
from workbench.funnel.stages import DATED, dated_columns
from workbench.profiling.gaps import Gap, has_values, region_gap, table_gap

FUNNEL_PARTS = ("funnel_stages", "funnel_in_order", "funnel_days", "funnel_reasons",
                "funnel_owner", "funnel_quarters", "leads")  # fmt: skip
_LEAD_PARTS = FUNNEL_PARTS[:-1]  # what the opportunities extract gives


def funnel_gaps(data: object, report: FunnelReport) -> dict[str, Gap]:
    """Part of the funnel report (FUNNEL_PARTS) → why it cannot be shown; the parts that can are
    not listed. Without stage dates the funnel is still shown, read from the current stage."""
    if not report.customers:
        region = region_gap(data, data.customers.iloc[:0])
        return dict.fromkeys(FUNNEL_PARTS, region)
    gaps: dict[str, Gap] = {}
    leads = table_gap(data, "opportunities")
    if leads is None and not len(report.leads):
        leads = Gap("no_leads", "opportunities")
    if leads is not None:
        gaps.update(dict.fromkeys(_LEAD_PARTS, leads))
    else:
        missing = tuple(c for c in DATED if c not in dated_columns(data.opportunities))
        if missing:
            undated = Gap("no_column", "opportunities", missing)
            gaps.update({"funnel_in_order": undated, "funnel_days": undated})
        lost = report.leads["outcome"] == "lost"
        if not lost.any():
            gaps["funnel_reasons"] = Gap("no_lost", "opportunities")
        elif not has_values(report.leads[lost], "lost_reason"):
            gaps["funnel_reasons"] = Gap("no_column", "opportunities", ("lost_reason",))
        if not has_values(report.leads, "owner"):
            gaps["funnel_owner"] = Gap("no_column", "customers", ("owner",))
        if report.quarters["current"].iloc[0] == 0 and report.quarters["previous"].iloc[0] == 0:
            gaps["funnel_quarters"] = Gap("none_in_quarter", "opportunities")
    follow = table_gap(data, "interactions")
    signals = ("pages_viewed", "question_type")
    if follow is None and all(table_gap(data, "interactions", c) for c in signals):
        follow = Gap("no_column", "interactions", signals)
    if follow is not None:
        gaps["leads"] = follow
    return gaps

"""What the requirement report cannot show, and why (see `workbench.profiling.gaps`): no
requirements extract, a region without customers or without requirements in the period, an
optional column missing or empty, no purchases to tell high-value customers from the others.
"""

from __future__ import annotations

from workbench.profiling.analysis import customers_of_region
from workbench.profiling.gaps import Gap, region_gap, table_gap
from workbench.requirements.analysis import DIMENSIONS, NO_CLASS, RequirementReport

# Each part of the report and the requirements column it needs ("" = only the table).
# Parts are named req_<part> (their label: part_req_<part>).
REQUIREMENT_NEEDS: dict[str, str] = {
    **{f"req_{dimension}": dimension for dimension in DIMENSIONS},
    "req_industry": "",
    "req_value_class": "",
    "req_quadrants": "urgency",
    "req_service_levels": "resolved_date",
    "req_overdue": "due_date",
    "req_satisfaction": "satisfaction",
    "req_rejections": "rejection_reason",
    "req_themes": "description",
    "req_rising": "description",
}
REQUIREMENT_PARTS = ("req_requirements", *REQUIREMENT_NEEDS, "req_lists")  # lists: Q1 / Q4
OPEN_PARTS = ("req_overdue", "req_lists")  # about requirements open at the end, of any period


def requirement_gaps(data: object, report: RequirementReport) -> dict[str, Gap]:
    """Part of the report (REQUIREMENT_PARTS) → why it cannot be shown; the parts that
    can are not listed. A region with requirements but none in the period keeps its lists of
    requirements still open."""
    customers = customers_of_region(data.customers, report.region)
    whole = region_gap(data, customers) or table_gap(data, "requirements")
    if whole is not None:
        return dict.fromkeys(REQUIREMENT_PARTS, whole)
    gaps: dict[str, Gap] = {}
    if report.current.empty:
        none = Gap("none_in_quarter", "requirements")
        gaps.update(dict.fromkeys([p for p in REQUIREMENT_PARTS if p not in OPEN_PARTS], none))
    if report.requirements.empty:
        gaps.update(dict.fromkeys(OPEN_PARTS, Gap("none_in_quarter", "requirements")))
    for part, column in REQUIREMENT_NEEDS.items():
        if part not in gaps and column and (gap := table_gap(data, "requirements", column)):
            gaps[part] = gap
    if "req_industry" not in gaps and (gap := table_gap(data, "customers", "industry")):
        gaps["req_industry"] = gap
    if report.requirements["value_class"].eq(NO_CLASS).all() and "req_value_class" not in gaps:
        gaps["req_value_class"] = Gap("no_purchases")
        gaps.setdefault("req_quadrants", Gap("no_purchases"))
    return gaps

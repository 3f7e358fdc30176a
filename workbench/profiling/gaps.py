"""What a report cannot show, and why: the parts whose data the extracts lack.

Any optional column of any table may be absent (the loader adds it empty), and the interactions,
requirements and opportunities files may be missing altogether (cleaning adds those tables
empty; `CleanResult.supplied` tells). A report then leaves the part out and says why instead of
drawing an empty chart. Frames in, `Gap`s out, no words: `workbench.profiling.tables` turns a
gap into a sentence (``gap_<reason>``) in the report's language.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.core.periods import in_period

# Each part of the profile report that can go missing, and the (table, column) it needs; the
# KPI rows are named after their label (kpi_<key>). The region's own gaps come first.
PROFILE_NEEDS: dict[str, tuple[tuple[str, str], ...]] = {
    "kpi_new_customers": (("customers", "first_deal_date"),),
    "kpi_followups_per_customer": (("interactions", ""),),
    "kpi_complaints": (("interactions", "type"),),
    "kpi_satisfaction": (("interactions", "satisfaction"),),
    "kpi_silent_customers": (("interactions", ""),),
    "province": (("customers", "province"),),
    "industry": (("customers", "customer_type"), ("customers", "industry")),
    "size": (("customers", "customer_type"), ("customers", "size")),
    "product_category": (("orders", "product_category"),),
    "source_channel": (("customers", "source_channel"),),
    "channel": (("interactions", "channel"),),
}
REGION_PARTS = ("kpis", "trend")  # parts that only the region's having no customers takes away


@dataclass(frozen=True)
class Gap:
    """Why a part of a report is not shown: a reason (label ``gap_<reason>``), the table and
    the columns it concerns.

    Reasons: no_table (no file), empty_table (a file without rows), no_column (no value in the
    whole table), no_region (no customer has a region), no_customers (none in this region),
    no_enterprises, none_in_quarter (no row of the table for the region in the period),
    no_purchases, few_repeat_buyers (CLV).
    """

    reason: str
    table: str = ""
    columns: tuple[str, ...] = ()


def supplied(data: object, table: str) -> bool:
    """Whether the extracts had `table` (True for data that does not say, such as test frames)."""
    check = getattr(data, "supplied", None)
    return bool(check(table)) if callable(check) else True


def has_values(frame: pd.DataFrame, column: str) -> bool:
    """Whether `column` is in `frame` with at least one value that is not blank."""
    if column not in frame:
        return False
    values = frame[column].dropna()
    if values.dtype == object or str(values.dtype) in ("str", "string"):
        values = values[values.astype("str").str.strip().ne("")]
    return len(values) > 0


def table_gap(data: object, table: str, *columns: str) -> Gap | None:
    """The gap of a table the extracts lack or that has no rows, else of the first of `columns`
    without any value in the whole table; None when all is there."""
    if not supplied(data, table):
        return Gap("no_table", table)
    frame = getattr(data, table)
    if frame.empty:
        return Gap("empty_table", table)
    for column in columns:
        if column and not has_values(frame, column):
            return Gap("no_column", table, (column,))
    return None


def region_gap(data: object, customers: pd.DataFrame) -> Gap | None:
    """The gap of a region without customers: none has a region at all, or none is in this one."""
    if len(customers):
        return None
    if not has_values(data.customers, "region"):
        return Gap("no_region", "customers", ("region", "province"))
    return Gap("no_customers", "customers")


def profile_gaps(data: object, customers: pd.DataFrame, period: str) -> dict[str, Gap]:
    """Part of the profile report (PROFILE_NEEDS, REGION_PARTS) → why it cannot be shown, for
    the region's `customers` in `period` (a month, a quarter or a year); the parts that can be
    shown are not listed."""
    region = region_gap(data, customers)
    if region is not None:
        return dict.fromkeys((*REGION_PARTS, *PROFILE_NEEDS), region)
    gaps = {}
    for part, needs in PROFILE_NEEDS.items():
        for table, column in needs:
            if (gap := table_gap(data, table, column)) is not None:
                gaps[part] = gap
                break
    if "customer_type" in customers and not (customers["customer_type"] == "企业").any():
        for part in ("industry", "size"):
            gaps.setdefault(part, Gap("no_enterprises", "customers"))
    ids = customers["customer_id"]
    for part, table, date in (("product_category", "orders", "order_date"),
                              ("channel", "interactions", "interaction_date")):  # fmt: skip
        if part in gaps:
            continue
        frame = getattr(data, table)
        if not (frame["customer_id"].isin(ids) & in_period(frame[date], period)).any():
            gaps[part] = Gap("none_in_quarter", table)
    return gaps

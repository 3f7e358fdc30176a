"""Completeness (完整性) of key fields against the target, and the 待补充 lists for the sales team.

Missing key fields are never dropped: each customer missing one is listed under its owner with
the fields to complete, so the list can go straight to the rep.
"""

from __future__ import annotations

import pandas as pd

from workbench.extracts.schema import CUSTOMERS

TO_COMPLETE = "待补充"
NO_OWNER = "（未分配）"


def _missing(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(True, index=frame.index)
    values = frame[column]
    empty = values.isna()
    if values.dtype == object or str(values.dtype) in ("str", "string"):
        empty |= values.astype("str").str.strip().eq("")
    return empty


def field_cells(customers: pd.DataFrame, field: str) -> tuple[pd.Series, pd.Series]:
    """Per customer: whether `field` counts for it (industry, size and USCC for enterprises
    only) and whether it is filled; the cells behind `completeness`, for other groupings."""
    counted = pd.Series(True, index=customers.index)
    if field in ("industry", "size", "uscc") and "customer_type" in customers:
        counted = (customers["customer_type"] != "个人").astype(bool)
    return counted, counted & ~_missing(customers, field)


def completeness(customers: pd.DataFrame, fields: tuple[str, ...], target: float) -> pd.DataFrame:
    """Per field: filled, missing, completeness share and whether it meets the target.

    Industry and company size only count for enterprises (an individual has neither).
    """
    rows = []
    for field in fields:
        counted, filled = field_cells(customers, field)
        missing = int((counted & ~filled).sum())
        total = int(counted.sum())
        share = (total - missing) / total if total else float("nan")
        rows.append(
            {
                "field": field,
                "field_zh": CUSTOMERS.column(field).zh,
                "records": total,
                "filled": total - missing,
                "missing": missing,
                "completeness": share,
                "target": target,
                "meets_target": bool(share >= target) if total else True,
            }
        )
    return pd.DataFrame(rows)


def to_complete_list(customers: pd.DataFrame, fields: tuple[str, ...]) -> pd.DataFrame:
    """Customers missing any of `fields`: owner, customer_id, name, the missing fields (中文), count.

    Sorted by owner, then by how much is missing; ready to hand to each sales rep.
    """
    enterprise_only = {"industry", "size", "uscc"}
    missing = {}
    for field in fields:
        gap = _missing(customers, field)
        if field in enterprise_only and "customer_type" in customers:
            gap &= customers["customer_type"] != "个人"
        missing[CUSTOMERS.column(field).zh] = gap
    gaps = pd.DataFrame(missing, index=customers.index)
    count = gaps.sum(axis=1)
    listed = count > 0
    labels = pd.Series("", index=customers.index)
    for name, gap in gaps.items():
        labels = labels + gap.map({True: name + "、", False: ""})
    labels = labels[listed].str.rstrip("、")
    out = pd.DataFrame(
        {
            "owner": customers.loc[listed, "owner"].fillna(NO_OWNER)
            if "owner" in customers
            else NO_OWNER,
            "customer_id": customers.loc[listed, "customer_id"],
            "name": customers.loc[listed, "name"],
            "missing_fields": labels if len(labels) else pd.Series(dtype="str"),
            "missing_count": count[listed],
            "status": TO_COMPLETE,
        }
    )
    return out.sort_values(
        ["owner", "missing_count", "customer_id"], ascending=[True, False, True]
    ).reset_index(drop=True)


def mark_to_complete(customers: pd.DataFrame, listed: pd.DataFrame) -> pd.DataFrame:
    """Add a `to_complete` column from a `to_complete_list`: the missing fields, empty if none
    (to a shallow copy: copy-on-write keeps it from `customers`, whose cells are not copied)."""
    out = customers.copy(deep=False)
    out["to_complete"] = out["customer_id"].map(listed.set_index("customer_id")["missing_fields"])
    return out

"""Saved segments applied to the per-customer fields (`workbench.segments.fields`): who is in
each segment, how many, and which segments the data cannot answer.

A missing value satisfies only ``is missing`` (as NULL in SQL): a customer without purchases is
neither ``aov > 100000`` nor ``aov <= 100000``, and ``status != 流失客户`` leaves out customers
without a status. ``none`` of a group is the negation of ``any``, so it includes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from workbench.profiling.gaps import Gap, table_gap
from workbench.segments.definitions import Condition, Group, Segment
from workbench.segments.fields import FIELDS, split_values

# The columns every customer list shows, before the fields its segment uses.
LIST_COLUMNS = ("customer_id", "customer", "owner", "status", "value_class", "abc_class",
                "revenue_12m", "tags")  # fmt: skip
COUNT_COLUMNS = ("segment", "customers", "customer_share", "revenue_12m", "revenue_share")


def matches(fields: pd.DataFrame, item: Condition | Group) -> np.ndarray:
    """Which rows of `fields` satisfy the condition or group (see the module's missing rule)."""
    if isinstance(item, Group):
        parts = [matches(fields, sub) for sub in item.items]
        if item.kind == "all":
            return np.logical_and.reduce(parts)
        hit = np.logical_or.reduce(parts)
        return hit if item.kind == "any" else ~hit
    column = fields[item.field]
    missing = column.isna().to_numpy(dtype=bool)
    if item.op == "is missing":
        return missing
    if item.op == "is not missing":
        return ~missing
    if item.op == "has":
        return split_values(column).map(lambda values: item.value in values).to_numpy(dtype=bool)
    if FIELDS[item.field].kind == "number":
        values = pd.to_numeric(column, errors="coerce").astype("float64")
    else:
        values = column.astype("object").where(column.notna(), None).map(
            lambda v: v if v is None else str(v)
        )  # fmt: skip
    hit = _compare(values, item.op, item.value)
    return np.asarray(hit, dtype=bool) & ~missing


def _compare(values: pd.Series, op: str, value: object) -> pd.Series:
    if op in ("in", "not in"):
        inside = values.isin(list(value))
        return inside if op == "in" else ~inside
    return {
        ">": values.gt, ">=": values.ge, "<": values.lt, "<=": values.le,
        "==": values.eq, "!=": values.ne,
    }[op](value)  # fmt: skip


def segment_members(fields: pd.DataFrame, segment: Segment) -> pd.DataFrame:
    """The customers of `segment`: LIST_COLUMNS then the fields the segment uses, largest
    12-month revenue first."""
    columns = list(dict.fromkeys([*LIST_COLUMNS, *segment.fields()]))
    members = fields.loc[matches(fields, segment.rule), columns]
    return members.sort_values(["revenue_12m", "customer_id"], ascending=[False, True],
                               na_position="last").reset_index(drop=True)  # fmt: skip


def segment_gaps(data: object, segments: Iterable[Segment]) -> dict[str, Gap]:
    """Segment name → why it cannot be listed: a field it uses needs an extract (or column) the
    data lacks (the interactions for last_interaction_days …)."""
    gaps = {}
    for segment in segments:
        for name in segment.fields():
            needs = FIELDS[name].needs
            if needs and (gap := table_gap(data, *needs)) is not None:
                gaps[segment.name] = gap
                break
    return gaps


def segment_lists(
    fields: pd.DataFrame, segments: Iterable[Segment], gaps: Mapping[str, Gap] | None = None
) -> dict[str, pd.DataFrame]:
    """Segment name → its customers (`segment_members`), for the segments the data can answer."""
    gaps = gaps or {}
    return {s.name: segment_members(fields, s) for s in segments if s.name not in gaps}


def segment_counts(fields: pd.DataFrame, lists: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Per segment: customers, their share of the region's customers, their 12-month revenue
    and its share of the region's."""
    total, revenue = len(fields), float(fields["revenue_12m"].fillna(0).sum())
    rows = [
        {"segment": name, "customers": len(members),
         "revenue_12m": float(members["revenue_12m"].fillna(0).sum())}
        for name, members in lists.items()
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=["segment", "customers", "revenue_12m"])
    out["customer_share"] = out["customers"] / total if total else np.nan
    out["revenue_share"] = out["revenue_12m"] / revenue if revenue else np.nan
    return out[list(COUNT_COLUMNS)]

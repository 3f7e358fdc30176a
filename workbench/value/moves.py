"""Class re-evaluation each period: the value classes at the end of the previous period (of the
report's kind) and of the report's period, who moved (by customers and by 12-month revenue, through
`segments.class_migration`) and who fell out of the top class (高价值), with the measures behind
the class before and after.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.value.params import HIGH
from workbench.value.segments import class_migration


@dataclass(frozen=True)
class ClassMoves:
    """Transition matrices previous → current period end (rows: class before, or 新增), and the
    customers who fell out of 高价值 (``fell_out``: customer_id, class_before, class_after and
    ``<detail>_before`` / ``<detail>_after`` for each of ``details``)."""

    previous_period: str
    by_customers: pd.DataFrame
    by_revenue: pd.DataFrame
    fell_out: pd.DataFrame
    details: tuple[str, ...]


def class_moves(
    before: pd.DataFrame,
    after: pd.DataFrame,
    revenue: pd.Series,
    details: tuple[str, ...],
    previous_period: str,
) -> ClassMoves:
    """Moves between two classifications (customer_id, value_class, ``details`` columns);
    ``revenue`` (customer_id → 12-month revenue at the later date) weighs the revenue matrix."""
    return ClassMoves(
        previous_period=previous_period,
        by_customers=class_migration(before, after, "value_class"),
        by_revenue=class_migration(before, after, "value_class", weights=revenue),
        fell_out=fell_out_of_top(before, after, details),
        details=details,
    )


def fell_out_of_top(
    before: pd.DataFrame, after: pd.DataFrame, details: tuple[str, ...], top: str = HIGH
) -> pd.DataFrame:
    """Customers in class ``top`` before and in another class (or none) after, with their
    ``details`` before and after; by customer_id."""
    was = before.loc[before["value_class"] == top, ["customer_id", "value_class", *details]]
    now = after[["customer_id", "value_class", *details]]
    joined = was.merge(now, on="customer_id", how="left", suffixes=("_before", "_after"))
    out = joined[joined["value_class_after"].astype(object) != top]
    out = out.rename(columns={"value_class_before": "class_before",
                              "value_class_after": "class_after"})  # fmt: skip
    columns = ["customer_id", "class_before", "class_after",
               *(f"{d}_{when}" for d in details for when in ("before", "after"))]  # fmt: skip
    out = out[columns].astype({"class_before": object, "class_after": object})
    return out.sort_values("customer_id", ignore_index=True)

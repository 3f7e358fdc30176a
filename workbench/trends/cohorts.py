"""Acquisition cohorts and their retention (docs/glossary.md).

A customer's cohort is the month or quarter of their first purchase (an order with amount > 0) in
the extracts. Period k of a cohort is the k-th month or quarter after it (k = 0: acquisition).

- retention (by customers) = customers of the cohort with a purchase in period k ÷ the cohort's
  customers (1 in period 0);
- revenue retention = the cohort's purchases in period k ÷ its purchases in period 0 (can pass 1:
  customers buying more than when they came).

Periods after the report's period are not observed yet: their cells are NaN, not 0.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from workbench.core.errors import ParameterError
from workbench.core.periods import period_bounds
from workbench.trends.params import CohortParams

COHORT_COLUMNS = ("cohort", "period", "customers", "active", "revenue", "retention",
                  "revenue_retention")  # fmt: skip
_FREQ = {"month": "M", "quarter": "Q"}


def acquisition_cohorts(
    purchases: pd.DataFrame, period: str, params: CohortParams | None = None
) -> pd.DataFrame:
    """One row per (cohort, period k) for the last ``params.cohorts`` cohorts up to the end of
    the report's `period` (a month, a quarter or a year) and k = 0 … ``params.periods`` − 1: COHORT_COLUMNS (cohort as text, 2024Q1 or
    2024-01); unobserved cells NaN."""
    params = params or CohortParams()
    freq = _FREQ[params.period]
    _, as_of = period_bounds(period)
    mine = purchases[purchases["order_date"] < as_of]
    period = pd.PeriodIndex(mine["order_date"].dt.to_period(freq)).asi8
    first = pd.Series(period, index=mine.index).groupby(mine["customer_id"]).transform("min")
    last = (as_of - pd.Timedelta(days=1)).to_period(freq)
    cohorts = pd.period_range(end=last, periods=params.cohorts, freq=freq)
    frame = pd.DataFrame({"customer_id": mine["customer_id"].to_numpy(), "cohort": first.to_numpy(),
                          "age": period - first.to_numpy(), "amount": mine["amount"].to_numpy()})  # fmt: skip
    frame = frame[np.isin(frame["cohort"], cohorts.asi8) & (frame["age"] < params.periods)]
    sizes = frame.groupby("cohort")["customer_id"].nunique()
    cells = frame.groupby(["cohort", "age"]).agg(active=("customer_id", "nunique"),
                                                 revenue=("amount", "sum"))  # fmt: skip
    grid = pd.MultiIndex.from_product(
        [cohorts.asi8, range(params.periods)], names=["cohort", "age"]
    )
    out = cells.reindex(grid, fill_value=0).reset_index().astype({"revenue": "float64"})
    out["customers"] = out["cohort"].map(sizes).fillna(0).astype("int64")
    seen = out["cohort"] + out["age"] <= last.ordinal
    out[["active", "revenue"]] = out[["active", "revenue"]].where(seen)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["retention"] = out["active"] / out["customers"].where(out["customers"] > 0)
        start = out["cohort"].map(out.loc[out["age"] == 0].set_index("cohort")["revenue"])
        out["revenue_retention"] = out["revenue"] / start.where(start > 0)
    labels = {p.ordinal: _label(p) for p in cohorts}
    out["cohort"] = out["cohort"].map(labels)
    out = out.rename(columns={"age": "period"})
    return out[list(COHORT_COLUMNS)]


def _label(period: pd.Period) -> str:
    """2024Q1 for a quarter, 2024-01 for a month."""
    return str(period)


def retention_matrix(
    cohorts: pd.DataFrame, by: Literal["customers", "revenue"] = "customers"
) -> pd.DataFrame:
    """Cohorts (rows, oldest first) × period k (columns) of retention by customers or by revenue,
    from `acquisition_cohorts`; what the heatmap draws."""
    column = {"customers": "retention", "revenue": "revenue_retention"}.get(by)
    if column is None:
        raise ParameterError(f"by must be 'customers' or 'revenue', got {by!r}")
    matrix = cohorts.pivot(index="cohort", columns="period", values=column)
    order = list(dict.fromkeys(cohorts["cohort"]))
    return matrix.reindex(index=order).rename_axis(index="cohort", columns="period")


def cohort_sizes(cohorts: pd.DataFrame) -> pd.Series:
    """Customers acquired per cohort (in the order of `acquisition_cohorts`)."""
    sizes = cohorts.drop_duplicates("cohort").set_index("cohort")["customers"]
    return sizes.astype("int64")

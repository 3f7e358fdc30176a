"""RFM (Recency, Frequency, Monetary) per customer, quantile scores and the four value classes.

Definitions (also in docs/glossary.md):
- `as_of` is the exclusive cut-off: only orders dated before it count (for a quarter, pass the
  first day of the next period, like `periods.period_bounds`).
- recency_days = days from the last purchase day to `as_of` (NOT lifetimes' recency, which is
  first → last purchase). A purchase the day before `as_of` has recency_days 1.
- frequency = distinct purchase days (several orders on one day count once).
- monetary = total amount; mean_order_value = monetary ÷ orders (an order's lines count once).
- tenure_days = days from the first purchase day to `as_of` (for purchase gaps and CLV).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.extracts.order_lines import order_totals
from workbench.value.params import (
    HIGH,
    LOW,
    MID,
    POTENTIAL,
    VALUE_CLASSES,
    ClassRules,
    ValueParams,
)

RFM_COLUMNS = (
    "customer_id",
    "recency_days",
    "frequency",
    "orders",
    "monetary",
    "mean_order_value",
    "tenure_days",
)
SCORE_COLUMNS = ("r_score", "f_score", "m_score")


def orders_before(
    orders: pd.DataFrame, as_of: pd.Timestamp | str, window_days: int | None = None
) -> pd.DataFrame:
    """Orders dated before `as_of` (and within the last `window_days` days when given)."""
    as_of = pd.Timestamp(as_of)
    dates = orders["order_date"]
    keep = dates.notna() & (dates < as_of)
    if window_days is not None:
        keep &= dates >= as_of - pd.Timedelta(days=window_days)
    return orders.loc[keep]


def rfm_table(
    orders: pd.DataFrame, as_of: pd.Timestamp | str, window_days: int | None = None
) -> pd.DataFrame:
    """One row per customer with an order before `as_of`: recency_days, frequency, orders,
    monetary, mean_order_value, tenure_days. Customers without orders are absent; `orders` may
    be order lines (summed per order first).
    """
    as_of = pd.Timestamp(as_of).normalize()
    mine = order_totals(orders_before(orders, as_of, window_days))
    day = mine["order_date"].dt.normalize()
    grouped = mine.assign(_day=day).groupby("customer_id", sort=True)
    table = grouped.agg(
        first_day=("_day", "min"),
        last_day=("_day", "max"),
        frequency=("_day", "nunique"),
        orders=("_day", "size"),
        monetary=("amount", "sum"),
    )
    table["recency_days"] = (as_of - table.pop("last_day")).dt.days.astype("int64")
    table["tenure_days"] = (as_of - table.pop("first_day")).dt.days.astype("int64")
    table["frequency"] = table["frequency"].astype("int64")
    table["orders"] = table["orders"].astype("int64")
    table["monetary"] = table["monetary"].astype("float64")
    table["mean_order_value"] = table["monetary"] / table["orders"]
    return table.reset_index()[list(RFM_COLUMNS)]


def quantile_scores(values: pd.Series, bins: int = 5, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..bins from equal-size rank bins; equal values always get the same score.

    Values are ranked first (method "min", so tied values share the score of the lowest rank in
    their group) and rank r of n maps to 1 + floor((r − 1) × bins ÷ n): never fails on ties, unlike
    `pd.qcut` on the raw values.
    """
    n = len(values)
    if n == 0:
        return pd.Series([], index=values.index, dtype="int64")
    ranks = values.rank(method="min", ascending=higher_is_better).to_numpy()
    scores = 1 + np.floor((ranks - 1) * bins / n).astype("int64")
    return pd.Series(scores, index=values.index, dtype="int64")


def rfm_scores(table: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """The RFM table with r_score, f_score, m_score (1..bins, high = good) and rfm_total.

    R is scored so that recent (few recency_days) is high.
    """
    out = table.copy()
    out["r_score"] = quantile_scores(out["recency_days"], bins, higher_is_better=False)
    out["f_score"] = quantile_scores(out["frequency"], bins)
    out["m_score"] = quantile_scores(out["monetary"], bins)
    out["rfm_total"] = out["r_score"] + out["f_score"] + out["m_score"]
    return out


def value_classes(
    scores: pd.DataFrame, params: ValueParams | ClassRules | None = None
) -> pd.DataFrame:
    """The scores with `value_class`: the first rule that holds, in this order —
    高价值 R ≥ high_min_r, F ≥ high_min_f, M ≥ high_min_m; 潜在价值 R ≥ potential_min_r and
    F ≤ potential_max_f (recent, few purchases); 中价值 R+F+M ≥ mid_min_total; else 低价值.
    """
    rules = params.classes if isinstance(params, ValueParams) else params or ClassRules()
    r, f, m = (scores[c].to_numpy() for c in SCORE_COLUMNS)
    conditions = [
        (r >= rules.high_min_r) & (f >= rules.high_min_f) & (m >= rules.high_min_m),
        (r >= rules.potential_min_r) & (f <= rules.potential_max_f),
        r + f + m >= rules.mid_min_total,
    ]
    labels = np.select(conditions, [HIGH, POTENTIAL, MID], default=LOW)
    out = scores.copy()
    out["value_class"] = pd.Categorical(labels, categories=list(VALUE_CLASSES))
    return out


def rfm_classes(
    orders: pd.DataFrame,
    as_of: pd.Timestamp | str,
    bins: int = 5,
    window_days: int | None = None,
    params: ValueParams | ClassRules | None = None,
) -> pd.DataFrame:
    """rfm_table → rfm_scores → value_classes in one call (customers with orders only)."""
    return value_classes(rfm_scores(rfm_table(orders, as_of, window_days), bins), params)

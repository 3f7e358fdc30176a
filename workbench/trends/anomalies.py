"""Anomalies against a series' own history, by a robust z-score (docs/glossary.md):

    m = median of the history (the previous ``history_quarters`` periods observed, of the
    report's kind: quarters for a quarterly report, months for a monthly one, years for a year),
    MAD = median of |history − m|, scale = max(1.4826 × MAD, scale_floor), z = (x − m) ÷ scale.

1.4826 × MAD estimates the standard deviation of normal data without being moved by the outliers
themselves; the floor keeps z finite for a perfectly steady history (MAD = 0), where any change
would otherwise be infinitely unusual. A period is flagged when |z| passes ``z_threshold`` *and*
the relative change passes ``min_change``, so a tiny series cannot alarm on one event.

- `order_drops`: a customer's purchases (orders with amount > 0) per period, history counted
  from the period of their first purchase; flagged when z ≤ −z_threshold and the period is at
  least ``min_change`` below m (customers buying less than ``min_median`` a quarter are skipped).
- `complaint_rises`: interactions of type 投诉 per region and period (English or variant types —
  complaint, 客诉 — through the cleaning vocabulary), history from the first period of the
  interactions extract; flagged when z ≥ z_threshold, x ≥ ``min_count`` and x ≥ (1 + min_change) m.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.cleaning.vocabulary import INTERACTIONS, canonical_values
from workbench.core.periods import parse_period
from workbench.extracts.schema import ALL_REGIONS, REGIONS
from workbench.profiling.analysis import customers_of_region
from workbench.trends.params import DropRule, RiseRule

MAD_TO_SD = 1.4826  # MAD × 1.4826 estimates the standard deviation of normal data
COMPLAINT = "投诉"
SCORE_COLUMNS = ("history", "median", "mad", "scale", "z", "change", "flagged")


def robust_scores(
    counts: pd.DataFrame, current: pd.Series, floor: float, min_history: int
) -> pd.DataFrame:
    """Robust z of `current` against each row's history in `counts` (NaN = not observed):
    history (periods observed), median, mad, scale, z, change (x ÷ median − 1); rows with fewer
    than `min_history` observed periods get NaN figures."""
    values = counts.to_numpy(dtype="float64")
    observed = np.isfinite(values).sum(axis=1)
    enough = observed >= min_history
    median, mad = np.full(len(values), np.nan), np.full(len(values), np.nan)
    if enough.any():  # rows without enough history stay NaN (and raise no warning)
        median[enough] = np.nanmedian(values[enough], axis=1)
        mad[enough] = np.nanmedian(np.abs(values[enough] - median[enough, None]), axis=1)
    scale = np.maximum(MAD_TO_SD * mad, floor)
    x = current.reindex(counts.index).fillna(0.0).to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(median > 0, x / median - 1, np.where(x > 0, np.inf, 0.0))
    return pd.DataFrame(
        {"history": observed, "median": median, "mad": mad, "scale": scale,
         "current": x, "z": (x - median) / scale, "change": np.where(enough, change, np.nan)},
        index=counts.index,
    )  # fmt: skip


def _history(period: str, history: int) -> tuple[pd.PeriodIndex, pd.Period]:
    """The `history` periods of its kind before `period` (months, quarters or years), and the
    period itself."""
    now = parse_period(period)
    return pd.period_range(end=now - 1, periods=history, freq=now.freq), now


def order_drops(purchases: pd.DataFrame, period: str, rule: DropRule | None = None) -> pd.DataFrame:
    """Customers whose purchases in `period` fell against their own history of periods of the
    same kind (module rule): one row per customer evaluated — customer_id, history, median, mad,
    scale, orders, z, change, flagged — flagged ones first, largest drop first."""
    rule = rule or DropRule()
    history, now = _history(period, rule.history_quarters)
    when = purchases["order_date"].dt.to_period(now.freq)
    first = when.groupby(purchases["customer_id"]).min()
    window = purchases[(when >= history[0]) & (when <= now)]
    counts = pd.crosstab(window["customer_id"], window["order_date"].dt.to_period(now.freq))
    counts = counts.reindex(index=first.index, columns=[*history, now], fill_value=0)
    counts = counts.astype("float64").where(
        np.greater_equal.outer(counts.columns.asi8, first.array.asi8).T  # from the first purchase
    )
    scores = robust_scores(counts[list(history)], counts[now], rule.scale_floor,
                           rule.min_history_quarters)  # fmt: skip
    scores = scores[(scores["history"] >= rule.min_history_quarters)
                    & (scores["median"] >= rule.min_median)]  # fmt: skip
    scores["flagged"] = (scores["z"] <= -rule.z_threshold) & (-scores["change"] >= rule.min_change)
    out = scores.rename(columns={"current": "orders"}).rename_axis("customer_id").reset_index()
    out = out.sort_values(["flagged", "z", "customer_id"], ascending=[False, True, True])
    return out.reset_index(drop=True)[["customer_id", "history", "median", "mad", "scale",
                                       "orders", "z", "change", "flagged"]]  # fmt: skip


def complaints(interactions: pd.DataFrame) -> pd.DataFrame:
    """The interactions that are complaints: type 投诉, or an alias the cleaning vocabulary knows
    (complaint, 客诉, 抱怨 …), for frames that did not go through the cleaning."""
    types, _ = canonical_values(interactions["type"], INTERACTIONS["type"])
    return interactions[types.eq(COMPLAINT).fillna(False).to_numpy(dtype=bool)]


def complaint_counts(
    interactions: pd.DataFrame, customers: pd.DataFrame, period: str, quarters: int
) -> pd.DataFrame:
    """Complaints per region (the seven and 全国, rows) and period (columns, the `quarters`
    periods of its kind ending with `period`); NaN before the first period of the interactions
    extract."""
    last = parse_period(period)
    periods = pd.period_range(end=last, periods=quarters, freq=last.freq)
    found = complaints(interactions)
    when = found["interaction_date"].dt.to_period(last.freq)
    start = interactions["interaction_date"].min()
    rows = {}
    for region in (*REGIONS, ALL_REGIONS):
        ids = customers_of_region(customers, region)["customer_id"]
        mine = when[found["customer_id"].isin(ids)]
        rows[region] = mine.value_counts().reindex(periods, fill_value=0).astype("float64")
    table = pd.DataFrame(rows).T.rename_axis("region")
    if pd.isna(start):
        return table * np.nan
    return table.where(
        np.asarray(periods >= start.to_period(last.freq))[None, :].repeat(len(table), 0)
    )


def complaint_rises(
    interactions: pd.DataFrame, customers: pd.DataFrame, period: str, rule: RiseRule | None = None
) -> pd.DataFrame:
    """Per region (and 全国): complaints in `period` against the region's history of periods of
    the same kind (module rule) — region, history, median, mad, scale, complaints, z, change,
    flagged."""
    rule = rule or RiseRule()
    counts = complaint_counts(interactions, customers, period, rule.history_quarters + 1)
    now = counts.columns[-1]
    scores = robust_scores(counts[counts.columns[:-1]], counts[now].fillna(0.0),
                           rule.scale_floor, rule.min_history_quarters)  # fmt: skip
    scores["flagged"] = (
        (scores["z"] >= rule.z_threshold)
        & (scores["current"] >= rule.min_count)
        & (scores["change"] >= rule.min_change)
    )
    out = scores.rename(columns={"current": "complaints"}).reset_index()
    return out[["region", "history", "median", "mad", "scale", "complaints", "z", "change",
                "flagged"]]  # fmt: skip

"""The scores a churn model must beat: the recency rule and BG/NBD.

- Recency rule: a customer silent for at least w days churns. The windows tried halve the
  prediction window down to one month (90 → 45 → 30 days), as CRM platforms grade their churn
  models; the best by F1 on the *training* cutoffs is kept, and its probability is the churn
  rate of the flagged (or unflagged) training customers. Silence is counted from the last
  purchase, else the last interaction, else the first deal or contact.
- BG/NBD: the probability of no purchase in the window (the same definition), fitted on the
  purchases before the validation cutoff (`workbench.clv`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from workbench.clv.fit import UNIT_DAYS
from workbench.clv.purchase import BGNBD
from workbench.clv.summary import summarize
from workbench.core.errors import WorkbenchError

MONTH_DAYS = 30
SILENCE_FEATURES = ("days_since_last_order", "days_since_interaction", "deal_age_days",
                    "contact_age_days")  # fmt: skip


def rule_windows(window_days: int) -> tuple[int, ...]:
    """The prediction window halved down to one month: 90 → (90, 45, 30); 365 → (365 … 30)."""
    windows, w = [], float(window_days)
    while w > MONTH_DAYS:
        windows.append(round(w))
        w /= 2
    return (*windows, MONTH_DAYS)


def silence(features: pd.DataFrame) -> np.ndarray:
    """Days without activity: the first SILENCE_FEATURES column the features have (inf: none)."""
    for column in SILENCE_FEATURES:
        if column in features.columns:
            return features[column].fillna(np.inf).to_numpy(float)
    return np.full(len(features), np.inf)


@dataclass(frozen=True)
class RecencyRule:
    """Churn if silent for ``window`` days or more; probabilities from the training rates."""

    window: int
    source: str
    p_flagged: float
    p_unflagged: float
    f1_by_window: dict[int, float]

    def flags(self, features: pd.DataFrame) -> np.ndarray:
        return silence(features) >= self.window

    def probability(self, features: pd.DataFrame) -> np.ndarray:
        return np.where(self.flags(features), self.p_flagged, self.p_unflagged)


def fit_recency_rule(training: pd.DataFrame, window_days: int) -> RecencyRule:
    """The best recency window on ``training`` (features + churned) by F1."""
    y = training["churned"].to_numpy(bool)
    days = silence(training)
    f1 = {w: float(f1_score(y, days >= w, zero_division=0)) for w in rule_windows(window_days)}
    best = max(f1, key=lambda w: (f1[w], w))
    flagged = days >= best
    rate = float(y.mean()) if len(y) else 0.0
    source = next((c for c in SILENCE_FEATURES if c in training.columns), "")
    return RecencyRule(
        window=best,
        source=source,
        p_flagged=float(y[flagged].mean()) if flagged.any() else rate,
        p_unflagged=float(y[~flagged].mean()) if (~flagged).any() else rate,
        f1_by_window=f1,
    )


def bgnbd_no_purchase(
    purchases: pd.DataFrame, cutoff: pd.Timestamp, window_days: int, ids: pd.Index
) -> pd.Series:
    """BG/NBD's P(no purchase in [cutoff, cutoff + window)) per customer of ``ids``, fitted on
    the purchases before ``cutoff`` (NaN for a customer without any); a WorkbenchError when the
    model does not converge, even with a small penalty."""
    before = purchases[purchases["order_date"] < cutoff]
    summary = summarize(before, observation_end=cutoff - pd.Timedelta(days=1), unit_days=UNIT_DAYS)
    try:
        model = BGNBD().fit(summary)
    except WorkbenchError:  # a flat likelihood: a small penalty usually settles it
        model = BGNBD(penalizer_coef=0.001).fit(summary)
    p = model.p_no_purchase(window_days / UNIT_DAYS, summary)
    return p.reindex(pd.Index(ids, name="customer_id"))

"""Snapshots without leakage: features as of a cutoff, the label from the window after it.

The validation cutoff is the latest one, stepping back from the period's end by
``step_months``, whose label window ends by the period's end; the training cutoffs step back
from it, each window ending by the validation cutoff, so nothing the validation measures is seen
in training. Scoring is as of the period's end (a month's, a quarter's or a year's). Under the status definition without a churn
date there is no time to split: one cross-section, validated on a random stratified 25%.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.churn.definition import behavioural_labels, status_labels, window_end
from workbench.churn.features import FeatureSpec, build_features
from workbench.churn.params import ChurnParams


@dataclass(frozen=True)
class Cutoffs:
    """Training cutoffs (oldest first), the validation cutoff and the scoring date."""

    training: tuple[pd.Timestamp, ...]
    validation: pd.Timestamp | None
    scoring: pd.Timestamp


def plan_cutoffs(as_of: pd.Timestamp, params: ChurnParams, first_date: pd.Timestamp) -> Cutoffs:
    """Cutoffs on month starts before ``as_of``: validation, then up to ``training_cutoffs``
    before it; none earlier than ``first_date`` plus a window of history."""
    as_of = pd.Timestamp(as_of)
    step = pd.DateOffset(months=params.step_months)
    earliest = pd.Timestamp(first_date) + pd.Timedelta(days=params.window_days)
    validation = as_of - step
    while window_end(validation, params.window_days) > as_of:
        validation -= step
    if validation < earliest:
        return Cutoffs((), None, as_of)
    training = []
    cutoff = validation - step
    while len(training) < params.training_cutoffs and cutoff >= earliest:
        if window_end(cutoff, params.window_days) <= validation:
            training.append(cutoff)
        cutoff -= step
    return Cutoffs(tuple(reversed(training)), validation, as_of)


def labels_at(
    data: object, purchases: pd.DataFrame, cutoff: pd.Timestamp | None, params: ChurnParams
) -> pd.Series:
    """churned per customer of the population at ``cutoff`` (None: undated status labels)."""
    if params.by_status:
        return status_labels(data.tables["customers"], cutoff, params.window_days,
                             params.status_value, params.status_date_column)  # fmt: skip
    return behavioural_labels(purchases, cutoff, params.window_days, params.active_days)


def snapshot(
    data: object,
    purchases: pd.DataFrame,
    cutoff: pd.Timestamp,
    spec: FeatureSpec,
    params: ChurnParams,
    label_cutoff: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Features as of ``cutoff`` plus ``churned`` and ``cutoff`` columns, one row per customer
    of the population (index customer_id). ``label_cutoff`` None with the status definition
    without a date: the current label."""
    labels = labels_at(data, purchases, label_cutoff, params)
    frame = build_features(data, labels.index, cutoff, spec)
    return frame.assign(churned=labels.to_numpy(bool), cutoff=cutoff)


def stacked(
    data: object,
    purchases: pd.DataFrame,
    cutoffs: tuple[pd.Timestamp, ...],
    spec: FeatureSpec,
    params: ChurnParams,
) -> pd.DataFrame:
    """Snapshots of several cutoffs, one under the other (a customer once per cutoff)."""
    frames = [snapshot(data, purchases, c, spec, params, c) for c in cutoffs]
    return pd.concat(frames) if frames else pd.DataFrame(columns=[*spec.columns, "churned"])


def random_split(frame: pd.DataFrame, share: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A stratified random split (training, validation): the cross-sectional fallback."""
    rng = np.random.default_rng(seed)
    held = np.zeros(len(frame), dtype=bool)
    for value in (True, False):
        where = np.flatnonzero(frame["churned"].to_numpy(bool) == value)
        chosen = rng.choice(where, size=round(share * len(where)), replace=False)
        held[chosen] = True
    return frame[~held], frame[held]

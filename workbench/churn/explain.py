"""Why a customer's risk is what it is: per-customer factors and overall importance.

Per customer, a model-agnostic substitution: each feature in turn is set to its reference value
(the training median of a number, the most frequent category) and the customer re-scored; the
change in probability is that feature's contribution (positive: the customer's actual value
raises the risk against a typical customer). This is one-at-a-time occlusion, as in LIME's and
SHAP's baselines without their sampling: exact for the model, cheap (one prediction of all
customers per feature), and it reads directly as "without this, the risk would be x lower".
Overall: permutation importance on the validation cutoff (drop in PR-AUC when a feature's
values are shuffled across customers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance

from workbench.churn.features import FeatureSpec

MAX_ROWS = 10_000  # rows permuted per repeat for the importance


def reference_values(training: pd.DataFrame, spec: FeatureSpec) -> dict[str, object]:
    """The typical customer: median of each number, most frequent value of each category."""
    reference: dict[str, object] = {}
    for column in spec.numeric:
        median = training[column].median()
        reference[column] = float(median) if pd.notna(median) else np.nan
    for column in spec.categorical:
        counts = training[column].value_counts()
        reference[column] = counts.index[0] if len(counts) else ""
    return reference


def contributions(
    model: object, features: pd.DataFrame, reference: dict[str, object]
) -> pd.DataFrame:
    """Per customer (rows) and feature (columns): P(churn) minus P(churn) with that feature at
    its reference value."""
    base = model.predict_proba(features)[:, 1]
    out = {}
    swapped = features.copy()  # one copy, each column swapped and put back in turn
    for column in features.columns:
        original = swapped[column]
        swapped[column] = reference[column]
        out[column] = base - model.predict_proba(swapped)[:, 1]
        swapped[column] = original
    return pd.DataFrame(out, index=features.index)


def top_factors(effects: pd.DataFrame, n: int = 3, threshold: float = 0.005) -> pd.DataFrame:
    """Per customer the ``n`` features raising the risk most and the ``n`` lowering it most
    (contributions beyond ``threshold``): long frame customer_id, direction (up/down), rank,
    feature, effect."""
    values = effects.to_numpy(float)
    order = np.argsort(-values, axis=1, kind="stable")
    rows = []
    for direction, columns in (("up", order[:, :n]), ("down", order[:, ::-1][:, :n])):
        picked = np.take_along_axis(values, columns, axis=1)
        for rank in range(columns.shape[1]):
            effect = picked[:, rank]
            keep = effect > threshold if direction == "up" else effect < -threshold
            rows.append(pd.DataFrame({
                "customer_id": effects.index[keep], "direction": direction, "rank": rank + 1,
                "feature": effects.columns[columns[keep, rank]], "effect": effect[keep],
            }))  # fmt: skip
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["customer_id", "direction", "rank"], kind="stable", ignore_index=True)


def importance(
    model: object, features: pd.DataFrame, churned: np.ndarray, seed: int, repeats: int = 3
) -> pd.DataFrame:
    """Permutation importance (mean and std of the PR-AUC drop), largest first."""
    # a sample of at most MAX_ROWS rows per repeat: the ranking is stable long before that,
    # and on 100k customers the full set made this 41% of the fit (benchmarks/RESULTS.md)
    share = min(1.0, MAX_ROWS / max(len(features), 1))
    result = permutation_importance(
        model, features, np.asarray(churned, bool), scoring="average_precision",
        n_repeats=repeats, random_state=seed, n_jobs=1, max_samples=share,
    )  # fmt: skip
    table = pd.DataFrame(
        {
            "feature": features.columns,
            "importance": result.importances_mean,
            "std": result.importances_std,
        }
    )
    return table.sort_values("importance", ascending=False, ignore_index=True)

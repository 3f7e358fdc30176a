"""How good a churn score is, on the validation cutoff: ranking, calibration, lift, a grade.

- ROC-AUC and PR-AUC (average precision; churners are the positive class); the Brier score
  (mean squared error of the probabilities: lower is better).
- Lift and capture in the top 10%: the churn rate among the 10% scored riskiest over the overall
  churn rate, and the share of all churners found there.
- The grade compares the model's PR-AUC with the recency rule's, relatively: A when it is at
  least ``grade_a`` (20%) better, B at least ``grade_b`` (5%), else C: not for decisions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from workbench.churn.params import ChurnParams

METRICS = ("roc_auc", "pr_auc", "brier", "lift_top10", "capture_top10")
GRADES = ("A", "B", "C")


def metrics(churned: np.ndarray, probability: np.ndarray, top: float = 0.1) -> dict[str, float]:
    """The METRICS of one score against the true labels."""
    y = np.asarray(churned, dtype=bool)
    p = np.asarray(probability, dtype=float)
    if len(y) == 0 or y.all() or not y.any():
        return dict.fromkeys(METRICS, np.nan)
    n_top = max(1, int(np.ceil(top * len(y))))
    riskiest = np.argsort(-p, kind="stable")[:n_top]
    return {
        "roc_auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "lift_top10": float(y[riskiest].mean() / y.mean()),
        "capture_top10": float(y[riskiest].sum() / y.sum()),
    }


def comparison(churned: np.ndarray, scores: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row of METRICS per score (model and baselines), in the order given."""
    rows = {name: metrics(churned, score) for name, score in scores.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(METRICS)).rename_axis("score")


def grade(model_pr_auc: float, rule_pr_auc: float, params: ChurnParams) -> str:
    """A / B / C by the model's relative PR-AUC gain over the recency rule."""
    if not np.isfinite(model_pr_auc) or not np.isfinite(rule_pr_auc) or rule_pr_auc <= 0:
        return "C"
    gain = model_pr_auc / rule_pr_auc - 1 + 1e-12  # 0.78 / 0.65 − 1 is 0.1999… in floats
    return "A" if gain >= params.grade_a else "B" if gain >= params.grade_b else "C"


def calibration_table(churned: np.ndarray, probability: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Mean predicted probability against the observed churn rate per quantile bin."""
    y = np.asarray(churned, dtype=bool)
    p = np.asarray(probability, dtype=float)
    if len(y) == 0 or y.all() or not y.any():
        return pd.DataFrame(columns=["predicted", "observed"])
    observed, predicted = calibration_curve(y, p, n_bins=bins, strategy="quantile")
    return pd.DataFrame({"predicted": predicted, "observed": observed})

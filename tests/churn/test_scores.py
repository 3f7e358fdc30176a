"""Cutoffs, baselines, metrics, grades and factors: each on numbers worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from workbench.churn.baselines import fit_recency_rule, rule_windows
from workbench.churn.evaluation import calibration_table, grade, metrics
from workbench.churn.explain import contributions, top_factors
from workbench.churn.params import ChurnParams
from workbench.churn.snapshots import plan_cutoffs
from workbench.clv.purchase import BGNBD

T = pd.Timestamp


def test_cutoffs_step_back_and_never_overlap_the_validation_window():
    cut = plan_cutoffs(T("2025-01-01"), ChurnParams(), T("2021-01-09"))
    assert cut.validation == T("2024-10-01") and cut.scoring == T("2025-01-01")
    assert cut.training == (T("2023-10-01"), T("2024-01-01"), T("2024-04-01"), T("2024-07-01"))
    long = plan_cutoffs(T("2025-01-01"), ChurnParams(window_days=180, training_cutoffs=2),
                        T("2021-01-09"))  # fmt: skip
    # 2024-07-01 + 180 days = 2024-12-28 ≤ 2025-01-01; training windows must end by 2024-07-01
    assert long.validation == T("2024-07-01")
    assert long.training == (T("2023-10-01"), T("2024-01-01"))
    short = plan_cutoffs(T("2025-01-01"), ChurnParams(), T("2024-08-01"))
    assert short.validation is None and short.training == ()


def test_rule_windows_halve_down_to_one_month():
    assert rule_windows(90) == (90, 45, 30)
    assert rule_windows(365) == (365, 182, 91, 46, 30)
    assert rule_windows(30) == (30,)


def test_recency_rule_picks_the_best_window_by_f1_on_training():
    training = pd.DataFrame({
        "days_since_last_order": [10, 20, 35, 50, 60, 100, 120, 40],
        "churned": [False, False, False, True, True, True, True, False],
    })  # fmt: skip
    rule = fit_recency_rule(training, 90)
    # 90: flags 2 of 4 churners (F1 2/3); 45: all 4 and no stayer (F1 1); 30: 4 + 2 stayers
    assert rule.f1_by_window == pytest.approx({90: 2 / 3, 45: 1.0, 30: 0.8})
    assert rule.window == 45 and rule.p_flagged == 1.0 and rule.p_unflagged == 0.0
    assert rule.flags(pd.DataFrame({"days_since_last_order": [44, 45, np.nan]})).tolist() == [
        False, True, True]  # fmt: skip


def test_bgnbd_no_purchase_matches_the_closed_form_and_a_simulation():
    model = BGNBD()
    model.params_ = {"r": 0.8, "alpha": 4.0, "a": 0.9, "b": 3.0}
    new = pd.DataFrame({"frequency": [0.0], "recency": [0.0], "T": [0.0]})
    # a customer just acquired is alive: P(no purchase in t) = (α / (α + t))^r
    assert model.p_no_purchase(10.0, new).iloc[0] == pytest.approx((4 / 14) ** 0.8)
    # a customer with history, by simulation from the posterior: dead with 1 − P(alive), else
    # λ ~ Gamma(r + x, α + T) and no purchase with e^{−λt}
    history = pd.DataFrame({"frequency": [3.0], "recency": [20.0], "T": [30.0]})
    alive = model.p_alive(history).iloc[0]
    rng = np.random.default_rng(0)
    lam = rng.gamma(0.8 + 3, 1 / (4.0 + 30), 400_000)
    silent = np.where(rng.random(lam.size) < alive, rng.random(lam.size) < np.exp(-lam * 13), True)
    assert model.p_no_purchase(13.0, history).iloc[0] == pytest.approx(silent.mean(), abs=3e-3)


def test_metrics_on_four_customers():
    m = metrics(np.array([1, 0, 1, 0]), np.array([0.9, 0.8, 0.3, 0.1]))
    assert m["roc_auc"] == 0.75  # 3 of the 4 churner/stayer pairs ranked right
    assert m["pr_auc"] == pytest.approx((1 + 2 / 3) / 2)  # precision 1 at recall ½, ⅔ at 1
    assert m["brier"] == pytest.approx((0.01 + 0.64 + 0.49 + 0.01) / 4)
    assert m["lift_top10"] == 2.0 and m["capture_top10"] == 0.5  # the top one is a churner
    assert np.isnan(metrics(np.array([1, 1]), np.array([0.2, 0.3]))["roc_auc"])


def test_grade_by_the_relative_pr_auc_gain():
    p = ChurnParams()
    assert grade(0.78, 0.65, p) == "A"  # +20%
    assert grade(0.70, 0.65, p) == "B"  # +7.7%
    assert grade(0.66, 0.65, p) == "C" and grade(0.5, 0.65, p) == "C"
    assert grade(np.nan, 0.65, p) == "C"


def test_calibration_table_bins_by_quantile():
    y = np.array([0, 0, 0, 1, 0, 1, 1, 1])
    p = np.array([0.1, 0.1, 0.2, 0.2, 0.7, 0.8, 0.8, 0.9])
    table = calibration_table(y, p, bins=2)
    assert table["observed"].tolist() == [0.25, 0.75]
    assert table["predicted"].tolist() == pytest.approx([0.15, 0.8])


class _Linear:
    """P = 0.1 + 0.01 × days + 0.2 × complaints: contributions are exact and known."""

    def predict_proba(self, x):
        p = 0.1 + 0.01 * x["days"].to_numpy(float) + 0.2 * x["complaints"].to_numpy(float)
        return np.column_stack([1 - p, p])


def test_factors_are_the_change_from_the_typical_customer():
    features = pd.DataFrame({"days": [40.0, 10.0], "complaints": [0.0, 2.0]}, index=["A", "B"])
    effects = contributions(_Linear(), features, {"days": 20.0, "complaints": 0.0})
    assert effects.loc["A"].tolist() == pytest.approx([0.2, 0.0])
    assert effects.loc["B"].tolist() == pytest.approx([-0.1, 0.4])
    top = top_factors(effects, n=1)
    assert top[["customer_id", "direction", "feature"]].values.tolist() == [
        ["A", "up", "days"], ["B", "down", "days"], ["B", "up", "complaints"]]  # fmt: skip

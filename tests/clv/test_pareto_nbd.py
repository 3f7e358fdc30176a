"""Tests for workbench.clv.pareto_nbd: lifetimes' numbers where they are finite, finite where not."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from workbench.clv import pareto_nbd
from workbench.clv.purchase import (  # lifetimes, imported with its warnings guarded
    ParetoNBD,
    ParetoNBDFitter,
)

PARAMS = [(0.553, 10.58, 0.606, 11.67), (1.0, 1.0, 1.0, 1.0), (0.5, 20.0, 2.0, 3.0),
          (2.0, 3.0, 0.5, 40.0)]  # fmt: skip


def _arrays(summary: pd.DataFrame) -> tuple[np.ndarray, ...]:
    return tuple(summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))


def _lifetimes(params: tuple[float, ...]) -> ParetoNBDFitter:
    fitter = ParetoNBDFitter()
    fitter.params_ = pd.Series(params, index=["r", "alpha", "s", "beta"])
    return fitter


@pytest.mark.parametrize("params", PARAMS)
def test_equals_lifetimes_on_cdnow(cdnow_summary: pd.DataFrame, params) -> None:
    x, t_x, T = _arrays(cdnow_summary)
    p, weights = np.array(params), np.ones(len(x))
    theirs = ParetoNBDFitter._negative_log_likelihood(p, x, t_x, T, weights, 0.0)
    assert pareto_nbd.negative_log_likelihood(p, x, t_x, T, weights) == pytest.approx(theirs, 1e-12)
    fitter = _lifetimes(params)
    np.testing.assert_allclose(
        pareto_nbd.p_alive(p, x, t_x, T), fitter.conditional_probability_alive(x, t_x, T), 1e-9
    )
    if params[2] != 1.0:  # lifetimes divides by s − 1
        expected = fitter.conditional_expected_number_of_purchases_up_to_time(10, x, t_x, T)
        np.testing.assert_allclose(pareto_nbd.expected_purchases(p, 10, x, t_x, T), expected, 1e-9)


def test_frequent_buyers_stay_finite() -> None:
    # B2B accounts buying weekly for years; the third bought on the last day (t_x = T), where
    # lifetimes' difference of two equal, huge terms comes out NaN (found on the 100k demo base)
    x = np.array([0.0, 5.0, 144.0, 400.0])
    t_x = np.array([0.0, 50.0, 156.71428571428572, 179.0])
    T = np.array([180.0, 180.0, 156.71428571428572, 180.0])
    p = np.ones(4)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        theirs = ParetoNBDFitter._conditional_log_likelihood(p, x, t_x, T)
    assert np.isnan(theirs[2])  # one such customer makes lifetimes' whole likelihood NaN
    ours = pareto_nbd.log_likelihood(p, x, t_x, T)
    assert np.isfinite(ours).all()
    np.testing.assert_allclose(ours[[0, 1, 3]], theirs[[0, 1, 3]], rtol=1e-9)
    alive = pareto_nbd.p_alive(p, x, t_x, T)
    assert ((alive > 0) & (alive <= 1)).all() and alive[2] > 0.9 and alive[3] > 0.9
    assert np.isfinite(pareto_nbd.expected_purchases(p, 13, x, t_x, T)).all()


def test_limits() -> None:
    x, t_x, T = np.array([3.0]), np.array([20.0]), np.array([20.0])
    assert pareto_nbd.log_a0(np.array([1.0, 2.0, 1.0, 3.0]), x, t_x, T)[0] == -np.inf  # A_0 = 0
    at_one = pareto_nbd.expected_purchases(np.array([1.0, 2.0, 1.0, 3.0]), 10, x, t_x, T + 5)
    near = pareto_nbd.expected_purchases(np.array([1.0, 2.0, 1.0 + 1e-7, 3.0]), 10, x, t_x, T + 5)
    assert at_one == pytest.approx(near, rel=1e-6)  # the s → 1 limit is continuous
    assert pareto_nbd.negative_log_likelihood(np.array([1, -1, 1, 1]), x, t_x, T, np.ones(1)) == (
        np.inf
    )


def test_fit_on_a_base_with_frequent_buyers() -> None:
    rng = np.random.default_rng(5)
    n = 2000
    x = rng.poisson(rng.gamma(1.5, 20, n))  # a tail of customers with 100+ repeat purchases
    T = rng.uniform(50, 180, n)
    t_x = np.where(x > 0, T * rng.beta(5, 1, n), 0.0)
    summary = pd.DataFrame({"frequency": x.astype(float), "recency": t_x, "T": T})
    assert (summary["frequency"] > 120).sum() > 10
    model = ParetoNBD().fit(summary)
    assert np.isfinite(model.log_likelihood_)
    assert all(np.isfinite(v) and v > 0 for v in model.params_.values())
    assert model.p_alive(summary).between(0, 1).all()

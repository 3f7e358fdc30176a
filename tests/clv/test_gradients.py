"""The CLV likelihoods' objectives and analytic gradients, and the fits they give.

Objective values must equal lifetimes' (``_negative_log_likelihood``) to float rounding; the
analytic gradients must equal central differences to 1e-5 (relative) at ordinary and edge
parameter points; the fits must give lifetimes' parameters to 1e-6 (relative), on CDNOW and on
simulated bases large enough that the fit starts from a subsample.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from workbench.clv import base, pareto_nbd
from workbench.clv.bgnbd import bgnbd_data, bgnbd_objective
from workbench.clv.purchase import BGNBD, ParetoNBD
from workbench.clv.spend import GammaGamma, gamma_gamma_data, gamma_gamma_objective
from workbench.core.errors import WorkbenchError

with warnings.catch_warnings():
    from lifetimes import BetaGeoFitter, GammaGammaFitter

BG_POINTS = [(1.0, 1.0, 1.0, 1.0), (0.3, 5.0, 0.8, 2.5), (0.02, 0.3, 0.01, 80.0),
             (8.0, 60.0, 5.0, 0.05), (0.5, 200.0, 30.0, 0.5)]  # fmt: skip
GG_POINTS = [(1.0, 1.0, 1.0), (6.0, 3.7, 15.0), (0.05, 0.9, 500.0), (40.0, 0.2, 0.01),
             (0.7, 60.0, 3000.0)]  # fmt: skip


def central_differences(f, x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Five-point central differences: error ~h⁴ from truncation, ~1e-12 from rounding."""
    out = np.empty(len(x))
    for k in range(len(x)):
        e = np.zeros(len(x))
        e[k] = h
        out[k] = (f(x - 2 * e) - 8 * f(x - e) + 8 * f(x + e) - f(x + 2 * e)) / (12 * h)
    return out


def assert_gradient(objective, data, point: tuple[float, ...]) -> None:
    log_params = np.log(point)
    _, gradient = objective(log_params, data)
    numeric = central_differences(lambda p: objective(p, data)[0], log_params)
    scale = np.maximum(np.abs(numeric), 1e-3)
    np.testing.assert_array_less(np.abs(gradient - numeric) / scale, 1e-5)


def bgnbd_base(n: int, seed: int = 3) -> pd.DataFrame:
    """Customers simulated from BG/NBD (r 0.8, α 5, a 1.5, b 10), times in whole days / 7,
    and their mean spend from Gamma-Gamma."""
    rng = np.random.default_rng(seed)
    rate, drop = rng.gamma(0.8, 1 / 5.0, n), rng.beta(1.5, 10.0, n)
    T = np.floor(rng.uniform(20, 80, n) * 7) / 7
    t, x, t_x, alive = np.zeros(n), np.zeros(n), np.zeros(n), np.ones(n, bool)
    while alive.any():
        t[alive] += rng.exponential(1 / rate[alive])
        buy = alive & (t <= T)
        x[buy] += 1
        t_x[buy] = np.floor(t[buy] * 7) / 7
        alive = buy & (rng.random(n) >= drop)
    # Gamma-Gamma (p 3, q 4, γ 60): the mean of x purchases of rate ν ~ Gamma(q, γ) is Gamma(px, νx)
    rate_of_spend = rng.gamma(4.0, 1 / 60.0, n)
    spend = np.where(
        x > 0, rng.gamma(3.0 * np.maximum(x, 1)) / (rate_of_spend * np.maximum(x, 1)), 0.0
    )
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": T, "monetary_value": spend})


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    frame = bgnbd_base(60_000)  # > 2 × SUBSAMPLE_ROWS: the fits start from a subsample
    assert len(frame) > 2 * base.SUBSAMPLE_ROWS
    return frame


def _arrays(summary: pd.DataFrame) -> tuple[np.ndarray, ...]:
    return tuple(summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))


@pytest.mark.parametrize("penalizer", [0.0, 0.1])
def test_bgnbd_objective_is_lifetimes_and_gradient_exact(
    cdnow_summary: pd.DataFrame, penalizer: float
) -> None:
    x, t_x, T = _arrays(cdnow_summary)
    weights = np.random.default_rng(1).integers(1, 5, len(x))
    data = bgnbd_data(x, t_x, T, weights, penalizer)
    for point in BG_POINTS:
        theirs = BetaGeoFitter._negative_log_likelihood(
            np.log(point), x, t_x, T, weights, penalizer
        )
        assert bgnbd_objective(np.log(point), data)[0] == pytest.approx(theirs, rel=1e-12)
        assert_gradient(bgnbd_objective, data, point)


@pytest.mark.parametrize("penalizer", [0.0, 0.1])
def test_gamma_gamma_objective_is_lifetimes_and_gradient_exact(
    cdnow_summary: pd.DataFrame, penalizer: float
) -> None:
    repeat = cdnow_summary[cdnow_summary["frequency"] > 0]
    x, m = repeat["frequency"].to_numpy(float), repeat["monetary_value"].to_numpy(float)
    weights = np.random.default_rng(2).integers(1, 5, len(x))
    data = gamma_gamma_data(x, m, weights, penalizer)
    for point in GG_POINTS:
        theirs = GammaGammaFitter._negative_log_likelihood(np.log(point), x, m, weights, penalizer)
        assert gamma_gamma_objective(np.log(point), data)[0] == pytest.approx(theirs, rel=1e-12)
        assert_gradient(gamma_gamma_objective, data, point)


def test_pareto_once_per_pair_equals_row_by_row(cdnow_summary: pd.DataFrame) -> None:
    """The hypergeometric term evaluated per distinct (x, t_x) / (x, T) pair, gathered back,
    equals the row-by-row likelihood, also with frequent buyers (Euler's form)."""
    x, t_x, T = _arrays(cdnow_summary)
    x, t_x, T = np.r_[x, 150.0, 150.0], np.r_[t_x, 30.0, 20.0], np.r_[T, 38.0, 38.0]
    data = pareto_nbd.prepare(x, t_x, T, np.ones(len(x)))
    assert len(data.recent[0]) < len(x) and len(data.aged[0]) < len(x)
    for point in [(0.553, 10.58, 0.606, 11.67), (0.5, 20.0, 2.0, 3.0), (2.0, 3.0, 0.5, 40.0)]:
        np.testing.assert_allclose(
            pareto_nbd.data_log_likelihood(np.array(point), data),
            pareto_nbd.log_likelihood(np.array(point), x, t_x, T),
            rtol=1e-12,
        )


def lifetimes_bgnbd(summary: pd.DataFrame) -> dict[str, float]:
    with warnings.catch_warnings():
        fitter = BetaGeoFitter().fit(*_arrays(summary))
    return {k: float(v) for k, v in fitter.params_.items()}


def lifetimes_gamma_gamma(summary: pd.DataFrame) -> dict[str, float]:
    repeat = summary[summary["frequency"] > 0]
    with warnings.catch_warnings():
        fitter = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    return {k: float(v) for k, v in fitter.params_.items()}


def test_bgnbd_fit_is_lifetimes(cdnow_summary: pd.DataFrame, simulated: pd.DataFrame) -> None:
    for summary in (cdnow_summary, simulated):
        ours, theirs = BGNBD().fit(summary).params_, lifetimes_bgnbd(summary)
        for name, value in theirs.items():
            assert ours[name] == pytest.approx(value, rel=1e-6), name
    assert ours == pytest.approx({"r": 0.8, "alpha": 5.0, "a": 1.5, "b": 10.0}, rel=0.1)


def test_gamma_gamma_fit_is_lifetimes(cdnow_summary: pd.DataFrame, simulated: pd.DataFrame) -> None:
    for summary in (cdnow_summary, simulated):
        ours, theirs = GammaGamma().fit(summary).params_, lifetimes_gamma_gamma(summary)
        for name, value in theirs.items():
            assert ours[name] == pytest.approx(value, rel=1e-6), name
    assert ours == pytest.approx({"p": 3.0, "q": 4.0, "v": 60.0}, rel=0.15)


@pytest.mark.parametrize("model", [BGNBD, GammaGamma, ParetoNBD])
def test_subsample_start_reaches_the_same_optimum(
    simulated: pd.DataFrame, model: type, monkeypatch
) -> None:
    """The warm start from a subsample changes the path, not the optimum: the same parameters
    as a fit on all rows from the default start, to 1e-8 (1e-6 for Pareto/NBD, whose gradient
    is by differences, good to ~1e-10, on its flat s–β ridge)."""
    warm = model().fit(simulated)
    monkeypatch.setattr(base, "SUBSAMPLE_ROWS", len(simulated))
    cold = model().fit(simulated)
    assert warm.params_ == pytest.approx(cold.params_, rel=1e-6 if model is ParetoNBD else 1e-8)
    assert warm.log_likelihood_ == pytest.approx(cold.log_likelihood_, rel=1e-12)


@pytest.mark.parametrize("penalizer", [0.0, 0.01])
def test_log_likelihood_at_the_optimum_is_the_data_log_likelihood(
    cdnow_summary: pd.DataFrame, penalizer: float
) -> None:
    """The fits take log_likelihood_ from the optimiser's last value (on scaled times, with
    the penalty): it must be the plain log-likelihood of the data at the fitted parameters."""
    bg = BGNBD(penalizer_coef=penalizer).fit(cdnow_summary)
    assert bg.log_likelihood_ == pytest.approx(bg.log_likelihood(cdnow_summary), rel=1e-10)
    gg = GammaGamma(penalizer_coef=penalizer).fit(cdnow_summary)
    repeat = cdnow_summary[cdnow_summary["frequency"] > 0]
    log_params = np.log([gg.params_[k] for k in ("p", "q", "v")])
    x, m = repeat["frequency"].to_numpy(float), repeat["monetary_value"].to_numpy(float)
    theirs = GammaGammaFitter._negative_log_likelihood(log_params, x, m, np.ones(len(x)), 0.0)
    assert gg.log_likelihood_ == pytest.approx(-theirs * len(x), rel=1e-10)


def test_gamma_gamma_without_repeat_buyers_says_so() -> None:
    one_timers = pd.DataFrame({"frequency": [0.0, 0.0], "monetary_value": [0.0, 0.0]})
    with pytest.raises(WorkbenchError, match="Gamma-Gamma needs repeat buyers"):
        GammaGamma().fit(one_timers)

"""Pareto/NBD likelihood, P(alive) and expected purchases, in log space.

lifetimes evaluates the hypergeometric term of the likelihood, 2F1(r+s+x, b; r+s+x+1; z), directly:
for customers with more than about 120 repeat purchases (B2B accounts buying weekly for years)
it overflows, and the likelihood, P(alive) and the predictions of the whole base become NaN.
Here the term is rewritten with Euler's transformation,

    2F1(a, b; a+1; z) = (1 − z)^(1−b) · 2F1(1, a+1−b; a+1; z),

whose right-hand series converges at z → 1 (c − a − b > 0 in both cases of the model), so its
logarithm is finite for any frequency; everything else stays in logs. Where lifetimes' values are
finite, these equal them (tested to 1e-9).

References
----------
.. [1] Fader, P. S. and Hardie, B. G. S. (2005). "A Note on Deriving the Pareto/NBD Model and
   Related Expressions", eqs. (18)–(20), (36)–(37), (41). http://brucehardie.com/notes/009/
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import gammaln, hyp2f1


def _term(params: np.ndarray, x: np.ndarray, age: np.ndarray) -> np.ndarray:
    """log( 2F1(r+s+x, b; r+s+x+1; z) / (high + age)^(r+s+x) ), z = (high − low) / (high + age),
    with (low, high, b) = (α, β, r + x) if α < β else (β, α, s + 1): eqs. (19)–(20)."""
    r, alpha, s, beta = params
    rsx = r + s + x
    if alpha < beta:
        low, high, b = alpha, beta, r + x
    else:
        low, high, b = beta, alpha, s + 1.0
    z = (high - low) / (high + age)
    euler = hyp2f1(1.0, rsx + 1.0 - b, rsx + 1.0, z)
    return (1.0 - b) * np.log((low + age) / (high + age)) + np.log(euler) - rsx * np.log(high + age)


def _log_a0(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):  # t_x = T: log(0) = −inf, as it should be
        return first + np.log1p(-np.exp(second - first))


def log_a0(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """log A_0 of eqs. (19)–(20): −inf where t_x = T (A_0 = 0)."""
    return _log_a0(_term(params, x, t_x), _term(params, x, T))


@dataclass(frozen=True)
class ParetoNBDData:
    """Rows for the likelihood with the distinct (x, t_x) and (x, T) pairs found once: the
    hypergeometric term depends on a customer only through them (on the 1M-customer demo, 66k
    and 67k pairs for 676k distinct rows), so it is evaluated once per pair."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    weights: np.ndarray
    penalizer_coef: float
    xu: np.ndarray  # distinct x
    ix: np.ndarray  # row → distinct x
    recent: tuple[np.ndarray, np.ndarray, np.ndarray]  # distinct (x, t_x): x, t_x, row codes
    aged: tuple[np.ndarray, np.ndarray, np.ndarray]  # distinct (x, T): x, T, row codes


def _pairs(x: np.ndarray, age: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (x, age) pairs as two arrays, and each row's pair."""
    cx, _ = pd.factorize(x)
    ca, _ = pd.factorize(age)
    codes, keys = pd.factorize(cx.astype(np.int64) * (int(ca.max(initial=0)) + 1) + ca)
    rows = np.empty(len(keys), dtype=np.intp)
    rows[codes] = np.arange(len(codes))  # a row of each pair
    return x[rows], age[rows], codes.astype(np.intp, copy=False)


def prepare(
    x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weights: np.ndarray, penalizer_coef: float = 0.0
) -> ParetoNBDData:
    """The likelihood's inputs with distinct frequencies and (x, t_x), (x, T) pairs found once."""
    x, t_x, T = (np.asarray(c, dtype=float) for c in (x, t_x, T))
    ix, xu = pd.factorize(x)
    return ParetoNBDData(
        x=x, t_x=t_x, T=T, weights=np.asarray(weights, dtype=float),
        penalizer_coef=penalizer_coef, xu=np.asarray(xu, dtype=float),
        ix=ix.astype(np.intp, copy=False), recent=_pairs(x, t_x), aged=_pairs(x, T),
    )  # fmt: skip


def data_log_likelihood(params: np.ndarray, data: ParetoNBDData) -> np.ndarray:
    """``log_likelihood`` of every row of prepared data, each special function once per
    distinct frequency or (frequency, time) pair."""
    r, alpha, s, beta = params
    x, T = data.x, data.T
    (rx_, rt, ri), (ax, at, ai) = data.recent, data.aged
    la0 = _log_a0(_term(params, rx_, rt)[ri], _term(params, ax, at)[ai])
    head = gammaln(r + data.xu)[data.ix] - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    gone = np.log(s) + la0 - np.log(r + s + x)
    return head + np.logaddexp(alive, gone)


def log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Each customer's log-likelihood, eq. (18)."""
    r, alpha, s, beta = params
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    gone = np.log(s) + log_a0(params, x, t_x, T) - np.log(r + s + x)
    return head + np.logaddexp(alive, gone)


def negative_log_likelihood(
    params: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    weights: np.ndarray,
    penalizer_coef: float = 0.0,
) -> float:
    """Weighted negative log-likelihood ÷ mean weight, plus the penalty: lifetimes' scaling."""
    params = np.asarray(params, dtype=float)
    if np.any(params <= 0):
        return np.inf
    total = np.sum(weights * log_likelihood(params, x, t_x, T))
    return float(-total / np.mean(weights) + penalizer_coef * np.sum(params**2))


def p_alive(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Probability the customer is still active at T, eq. (37)."""
    r, alpha, s, beta = params
    log_ratio = (
        np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) + s * np.log(beta + T)
        + log_a0(params, x, t_x, T)
    )  # fmt: skip
    return np.exp(-np.logaddexp(0.0, log_ratio))  # 1 / (1 + e^log_ratio), no overflow


def expected_purchases(
    params: np.ndarray, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Expected repeat purchases in (T, T + t], eq. (41); the s → 1 limit taken where s = 1."""
    r, alpha, s, beta = params
    log_shrink = np.log(beta + T) - np.log(beta + T + t)  # < 0
    decay = -log_shrink if abs(s - 1.0) < 1e-9 else -np.expm1((s - 1.0) * log_shrink) / (s - 1.0)
    return p_alive(params, x, t_x, T) * (r + x) * (beta + T) / (alpha + T) * decay


_STEP = 1e-5  # central-difference step in the log-parameters (error ~1e-10 either way)


def objective(log_params: np.ndarray, data: ParetoNBDData) -> tuple[float, np.ndarray]:
    """``negative_log_likelihood`` at exp(log_params) ÷ the number of rows (a mean per
    customer, like the other models' objectives, so a subsample's curvature matches the whole
    base's; the optimum is lifetimes') and its gradient in the log-parameters.

    The gradient is by central differences: the hypergeometric term has no closed-form
    derivative in its parameters. ``data`` comes from ``prepare``.
    """
    rows, weights = len(data.weights), data.weights

    def value(point: np.ndarray) -> float:
        params = np.exp(point)
        total = np.sum(weights * data_log_likelihood(params, data))
        penalty = data.penalizer_coef * np.sum(params**2)
        return float(-total / np.mean(weights) + penalty) / rows

    centre = value(log_params)
    if not np.isfinite(centre):
        return np.inf, np.zeros(len(log_params))
    gradient = np.empty(len(log_params))
    for k in range(len(log_params)):
        step = np.zeros(len(log_params))
        step[k] = _STEP
        gradient[k] = (value(log_params + step) - value(log_params - step)) / (2 * _STEP)
    return centre, gradient

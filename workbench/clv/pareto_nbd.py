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

import numpy as np
from scipy.special import gammaln, hyp2f1


def log_a0(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """log A_0 of eqs. (19)–(20): −inf where t_x = T (A_0 = 0)."""
    r, alpha, s, beta = params
    rsx = r + s + x
    if alpha < beta:
        low, high, b = alpha, beta, r + x
    else:
        low, high, b = beta, alpha, s + 1.0
    spread = high - low

    def term(age: np.ndarray) -> np.ndarray:
        """log( 2F1(rsx, b; rsx+1; z) / (high + age)^rsx ), z = spread / (high + age)."""
        z = spread / (high + age)
        euler = hyp2f1(1.0, rsx + 1.0 - b, rsx + 1.0, z)
        return (
            (1.0 - b) * np.log((low + age) / (high + age))
            + np.log(euler)
            - rsx * np.log(high + age)
        )

    first, second = term(t_x), term(T)
    with np.errstate(divide="ignore"):  # t_x = T: log(0) = −inf, as it should be
        return first + np.log1p(-np.exp(second - first))


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

"""BG/NBD log-likelihood and its analytic gradient, each special function once per distinct value.

The objective is lifetimes' (``BetaGeoFitter._negative_log_likelihood``: −log-likelihood ÷ the
total weight + penalty on the parameters, in log-parameters), equal to it to float rounding; the
gradient is eqs. (6)–(7) of [1]_ differentiated by hand, checked against differences in
``tests/clv/test_gradients.py``. ``BGNBD`` in ``workbench.clv.purchase`` fits with it.

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting Your Customers the Easy
   Way: An Alternative to the Pareto/NBD Model." Marketing Science 24(2), 275-284.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln

from workbench.clv.base import distinct, row_dot


@dataclass(frozen=True)
class BGNBDData:
    """Frequency, recency and T prepared for the BG/NBD likelihood.

    Customers without repeat purchases become weights per distinct T (their likelihood depends
    on T only). Repeat buyers stay rows, with codes into their distinct frequencies, recencies
    and Ts, and with the sums that are linear in the per-T terms aggregated per distinct T.
    """

    T0: np.ndarray  # distinct T of customers without repeat purchases
    w0: np.ndarray  # their weights per distinct T
    x: np.ndarray  # distinct frequencies of repeat buyers
    wx: np.ndarray  # weight per distinct frequency
    ix: np.ndarray  # row → distinct frequency
    Tu: np.ndarray  # distinct T of repeat buyers
    wT: np.ndarray  # weight per distinct T
    xwT: np.ndarray  # Σ weight × frequency per distinct T
    iT: np.ndarray  # row → distinct T
    Ru: np.ndarray  # distinct recencies
    iR: np.ndarray  # row → distinct recency
    x_row: np.ndarray  # frequency per row
    w: np.ndarray  # weight per row
    total: float  # sum of all weights
    penalizer_coef: float = 0.0


def bgnbd_data(
    frequency: np.ndarray,
    recency: np.ndarray,
    T: np.ndarray,
    weights: np.ndarray,
    penalizer_coef: float = 0.0,
) -> BGNBDData:
    """The BG/NBD likelihood's inputs with every column's distinct values found once."""
    weights = np.asarray(weights, dtype=float)
    repeat = frequency > 0
    T0, codes = distinct(T[~repeat])
    x, ix = distinct(frequency[repeat])
    Tu, iT = distinct(T[repeat])
    Ru, iR = distinct(recency[repeat])
    w, x_row = weights[repeat], frequency[repeat]
    return BGNBDData(
        T0=T0, w0=np.bincount(codes, weights[~repeat], len(T0)), x=x,
        wx=np.bincount(ix, w, len(x)), ix=ix, Tu=Tu, wT=np.bincount(iT, w, len(Tu)),
        xwT=np.bincount(iT, w * x_row, len(Tu)), iT=iT, Ru=Ru, iR=iR, x_row=x_row, w=w,
        total=float(np.sum(weights)), penalizer_coef=penalizer_coef,
    )  # fmt: skip


def bgnbd_objective(log_params: np.ndarray, data: BGNBDData) -> tuple[float, np.ndarray]:
    """lifetimes' BG/NBD objective (−log-likelihood ÷ total weight + penalty) and its gradient
    in the log-parameters, eqs. (6)–(7) of Fader, Hardie and Lee (2005) differentiated by hand.

    Each customer's likelihood is e^A3 + [x > 0]·e^A4 times the terms A1 + A2 of the frequency
    alone; with d = A4 − A3 and p = sigmoid(d) (the share of the "dropped out at t_x" branch),
    log(e^A3 + e^A4) = A3 + softplus(d) and every derivative is a p-weighted mix of the two.
    """
    params = np.exp(log_params)
    r, alpha, a, b = params
    log_alpha = np.log(alpha)
    # no repeat purchase: log L = r·log α − r·log(α + T)
    lt0 = np.log(alpha + data.T0)
    ll = r * (data.w0 @ (log_alpha - lt0))
    g_r = data.w0 @ (log_alpha - lt0)
    g_alpha = r * (data.w0 @ (1.0 / alpha - 1.0 / (alpha + data.T0)))
    # repeat buyers, terms of the frequency alone: special functions once per distinct value
    x, wx = data.x, data.wx
    n = np.sum(wx)
    rx = r + x
    ll += wx @ (gammaln(rx) + gammaln(b + x) - gammaln(a + b + x))
    ll += n * (-gammaln(r) + r * log_alpha + gammaln(a + b) - gammaln(b))
    g_r += wx @ digamma(rx) + n * (log_alpha - digamma(r))
    g_alpha += n * r / alpha
    dg_abx = digamma(a + b + x)
    g_a = n * digamma(a + b) - wx @ dg_abx
    g_b = wx @ (digamma(b + x) - dg_abx) + n * (digamma(a + b) - digamma(b))
    # A3 = −(r + x)·log(α + T): linear in the per-T logs, summed per distinct T
    lt, iat = np.log(alpha + data.Tu), 1.0 / (alpha + data.Tu)
    ll -= r * (data.wT @ lt) + data.xwT @ lt
    g_r -= data.wT @ lt
    g_alpha -= r * (data.wT @ iat) + data.xwT @ iat
    # d = A4 − A3 = log a − log(b + x − 1) + (r + x)·(log(α + T) − log(α + t_x)), per row
    lr, iar = np.log(alpha + data.Ru), 1.0 / (alpha + data.Ru)
    gap = lt[data.iT] - lr[data.iR]
    rx_row = r + data.x_row
    d = (np.log(a) - np.log(b + x - 1.0))[data.ix] + rx_row * gap
    e = np.exp(-np.abs(d))
    one_e = 1.0 + e
    ll += row_dot(data.w, np.maximum(d, 0.0) + np.log(one_e))  # softplus(d), no overflow
    q = 1.0 / one_e
    wp = data.w * np.where(d >= 0, q, e * q)  # weight × sigmoid(d)
    g_r += row_dot(wp, gap)
    u = wp * rx_row
    g_alpha += iat @ np.bincount(data.iT, u, len(iat)) - iar @ np.bincount(data.iR, u, len(iar))
    g_a += np.sum(wp) / a
    g_b -= np.bincount(data.ix, wp, len(x)) @ (1.0 / (b + x - 1.0))
    value = -ll / data.total + data.penalizer_coef * np.sum(params**2)
    if not np.isfinite(value):
        return np.inf, np.zeros(4)
    gradient = np.array([g_r, g_alpha, g_a, g_b])
    return float(value), -gradient * params / data.total + 2.0 * data.penalizer_coef * params**2

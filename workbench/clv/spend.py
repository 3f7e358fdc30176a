"""What a customer is worth: spend models (Gamma-Gamma, MeanSpend) and the discounted CLV.

Same scikit-learn conventions as the purchase models in ``workbench.clv.purchase``: hyper-parameters in
``__init__``, data only in ``fit``, fitted state in ``params_`` (plain floats, so pickle works).

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "RFM and CLV: Using Iso-Value
   Curves for Customer Base Analysis." J. Marketing Research 42(4), 415-430. (Gamma-Gamma)
.. [2] Fader, P. S. and Hardie, B. G. S. (2013). "The Gamma-Gamma Model of Monetary Value".
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from workbench.clv.base import (
    BaseModel,
    as_weights,
    distinct,
    minimize_log_params,
    row_dot,
    summary_columns,
)
from workbench.clv.purchase import BGNBD, PurchaseModel
from workbench.core.errors import WorkbenchError

with warnings.catch_warnings():  # lifetimes calls warnings.simplefilter at import
    warnings.filterwarnings("ignore", message=".*chained_assignment")  # its pandas 2 option
    from lifetimes import GammaGammaFitter

# A month in summary units, as lifetimes counts it (weeks: 4.345; days: 30; hours: 720).
MONTH_UNITS = {7.0: 4.345, 1.0: 30.0, 1.0 / 24.0: 720.0}


@dataclass(frozen=True)
class GammaGammaData:
    """Repeat buyers' frequency and mean spend prepared for the Gamma-Gamma likelihood: codes into
    the distinct frequencies, and the sums that do not depend on the parameters."""

    x: np.ndarray  # distinct frequencies
    wx: np.ndarray  # weight per distinct frequency
    w: np.ndarray  # weight per row
    wx_row: np.ndarray  # weight × frequency per row
    xm: np.ndarray  # frequency × mean spend per row
    sum_wx_log_m: float  # Σ w·x·log m
    sum_w_log_m: float  # Σ w·log m
    total: float
    penalizer_coef: float = 0.0


def gamma_gamma_data(
    frequency: np.ndarray, monetary: np.ndarray, weights: np.ndarray, penalizer_coef: float = 0.0
) -> GammaGammaData:
    """The Gamma-Gamma likelihood's inputs (repeat buyers only) with the frequencies' distinct
    values found once."""
    frequency, monetary = np.asarray(frequency, float), np.asarray(monetary, float)
    w = np.asarray(weights, dtype=float)
    x, ix = distinct(frequency)
    log_m = np.log(monetary)
    return GammaGammaData(
        x=x, wx=np.bincount(ix, w, len(x)), w=w, wx_row=w * frequency, xm=frequency * monetary,
        sum_wx_log_m=row_dot(w * frequency, log_m), sum_w_log_m=row_dot(w, log_m),
        total=float(np.sum(w)), penalizer_coef=penalizer_coef,
    )  # fmt: skip


def gamma_gamma_objective(log_params: np.ndarray, data: GammaGammaData) -> tuple[float, np.ndarray]:
    """lifetimes' Gamma-Gamma objective (−log-likelihood ÷ total weight + penalty) and its
    gradient in the log-parameters; eq. (1a) of Fader and Hardie (2013), differentiated by hand.

    log L = Γ-terms of p·x and q (per distinct x) + q·log v + (p·x − 1)·log m + p·x·log x
    − (p·x + q)·log(x·m + v): per row only log(x·m + v) and its reciprocal depend on v.
    """
    params = np.exp(log_params)
    p, q, v = params
    x, wx = data.x, data.wx
    px = p * x
    log_x = np.log(x)
    log_xmv = np.log(data.xm + v)
    inv_xmv = 1.0 / (data.xm + v)
    s_wx_l, s_w_l = row_dot(data.wx_row, log_xmv), row_dot(data.w, log_xmv)
    s_wx_i, s_w_i = row_dot(data.wx_row, inv_xmv), row_dot(data.w, inv_xmv)
    total = data.total
    ll = (
        np.dot(wx, gammaln(px + q) - gammaln(px) + px * log_x)
        + total * (q * np.log(v) - gammaln(q))
        + p * data.sum_wx_log_m - data.sum_w_log_m
        - p * s_wx_l - q * s_w_l
    )  # fmt: skip
    dg = digamma(px + q)
    g_p = np.dot(wx, x * (dg - digamma(px) + log_x)) + data.sum_wx_log_m - s_wx_l
    g_q = np.dot(wx, dg) + total * (np.log(v) - digamma(q)) - s_w_l
    g_v = total * q / v - p * s_wx_i - q * s_w_i
    value = -ll / total + data.penalizer_coef * np.sum(params**2)
    if not np.isfinite(value):
        return np.inf, np.zeros(3)
    grad = -np.array([g_p, g_q, g_v]) * params / total + 2.0 * data.penalizer_coef * params**2
    return float(value), grad


class GammaGamma(BaseModel):
    """Gamma-Gamma spend model [1]_: each customer's mean transaction value, shrunk to the mean.

    Fitted on repeat buyers only (frequency > 0, their ``monetary_value``); it assumes spend is
    independent of purchase frequency — check ``summary[["frequency", "monetary_value"]].corr()``.

    References
    ----------
    .. [1] Fader, Hardie and Lee (2005), J. Marketing Research 42(4), 415-430; Fader and Hardie
       (2013), "The Gamma-Gamma Model of Monetary Value".
    """

    name = "gammagamma"
    param_names = ("p", "q", "v")
    _fitter = GammaGammaFitter

    def fit(self, summary: pd.DataFrame, weights: Any = None) -> GammaGamma:
        """Estimate p, q, v (v is γ in the papers) on the repeat buyers of ``summary``."""
        frequency, monetary = summary_columns(summary, ("frequency", "monetary_value"))
        weights = as_weights(weights, len(frequency))
        repeat = frequency > 0
        bad = int(np.sum(repeat & ~(monetary > 0)))
        if bad:
            raise WorkbenchError(
                f"{bad} repeat buyers have monetary_value <= 0 (returns, free orders): the "
                "Gamma-Gamma model needs positive spend; leave them out of the summary you fit"
            )
        if not np.sum(weights[repeat]) > 0:
            raise WorkbenchError("Gamma-Gamma needs repeat buyers (frequency > 0): there are none")
        penalizer = self.penalizer_coef

        def build(x: np.ndarray, m: np.ndarray, w: np.ndarray) -> GammaGammaData:
            return gamma_gamma_data(x, m, w, penalizer)

        columns = (frequency[repeat], monetary[repeat])
        try:  # BFGS on log-parameters with the analytic gradient, from a subsample's fit
            log_params, value = minimize_log_params(
                gamma_gamma_objective, build, columns, weights[repeat], np.zeros(3)
            )
        except WorkbenchError:
            raise WorkbenchError(
                f"Gamma-Gamma did not converge on {int(np.sum(weights[repeat]))} repeat "
                "buyers: try a penalizer_coef such as 0.001"
            ) from None
        self.params_ = dict(zip(self.param_names, map(float, np.exp(log_params)), strict=True))
        self.n_customers_ = int(np.sum(weights[repeat]))
        penalty = penalizer * np.sum(np.exp(log_params) ** 2)
        self.log_likelihood_ = float(-(value - penalty) * np.sum(weights[repeat]))
        return self

    @property
    def applies(self) -> bool:
        """Whether the fit is usable: q > 1, else the population mean spend p·v/(q−1) is not
        finite and expected_spend turns negative for customers with few purchases."""
        self._check_fitted()
        return self.params_["q"] > 1

    def expected_spend(self, summary: pd.DataFrame) -> pd.Series:
        """Expected mean value of each customer's future purchases (population mean if none yet)."""
        frequency, monetary = summary_columns(summary, ("frequency", "monetary_value"))
        with warnings.catch_warnings():
            values = self._lifetimes().conditional_expected_average_profit(frequency, monetary)
        return pd.Series(
            np.asarray(values, dtype=float), index=summary.index, name="expected_spend"
        )

    def _lifetimes(self) -> Any:
        self._check_fitted()
        fitter = self._fitter(penalizer_coef=self.penalizer_coef)
        fitter.params_ = pd.Series(self.params_)[list(self.param_names)]
        return fitter


class MeanSpend(BaseModel):
    """Spend without a distribution: a repeat buyer's own mean purchase value, else the mean of
    all repeat purchases. The fallback when Gamma-Gamma does not apply (q ≤ 1: spend so
    heavy-tailed that its fitted population mean is infinite)."""

    name = "meanspend"
    param_names = ("mean",)

    def fit(self, summary: pd.DataFrame, weights: Any = None) -> MeanSpend:
        """The mean value of all repeat purchases (each customer's mean weighted by frequency)."""
        frequency, monetary = summary_columns(summary, ("frequency", "monetary_value"))
        weights = as_weights(weights, len(frequency)) * frequency
        if not np.sum(weights) > 0:
            raise WorkbenchError("MeanSpend needs at least one repeat purchase")
        self.params_ = {"mean": float(np.sum(weights * monetary) / np.sum(weights))}
        self.n_customers_ = int(np.sum(as_weights(None, len(frequency))[frequency > 0]))
        return self

    def expected_spend(self, summary: pd.DataFrame) -> pd.Series:
        """Each repeat buyer's mean purchase value; the overall mean for one-time buyers."""
        self._check_fitted()
        frequency, monetary = summary_columns(summary, ("frequency", "monetary_value"))
        values = np.where(frequency > 0, monetary, self.params_["mean"])
        return pd.Series(values, index=summary.index, name="expected_spend")


class CLV:
    """Customer lifetime value = purchase model x spend model, discounted month by month.

    ``CLV(BGNBD(), GammaGamma()).fit(summary).customer_lifetime_value(summary, months=12)``;
    models already fitted may be passed and used as they are (``fit`` is then not needed).
    """

    def __init__(
        self,
        purchase_model: PurchaseModel | None = None,
        spend_model: GammaGamma | MeanSpend | None = None,
    ):
        self.purchase_model = purchase_model
        self.spend_model = spend_model

    def fit(self, summary: pd.DataFrame, weights: Any = None) -> CLV:
        """Fit fresh copies of both models on the same summary (the ones passed stay as they
        were, as in scikit-learn's ``clone``); returns self."""
        purchase, spend = self.purchase_model or BGNBD(), self.spend_model or GammaGamma()
        self.purchase_model_ = type(purchase)(**purchase.get_params()).fit(summary, weights)
        self.spend_model_ = type(spend)(**spend.get_params()).fit(summary, weights)
        return self

    def models(self) -> tuple[PurchaseModel, GammaGamma | MeanSpend]:
        """The purchase and spend models in use: those ``fit`` fitted, else the ones passed in."""
        purchase = getattr(self, "purchase_model_", None) or self.purchase_model
        spend = getattr(self, "spend_model_", None) or self.spend_model
        if purchase is None or spend is None:
            raise WorkbenchError("CLV needs a purchase and a spend model: pass them or call fit")
        purchase._check_fitted()
        spend._check_fitted()
        return purchase, spend

    def customer_lifetime_value(
        self,
        summary: pd.DataFrame,
        months: int = 12,
        discount_rate: float = 0.01,
        unit_days: float = 7.0,
    ) -> pd.Series:
        """Discounted expected value of each customer over the next ``months`` (monthly rate).

        Σ over months m of (expected purchases by the end of month m − by the end of month m−1)
        × the spend model's ``expected_spend`` ÷ (1 + discount_rate)^m — lifetimes'
        ``customer_lifetime_value``, with months of 4.345 weeks (30 days, 720 hours), but
        through this package's purchase models (so Pareto/NBD stays finite for frequent buyers).
        ``unit_days`` must be the summary's unit: 7 (weeks), 1 (days) or 1/24 (hours).
        """
        purchase, spend = self.models()
        step = MONTH_UNITS.get(float(unit_days))
        if step is None:
            raise WorkbenchError(
                f"unit_days must be one of {sorted(MONTH_UNITS)}, not {unit_days!r}"
            )
        spend_per_purchase = spend.expected_spend(summary).to_numpy(dtype=float)
        value, previous = np.zeros(len(summary)), np.zeros(len(summary))
        for month in range(1, months + 1):
            cumulative = purchase.expected_purchases(month * step, summary).to_numpy(dtype=float)
            value += spend_per_purchase * (cumulative - previous) / (1 + discount_rate) ** month
            previous = cumulative
        return pd.Series(value, index=summary.index, name="clv")

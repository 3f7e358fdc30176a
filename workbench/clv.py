"""Customer lifetime value: purchase models (who is alive, how many purchases) and spend models.

Thin scikit-learn-style wrappers over the ``lifetimes`` fitters: hyper-parameters in ``__init__``,
data only in ``fit`` (which returns ``self``), fitted state in ``params_`` (a dict of floats),
``n_customers_`` and ``log_likelihood_``. Only those plain values are kept, so a fitted model
pickles with the standard library; the lifetimes fitter is rebuilt from ``params_`` on each use.
lifetimes switches FutureWarnings off process-wide when imported and at every likelihood call;
every call into it here runs inside ``warnings.catch_warnings()`` so the caller's filters survive.

The summary frames come from ``workbench.clv_data`` (``summarize`` or ``calibration_holdout``;
for the latter the ``*_cal`` columns are used). Times are in the summary's units (weeks default).

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting Your Customers the Easy
   Way: An Alternative to the Pareto/NBD Model." Marketing Science 24(2), 275-284. (BG/NBD)
.. [2] Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987). "Counting Your Customers:
   Who Are They and What Will They Do Next?" Management Science 33(1), 1-24. (Pareto/NBD)
.. [3] Batislam, E. P., Denizel, M. and Filiztekin, A. (2007). "Empirical validation and
   comparison of models for customer base analysis." Int. J. Research in Marketing 24(3). (MBG/NBD)
.. [4] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "RFM and CLV: Using Iso-Value
   Curves for Customer Base Analysis." J. Marketing Research 42(4), 415-430. (Gamma-Gamma)
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from workbench.errors import WorkbenchError

with warnings.catch_warnings():  # lifetimes calls warnings.simplefilter at import
    warnings.filterwarnings("ignore", message=".*chained_assignment")  # its pandas 2 option
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter
    from lifetimes.utils import ConvergenceError, _customer_lifetime_value

_FIT_TOLERANCES = (1e-7, 1e-6, 1e-5)  # BFGS gradient tolerances tried in turn

# lifetimes' customer_lifetime_value counts time in these units; key: days per summary unit
_CLV_FREQ = {7.0: "W", 1.0: "D", 1.0 / 24.0: "H"}


def _columns(summary: pd.DataFrame, names: tuple[str, ...]) -> list[np.ndarray]:
    """The named columns as float arrays, taking ``<name>_cal`` when ``<name>`` is absent."""
    out = []
    for name in names:
        for column in (name, f"{name}_cal"):
            if column in summary.columns:
                out.append(summary[column].to_numpy(dtype=float))
                break
        else:
            raise WorkbenchError(f"summary needs column {name!r} (or {name}_cal)")
    return out


def _weights(weights: Any, n: int) -> np.ndarray:
    """Integer-or-float weights as an array of length ``n`` (ones when ``None``)."""
    if weights is None:
        return np.ones(n, dtype=np.int64)
    weights = np.asarray(weights)
    if weights.shape != (n,):
        raise WorkbenchError(
            f"weights must have one value per summary row ({n}), not {weights.shape}"
        )
    return weights


class _Model:
    """Shared scikit-learn plumbing: parameters, fitted check, rebuilding the lifetimes fitter."""

    name: ClassVar[str]
    param_names: ClassVar[tuple[str, ...]]
    _fitter: ClassVar[type]

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = penalizer_coef

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Hyper-parameters, as scikit-learn's ``get_params``."""
        return {"penalizer_coef": self.penalizer_coef}

    def set_params(self, **params: Any) -> _Model:
        """Set hyper-parameters, as scikit-learn's ``set_params``."""
        for key, value in params.items():
            if key not in self.get_params():
                raise WorkbenchError(f"unknown parameter {key!r} for {type(self).__name__}")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}(penalizer_coef={self.penalizer_coef!r})"

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise WorkbenchError(f"{type(self).__name__} is not fitted: call fit(summary) first")

    def _lifetimes(self) -> Any:
        """A lifetimes fitter carrying ``params_`` (what its prediction methods read)."""
        self._check_fitted()
        fitter = self._fitter(penalizer_coef=self.penalizer_coef)
        fitter.params_ = pd.Series(self.params_)[list(self.param_names)]
        fitter.predict = fitter.conditional_expected_number_of_purchases_up_to_time
        return fitter

    @property
    def n_params(self) -> int:
        """Number of free parameters (for AIC/BIC)."""
        return len(self.param_names)


class _PurchaseModel(_Model):
    """A model of repeat purchases and dropout fitted on frequency, recency and T."""

    _log_params: ClassVar[bool] = True  # lifetimes' likelihood takes log-parameters

    def fit(self, summary: pd.DataFrame, weights: Any = None) -> _PurchaseModel:
        """Estimate the parameters by maximum likelihood; ``weights`` = customers per row."""
        frequency, recency, T = _columns(summary, ("frequency", "recency", "T"))
        weights = _weights(weights, len(frequency))
        with warnings.catch_warnings():
            self.params_ = self._estimate(frequency, recency, T, weights)
        self.n_customers_ = int(np.sum(weights))
        self.log_likelihood_ = self.log_likelihood(summary, weights)
        return self

    def _estimate(
        self, frequency: np.ndarray, recency: np.ndarray, T: np.ndarray, weights: np.ndarray
    ) -> dict[str, float]:
        """Maximum-likelihood parameters, by the lifetimes fitter's own optimiser (BFGS).

        BFGS may stop with "precision loss" right at the optimum (gradient ~1e-7), which lifetimes
        treats as failure (and prints); the fit is then retried with a looser gradient tolerance.
        """
        for tol in _FIT_TOLERANCES:
            fitter = self._fitter(penalizer_coef=self.penalizer_coef)
            try:
                # its standard errors take sqrt/log of a degenerate Hessian: we do not use them
                with contextlib.redirect_stdout(io.StringIO()), np.errstate(all="ignore"):
                    fitter.fit(frequency, recency, T, weights=weights, tol=tol)
            except ConvergenceError:
                continue
            return {name: float(fitter.params_[name]) for name in self.param_names}
        raise WorkbenchError(
            f"{type(self).__name__} did not converge on {int(np.sum(weights))} customers: "
            "try another model or a penalizer_coef such as 0.001"
        )

    def log_likelihood(self, summary: pd.DataFrame, weights: Any = None) -> float:
        """Total log-likelihood of the summary under the fitted parameters (no penalty)."""
        self._check_fitted()
        frequency, recency, T = _columns(summary, ("frequency", "recency", "T"))
        weights = _weights(weights, len(frequency))
        params = np.array([self.params_[name] for name in self.param_names])
        if self._log_params:
            params = np.log(params)
        with warnings.catch_warnings():
            nll = self._fitter._negative_log_likelihood(params, frequency, recency, T, weights, 0.0)
        # BG and MBG divide by the weights' sum, Pareto/NBD by their mean
        scale = np.sum(weights) if self._log_params else np.mean(weights)
        return float(-nll * scale)

    def expected_purchases(self, t: float, summary: pd.DataFrame) -> pd.Series:
        """Expected repeat purchases of each customer in the next ``t`` units, given their history."""
        frequency, recency, T = _columns(summary, ("frequency", "recency", "T"))
        with warnings.catch_warnings():
            values = self._lifetimes().conditional_expected_number_of_purchases_up_to_time(
                t, frequency, recency, T
            )
        return pd.Series(
            np.asarray(values, dtype=float), index=summary.index, name="expected_purchases"
        )

    def p_alive(self, summary: pd.DataFrame) -> pd.Series:
        """Probability that each customer is still active (has not dropped out) at T."""
        frequency, recency, T = _columns(summary, ("frequency", "recency", "T"))
        with warnings.catch_warnings():
            values = self._lifetimes().conditional_probability_alive(frequency, recency, T)
        return pd.Series(np.asarray(values, dtype=float), index=summary.index, name="p_alive")

    def expected_purchases_new(self, t: float | np.ndarray) -> np.ndarray:
        """Expected repeat purchases in ``t`` units of a customer just acquired (population mean)."""
        with warnings.catch_warnings():
            return np.asarray(self._lifetimes().expected_number_of_purchases_up_to_time(t), float)


class BGNBD(_PurchaseModel):
    """Beta-geometric/NBD model [1]_: dropout may happen right after each purchase. Default model.

    References
    ----------
    .. [1] Fader, Hardie and Lee (2005), Marketing Science 24(2), 275-284.
    """

    name = "bgnbd"
    param_names = ("r", "alpha", "a", "b")
    _fitter = BetaGeoFitter


class MBGNBD(_PurchaseModel):
    """Modified BG/NBD [1]_: as BG/NBD but customers without repeat purchases may also drop out.

    References
    ----------
    .. [1] Batislam, Denizel and Filiztekin (2007), Int. J. Research in Marketing 24(3), 201-209.
    """

    name = "mbgnbd"
    param_names = ("r", "alpha", "a", "b")
    _fitter = ModifiedBetaGeoFitter


class ParetoNBD(_PurchaseModel):
    """Pareto/NBD model [1]_: exponential lifetimes in continuous time, gamma-mixed.

    lifetimes fits it by Nelder-Mead from a random start: slow (~570 likelihood calls, 26 s on
    100k customers) and not repeatable. Here L-BFGS-B runs on the log-parameters from a fixed
    start (all ones) on the same likelihood: ~160 calls, 5 s, the same optimum; Nelder-Mead
    remains the fallback should L-BFGS-B not converge.

    References
    ----------
    .. [1] Schmittlein, Morrison and Colombo (1987), Management Science 33(1), 1-24.
    """

    name = "paretonbd"
    param_names = ("r", "alpha", "s", "beta")
    _fitter = ParetoNBDFitter
    _log_params = False

    def _estimate(
        self, frequency: np.ndarray, recency: np.ndarray, T: np.ndarray, weights: np.ndarray
    ) -> dict[str, float]:
        """Maximum-likelihood parameters: L-BFGS-B on log-parameters, Nelder-Mead as fallback."""

        def objective(log_params: np.ndarray) -> float:
            value = self._fitter._negative_log_likelihood(
                np.exp(log_params), frequency, recency, T, weights, self.penalizer_coef
            )
            return float(value) if np.isfinite(value) else 1e300

        start = np.zeros(4)
        with np.errstate(all="ignore"):
            result = minimize(objective, start, method="L-BFGS-B",
                              options={"ftol": 1e-14, "gtol": 1e-9, "maxiter": 2000})  # fmt: skip
            if not result.success or not np.isfinite(result.fun):
                result = minimize(objective, start, method="Nelder-Mead",
                                  options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000})  # fmt: skip
        if not result.success:
            raise WorkbenchError(f"Pareto/NBD fit did not converge: {result.message}")
        return dict(zip(self.param_names, map(float, np.exp(result.x)), strict=True))


class GammaGamma(_Model):
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
        frequency, monetary = _columns(summary, ("frequency", "monetary_value"))
        weights = _weights(weights, len(frequency))
        repeat = frequency > 0
        bad = int(np.sum(repeat & ~(monetary > 0)))
        if bad:
            raise WorkbenchError(
                f"{bad} repeat buyers have monetary_value <= 0 (returns, free orders): the "
                "Gamma-Gamma model needs positive spend; leave them out of the summary you fit"
            )
        with warnings.catch_warnings():
            fitter = self._fitter(penalizer_coef=self.penalizer_coef)
            fitter.fit(frequency[repeat], monetary[repeat], weights=weights[repeat])
        self.params_ = {name: float(fitter.params_[name]) for name in self.param_names}
        self.n_customers_ = int(np.sum(weights[repeat]))
        log_params = np.log([self.params_[name] for name in self.param_names])
        with warnings.catch_warnings():
            nll = self._fitter._negative_log_likelihood(
                log_params, frequency[repeat], monetary[repeat], weights[repeat], 0.0
            )
        self.log_likelihood_ = float(-nll * np.sum(weights[repeat]))
        return self

    @property
    def applies(self) -> bool:
        """Whether the fit is usable: q > 1, else the population mean spend p·v/(q−1) is not
        finite and expected_spend turns negative for customers with few purchases."""
        self._check_fitted()
        return self.params_["q"] > 1

    def expected_spend(self, summary: pd.DataFrame) -> pd.Series:
        """Expected mean value of each customer's future purchases (population mean if none yet)."""
        frequency, monetary = _columns(summary, ("frequency", "monetary_value"))
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


class MeanSpend(_Model):
    """Spend without a distribution: a repeat buyer's own mean purchase value, else the mean of
    all repeat purchases. The fallback when Gamma-Gamma does not apply (q ≤ 1: spend so
    heavy-tailed that its fitted population mean is infinite)."""

    name = "meanspend"
    param_names = ("mean",)

    def fit(self, summary: pd.DataFrame, weights: Any = None) -> MeanSpend:
        """The mean value of all repeat purchases (each customer's mean weighted by frequency)."""
        frequency, monetary = _columns(summary, ("frequency", "monetary_value"))
        weights = _weights(weights, len(frequency)) * frequency
        if not np.sum(weights) > 0:
            raise WorkbenchError("MeanSpend needs at least one repeat purchase")
        self.params_ = {"mean": float(np.sum(weights * monetary) / np.sum(weights))}
        self.n_customers_ = int(np.sum(_weights(None, len(frequency))[frequency > 0]))
        return self

    def expected_spend(self, summary: pd.DataFrame) -> pd.Series:
        """Each repeat buyer's mean purchase value; the overall mean for one-time buyers."""
        self._check_fitted()
        frequency, monetary = _columns(summary, ("frequency", "monetary_value"))
        values = np.where(frequency > 0, monetary, self.params_["mean"])
        return pd.Series(values, index=summary.index, name="expected_spend")


class CLV:
    """Customer lifetime value = purchase model x spend model, discounted month by month.

    ``CLV(BGNBD(), GammaGamma()).fit(summary).customer_lifetime_value(summary, months=12)``;
    models already fitted may be passed and used as they are (``fit`` is then not needed).
    """

    def __init__(
        self,
        purchase_model: _PurchaseModel | None = None,
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

    def models(self) -> tuple[_PurchaseModel, GammaGamma | MeanSpend]:
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

        Expected purchases month by month from the purchase model (lifetimes'
        ``_customer_lifetime_value``: months of 4.345 weeks / 30 days) times the spend model's
        ``expected_spend`` per purchase, discounted at ``discount_rate`` a month.
        ``unit_days`` must be the summary's unit: 7 (weeks), 1 (days) or 1/24 (hours).
        """
        purchase, spend = self.models()
        freq = _CLV_FREQ.get(float(unit_days))
        if freq is None:
            raise WorkbenchError(f"unit_days must be one of {sorted(_CLV_FREQ)}, not {unit_days!r}")
        frequency, recency, T = (
            pd.Series(values, index=summary.index)
            for values in _columns(summary, ("frequency", "recency", "T"))
        )
        spend_per_purchase = spend.expected_spend(summary)
        # Pareto/NBD evaluates log(0) at month 0 (a -inf that cancels): no warning for it
        with warnings.catch_warnings(), np.errstate(divide="ignore"):
            values = _customer_lifetime_value(
                purchase._lifetimes(),
                frequency,
                recency,
                T,
                spend_per_purchase,
                months,
                discount_rate,
                freq=freq,
            )
        return pd.Series(np.asarray(values, dtype=float), index=summary.index, name="clv")


PurchaseModel = _PurchaseModel  # the public name, for type hints

PURCHASE_MODELS: dict[str, type[_PurchaseModel]] = {m.name: m for m in (BGNBD, MBGNBD, ParetoNBD)}


def purchase_model(name: str = "bgnbd", penalizer_coef: float = 0.0) -> _PurchaseModel:
    """The purchase model called ``name`` (bgnbd, mbgnbd, paretonbd), unfitted."""
    try:
        return PURCHASE_MODELS[name.lower()](penalizer_coef=penalizer_coef)
    except KeyError:
        raise WorkbenchError(
            f"unknown model {name!r}; choose from {sorted(PURCHASE_MODELS)}"
        ) from None


def model_selection(
    summary: pd.DataFrame,
    holdout: pd.DataFrame | None = None,
    models: tuple[str, ...] = ("bgnbd", "mbgnbd", "paretonbd"),
) -> pd.DataFrame:
    """Compare purchase models: log-likelihood, AIC, BIC and, with a holdout, prediction error.

    ``holdout`` has ``frequency_holdout`` and ``duration_holdout`` per customer of ``summary``
    (``calibration_holdout`` gives both in one frame: pass it as both arguments). Fits run on the
    distinct (frequency, recency, T) rows with counts as weights.
    """
    from workbench.clv_data import compress

    frequency, recency, T = _columns(summary, ("frequency", "recency", "T"))
    fit_frame = pd.DataFrame({"frequency": frequency, "recency": recency, "T": T})
    distinct, weights = compress(fit_frame)
    n = len(fit_frame)
    rows = []
    for name in models:
        try:
            model = purchase_model(name).fit(distinct, weights)
        except WorkbenchError as exc:  # one model failing must not hide the others
            rows.append({"model": name, "n_customers": n, "note": str(exc)})
            continue
        ll, k = model.log_likelihood_, model.n_params
        row = {"model": name, "log_likelihood": ll, "n_params": k, "n_customers": n,
               "aic": 2 * k - 2 * ll, "bic": k * np.log(n) - 2 * ll}  # fmt: skip
        row.update({f"param_{key}": value for key, value in model.params_.items()})
        if holdout is not None:
            actual = holdout["frequency_holdout"].reindex(summary.index).to_numpy(dtype=float)
            duration = float(holdout["duration_holdout"].iloc[0])
            predicted = model.expected_purchases(duration, fit_frame).to_numpy()
            row["holdout_mae"] = float(np.mean(np.abs(predicted - actual)))
            row["holdout_predicted"] = float(predicted.sum())
            row["holdout_actual"] = float(actual.sum())
        rows.append(row)
    return pd.DataFrame(rows).set_index("model").sort_values("bic")


def holdout_by_frequency(
    model: _PurchaseModel, cal_holdout: pd.DataFrame, max_frequency: int = 7
) -> pd.DataFrame:
    """Mean predicted vs actual holdout purchases by calibration frequency (last bucket = "N+").

    The conditional-expectations check of Fader, Hardie and Lee (2005), fig. 4: rows are buckets
    of ``frequency_cal``, with customer counts, mean actual and mean predicted holdout purchases.
    """
    duration = float(cal_holdout["duration_holdout"].iloc[0])
    frequency = cal_holdout["frequency_cal"].clip(upper=max_frequency).astype(int)
    frame = pd.DataFrame(
        {
            "frequency_cal": frequency.map(lambda f: f"{f}+" if f == max_frequency else str(f)),
            "actual": cal_holdout["frequency_holdout"],
            "predicted": model.expected_purchases(duration, cal_holdout),
            "order": frequency,
        }
    )
    table = frame.groupby(["order", "frequency_cal"]).agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    return table.reset_index(level="order", drop=True)

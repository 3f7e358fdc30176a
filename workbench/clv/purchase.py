"""Purchase models of customer lifetime value: who is still active, how many purchases to expect.

scikit-learn-style models: hyper-parameters in ``__init__``, data only in ``fit`` (which returns
``self``), fitted state in ``params_`` (a dict of floats), ``n_customers_`` and
``log_likelihood_``. Only those plain values are kept, so a fitted model pickles with the
standard library; the lifetimes fitter that predictions use is rebuilt from ``params_`` on each
use. BG/NBD and Pareto/NBD are fitted here (lifetimes' objectives, faster: analytic gradient,
special functions once per distinct value, a subsample's fit as the start; see
``workbench.clv.base.minimize_log_params``); MBG/NBD by lifetimes' fitter.
lifetimes switches FutureWarnings off process-wide when imported and at every likelihood call;
every call into it here runs inside ``warnings.catch_warnings()`` so the caller's filters survive.

The summary frames come from ``workbench.clv.summary`` (``summarize`` or ``calibration_holdout``;
for the latter the ``*_cal`` columns are used). Times are in the summary's units (weeks default).
Spend models and the discounted CLV are in ``workbench.clv.spend``.

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting Your Customers the Easy
   Way: An Alternative to the Pareto/NBD Model." Marketing Science 24(2), 275-284. (BG/NBD)
.. [2] Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987). "Counting Your Customers:
   Who Are They and What Will They Do Next?" Management Science 33(1), 1-24. (Pareto/NBD)
.. [3] Batislam, E. P., Denizel, M. and Filiztekin, A. (2007). "Empirical validation and
   comparison of models for customer base analysis." Int. J. Research in Marketing 24(3). (MBG/NBD)
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from workbench.clv import pareto_nbd
from workbench.clv.base import (
    BaseModel,
    as_weights,
    minimize_log_params,
    summary_columns,
)
from workbench.clv.bgnbd import BGNBDData, bgnbd_data, bgnbd_objective
from workbench.core.errors import WorkbenchError

with warnings.catch_warnings():  # lifetimes calls warnings.simplefilter at import
    warnings.filterwarnings("ignore", message=".*chained_assignment")  # its pandas 2 option
    from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter
    from lifetimes.utils import ConvergenceError

_FIT_TOLERANCES = (1e-7, 1e-6, 1e-5)  # BFGS gradient tolerances tried in turn


class _PurchaseModel(BaseModel):
    """A model of repeat purchases and dropout fitted on frequency, recency and T."""

    _log_params: ClassVar[bool] = True  # lifetimes' likelihood takes log-parameters

    def fit(self, summary: pd.DataFrame, weights: Any = None) -> _PurchaseModel:
        """Estimate the parameters by maximum likelihood; ``weights`` = customers per row."""
        frequency, recency, T = summary_columns(summary, ("frequency", "recency", "T"))
        weights = as_weights(weights, len(frequency))
        with warnings.catch_warnings():
            self.params_ = self._estimate(frequency, recency, T, weights)
        self.n_customers_ = int(np.sum(weights))
        known = self.__dict__.pop("_log_likelihood_at_fit", None)  # BG/NBD's, from its optimum
        self.log_likelihood_ = float(
            known if known is not None else self.log_likelihood(summary, weights)
        )
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

    def _negative_log_likelihood(self, *args: Any) -> float:
        """lifetimes' scaled negative log-likelihood (params, frequency, recency, T, weights, penalty)."""
        return self._fitter._negative_log_likelihood(*args)

    def log_likelihood(self, summary: pd.DataFrame, weights: Any = None) -> float:
        """Total log-likelihood of the summary under the fitted parameters (no penalty)."""
        self._check_fitted()
        frequency, recency, T = summary_columns(summary, ("frequency", "recency", "T"))
        weights = as_weights(weights, len(frequency))
        params = np.array([self.params_[name] for name in self.param_names])
        if self._log_params:
            params = np.log(params)
        with warnings.catch_warnings():
            nll = self._negative_log_likelihood(params, frequency, recency, T, weights, 0.0)
        # BG and MBG divide by the weights' sum, Pareto/NBD by their mean
        scale = np.sum(weights) if self._log_params else np.mean(weights)
        return float(-nll * scale)

    def expected_purchases(self, t: float, summary: pd.DataFrame) -> pd.Series:
        """Expected repeat purchases of each customer in the next ``t`` units, given their history."""
        frequency, recency, T = summary_columns(summary, ("frequency", "recency", "T"))
        with warnings.catch_warnings():
            values = self._lifetimes().conditional_expected_number_of_purchases_up_to_time(
                t, frequency, recency, T
            )
        return pd.Series(
            np.asarray(values, dtype=float), index=summary.index, name="expected_purchases"
        )

    def p_alive(self, summary: pd.DataFrame) -> pd.Series:
        """Probability that each customer is still active (has not dropped out) at T."""
        frequency, recency, T = summary_columns(summary, ("frequency", "recency", "T"))
        with warnings.catch_warnings():
            values = self._lifetimes().conditional_probability_alive(frequency, recency, T)
        return pd.Series(np.asarray(values, dtype=float), index=summary.index, name="p_alive")

    def p_no_purchase(self, t: float, summary: pd.DataFrame) -> pd.Series:
        """Probability of no purchase in the next ``t`` units, given each customer's history.

        BG/NBD and MBG/NBD: dropout happens only right after a purchase, so a customer alive at T
        buys nothing in (T, T + t] with probability exp(-λt); given alive, λ ~ Gamma(r + x,
        α + T), whose mean of exp(-λt) is ((α + T) / (α + T + t))^(r + x). Hence
        P = 1 − P(alive) · (1 − ((α + T) / (α + T + t))^(r + x)).
        """
        if self.name not in ("bgnbd", "mbgnbd"):
            raise WorkbenchError(
                f"p_no_purchase is derived for BG/NBD and MBG/NBD, not {self.name}"
            )
        frequency, _, T = summary_columns(summary, ("frequency", "recency", "T"))
        r, alpha = self.params_["r"], self.params_["alpha"]
        stay_silent = ((alpha + T) / (alpha + T + t)) ** (r + frequency)
        alive = self.p_alive(summary).to_numpy(float)
        return pd.Series(1 - alive * (1 - stay_silent), index=summary.index, name="p_no_purchase")

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

    def _estimate(
        self, frequency: np.ndarray, recency: np.ndarray, T: np.ndarray, weights: np.ndarray
    ) -> dict[str, float]:
        """Maximum likelihood by BGNBD's analytic gradient (``bgnbd_objective``), BFGS on the
        log-parameters from a subsample's fit; times scaled by 10 / max T as lifetimes does, so
        a penalty means the same as there."""
        frequency, recency, T = (np.asarray(c, dtype=float) for c in (frequency, recency, T))
        scale = 10.0 / np.max(T)
        penalizer = self.penalizer_coef

        def build(x: np.ndarray, t_x: np.ndarray, age: np.ndarray, w: np.ndarray) -> BGNBDData:
            return bgnbd_data(x, t_x, age, w, penalizer)

        try:
            log_params, value = minimize_log_params(
                bgnbd_objective, build, (frequency, recency * scale, T * scale),
                np.asarray(weights), np.zeros(4),
            )  # fmt: skip
        except WorkbenchError:
            raise WorkbenchError(
                f"BGNBD did not converge on {int(np.sum(weights))} customers: "
                "try another model or a penalizer_coef such as 0.001"
            ) from None
        params = dict(zip(self.param_names, map(float, np.exp(log_params)), strict=True))
        params["alpha"] = float(params["alpha"] / scale)
        # the log-likelihood comes with the optimum: on scaled times it is lower by Σ w·x·log s
        total = float(np.sum(weights))
        penalty = penalizer * np.sum(np.exp(log_params) ** 2)
        self._log_likelihood_at_fit = -(value - penalty) * total + np.log(scale) * float(
            np.dot(weights, frequency)
        )
        return params

    def log_likelihood(self, summary: pd.DataFrame, weights: Any = None) -> float:
        """Total log-likelihood of the summary under the fitted parameters (no penalty)."""
        self._check_fitted()
        frequency, recency, T = summary_columns(summary, ("frequency", "recency", "T"))
        data = bgnbd_data(frequency, recency, T, as_weights(weights, len(frequency)))
        params = np.array([self.params_[name] for name in self.param_names])
        return float(-bgnbd_objective(np.log(params), data)[0] * data.total)


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
    100k customers) and not repeatable. Here BFGS runs on the log-parameters of a seeded
    subsample, then Newton steps on all rows (``minimize_log_params``; the gradient by central
    differences, the hypergeometric term once per distinct (x, t_x) and (x, T) pair): ~1.5 s
    CPU at 100k, 5 s at 1M; Nelder-Mead remains the last resort. The likelihood, P(alive) and
    expected purchases come from ``workbench.clv.pareto_nbd`` (log space): lifetimes' overflow
    to NaN for customers with more than ~120 repeat purchases.

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
        """Maximum-likelihood parameters: BFGS on the log-parameters from a subsample's fit, then
        Newton steps on all rows (``minimize_log_params``); Nelder-Mead as the last resort."""
        penalizer = self.penalizer_coef

        def build(
            x: np.ndarray, t_x: np.ndarray, age: np.ndarray, w: np.ndarray
        ) -> pareto_nbd.ParetoNBDData:
            return pareto_nbd.prepare(x, t_x, age, w, penalizer)

        columns = (frequency, recency, T)
        try:
            log_params, _ = minimize_log_params(
                pareto_nbd.objective, build, columns, np.asarray(weights), np.zeros(4)
            )
        except WorkbenchError:
            data = build(*columns, weights)
            if not np.isfinite(pareto_nbd.objective(np.zeros(4), data)[0]):
                raise WorkbenchError(
                    "Pareto/NBD: the likelihood is not finite at the start values"
                ) from None
            with np.errstate(all="ignore"):
                result = minimize(
                    lambda p: pareto_nbd.objective(p, data)[0], np.zeros(4), method="Nelder-Mead",
                    options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000},
                )  # fmt: skip
            if not result.success or not np.isfinite(result.fun):
                raise WorkbenchError(f"ParetoNBD did not converge: {result.message}") from None
            log_params = result.x
        return dict(zip(self.param_names, map(float, np.exp(log_params)), strict=True))

    def _negative_log_likelihood(self, *args: Any) -> float:
        return pareto_nbd.negative_log_likelihood(*args)

    def _params(self) -> np.ndarray:
        self._check_fitted()
        return np.array([self.params_[name] for name in self.param_names])

    def expected_purchases(self, t: float, summary: pd.DataFrame) -> pd.Series:
        """Expected repeat purchases in the next ``t`` units (log-space formula, any frequency)."""
        frequency, recency, T = summary_columns(summary, ("frequency", "recency", "T"))
        values = pareto_nbd.expected_purchases(self._params(), t, frequency, recency, T)
        return pd.Series(values, index=summary.index, name="expected_purchases")

    def p_alive(self, summary: pd.DataFrame) -> pd.Series:
        """Probability of being active at T (log-space formula, any frequency)."""
        frequency, recency, T = summary_columns(summary, ("frequency", "recency", "T"))
        values = pareto_nbd.p_alive(self._params(), frequency, recency, T)
        return pd.Series(values, index=summary.index, name="p_alive")


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


def fit_frame(summary: pd.DataFrame) -> pd.DataFrame:
    """frequency, recency, T of a summary, or of a calibration frame (its ``*_cal`` columns)."""
    frequency, recency, T = summary_columns(summary, ("frequency", "recency", "T"))
    return pd.DataFrame({"frequency": frequency, "recency": recency, "T": T}, index=summary.index)


def compare_models(
    summary: pd.DataFrame,
    holdout: pd.DataFrame | None = None,
    models: tuple[str, ...] = ("bgnbd", "mbgnbd", "paretonbd"),
) -> tuple[pd.DataFrame, dict[str, _PurchaseModel]]:
    """The ``model_selection`` table and the models it fitted (those that converged), by name."""
    from workbench.clv.summary import compress

    frame = fit_frame(summary)
    distinct, weights = compress(frame)
    n = len(frame)
    rows, fitted = [], {}
    for name in models:
        try:
            model = purchase_model(name).fit(distinct, weights)
        except WorkbenchError as exc:  # one model failing must not hide the others
            rows.append({"model": name, "n_customers": n, "note": str(exc)})
            continue
        fitted[name] = model
        ll, k = model.log_likelihood_, model.n_params
        row = {"model": name, "log_likelihood": ll, "n_params": k, "n_customers": n,
               "aic": 2 * k - 2 * ll, "bic": k * np.log(n) - 2 * ll}  # fmt: skip
        row.update({f"param_{key}": value for key, value in model.params_.items()})
        if holdout is not None:
            actual = holdout["frequency_holdout"].reindex(summary.index).to_numpy(dtype=float)
            duration = float(holdout["duration_holdout"].iloc[0])
            predicted = model.expected_purchases(duration, frame).to_numpy()
            row["holdout_weeks"] = duration
            row["holdout_mae"] = float(np.mean(np.abs(predicted - actual)))
            row["holdout_predicted"] = float(predicted.sum())
            row["holdout_actual"] = float(actual.sum())
        rows.append(row)
    table = pd.DataFrame(rows).set_index("model")
    return (table.sort_values("bic") if "bic" in table else table), fitted  # none converged


def model_selection(
    summary: pd.DataFrame,
    holdout: pd.DataFrame | None = None,
    models: tuple[str, ...] = ("bgnbd", "mbgnbd", "paretonbd"),
) -> pd.DataFrame:
    """Compare purchase models: log-likelihood, AIC, BIC and, with a holdout, prediction error.

    ``holdout`` has ``frequency_holdout`` and ``duration_holdout`` per customer of ``summary``
    (``calibration_holdout`` gives both in one frame: pass it as both arguments). Fits run on the
    distinct (frequency, recency, T) rows with counts as weights; a model that does not converge
    gets a row with its ``note``, after the others.
    """
    return compare_models(summary, holdout, models)[0]


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

"""What the CLV models share: scikit-learn plumbing and reading a transaction summary.

Hyper-parameters live in ``__init__``, data only in ``fit``; fitted state in attributes ending
in ``_``. The lifetimes fitter a model wraps is rebuilt from ``params_`` on each use, so a
fitted model pickles with the standard library.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from workbench.core.errors import WorkbenchError


def summary_columns(summary: pd.DataFrame, names: tuple[str, ...]) -> list[np.ndarray]:
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


def as_weights(weights: Any, n: int) -> np.ndarray:
    """Integer-or-float weights as an array of length ``n`` (ones when ``None``)."""
    if weights is None:
        return np.ones(n, dtype=np.int64)
    weights = np.asarray(weights)
    if weights.shape != (n,):
        raise WorkbenchError(
            f"weights must have one value per summary row ({n}), not {weights.shape}"
        )
    return weights


class BaseModel:
    """Shared scikit-learn plumbing: parameters, fitted check, rebuilding the lifetimes fitter."""

    name: ClassVar[str]
    param_names: ClassVar[tuple[str, ...]]
    _fitter: ClassVar[type]

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = penalizer_coef

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Hyper-parameters, as scikit-learn's ``get_params``."""
        return {"penalizer_coef": self.penalizer_coef}

    def set_params(self, **params: Any) -> BaseModel:
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


def distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values and each element's position among them (hash-based, unsorted).

    Likelihood terms that depend on one column only (special functions of the frequency, logs of
    T) are evaluated once per distinct value and gathered with the codes.
    """
    codes, uniques = pd.factorize(np.asarray(values, dtype=float))
    return np.asarray(uniques, dtype=float), codes.astype(np.intp, copy=False)


def row_dot(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a·b over rows in one thread: BLAS's dot spreads long vectors over every core and spins
    them (twice the CPU time for the same wall time on a busy machine)."""
    return float(np.einsum("i,i->", a, b))


SUBSAMPLE_ROWS = 20_000  # rows of the warm-start fit; bases up to twice this are fitted directly
_GTOL = 1e-9  # gradient tolerance of the final fit (objective = mean log-likelihood per customer)
_NEWTON_STEPS = 30


def minimize_log_params(
    objective: Any,
    build: Any,
    columns: tuple[np.ndarray, ...],
    weights: np.ndarray,
    start: np.ndarray,
) -> tuple[np.ndarray, float]:
    """Log-parameters minimising ``objective(log_params, data) -> (value, gradient)``, and the
    objective's value there.

    ``build(*columns, weights)`` prepares the data. BFGS first fits a seeded subsample of
    ``SUBSAMPLE_ROWS`` rows (or all rows of a small base) to a gradient of 1e-6, and the
    Hessian there is taken by differences of the analytic gradient. Newton steps with that
    Hessian then finish on all rows: the objective is a mean per customer, so the two curvatures
    nearly agree and each step gains one to two digits, about six full-data gradients in all.
    Should those steps stall, BFGS (then L-BFGS-B) finishes from where they got.
    """
    n = len(weights)
    with np.errstate(all="ignore"):
        data = None
        if n > 2 * SUBSAMPLE_ROWS:
            rows = np.sort(np.random.default_rng(0).choice(n, SUBSAMPLE_ROWS, replace=False))
            sample = build(*(column[rows] for column in columns), weights[rows])
        else:
            sample = data = build(*columns, weights)
        first = minimize(objective, start, args=(sample,), jac=True, method="BFGS",
                         options={"gtol": 1e-6})  # fmt: skip
        if np.isfinite(first.fun) and np.all(np.isfinite(first.x)):
            start = first.x
        hess_inv = _inverse_hessian(objective, start, sample)
        data = data if data is not None else build(*columns, weights)
        x = start
        for _ in range(_NEWTON_STEPS if hess_inv is not None else 0):
            value, gradient = objective(x, data)
            if not (np.isfinite(value) and np.all(np.isfinite(gradient))):
                break
            if np.max(np.abs(gradient)) < _GTOL:
                return np.asarray(x, dtype=float), float(value)
            x = x - hess_inv @ gradient
        value = objective(x, data)[0]
        result = minimize(objective, x if np.isfinite(value) else start, args=(data,), jac=True,
                          method="BFGS", options={"gtol": _GTOL})  # fmt: skip
        if not _converged(result):  # BFGS's line search can stall before the optimum
            result = minimize(objective, result.x if np.isfinite(result.fun) else start,
                              args=(data,), jac=True, method="L-BFGS-B",
                              options={"ftol": 1e-15, "gtol": _GTOL, "maxiter": 5000})  # fmt: skip
    if not _converged(result):
        raise WorkbenchError(f"the optimiser stopped away from an optimum: {result.message}")
    return np.asarray(result.x, dtype=float), float(result.fun)


def _inverse_hessian(objective: Any, x: np.ndarray, data: Any) -> np.ndarray | None:
    """Inverse of the Hessian by central differences of the gradient; None unless positive definite."""
    step = 1e-4
    columns = []
    for k in range(len(x)):
        e = np.zeros(len(x))
        e[k] = step
        columns.append((objective(x + e, data)[1] - objective(x - e, data)[1]) / (2 * step))
    hessian = np.array(columns)
    hessian = (hessian + hessian.T) / 2
    if not np.all(np.isfinite(hessian)) or np.min(np.linalg.eigvalsh(hessian)) <= 0:
        return None
    inverse = np.linalg.inv(hessian)
    return (inverse + inverse.T) / 2


def _converged(result: Any) -> bool:
    """Success, or BFGS's "precision loss" right at the optimum (gradient ~1e-8)."""
    if not np.isfinite(result.fun) or not np.all(np.isfinite(result.x)):
        return False
    return bool(result.success or np.max(np.abs(result.jac)) < 1e-6)

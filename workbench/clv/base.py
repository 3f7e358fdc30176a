"""What the CLV models share: scikit-learn plumbing and reading a transaction summary.

Hyper-parameters live in ``__init__``, data only in ``fit``; fitted state in attributes ending
in ``_``. The lifetimes fitter a model wraps is rebuilt from ``params_`` on each use, so a
fitted model pickles with the standard library.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

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

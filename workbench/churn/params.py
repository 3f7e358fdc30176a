"""Settings of the churn analysis, from params/churn.yml, validated strictly: an unknown key or a
malformed value is a ParameterError naming it. The dataclass defaults equal params/churn.yml (a
test checks it), so code and YAML cannot drift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from workbench.core.config import params_file, read_yaml
from workbench.core.errors import ParameterError

DEFINITIONS = ("behaviour", "status")
CALIBRATIONS = ("isotonic", "sigmoid")


def _whole(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ParameterError(f"{name} must be a whole number ≥ {minimum}, got {value!r}")


def _share(name: str, value: Any) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not 0 < value < 1:
        raise ParameterError(f"{name} must be a number between 0 and 1, got {value!r}")


@dataclass(frozen=True)
class ChurnParams:
    """How churn is defined, learned, graded and acted on (see params/churn.yml for each key)."""

    definition: str = "behaviour"
    window_days: int = 90
    active_days: int = 365
    status_value: str = "流失客户"
    status_date_column: str | None = None
    training_cutoffs: int = 4
    step_months: int = 3
    min_churners: int = 30
    calibration: str = "sigmoid"
    random_state: int = 7
    band_medium: float = 0.3
    band_high: float = 0.6
    grade_a: float = 0.2
    grade_b: float = 0.05
    follow_up_share: float = 0.2
    top_factors: int = 3
    extra_features: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.definition not in DEFINITIONS:
            raise ParameterError(
                f"definition must be one of {', '.join(DEFINITIONS)}, got {self.definition!r}"
            )
        if self.calibration not in CALIBRATIONS:
            raise ParameterError(
                f"calibration must be one of {', '.join(CALIBRATIONS)}, got {self.calibration!r}"
            )
        _whole("window_days", self.window_days, 30)
        _whole("active_days", self.active_days, 30)
        _whole("training_cutoffs", self.training_cutoffs, 1)
        _whole("step_months", self.step_months, 1)
        _whole("min_churners", self.min_churners, 5)
        _whole("random_state", self.random_state, 0)
        _whole("top_factors", self.top_factors, 1)
        for name in ("band_medium", "band_high", "grade_a", "grade_b", "follow_up_share"):
            _share(name, getattr(self, name))
        if self.band_medium >= self.band_high:
            raise ParameterError(
                f"band_medium ({self.band_medium}) must be below band_high ({self.band_high})"
            )
        if self.grade_b >= self.grade_a:
            raise ParameterError(f"grade_b ({self.grade_b}) must be below grade_a ({self.grade_a})")
        if not isinstance(self.status_value, str) or not self.status_value:
            raise ParameterError(f"status_value must be text, got {self.status_value!r}")
        if self.status_date_column is not None and not isinstance(self.status_date_column, str):
            raise ParameterError(
                f"status_date_column must be a column name or null, got {self.status_date_column!r}"
            )
        extra = self.extra_features
        if not isinstance(extra, tuple) or not all(isinstance(c, str) and c for c in extra):
            raise ParameterError(f"extra_features must list column names, got {extra!r}")

    @property
    def by_status(self) -> bool:
        """Churn is the CRM's label (status 流失客户), not behaviour."""
        return self.definition == "status"


def load_churn_params(path: str | Path | None = None, **overrides: Any) -> ChurnParams:
    """Read and validate params/churn.yml (or another file); missing keys take the defaults and
    ``overrides`` (a notebook's parameters, like window_days=60) win over the file."""
    path = params_file("churn.yml") if path is None else path
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: expected a mapping of settings, got {type(raw).__name__}")
    known = {f.name for f in fields(ChurnParams)}
    unknown = sorted(set(map(str, raw)) - known)
    if unknown:
        raise ParameterError(f"{path}: unknown setting(s) {unknown}; known: {sorted(known)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in (raw | overrides).items()}
    try:
        return ChurnParams(**values)
    except ParameterError as exc:
        raise ParameterError(f"{path}: {exc}") from None

"""Settings of the churn analysis, from params/churn.yml, validated strictly: an unknown key or a
malformed value is a ParameterError naming it. The dataclass defaults equal params/churn.yml (a
test checks it), so code and YAML cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.config import params_file
from workbench.core.errors import ParameterError
from workbench.core.settings import (
    check_choice,
    check_share,
    check_texts,
    check_whole,
    load_settings,
)

DEFINITIONS = ("behaviour", "status")
CALIBRATIONS = ("isotonic", "sigmoid")


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
        check_choice("definition", self.definition, DEFINITIONS)
        check_choice("calibration", self.calibration, CALIBRATIONS)
        check_whole("window_days", self.window_days, 30)
        check_whole("active_days", self.active_days, 30)
        check_whole("training_cutoffs", self.training_cutoffs, 1)
        check_whole("step_months", self.step_months, 1)
        check_whole("min_churners", self.min_churners, 5)
        check_whole("random_state", self.random_state, 0)
        check_whole("top_factors", self.top_factors, 1)
        for name in ("band_medium", "band_high", "grade_a", "grade_b", "follow_up_share"):
            check_share(name, getattr(self, name))
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
        check_texts("extra_features", self.extra_features, "list column names")

    @property
    def by_status(self) -> bool:
        """Churn is the CRM's label (status 流失客户), not behaviour."""
        return self.definition == "status"


def load_churn_params(
    path: str | Path | None = None, churn_days: int = 0, **overrides: Any
) -> ChurnParams:
    """Read and validate params/churn.yml (or another file); missing keys take the defaults and
    ``overrides`` (a notebook's parameters, like window_days=60) win over the file.

    ``churn_days`` is the reports' parameter of that name: 0 keeps the file's ``window_days``;
    any other value replaces it and is checked like it (whole days, at least 30).
    """
    path = params_file("churn.yml") if path is None else path
    if churn_days != 0:
        check_churn_days(churn_days)
        overrides = overrides | {"window_days": churn_days}
    return load_settings(ChurnParams, path, overrides=overrides)


def check_churn_days(churn_days: int) -> None:
    """A report's ``churn_days``: 0 (the window of params/churn.yml) or whole days ≥ 30, the
    smallest window_days the file accepts; anything else is a ParameterError naming it."""
    if churn_days != 0 or isinstance(churn_days, bool):
        check_whole("churn_days (0 = window_days of params/churn.yml)", churn_days, 30)

"""Thresholds of the trends report (growth window, churn window, anomaly rules, cohorts), from
params/trends.yml, validated strictly: an unknown key or a malformed value is a ParameterError.

The dataclass defaults equal params/trends.yml (a test checks it), so code and YAML cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.config import params_file
from workbench.core.errors import ParameterError
from workbench.core.settings import check_choice, check_number, check_whole, load_settings

COHORT_PERIODS = ("month", "quarter")


@dataclass(frozen=True)
class GrowthParams:
    """How many periods (of the report's kind) the growth tables and charts show, ending with
    the report's; `quarters` keeps its quarterly-era name."""

    quarters: int = 8

    def __post_init__(self) -> None:
        check_whole("growth.quarters", self.quarters, 2)


@dataclass(frozen=True)
class ChurnParams:
    """The behavioural churn window (see `workbench.churn.definition`)."""

    window_days: int = 90
    active_days: int = 365

    def __post_init__(self) -> None:
        check_whole("churn.window_days", self.window_days, 1)
        check_whole("churn.active_days", self.active_days, 1)


@dataclass(frozen=True)
class DropRule:
    """A sudden drop in a customer's orders per period (of the report's kind) against their own history."""

    history_quarters: int = 8
    min_history_quarters: int = 4
    min_median: float = 1.0
    z_threshold: float = 3.5
    min_change: float = 0.5
    scale_floor: float = 0.25

    def __post_init__(self) -> None:
        _check_rule("order_drop", self)
        check_number("order_drop.min_median", self.min_median, 0.0)
        if self.min_change > 1:
            raise ParameterError(f"order_drop.min_change is a share ≤ 1, got {self.min_change!r}")


@dataclass(frozen=True)
class RiseRule:
    """A rise in a region's complaints per period (of the report's kind) against the region's own history."""

    history_quarters: int = 8
    min_history_quarters: int = 4
    min_count: int = 5
    z_threshold: float = 3.5
    min_change: float = 0.5
    scale_floor: float = 1.0

    def __post_init__(self) -> None:
        _check_rule("complaint_rise", self)
        check_whole("complaint_rise.min_count", self.min_count, 1)


def _check_rule(name: str, rule: DropRule | RiseRule) -> None:
    check_whole(f"{name}.history_quarters", rule.history_quarters, 2)
    check_whole(f"{name}.min_history_quarters", rule.min_history_quarters, 2)
    if rule.min_history_quarters > rule.history_quarters:
        raise ParameterError(f"{name}.min_history_quarters is above history_quarters")
    check_number(f"{name}.z_threshold", rule.z_threshold, 0.0)
    check_number(f"{name}.min_change", rule.min_change, 0.0)
    check_number(f"{name}.scale_floor", rule.scale_floor, 1e-9)


@dataclass(frozen=True)
class CohortParams:
    """Acquisition cohorts: by month or quarter, how many cohorts, how many periods after."""

    period: str = "quarter"
    cohorts: int = 8
    periods: int = 8

    def __post_init__(self) -> None:
        check_choice("cohorts.period", self.period, COHORT_PERIODS)
        check_whole("cohorts.cohorts", self.cohorts, 1)
        check_whole("cohorts.periods", self.periods, 1)


@dataclass(frozen=True)
class TrendParams:
    """Every setting of the trends report; load it with `load_trend_params`."""

    growth: GrowthParams = field(default_factory=GrowthParams)
    churn: ChurnParams = field(default_factory=ChurnParams)
    order_drop: DropRule = field(default_factory=DropRule)
    complaint_rise: RiseRule = field(default_factory=RiseRule)
    cohorts: CohortParams = field(default_factory=CohortParams)


_SECTIONS: dict[str, type] = {"growth": GrowthParams, "churn": ChurnParams,
                              "order_drop": DropRule, "complaint_rise": RiseRule,
                              "cohorts": CohortParams}  # fmt: skip


def load_trend_params(path: str | Path | None = None) -> TrendParams:
    """Read and validate params/trends.yml (or another file); missing keys take the defaults."""
    return load_settings(
        TrendParams, params_file("trends.yml") if path is None else path, _SECTIONS
    )

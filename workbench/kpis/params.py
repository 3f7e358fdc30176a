"""KPI targets and the comparison period, from params/kpis.yml, validated strictly: an unknown key
or a malformed value is a ParameterError naming it. The dataclass defaults equal params/kpis.yml.

A report covers a month, a quarter or a year. The comparison is the previous period of the same
kind (``previous_period``: 2024-10 for 2024-11; ``previous_quarter`` is read as the same, the
name the file had when reports were quarterly) or the same period a year before (``last_year``).
Targets are not scaled to the period's length: all five KPIs are rates (shares), so a level
means the same for a month as for a quarter, and a change or points target is measured against
the comparison period of the same kind (month on month for a monthly report).

A target is a `kind` and a `value`:
- ``level``: this period's value against the value (≥ for a KPI where higher is better, ≤ for
  churn);
- ``change``: the relative change against the comparison period, (now − then) ÷ then, against the
  value (+0.10 = at least 10% up; −0.05 for churn = at least 5% down);
- ``points``: the difference now − then in percentage points (as a share: 0.02 = 2 points).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from workbench.core.config import params_file
from workbench.core.errors import ParameterError
from workbench.core.settings import build_settings, check_choice, check_whole, load_settings
from workbench.trends.params import ChurnParams

KINDS: tuple[str, ...] = ("level", "change", "points")
COMPARISONS: tuple[str, ...] = ("previous_period", "previous_quarter", "last_year")
PER_YEAR = {"month": 12, "quarter": 4, "year": 1}  # periods of a kind in a year


@dataclass(frozen=True)
class Target:
    """One KPI's target: kind (level, change or points) and value (see the module docstring)."""

    kind: str = "level"
    value: float = 0.0

    def check(self, name: str) -> None:
        """Refuse an unknown kind or a value that is not a finite number in [−1, 1]."""
        check_choice(f"{name}.kind", self.kind, KINDS)
        number = isinstance(self.value, int | float) and not isinstance(self.value, bool)
        if not number or not -1 <= self.value <= 1:
            raise ParameterError(
                f"{name}.value must be a number between -1 and 1 (a share), got {self.value!r}"
            )


@dataclass(frozen=True)
class Targets:
    """The target of each KPI; a section of YAML mappings ``{kind: …, value: …}``."""

    completeness: Target = Target("level", 0.90)
    high_value_repurchase: Target = Target("change", 0.10)
    churn_rate: Target = Target("change", -0.05)
    win_rate: Target = Target("level", 0.50)
    resolution_rate: Target = Target("level", 0.80)

    def __post_init__(self) -> None:
        for item in fields(self):
            raw: Any = getattr(self, item.name)
            target = raw if isinstance(raw, Target) else build_settings(
                Target, raw, f"targets.{item.name}"
            )  # fmt: skip
            target.check(f"targets.{item.name}")
            object.__setattr__(self, item.name, target)


@dataclass(frozen=True)
class KpiParams:
    """Targets, the comparison period and the trend length (in periods of the report's kind:
    ``quarters`` keeps its historical name); load it with `load_kpi_params`."""

    compare_with: str = "previous_period"
    quarters: int = 8
    targets: Targets = field(default_factory=Targets)
    churn: ChurnParams = field(default_factory=ChurnParams)

    def __post_init__(self) -> None:
        check_choice("compare_with", self.compare_with, COMPARISONS)
        if self.compare_with == "previous_quarter":  # the quarterly-era name of previous_period
            object.__setattr__(self, "compare_with", "previous_period")
        check_whole("quarters", self.quarters, 2, 40)

    def lag(self, kind: str = "quarter") -> int:
        """Periods of `kind` (month, quarter, year) between a period and its comparison: 1 for
        the previous period, 12, 4 or 1 for the same period a year before."""
        return 1 if self.compare_with == "previous_period" else PER_YEAR[kind]

    def level(self, kpi: str) -> float | None:
        """The target of `kpi` when it is a level (a line on its chart), else None."""
        target = getattr(self.targets, kpi)
        return target.value if target.kind == "level" else None


def load_kpi_params(path: str | Path | None = None) -> KpiParams:
    """Read and validate params/kpis.yml (or another file); missing keys take the defaults."""
    path = params_file("kpis.yml") if path is None else path
    return load_settings(KpiParams, path, {"targets": Targets, "churn": ChurnParams})

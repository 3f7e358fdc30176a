"""Run configurations (params/quarterly.yml and the command line), validated strictly.

Papermill only warns about unknown parameters and YAML turns unquoted dates into date objects;
here an unknown key, a malformed period or an unknown region is an error that says what to fix.
The period is a month (2024-11), a quarter (2024Q4) or a year (2024); `quarter` is still read as
another name for it (not both).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from workbench.core.config import notebook_dir, read_yaml
from workbench.core.errors import ParameterError
from workbench.core.labels import check_lang
from workbench.core.periods import parse_period, period_text
from workbench.extracts.schema import REGIONS
from workbench.reports.pdf import INSTALL_HINT, find_chromium
from workbench.reports.registry import REPORTS, check_region, report


@dataclass(frozen=True)
class RunConfig:
    """What a run renders: which period (month, quarter or year), regions and notebooks, from
    which data."""

    period: str = "2024Q4"
    data_dir: Path = Path("data/demo")
    out_dir: Path = Path("reports")
    lang: str = "zh"
    regions: tuple[str, ...] = REGIONS
    notebooks: tuple[str, ...] = tuple(REPORTS)
    workers: int = 2
    timeout: int = 900
    exports: tuple[str, ...] = ("code", "charts")  # beside each page; see EXPORTS
    chart_title: str | None = None  # the chart packs' title (else each report's)
    notebook_dir: Path = field(default_factory=notebook_dir)

    def __post_init__(self) -> None:
        object.__setattr__(self, "period", period_text(parse_period(self.period)))
        check_lang(self.lang)
        for region in self.regions:
            check_region(region)
        for name in self.notebooks:
            report(name)
            if not (self.notebook_dir / f"{name}.ipynb").is_file():
                raise ParameterError(f"notebooks: no notebook {name}.ipynb in {self.notebook_dir}")
        if not self.regions or not self.notebooks:
            raise ParameterError("regions and notebooks must each name at least one entry")
        if self.workers < 1 or self.timeout < 1:
            raise ParameterError("workers and timeout must be positive")
        _check_exports(self.exports)

    def with_overrides(self, **overrides: object) -> RunConfig:
        """A copy with the given fields replaced (None values are ignored)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **_coerce(given))


# What a run writes beside each report page: the reviewers' page with code (<notebook>.code.html),
# a PDF (<notebook>.pdf, needs Chromium) and a chart pack (<notebook>.charts.zip).
EXPORTS = ("code", "pdf", "charts")


def _check_exports(exports: tuple[str, ...]) -> None:
    unknown = [e for e in exports if e not in EXPORTS]
    if unknown:
        raise ParameterError(f"exports: unknown {unknown}; choose among {list(EXPORTS)}")
    if "pdf" in exports and find_chromium() is None:
        raise ParameterError(f"exports: pdf needs Chromium, which is not on PATH: {INSTALL_HINT}; "
                             "or leave pdf out of exports")  # fmt: skip


def load_run_config(path: str | Path) -> RunConfig:
    """Read and validate a YAML run configuration; unknown keys are errors."""
    raw = read_yaml(path, "run configuration")
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: expected a mapping of settings, got {type(raw).__name__}")
    known = {f.name for f in fields(RunConfig)} - {"notebook_dir"}
    unknown = sorted(set(raw) - known - {"quarter"})
    if unknown:
        raise ParameterError(f"{path}: unknown setting(s) {unknown}; known: {sorted(known)}")
    try:
        return RunConfig(**_coerce(raw))
    except ParameterError as exc:
        raise ParameterError(f"{path}: {exc}") from None


def _coerce(raw: dict) -> dict:
    out = dict(raw)
    if "quarter" in out:  # the older name of period
        if "period" in out:
            raise ParameterError("give period or quarter (its older name), not both")
        out["period"] = out.pop("quarter")
    for key in ("data_dir", "out_dir", "notebook_dir"):
        if key in out:
            out[key] = Path(out[key])
    for key in ("regions", "notebooks", "exports"):
        if key in out:
            value = out[key]
            out[key] = tuple(value.split(",")) if isinstance(value, str) else tuple(value)
    period = out.get("period")
    if isinstance(period, int) and not isinstance(period, bool):
        out["period"] = str(period)  # an unquoted year (2024) is unambiguous
    elif period is not None and not isinstance(period, str):
        raise ParameterError(
            f"period must be quoted text like '2024Q4' or '2024-11', got {period!r}"
        )
    return out

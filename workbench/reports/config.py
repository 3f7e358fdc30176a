"""Run configurations (params/quarterly.yml and the command line), validated strictly.

Papermill only warns about unknown parameters and YAML turns unquoted dates into date objects;
here an unknown key, a malformed quarter or an unknown region is an error that says what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from workbench.core.config import notebook_dir, read_yaml
from workbench.core.errors import ParameterError
from workbench.core.labels import check_lang
from workbench.core.periods import parse_quarter
from workbench.extracts.schema import REGIONS
from workbench.reports.registry import REPORTS, check_region, report


@dataclass(frozen=True)
class RunConfig:
    """What a quarterly run renders: which quarter, regions and notebooks, from which data."""

    quarter: str = "2024Q4"
    data_dir: Path = Path("data/demo")
    out_dir: Path = Path("reports")
    lang: str = "zh"
    regions: tuple[str, ...] = REGIONS
    notebooks: tuple[str, ...] = tuple(REPORTS)
    workers: int = 2
    timeout: int = 900
    notebook_dir: Path = field(default_factory=notebook_dir)

    def __post_init__(self) -> None:
        object.__setattr__(self, "quarter", str(parse_quarter(self.quarter)))
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

    def with_overrides(self, **overrides: object) -> RunConfig:
        """A copy with the given fields replaced (None values are ignored)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **_coerce(given))


def load_run_config(path: str | Path) -> RunConfig:
    """Read and validate a YAML run configuration; unknown keys are errors."""
    raw = read_yaml(path, "run configuration")
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: expected a mapping of settings, got {type(raw).__name__}")
    known = {f.name for f in fields(RunConfig)} - {"notebook_dir"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ParameterError(f"{path}: unknown setting(s) {unknown}; known: {sorted(known)}")
    try:
        return RunConfig(**_coerce(raw))
    except ParameterError as exc:
        raise ParameterError(f"{path}: {exc}") from None


def _coerce(raw: dict) -> dict:
    out = dict(raw)
    for key in ("data_dir", "out_dir", "notebook_dir"):
        if key in out:
            out[key] = Path(out[key])
    for key in ("regions", "notebooks"):
        if key in out:
            value = out[key]
            out[key] = tuple(value.split(",")) if isinstance(value, str) else tuple(value)
    if "quarter" in out and not isinstance(out["quarter"], str):
        raise ParameterError(f"quarter must be quoted text like '2024Q4', got {out['quarter']!r}")
    return out

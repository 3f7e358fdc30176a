"""Where the shipped notebooks and default parameters are, and reading YAML parameter files.

In a source checkout (`make`, an editable install) they are the repository's `notebooks/` and
`params/`. A package installed with `pip install .` finds the copies installed with it under
`<prefix>/share/crm-workbench/` (pyproject.toml's data-files), so no path is computed from
`__file__` anywhere else.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

import yaml

from workbench.core.errors import ParameterError

SHARE = Path("share") / "crm-workbench"


def resource_dir(name: str) -> Path:
    """`notebooks` or `params`: the checkout's folder, else the installed copy."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
        return checkout / name
    installed = Path(sysconfig.get_path("data")) / SHARE / name
    if installed.is_dir():
        return installed
    raise ParameterError(f"no {name}/ folder: not in {checkout} nor in {installed.parent}")


def notebook_dir() -> Path:
    """The report notebooks (profiling.ipynb …)."""
    return resource_dir("notebooks")


def params_file(name: str) -> Path:
    """A default parameter file by name (`quarterly.yml`, `value.yml`)."""
    return resource_dir("params") / name


def read_yaml(path: str | Path, what: str = "parameter file") -> object:
    """The parsed YAML at `path` ({} when empty); a missing file or bad YAML is a ParameterError."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{path}: no such {what}")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML ({exc})") from None

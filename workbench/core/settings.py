"""Validating settings files (params/*.yml) strictly, the same way for every analysis.

A params module declares frozen dataclasses whose `__post_init__` checks each value with the
`check_*` functions here, and loads its file with `load_settings`: an unknown key, a section that
is not a mapping or a malformed value is a ParameterError naming the file, the key and the value
(papermill only warns about unknown parameters; the workbench refuses them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from workbench.core.config import read_yaml
from workbench.core.errors import ParameterError

T = TypeVar("T")


def check_whole(name: str, value: Any, minimum: int = 0, maximum: int | None = None) -> None:
    """`value` is a whole number (not a bool) ≥ `minimum` and, if given, ≤ `maximum`."""
    bad = isinstance(value, bool) or not isinstance(value, int) or value < minimum
    if bad or (maximum is not None and value > maximum):
        upto = f" and ≤ {maximum}" if maximum is not None else ""
        raise ParameterError(f"{name} must be a whole number ≥ {minimum}{upto}, got {value!r}")


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_number(name: str, value: Any, minimum: float = 0.0) -> None:
    """`value` is a finite number (not a bool, not NaN or infinite) ≥ `minimum`."""
    if not _finite(value) or value < minimum:
        raise ParameterError(f"{name} must be a number ≥ {minimum}, got {value!r}")


def check_share(name: str, value: Any) -> None:
    """`value` is a number strictly between 0 and 1 (a probability, a share of customers)."""
    if not _finite(value) or not 0 < value < 1:
        raise ParameterError(f"{name} must be a number between 0 and 1, got {value!r}")


def check_texts(name: str, value: Any, must: str = "be a list of texts") -> None:
    """`value` is a tuple of non-blank texts (a YAML list, as `build_settings` makes it a tuple);
    `must` words the error for the setting (``"list column names"``)."""
    if not isinstance(value, tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ParameterError(f"{name} must {must}, got {value!r}")


def check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    """`value` is one of `allowed` (a model name, a convention)."""
    if value not in allowed:
        raise ParameterError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")


def build_settings(
    cls: type[T], raw: Any, where: str = "", nested: Mapping[str, type] | None = None
) -> T:
    """Dataclass `cls` from the mapping `raw`: unknown keys are refused (listing the known ones),
    lists become tuples, and each key of `nested` is built as its own section (one level deep).

    `where` is the section's dotted name in errors ("" for the whole file: "the file").
    """
    if not is_dataclass(cls):
        raise TypeError(f"build_settings needs a dataclass, got {cls!r}")
    nested = nested or {}
    values = {}
    for key, value in _known_settings(cls, raw, where or "the file").items():
        if key in nested:
            values[key] = build_settings(nested[key], value, f"{where}.{key}" if where else key)
        elif isinstance(value, list):
            values[key] = tuple(value)
        else:
            values[key] = value
    return cls(**values)


def load_settings(
    cls: type[T],
    path: str | Path,
    nested: Mapping[str, type] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> T:
    """`build_settings` over the YAML file at `path`, its path prefixed to every error.

    `overrides` (a notebook's parameters) win over the file's top-level keys and are checked
    as strictly.
    """
    raw = read_yaml(path)
    try:
        if overrides:
            raw = _known_settings(cls, raw, "the file") | _known_settings(
                cls, overrides, "overrides"
            )
        return build_settings(cls, raw, "", nested)
    except ParameterError as exc:
        raise ParameterError(f"{path}: {exc}") from None


def _known_settings(cls: type, raw: Any, label: str) -> dict[str, Any]:
    """`raw` as a dict whose keys are all fields of `cls`; else a ParameterError naming `label`."""
    if not isinstance(raw, Mapping):
        raise ParameterError(f"{label}: expected a mapping of settings, got {type(raw).__name__}")
    known = sorted(f.name for f in fields(cls))
    unknown = sorted(set(map(str, raw)) - set(known))
    if unknown:
        raise ParameterError(f"{label}: unknown setting(s) {unknown}; known: {known}")
    return dict(raw)

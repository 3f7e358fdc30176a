"""Saved segment definitions from params/segments.yml (syntax: docs/segments.md), validated
strictly: an unknown key, field, operator or value is a ParameterError naming the segment and
the field or operator, so a typo stops the run instead of producing an empty list.

A segment is one group: ``all`` (every condition holds), ``any`` (at least one) or ``none`` (no
condition holds) of conditions ``{field, op, value}`` or nested groups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.config import params_file, read_yaml
from workbench.core.errors import ParameterError
from workbench.segments.fields import FIELDS

COMPARISONS = (">", ">=", "<", "<=")
OPERATORS = (*COMPARISONS, "==", "!=", "in", "not in", "has", "is missing", "is not missing")
GROUPS = ("all", "any", "none")
_NO_VALUE = ("is missing", "is not missing")
_SEGMENT_KEYS = ("en", "description", "description_en", *GROUPS)


@dataclass(frozen=True)
class Condition:
    """``field op value``: a number for >, >=, <, <=; a list for in / not in; none for is
    (not) missing; else one value."""

    field: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class Group:
    """all / any / none of its items (conditions or groups)."""

    kind: str
    items: tuple[Condition | Group, ...]


@dataclass(frozen=True)
class Segment:
    """A named segment: its rule, its English name and what it is for (both languages)."""

    name: str
    rule: Group
    en: str = ""
    description: str = ""
    description_en: str = ""

    def fields(self) -> tuple[str, ...]:
        """The fields the rule uses, in order of appearance."""
        return tuple(dict.fromkeys(_fields(self.rule)))


def _fields(item: Condition | Group) -> list[str]:
    if isinstance(item, Condition):
        return [item.field]
    return [name for sub in item.items for name in _fields(sub)]


def load_segments(path: str | Path | None = None) -> tuple[Segment, ...]:
    """Read and validate params/segments.yml (or another file): its segments, in file order."""
    path = params_file("segments.yml") if path is None else path
    raw = read_yaml(path)
    try:
        return parse_segments(raw)
    except ParameterError as exc:
        raise ParameterError(f"{path}: {exc}") from None


def parse_segments(raw: Any) -> tuple[Segment, ...]:
    """Segments from the parsed YAML, ``{"segments": {name: definition, …}}``."""
    if not isinstance(raw, dict) or set(map(str, raw)) != {"segments"}:
        keys = sorted(map(str, raw)) if isinstance(raw, dict) else type(raw).__name__
        raise ParameterError(f"expected one key, segments, got {keys}")
    if not isinstance(raw["segments"], dict) or not raw["segments"]:
        raise ParameterError("segments: expected a mapping of segment names to definitions")
    return tuple(parse_segment(str(name), spec) for name, spec in raw["segments"].items())


def parse_segment(name: str, spec: Any) -> Segment:
    """One segment from its definition (a mapping with exactly one of all / any / none)."""
    where = f"segment {name}"
    if not name.strip():
        raise ParameterError("a segment needs a name")
    if not isinstance(spec, dict):
        raise ParameterError(f"{where}: expected a mapping, got {type(spec).__name__}")
    unknown = sorted(set(map(str, spec)) - set(_SEGMENT_KEYS))
    if unknown:
        raise ParameterError(f"{where}: unknown key(s) {unknown}; known: {list(_SEGMENT_KEYS)}")
    groups = [key for key in GROUPS if key in spec]
    if len(groups) != 1:
        raise ParameterError(f"{where}: needs exactly one of all, any, none; got {groups}")
    texts = {key: spec.get(key, "") for key in ("en", "description", "description_en")}
    for key, text in texts.items():
        if not isinstance(text, str):
            raise ParameterError(f"{where}: {key} must be text, got {text!r}")
    rule = _group(groups[0], spec[groups[0]], where)
    return Segment(name, rule, **texts)


def _group(kind: str, items: Any, where: str) -> Group:
    if not isinstance(items, list) or not items:
        raise ParameterError(f"{where}: {kind} needs a list of conditions, got {items!r}")
    return Group(kind, tuple(_item(item, where) for item in items))


def _item(item: Any, where: str) -> Condition | Group:
    """A condition or a nested group."""
    if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in GROUPS:
        kind = next(iter(item))
        return _group(kind, item[kind], where)
    if not isinstance(item, dict) or not {"field", "op"} <= set(item):
        raise ParameterError(f"{where}: a condition is {{field, op, value}}, got {item!r}")
    unknown = sorted(set(map(str, item)) - {"field", "op", "value"})
    if unknown:
        raise ParameterError(f"{where}: unknown key(s) {unknown} in condition {item!r}")
    return check_condition(Condition(item["field"], item["op"], item.get("value")), where,
                           "value" in item)  # fmt: skip


def check_condition(condition: Condition, where: str, has_value: bool = True) -> Condition:
    """The condition if its field, operator and value fit together, else a ParameterError."""
    name, op, value = condition.field, condition.op, condition.value
    if name not in FIELDS:
        raise ParameterError(f"{where}: unknown field {name!r}; known: {', '.join(FIELDS)}")
    spec = FIELDS[name]
    if op not in OPERATORS:
        raise ParameterError(
            f"{where}, field {name}: unknown operator {op!r}; known: {', '.join(OPERATORS)}"
        )
    fits = {"number": (*COMPARISONS, "==", "!=", "in", "not in"),
            "category": ("==", "!=", "in", "not in"), "list": ("has",)}[spec.kind]  # fmt: skip
    if op not in (*fits, *_NO_VALUE):
        raise ParameterError(
            f"{where}, field {name}: operator {op!r} does not apply to a {spec.kind} field; "
            f"use one of {', '.join((*fits, *_NO_VALUE))}"
        )
    if op in _NO_VALUE:
        if has_value:
            raise ParameterError(f"{where}, field {name}: {op!r} takes no value")
        return condition
    values = value if op in ("in", "not in") else [value]
    if op in ("in", "not in") and (not isinstance(value, list) or not value):
        raise ParameterError(f"{where}, field {name}: {op!r} needs a list of values, got {value!r}")
    for one in values:
        _check_value(one, spec.kind, spec.values, f"{where}, field {name}")
    return Condition(name, op, tuple(value) if op in ("in", "not in") else value)


def _check_value(value: Any, kind: str, allowed: tuple[str, ...] | None, where: str) -> None:
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not ok:
            raise ParameterError(f"{where}: value must be a number, got {value!r}")
        return
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(f"{where}: value must be text, got {value!r}")
    if allowed is not None and value not in allowed:
        raise ParameterError(f"{where}: unknown value {value!r}; one of {', '.join(allowed)}")

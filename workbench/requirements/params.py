"""Thresholds of the requirement-distribution analysis, from params/requirements.yml, validated
strictly: an unknown key or a malformed value is a ParameterError naming the setting.

The dataclass defaults equal params/requirements.yml (a test checks it), so code and YAML cannot
drift. 高价值 for the quadrants (`HighValue`): the customer's RFM value class is one of
``value_classes`` or its ABC class one of ``abc_classes`` (both as the value report computes
them from params/value.yml); a customer without purchases is never high value.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from workbench.core.config import params_file, read_yaml
from workbench.core.errors import ParameterError
from workbench.value.params import VALUE_CLASSES

QUADRANTS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4")
URGENCIES: tuple[str, ...] = ("紧急", "重要", "一般")
ABC_CLASSES: tuple[str, ...] = ("A", "B", "C")


def _int(name: str, value: Any, minimum: int = 0, maximum: int | None = None) -> None:
    bad = isinstance(value, bool) or not isinstance(value, int) or value < minimum
    if bad or (maximum is not None and value > maximum):
        upto = f" and ≤ {maximum}" if maximum is not None else ""
        raise ParameterError(f"{name} must be a whole number ≥ {minimum}{upto}, got {value!r}")


def _number(name: str, value: Any, minimum: float = 0.0) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= minimum:
        raise ParameterError(f"{name} must be a number ≥ {minimum}, got {value!r}")


def _choices(name: str, value: Any, allowed: tuple[str, ...], empty: bool = True) -> None:
    if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
        raise ParameterError(f"{name} must be a list of texts, got {value!r}")
    wrong = [v for v in value if v not in allowed]
    if wrong or (not empty and not value):
        raise ParameterError(f"{name} must list some of {', '.join(allowed)}, got {list(value)!r}")


def _words(name: str, value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ParameterError(f"{name} must be a list of words, got {value!r}")


@dataclass(frozen=True)
class HighValue:
    """High value = RFM value class in `value_classes` or ABC class in `abc_classes`."""

    value_classes: tuple[str, ...] = ("高价值",)
    abc_classes: tuple[str, ...] = ("A",)

    def __post_init__(self) -> None:
        _choices("high_value.value_classes", self.value_classes, VALUE_CLASSES)
        _choices("high_value.abc_classes", self.abc_classes, ABC_CLASSES)
        if not self.value_classes and not self.abc_classes:
            raise ParameterError("high_value: value_classes and abc_classes cannot both be empty")


@dataclass(frozen=True)
class TargetDays:
    """Target days from created to resolved, per quadrant (the service-level matrix)."""

    Q1: int = 7
    Q2: int = 30
    Q3: int = 14
    Q4: int = 60

    def __post_init__(self) -> None:
        for quadrant in QUADRANTS:
            _int(f"target_days.{quadrant}", getattr(self, quadrant), 1)


@dataclass(frozen=True)
class ThemeParams:
    """Keyword themes: shortest keyword, keywords per group, extra stop words, words jieba keeps
    whole, and when a theme is rising (count this quarter, growth over the previous)."""

    min_length: int = 2
    top: int = 10
    stop_words: tuple[str, ...] = ()
    user_words: tuple[str, ...] = (
        "报表模块", "客户管理模块", "移动端", "审批流程", "数据看板", "销售漏斗", "数据大屏",
        "企业微信", "钉钉", "单点登录", "批量导入", "自定义字段", "消息提醒", "分期付款",
    )  # fmt: skip
    rising_min_count: int = 3
    rising_min_growth: float = 0.5

    def __post_init__(self) -> None:
        _int("themes.min_length", self.min_length, 1)
        _int("themes.top", self.top, 1)
        _words("themes.stop_words", self.stop_words)
        _words("themes.user_words", self.user_words)
        _int("themes.rising_min_count", self.rising_min_count, 1)
        _number("themes.rising_min_growth", self.rising_min_growth)


@dataclass(frozen=True)
class RequirementParams:
    """Every threshold of the requirement analysis; load it with `load_requirement_params`."""

    high_value: HighValue = field(default_factory=HighValue)
    urgent: tuple[str, ...] = ("紧急",)
    target_days: TargetDays = field(default_factory=TargetDays)
    unsatisfied_max: int = 2
    themes: ThemeParams = field(default_factory=ThemeParams)

    def __post_init__(self) -> None:
        _choices("urgent", self.urgent, URGENCIES, empty=False)
        _int("unsatisfied_max", self.unsatisfied_max, 1, 4)


_NESTED = {"high_value": HighValue, "target_days": TargetDays, "themes": ThemeParams}


def load_requirement_params(path: str | Path | None = None) -> RequirementParams:
    """Read and validate params/requirements.yml (or another file); missing keys take defaults."""
    path = params_file("requirements.yml") if path is None else path
    try:
        return _build(RequirementParams, read_yaml(path), "")
    except ParameterError as exc:
        raise ParameterError(f"{path}: {exc}") from None


def _build(cls: type, raw: Any, where: str) -> Any:
    """Dataclass `cls` from a mapping, refusing unknown keys and recursing into sections."""
    assert is_dataclass(cls)
    label = where or "the file"
    if not isinstance(raw, dict):
        raise ParameterError(f"{label}: expected a mapping of settings, got {type(raw).__name__}")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(map(str, raw)) - known)
    if unknown:
        raise ParameterError(f"{label}: unknown setting(s) {unknown}; known: {sorted(known)}")
    values = {}
    for key, value in raw.items():
        name = f"{where}.{key}" if where else key
        if cls is RequirementParams and key in _NESTED:
            values[key] = _build(_NESTED[key], value, name)
        elif isinstance(value, list):
            values[key] = tuple(value)
        else:
            values[key] = value
    return cls(**values)

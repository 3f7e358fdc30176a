"""Thresholds of the requirement-distribution analysis, from params/requirements.yml, validated
strictly: an unknown key or a malformed value is a ParameterError naming the setting.

The dataclass defaults equal params/requirements.yml (a test checks it), so code and YAML cannot
drift. 高价值 for the quadrants (`HighValue`): the customer's RFM value class is one of
``value_classes`` or its ABC class one of ``abc_classes`` (both as the value report computes
them from params/value.yml); a customer without purchases is never high value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.config import params_file
from workbench.core.errors import ParameterError
from workbench.core.settings import check_number, check_texts, check_whole, load_settings
from workbench.value.params import VALUE_CLASSES

QUADRANTS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4")
URGENCIES: tuple[str, ...] = ("紧急", "重要", "一般")
ABC_CLASSES: tuple[str, ...] = ("A", "B", "C")


def _choices(name: str, value: Any, allowed: tuple[str, ...], empty: bool = True) -> None:
    check_texts(name, value)
    wrong = [v for v in value if v not in allowed]
    if wrong or (not empty and not value):
        raise ParameterError(f"{name} must list some of {', '.join(allowed)}, got {list(value)!r}")


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
            check_whole(f"target_days.{quadrant}", getattr(self, quadrant), 1)


@dataclass(frozen=True)
class ThemeParams:
    """Keyword themes: shortest keyword, keywords per group, extra stop words, words jieba keeps
    whole, and when a theme is rising (count this period, growth over the previous one)."""

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
        check_whole("themes.min_length", self.min_length, 1)
        check_whole("themes.top", self.top, 1)
        check_texts("themes.stop_words", self.stop_words, "be a list of words")
        check_texts("themes.user_words", self.user_words, "be a list of words")
        check_whole("themes.rising_min_count", self.rising_min_count, 1)
        check_number("themes.rising_min_growth", self.rising_min_growth)


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
        check_whole("unsatisfied_max", self.unsatisfied_max, 1, 4)


_SECTIONS: dict[str, type] = {"high_value": HighValue, "target_days": TargetDays,
                              "themes": ThemeParams}  # fmt: skip


def load_requirement_params(path: str | Path | None = None) -> RequirementParams:
    """Read and validate params/requirements.yml (or another file); missing keys take defaults."""
    path = params_file("requirements.yml") if path is None else path
    return load_settings(RequirementParams, path, _SECTIONS)

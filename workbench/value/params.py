"""Thresholds of the value analysis (RFM, value classes, ABC, amount tiers, tags, CLV), from
params/value.yml, validated strictly: an unknown key or a malformed value is a ParameterError.

The dataclass defaults equal params/value.yml (a test checks it), so code and YAML cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from itertools import pairwise
from pathlib import Path
from typing import Any

from workbench.core.config import params_file
from workbench.core.errors import ParameterError
from workbench.core.settings import (
    build_settings,
    check_choice,
    check_number,
    check_texts,
    check_whole,
    load_settings,
)
from workbench.value.weighted_params import (
    CLASSES_BY,
    WeightedParams,
    check_playbooks,
    default_playbooks,
)

HIGH, MID, LOW, POTENTIAL = "高价值", "中价值", "低价值", "潜在价值"
VALUE_CLASSES: tuple[str, ...] = (HIGH, MID, LOW, POTENTIAL)


@dataclass(frozen=True)
class RfmParams:
    """Quantile bins per score and the look-back window (None = all history)."""

    bins: int = 5
    window_days: int | None = None

    def __post_init__(self) -> None:
        check_whole("rfm.bins", self.bins, 2)
        if self.window_days is not None:
            check_whole("rfm.window_days", self.window_days, 1)


@dataclass(frozen=True)
class ClassRules:
    """Score thresholds of the four value classes; see `value_classes` for the order of rules."""

    high_min_r: int = 3
    high_min_f: int = 4
    high_min_m: int = 4
    potential_min_r: int = 4
    potential_max_f: int = 2
    mid_min_total: int = 9

    def __post_init__(self) -> None:
        for f in fields(self):
            check_whole(f"classes.{f.name}", getattr(self, f.name), 1)


@dataclass(frozen=True)
class AbcParams:
    """Revenue shares of A, B and C (adding up to 1) over the last `window_months` months."""

    shares: tuple[float, float, float] = (0.2, 0.5, 0.3)
    window_months: int = 12

    def __post_init__(self) -> None:
        object.__setattr__(self, "shares", check_shares(self.shares))
        check_whole("abc.window_months", self.window_months, 1)


@dataclass(frozen=True)
class Tier:
    """One amount tier: customers whose yearly amount is ≥ `min` (元) and below the next tier."""

    label: str
    min: float

    def __post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label:
            raise ParameterError(f"amount tier label must be text, got {self.label!r}")
        check_number(f"amount tier {self.label}: min", self.min)


@dataclass(frozen=True)
class TierParams:
    """Amount tiers, highest first (the last starts at 0), over the last `window_months` months."""

    tiers: tuple[Tier, ...] = (Tier("高", 1_000_000), Tier("中", 300_000), Tier("低", 0))
    window_months: int = 12

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", check_tiers(self.tiers))
        check_whole("amount_tiers.window_months", self.window_months, 1)


@dataclass(frozen=True)
class TagParams:
    """Thresholds of the customer tags (近3个月未复购, 高流失风险, 重点跟进 …)."""

    no_repurchase_days: int = 90
    repeat_min_days: int = 2
    churn_gap_factor: float = 2.0
    churn_min_days: int = 30
    follow_up_window_days: int = 90
    follow_up_min_pages: int = 10
    follow_up_question_types: tuple[str, ...] = ("价格",)
    lead_statuses: tuple[str, ...] = ("潜在客户", "意向客户")

    def __post_init__(self) -> None:
        for name in ("no_repurchase_days", "follow_up_window_days", "follow_up_min_pages"):
            check_whole(f"tags.{name}", getattr(self, name), 1)
        check_whole("tags.repeat_min_days", self.repeat_min_days, 2)
        check_whole("tags.churn_min_days", self.churn_min_days, 0)
        check_number("tags.churn_gap_factor", self.churn_gap_factor, 1.0)
        check_texts("tags.follow_up_question_types", self.follow_up_question_types)
        check_texts("tags.lead_statuses", self.lead_statuses)


PURCHASE_MODEL_NAMES = ("bgnbd", "mbgnbd", "paretonbd")


@dataclass(frozen=True)
class ClvParams:
    """How CLV is estimated: purchase model, horizon, monthly discount rate, holdout check, the
    fewest repeat buyers a region needs to get models of its own (else company-wide ones), and
    the holdout error above which the report warns that behaviour has changed."""

    model: str = "bgnbd"
    compare_models: tuple[str, ...] = PURCHASE_MODEL_NAMES
    horizon_months: int = 12
    discount_rate: float = 0.01
    holdout_months: int = 6
    min_repeat_buyers: int = 100
    holdout_alert: float = 0.15

    def __post_init__(self) -> None:
        check_choice("clv.model", self.model, PURCHASE_MODEL_NAMES)
        check_number("clv.holdout_alert", self.holdout_alert)
        if not isinstance(self.compare_models, tuple) or not self.compare_models:
            raise ParameterError(
                f"clv.compare_models must list models, got {self.compare_models!r}"
            )
        for name in self.compare_models:
            check_choice("clv.compare_models", name, PURCHASE_MODEL_NAMES)
        check_whole("clv.horizon_months", self.horizon_months, 1)
        check_whole("clv.holdout_months", self.holdout_months, 1)
        check_whole("clv.min_repeat_buyers", self.min_repeat_buyers, 10)
        check_number("clv.discount_rate", self.discount_rate)
        if self.discount_rate >= 1:
            raise ParameterError(
                f"clv.discount_rate is per month, below 1; got {self.discount_rate!r}"
            )


@dataclass(frozen=True)
class ValueParams:
    """Every threshold of the value analysis; load it with `load_value_params`."""

    rfm: RfmParams = field(default_factory=RfmParams)
    classes: ClassRules = field(default_factory=ClassRules)
    abc: AbcParams = field(default_factory=AbcParams)
    amount_tiers: TierParams = field(default_factory=TierParams)
    tags: TagParams = field(default_factory=TagParams)
    clv: ClvParams = field(default_factory=ClvParams)
    classes_by: str = "rfm"  # rfm | weighted: which value classes the report uses
    weighted: WeightedParams = field(default_factory=WeightedParams)
    playbooks: dict[str, tuple[str, ...]] = field(default_factory=default_playbooks)

    def __post_init__(self) -> None:
        check_choice("classes_by", self.classes_by, CLASSES_BY)
        object.__setattr__(self, "playbooks", check_playbooks(self.playbooks, VALUE_CLASSES))
        bins, rules = self.rfm.bins, self.classes
        for name in (
            "high_min_r",
            "high_min_f",
            "high_min_m",
            "potential_min_r",
            "potential_max_f",
        ):
            if getattr(rules, name) > bins:
                raise ParameterError(f"classes.{name} is above the top score (rfm.bins = {bins})")
        if rules.mid_min_total > 3 * bins:
            raise ParameterError(f"classes.mid_min_total is above 3 × rfm.bins = {3 * bins}")


def check_shares(shares: Any) -> tuple[float, float, float]:
    """Three non-negative revenue shares (A, B, C) adding up to 1."""
    if not isinstance(shares, list | tuple) or len(shares) != 3:
        raise ParameterError(f"abc.shares must list three shares (A, B, C), got {shares!r}")
    for share in shares:
        check_number("abc.shares", share)
    if abs(sum(shares) - 1) > 1e-9 or shares[0] <= 0:
        raise ParameterError(f"abc.shares must add up to 1 with A > 0, got {list(shares)}")
    return (float(shares[0]), float(shares[1]), float(shares[2]))


def check_tiers(tiers: Any) -> tuple[Tier, ...]:
    """Tiers highest first with strictly decreasing minimums, the last starting at 0."""
    if not isinstance(tiers, list | tuple) or not tiers:
        raise ParameterError(f"amount_tiers.tiers must list at least one tier, got {tiers!r}")
    out = tuple(
        t if isinstance(t, Tier) else build_settings(Tier, t, "amount_tiers.tiers") for t in tiers
    )
    mins = [t.min for t in out]
    if any(a <= b for a, b in pairwise(mins)) or mins[-1] != 0:
        raise ParameterError(
            f"amount_tiers.tiers must go from the highest min down to 0, got mins {mins}"
        )
    if len({t.label for t in out}) != len(out):
        raise ParameterError("amount_tiers.tiers: labels must differ")
    return out


_SECTIONS: dict[str, type] = {"rfm": RfmParams, "classes": ClassRules, "abc": AbcParams,
                              "amount_tiers": TierParams, "tags": TagParams,
                              "clv": ClvParams, "weighted": WeightedParams}  # fmt: skip


def load_value_params(path: str | Path | None = None) -> ValueParams:
    """Read and validate params/value.yml (or another file); missing keys take the defaults."""
    return load_settings(ValueParams, params_file("value.yml") if path is None else path, _SECTIONS)

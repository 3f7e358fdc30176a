"""Settings of the weighted value score and of the playbooks per value class (the ``weighted:``
and ``playbooks:`` sections of params/value.yml), validated strictly like the rest of the file.

The dataclass defaults equal params/value.yml (a test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.core.errors import ParameterError
from workbench.core.settings import check_number, check_texts, check_whole

# The factors of the weighted score, in the order the report lists them (docs/glossary.md).
FACTORS: tuple[str, ...] = (
    "industry_potential",  # 行业潜力
    "decision_influence",  # 决策影响力
    "willingness",  # 合作意愿
    "revenue_pct",  # 近12个月销售额分位
    "frequency_pct",  # 购买天数分位
    "recency_pct",  # 最近购买分位
)
PROSPECT_FACTORS: tuple[str, ...] = FACTORS[:3]  # what 潜在价值 is judged on
CLASSES_BY: tuple[str, ...] = ("rfm", "weighted")

_WEIGHTS = {"industry_potential": 0.15, "decision_influence": 0.15, "willingness": 0.2,
            "revenue_pct": 0.25, "frequency_pct": 0.15, "recency_pct": 0.1}  # fmt: skip
_INDUSTRIES = {"信息传输、软件和信息技术服务业": 0.9, "制造业": 0.7, "金融业": 0.8,
               "租赁和商务服务业": 0.6, "电力、热力、燃气及水生产和供应业": 0.6,
               "批发和零售业": 0.4, "建筑业": 0.4, "交通运输、仓储和邮政业": 0.4}  # fmt: skip
_ROLES = {"决策者": 1.0, "影响者": 0.6, "使用者": 0.3}
_STAGES = {"潜在线索": 0.25, "意向客户": 0.5, "方案洽谈": 0.75, "成交": 1.0, "流失": 0.0}
_PLAYBOOKS = {"高价值": ("专属客户经理", "定期高层拜访", "定制方案"), "中价值": ("标准产品+增值服务",),
              "低价值": ("自动化触达",), "潜在价值": ("案例白皮书", "促销")}  # fmt: skip


def check_scores(name: str, table: Any, weights: bool = False) -> dict[str, float]:
    """A mapping of non-blank text → number in [0, 1] (a score table, or the factor weights)."""
    if not isinstance(table, Mapping) or not table:
        raise ParameterError(f"{name} must map names to numbers, got {table!r}")
    for key, value in table.items():
        if not isinstance(key, str) or not key.strip():
            raise ParameterError(f"{name}: keys must be texts, got {key!r}")
        check_number(f"{name}.{key}", value)
        if value > 1:
            raise ParameterError(f"{name}.{key} must be between 0 and 1, got {value!r}")
    if weights:
        unknown, missing = sorted(set(table) - set(FACTORS)), sorted(set(FACTORS) - set(table))
        if unknown or missing:
            raise ParameterError(
                f"{name} must give a weight to each of {list(FACTORS)}; "
                f"unknown {unknown}, missing {missing}"
            )
        if abs(sum(table.values()) - 1) > 1e-9:
            raise ParameterError(f"{name} must add up to 1, got {sum(table.values()):g}")
    return {str(k): float(v) for k, v in table.items()}


@dataclass(frozen=True)
class WeightedParams:
    """Weights of the six factors (adding up to 1), the score tables behind 行业潜力 (industry
    section → score, else `industry_default`), 决策影响力 (decision_role → score, else
    `role_default`) and 合作意愿 (last `willingness_days` days: interactions and requirements
    counted up to their caps, the best funnel stage's score), and the class cut-offs on the
    score (0–1): 高价值 ≥ high_min, 中价值 ≥ mid_min, else 潜在价值 when the prospect part
    (the first three factors) ≥ potential_min, else 低价值."""

    weights: dict[str, float] = field(default_factory=lambda: dict(_WEIGHTS))
    industry_scores: dict[str, float] = field(default_factory=lambda: dict(_INDUSTRIES))
    industry_default: float = 0.5
    role_scores: dict[str, float] = field(default_factory=lambda: dict(_ROLES))
    role_default: float = 0.3
    willingness_days: int = 90
    interactions_cap: int = 6
    requirements_cap: int = 3
    stage_scores: dict[str, float] = field(default_factory=lambda: dict(_STAGES))
    high_min: float = 0.6
    mid_min: float = 0.4
    potential_min: float = 0.6

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "weights", check_scores("weighted.weights", self.weights, weights=True))
        for name in ("industry_scores", "role_scores", "stage_scores"):
            set_(self, name, check_scores(f"weighted.{name}", getattr(self, name)))
        for name in ("industry_default", "role_default", "high_min", "mid_min", "potential_min"):
            value = getattr(self, name)
            check_number(f"weighted.{name}", value)
            if value > 1:
                raise ParameterError(f"weighted.{name} must be between 0 and 1, got {value!r}")
        for name in ("willingness_days", "interactions_cap", "requirements_cap"):
            check_whole(f"weighted.{name}", getattr(self, name), 1)
        if not self.mid_min < self.high_min:
            raise ParameterError(
                f"weighted.mid_min ({self.mid_min}) must be below high_min ({self.high_min})"
            )


def check_playbooks(playbooks: Any, classes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Each value class → its list of actions (texts); every class needs one, no other key."""
    if not isinstance(playbooks, Mapping):
        raise ParameterError(f"playbooks must map each value class to actions, got {playbooks!r}")
    if set(playbooks) != set(classes):
        raise ParameterError(
            f"playbooks must list each of {list(classes)}, got {sorted(map(str, playbooks))}"
        )
    out = {}
    for name in classes:
        actions = playbooks[name]
        actions = tuple(actions) if isinstance(actions, list | tuple) else actions
        check_texts(f"playbooks.{name}", actions, "list actions (texts)")
        out[name] = actions
    return out


def default_playbooks() -> dict[str, tuple[str, ...]]:
    """The playbooks of domain.md: A → 高价值, B → 中价值, C → 低价值, 潜在 → 潜在价值."""
    return dict(_PLAYBOOKS)

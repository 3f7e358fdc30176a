"""Thresholds of the funnel report, from params/funnel.yml, validated strictly: an unknown key or a
malformed value is a ParameterError naming it.

The dataclass defaults equal params/funnel.yml (a test checks it). The 重点跟进 thresholds are
checked by `workbench.value.params.TagParams`, the rule's own parameters, so there is one rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from workbench.core.config import params_file, read_yaml
from workbench.core.errors import ParameterError
from workbench.value.params import TagParams

CONVENTIONS: tuple[str, ...] = ("reached", "in_order")


def _whole(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ParameterError(f"{name} must be a whole number ≥ {minimum}, got {value!r}")


@dataclass(frozen=True)
class FollowUpParams:
    """重点跟进: leads viewing ≥ min_pages pages or asking a question of question_types within
    window_days (see `workbench.value.segments.follow_up_leads`)."""

    window_days: int = 90
    min_pages: int = 10
    question_types: tuple[str, ...] = ("价格",)
    lead_statuses: tuple[str, ...] = ("潜在客户", "意向客户")

    def __post_init__(self) -> None:
        try:
            self.tag_params()
        except ParameterError as exc:  # name the funnel's keys, not the value report's
            raise ParameterError(
                str(exc).replace("tags.follow_up_", "follow_up.").replace("tags.", "follow_up.")
            ) from None

    def tag_params(self) -> TagParams:
        """These thresholds as the parameters of the shared 重点跟进 rule."""
        return TagParams(
            follow_up_window_days=self.window_days,
            follow_up_min_pages=self.min_pages,
            follow_up_question_types=self.question_types,
            lead_statuses=self.lead_statuses,
        )


@dataclass(frozen=True)
class FunnelParams:
    """Every threshold of the funnel report; load it with `load_funnel_params`."""

    convention: str = "reached"
    window_months: int = 12
    weakest_min_leads: int = 10
    follow_up: FollowUpParams = field(default_factory=FollowUpParams)

    def __post_init__(self) -> None:
        if self.convention not in CONVENTIONS:
            raise ParameterError(
                f"convention must be one of {', '.join(CONVENTIONS)}, got {self.convention!r}"
            )
        _whole("window_months", self.window_months, 1)
        _whole("weakest_min_leads", self.weakest_min_leads, 1)


def load_funnel_params(path: str | Path | None = None) -> FunnelParams:
    """Read and validate params/funnel.yml (or another file); missing keys take the defaults."""
    path = params_file("funnel.yml") if path is None else path
    try:
        return _build(read_yaml(path))
    except ParameterError as exc:
        raise ParameterError(f"{path}: {exc}") from None


def _build(raw: Any) -> FunnelParams:
    """FunnelParams from a mapping, refusing unknown keys (also inside follow_up)."""
    _known("the file", raw, FunnelParams)
    values = dict(raw)
    if "follow_up" in values:
        _known("follow_up", values["follow_up"], FollowUpParams)
        values["follow_up"] = FollowUpParams(
            **{k: tuple(v) if isinstance(v, list) else v for k, v in values["follow_up"].items()}
        )
    return FunnelParams(**values)


def _known(label: str, raw: Any, cls: type) -> None:
    if not isinstance(raw, dict):
        raise ParameterError(f"{label}: expected a mapping of settings, got {type(raw).__name__}")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(map(str, raw)) - known)
    if unknown:
        raise ParameterError(f"{label}: unknown setting(s) {unknown}; known: {sorted(known)}")

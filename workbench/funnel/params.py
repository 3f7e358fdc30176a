"""Thresholds of the funnel report, from params/funnel.yml, validated strictly: an unknown key or a
malformed value is a ParameterError naming it.

The dataclass defaults equal params/funnel.yml (a test checks it). The 重点跟进 thresholds are
checked by `workbench.value.params.TagParams`, the rule's own parameters, so there is one rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.config import params_file
from workbench.core.errors import ParameterError
from workbench.core.settings import check_choice, check_whole, load_settings
from workbench.value.params import TagParams

CONVENTIONS: tuple[str, ...] = ("reached", "in_order")


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
        check_choice("convention", self.convention, CONVENTIONS)
        check_whole("window_months", self.window_months, 1)
        check_whole("weakest_min_leads", self.weakest_min_leads, 1)


def load_funnel_params(path: str | Path | None = None) -> FunnelParams:
    """Read and validate params/funnel.yml (or another file); missing keys take the defaults."""
    path = params_file("funnel.yml") if path is None else path
    return load_settings(FunnelParams, path, {"follow_up": FollowUpParams})

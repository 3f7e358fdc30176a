"""params/funnel.yml: the defaults equal the file, and every malformed value says what to fix."""

from __future__ import annotations

import pytest

from workbench.core.errors import ParameterError
from workbench.funnel.params import FollowUpParams, FunnelParams, load_funnel_params


def test_the_dataclass_defaults_equal_the_yaml():
    assert load_funnel_params() == FunnelParams()


def test_follow_up_thresholds_go_to_the_shared_rule():
    rule = FollowUpParams(window_days=30, min_pages=5, question_types=("价格", "产品")).tag_params()
    assert (rule.follow_up_window_days, rule.follow_up_min_pages) == (30, 5)
    assert rule.follow_up_question_types == ("价格", "产品")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("convention: funnel\n", "convention must be one of reached, in_order, got 'funnel'"),
        ("window_months: 0\n", "window_months must be a whole number ≥ 1, got 0"),
        ("weakest_min_leads: ten\n", "weakest_min_leads must be a whole number ≥ 1"),
        ("stages: [a]\n", r"unknown setting\(s\) \['stages'\]"),
        ("follow_up: {min_page: 3}\n", r"follow_up: unknown setting\(s\) \['min_page'\]"),
        ("follow_up: {min_pages: 0}\n", "follow_up.min_pages must be a whole number ≥ 1, got 0"),
        ("follow_up: {question_types: 价格}\n", "follow_up.question_types must be a list"),
        ("follow_up: 3\n", "follow_up: expected a mapping"),
        ("- 1\n", "the file: expected a mapping"),
    ],
)
def test_malformed_values_are_errors_naming_the_key(tmp_path, text, message):
    path = tmp_path / "funnel.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=message) as info:
        load_funnel_params(path)
    assert str(path) in str(info.value)


def test_missing_keys_take_the_defaults(tmp_path):
    path = tmp_path / "funnel.yml"
    path.write_text("convention: in_order\nfollow_up: {min_pages: 4}\n", encoding="utf-8")
    params = load_funnel_params(path)
    assert params.convention == "in_order" and params.window_months == 12
    assert params.follow_up == FollowUpParams(min_pages=4)

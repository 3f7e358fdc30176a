"""params/requirements.yml: defaults equal the file, unknown keys and bad values are clear errors."""

from __future__ import annotations

import pytest

from workbench.core.config import params_file
from workbench.core.errors import ParameterError
from workbench.requirements.params import RequirementParams, load_requirement_params


def test_the_shipped_file_equals_the_defaults():
    assert load_requirement_params(params_file("requirements.yml")) == RequirementParams()
    assert load_requirement_params() == RequirementParams()


def test_missing_keys_take_the_defaults(tmp_path):
    (tmp_path / "r.yml").write_text("target_days:\n  Q1: 3\n", encoding="utf-8")
    params = load_requirement_params(tmp_path / "r.yml")
    assert params.target_days.Q1 == 3 and params.target_days.Q4 == 60
    assert params.high_value == RequirementParams().high_value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("target_day:\n  Q1: 3\n", r"the file: unknown setting\(s\) \['target_day'\]"),
        ("themes:\n  stopwords: [的]\n", r"themes: unknown setting\(s\) \['stopwords'\]"),
        ("target_days:\n  Q5: 3\n", r"target_days: unknown setting\(s\) \['Q5'\]"),
        ("target_days:\n  Q1: 0\n", r"target_days.Q1 must be a whole number ≥ 1, got 0"),
        ("target_days:\n  Q2: 三十\n", r"target_days.Q2 must be a whole number ≥ 1, got '三十'"),
        ("urgent: [很急]\n", r"urgent must list some of 紧急, 重要, 一般, got \['很急'\]"),
        ("urgent: []\n", r"urgent must list some of"),
        ("high_value:\n  value_classes: [VIP]\n", r"high_value.value_classes must list some of"),
        ("high_value:\n  value_classes: []\n  abc_classes: []\n", r"cannot both be empty"),
        ("unsatisfied_max: 5\n", r"unsatisfied_max must be a whole number ≥ 1 and ≤ 4"),
        ("themes:\n  rising_min_growth: -1\n", r"themes.rising_min_growth must be a number ≥ 0"),
        ("themes:\n  user_words: 钉钉\n", r"themes.user_words must be a list of words"),
        ("- 1\n- 2\n", r"expected a mapping of settings, got list"),
    ],
)
def test_bad_settings_are_named(tmp_path, text, message):
    path = tmp_path / "requirements.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=message) as error:
        load_requirement_params(path)
    assert str(path) in str(error.value)

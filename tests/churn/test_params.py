"""params/churn.yml: the shipped file equals the code's defaults; bad values are named."""

from dataclasses import asdict

import pytest

from workbench.churn.params import ChurnParams, load_churn_params
from workbench.core.errors import ParameterError


def test_the_shipped_file_equals_the_defaults():
    assert asdict(load_churn_params()) == asdict(ChurnParams())


def test_overrides_win_over_the_file():
    assert load_churn_params(window_days=60).window_days == 60


@pytest.mark.parametrize(
    ("text", "message"),
    [("definiton: status\n", r"unknown setting\(s\) \['definiton'\]"),
     ("definition: label\n", "definition must be one of behaviour, status"),
     ("window_days: 10\n", "window_days must be a whole number ≥ 30, got 10"),
     ("band_medium: 0.7\nband_high: 0.6\n", "band_medium .0.7. must be below band_high"),
     ("grade_a: 1.5\n", "grade_a must be a number between 0 and 1"),
     ("calibration: platt\n", "calibration must be one of isotonic, sigmoid"),
     ("extra_features: 会员等级\n", "extra_features must list column names")],
)  # fmt: skip
def test_bad_values_are_named_with_the_file(tmp_path, text, message):
    path = tmp_path / "churn.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=message) as error:
        load_churn_params(path)
    assert str(path) in str(error.value)

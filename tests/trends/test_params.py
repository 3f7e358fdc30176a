"""params/trends.yml equals the dataclass defaults and is validated strictly."""

from __future__ import annotations

import pytest

from workbench.core.config import params_file
from workbench.core.errors import ParameterError
from workbench.trends.params import CohortParams, TrendParams, load_trend_params


def test_the_shipped_file_equals_the_defaults():
    assert load_trend_params(params_file("trends.yml")) == load_trend_params() == TrendParams()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("growth: {quarter: 8}", r"growth: unknown setting\(s\) \['quarter'\]"),
        ("trend: {}", r"the file: unknown setting\(s\) \['trend'\]"),
        ("cohorts: {period: week}", "cohorts.period must be one of month, quarter"),
        ("order_drop: {z_threshold: -1}", "order_drop.z_threshold must be a number"),
        ("order_drop: {min_change: 2}", "order_drop.min_change is a share"),
        ("complaint_rise: {min_history_quarters: 9}", "min_history_quarters is above"),
        ("churn: {window_days: '90'}", "churn.window_days must be a whole number"),
    ],
)
def test_malformed_settings_are_refused_with_the_file_and_key(tmp_path, text, message):
    path = tmp_path / "trends.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=message) as caught:
        load_trend_params(path)
    assert str(path) in str(caught.value)


def test_a_partial_file_keeps_the_other_defaults(tmp_path):
    path = tmp_path / "trends.yml"
    path.write_text("cohorts: {period: month, periods: 12}", encoding="utf-8")
    params = load_trend_params(path)
    assert params.cohorts == CohortParams("month", 8, 12) and params.growth.quarters == 8

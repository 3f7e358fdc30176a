"""Reporting periods: months, quarters and years, their bounds, comparisons and labels."""

import pandas as pd
import pytest

from workbench.core.errors import ParameterError
from workbench.core.periods import (
    in_period,
    parse_period,
    period_bounds,
    period_kind,
    period_label,
    period_text,
    previous_period,
    year_ago,
)


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("2024-11", "month", "2024-11"),
        ("2024-1", "month", "2024-01"),
        ("2024年11月", "month", "2024-11"),
        ("2024/03", "month", "2024-03"),
        ("2024Q4", "quarter", "2024Q4"),
        ("2024-q2", "quarter", "2024Q2"),
        ("2024", "year", "2024"),
        ("2024年", "year", "2024"),
    ],
)
def test_the_three_kinds_parse_to_their_canonical_text(text, kind, canonical):
    assert period_kind(text) == kind
    assert period_text(parse_period(text)) == canonical


@pytest.mark.parametrize("bad", ["2024-13", "2024Q5", "24", "Nov 2024", "", "2024-11-05"])
def test_anything_else_is_refused_with_the_three_forms(bad):
    with pytest.raises(ParameterError, match=r"2024-11.*2024Q4.*2024"):
        parse_period(bad)


def test_bounds_are_the_first_day_and_the_next_periods_first_day():
    assert period_bounds("2024-02") == (pd.Timestamp("2024-02-01"), pd.Timestamp("2024-03-01"))
    assert period_bounds("2024Q4") == (pd.Timestamp("2024-10-01"), pd.Timestamp("2025-01-01"))
    assert period_bounds("2024") == (pd.Timestamp("2024-01-01"), pd.Timestamp("2025-01-01"))


def test_previous_and_year_ago_keep_the_kind():
    assert period_text(previous_period("2024-01")) == "2023-12"
    assert period_text(previous_period("2024Q1")) == "2023Q4"
    assert period_text(previous_period("2024")) == "2023"
    assert period_text(year_ago("2024-11")) == "2023-11"
    assert period_text(year_ago("2024Q4")) == "2023Q4"
    assert period_text(year_ago("2024")) == "2023"


def test_labels_in_both_languages():
    assert period_label("2024-11") == "2024年11月"
    assert period_label("2024-11", "en") == "Nov 2024"
    assert period_label("2024Q4") == "2024年Q4"
    assert period_label("2024", "en") == "2024"


def test_in_period_excludes_the_next_periods_first_day():
    dates = pd.Series(pd.to_datetime(["2024-10-31", "2024-11-01", "2024-11-30", "2024-12-01"]))
    assert in_period(dates, "2024-11").tolist() == [False, True, True, False]

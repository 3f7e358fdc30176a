"""Reporting periods: a month (2024-11), a quarter (2024Q4) or a year (2024), and their bounds.

A report covers one period and compares it with the previous period of the same kind and with
the same period a year before (`previous_period`, `year_ago`). Quarters stay the default.
"""

from __future__ import annotations

import re

import pandas as pd

from workbench.core.errors import ParameterError
from workbench.core.labels import t

_QUARTER = re.compile(r"^\s*(\d{4})\s*(?:-|年)?\s*[Qq]([1-4])\s*$")
_MONTH = re.compile(r"^\s*(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*月?\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*$")
PERIOD_KINDS = {"M": "month", "Q": "quarter", "Y": "year"}
_PER_YEAR = {"M": 12, "Q": 4, "Y": 1}


def parse_quarter(text: str) -> pd.Period:
    """'2024Q4' (also '2024-Q4', '2024q4') → Period('2024Q4'); anything else is a ParameterError."""
    match = _QUARTER.match(str(text))
    if not match:
        raise ParameterError(f"quarter must look like 2024Q4, got {text!r}")
    return pd.Period(year=int(match[1]), quarter=int(match[2]), freq="Q")


def parse_period(text: str | pd.Period) -> pd.Period:
    """'2024-11' (a month), '2024Q4' (a quarter) or '2024' (a year) → a pandas Period of that
    kind (also 2024年11月, 2024-Q4, 2024年); anything else is a ParameterError saying the forms."""
    if isinstance(text, pd.Period):
        return parse_period(period_text(text))
    value = str(text)
    if match := _QUARTER.match(value):
        return pd.Period(year=int(match[1]), quarter=int(match[2]), freq="Q")
    if (match := _MONTH.match(value)) and 1 <= int(match[2]) <= 12:
        return pd.Period(year=int(match[1]), month=int(match[2]), freq="M")
    if match := _YEAR.match(value):
        return pd.Period(year=int(match[1]), freq="Y")
    raise ParameterError(
        f"period must be a month (2024-11), a quarter (2024Q4) or a year (2024), got {text!r}"
    )


def period_kind(period: str | pd.Period) -> str:
    """'month', 'quarter' or 'year'."""
    return PERIOD_KINDS[_code(parse_period(period))]


def period_text(period: pd.Period) -> str:
    """The canonical text of a period: 2024-11, 2024Q4 or 2024 (what parse_period reads)."""
    code = _code(period)
    if code == "M":
        return f"{period.year}-{period.month:02d}"
    return f"{period.year}Q{period.quarter}" if code == "Q" else str(period.year)


def period_bounds(period: str | pd.Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day and the exclusive end (first day of the next period) of a period."""
    value = parse_period(period)
    return value.start_time.normalize(), (value + 1).start_time.normalize()


def previous_period(period: str | pd.Period) -> pd.Period:
    """The period just before, of the same kind (2024-10 for 2024-11, 2024Q3 for 2024Q4)."""
    return parse_period(period) - 1


def year_ago(period: str | pd.Period) -> pd.Period:
    """The same period a year before (2023-11, 2023Q4, 2023)."""
    value = parse_period(period)
    return value - _PER_YEAR[_code(value)]


def period_label(period: str | pd.Period, lang: str = "zh") -> str:
    """2024年11月 / 2024年Q4 / 2024年 in Chinese reports; Nov 2024 / 2024 Q4 / 2024 in English."""
    value = parse_period(period)
    code = _code(value)
    if code == "Q":
        return t("quarter_label", lang, year=value.year, quarter=value.quarter)
    if code == "M":
        return t("month_label", lang, year=value.year, month=value.month,
                 month_name=value.strftime("%b"))  # fmt: skip
    return t("year_label", lang, year=value.year)


def in_period(dates: pd.Series, period: str | pd.Period) -> pd.Series:
    """True for dates inside the period."""
    start, end = period_bounds(period)
    return (dates >= start) & (dates < end)


def quarter_bounds(quarter: str | pd.Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day and the exclusive end (first day of the next quarter) of a quarter."""
    period = quarter if isinstance(quarter, pd.Period) else parse_quarter(quarter)
    return period.start_time.normalize(), (period + 1).start_time.normalize()


def quarter_label(quarter: str | pd.Period, lang: str = "zh") -> str:
    """2024年Q4 in Chinese reports, 2024 Q4 in English ones."""
    period = quarter if isinstance(quarter, pd.Period) else parse_quarter(quarter)
    return t("quarter_label", lang, year=period.year, quarter=period.quarter)


def in_quarter(dates: pd.Series, quarter: str | pd.Period) -> pd.Series:
    """True for dates inside the quarter."""
    start, end = quarter_bounds(quarter)
    return (dates >= start) & (dates < end)


def _code(period: pd.Period) -> str:
    """M, Q or Y from a Period's frequency (pandas spells them M, Q-DEC, Y-DEC)."""
    code = period.freqstr[0]
    if code not in PERIOD_KINDS:
        raise ParameterError(f"period must be a month, a quarter or a year, got {period}")
    return code

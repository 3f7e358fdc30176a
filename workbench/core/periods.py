"""Reporting periods: quarters written like 2024Q4, and their calendar bounds."""

from __future__ import annotations

import re

import pandas as pd

from workbench.core.errors import ParameterError
from workbench.core.labels import t

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


def parse_quarter(text: str) -> pd.Period:
    """'2024Q4' (also '2024-Q4', '2024q4') → Period('2024Q4'); anything else is a ParameterError."""
    match = _QUARTER.match(str(text))
    if not match:
        raise ParameterError(f"quarter must look like 2024Q4, got {text!r}")
    return pd.Period(year=int(match[1]), quarter=int(match[2]), freq="Q")


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

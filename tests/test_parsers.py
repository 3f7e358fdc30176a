import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.parsers import parse_amounts, parse_dates, parse_integers, parse_text


@pytest.mark.parametrize(
    "text",
    ["2024-05-01", "2024/5/1", "2024年5月1日", "20240501", "2024.05.01", " 2024-05-01 ",
     "２０２４－０５－０１", "2024-05-01 00:00:00", "45413", "2024年05月01号"],
)  # fmt: skip
def test_every_date_format_gives_the_same_day(text):
    parsed, bad = parse_dates(pd.Series([text]))
    assert parsed[0] == pd.Timestamp("2024-05-01")
    assert not bad[0]


@pytest.mark.parametrize("text", ["2024-13-45", "待定", "0000-00-00", "20241345", "May first"])
def test_garbage_dates_are_flagged_not_guessed(text):
    parsed, bad = parse_dates(pd.Series([text]))
    assert pd.isna(parsed[0])
    assert bad[0]


def test_missing_dates_are_missing_not_garbage():
    parsed, bad = parse_dates(pd.Series(["", None, "  ", "NaN", "-"], dtype=object))
    assert parsed.isna().all()
    assert not bad.any()


def test_excel_cells_with_datetimes_and_serials():
    values = pd.Series([dt.datetime(2024, 5, 1, 9, 30), dt.date(2023, 1, 2), 45413], dtype=object)
    parsed, bad = parse_dates(values)
    assert list(parsed) == [pd.Timestamp("2024-05-01 09:30"), pd.Timestamp("2023-01-02"),
                            pd.Timestamp("2024-05-01")]  # fmt: skip
    assert not bad.any()


@pytest.mark.parametrize(
    ("text", "value"),
    [("500,000", 500_000), ("52万元", 520_000), ("¥1.2万", 12_000), ("￥12,000.00", 12_000),
     ("8次", 8), ("1.5亿", 150_000_000), ("-500", -500), ("３，０００元", 3_000),
     ("RMB 2,500", 2_500), ("12000.50", 12_000.5)],
)  # fmt: skip
def test_amount_formats(text, value):
    parsed, bad = parse_amounts(pd.Series([text]))
    assert parsed[0] == pytest.approx(value)
    assert not bad[0]


@pytest.mark.parametrize("text", ["abc", "五万", '=HYPERLINK("x")', "1..2", "inf"])
def test_unparseable_amounts_are_flagged(text):
    parsed, bad = parse_amounts(pd.Series([text]))
    assert np.isnan(parsed[0])
    assert bad[0]


def test_integers_reject_fractions():
    parsed, bad = parse_integers(pd.Series(["5", "3.0", "4.5", "x", None], dtype=object))
    assert parsed.tolist()[:2] == [5, 3]
    assert parsed[2:].isna().all()
    assert bad.tolist() == [False, False, True, True, False]


def test_text_is_stripped_and_empty_is_missing():
    assert parse_text(pd.Series([" 华东 ", "", None, "无"], dtype=object)).tolist()[0] == "华东"
    assert parse_text(pd.Series([" 华东 ", "", None, "无"], dtype=object))[1:].isna().all()


@given(st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}",
                        "{y}.{m:02d}.{d:02d}"]))  # fmt: skip
def test_date_round_trip_property(day, pattern):
    text = pattern.format(y=day.year, m=day.month, d=day.day)
    parsed, bad = parse_dates(pd.Series([text]))
    assert parsed[0] == pd.Timestamp(day)
    assert not bad[0]


@given(st.integers(min_value=-(10**9), max_value=10**12), st.booleans(), st.booleans())
def test_amount_round_trip_property(cents, thousands, yuan):
    value = cents / 100
    text = f"{value:,.2f}" if thousands else f"{value:.2f}"
    text = text + "元" if yuan else text
    parsed, bad = parse_amounts(pd.Series([text]))
    assert parsed[0] == pytest.approx(value)
    assert not bad[0]


@given(st.text(max_size=30))
def test_parsers_never_raise_on_any_text(text):
    for parser in (parse_dates, parse_amounts, parse_integers):
        values, bad = parser(pd.Series([text], dtype=object))
        assert len(values) == len(bad) == 1


def test_integers_out_of_range_are_flagged():
    parsed, bad = parse_integers(pd.Series(["9223372036854775296", "12"]))
    assert pd.isna(parsed[0]) and bad[0]
    assert parsed[1] == 12 and not bad[1]

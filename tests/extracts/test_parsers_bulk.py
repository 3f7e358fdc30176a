"""The parsers' bulk paths (ISO dates from their bytes, one strip per text column, numbers tried
only where they can be) give the values a person reads off the cells."""

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.extracts.parsers import (
    missing_mask,
    parse_amounts,
    parse_dates,
    parse_text,
    parse_text_flagged,
)


def test_every_iso_day_and_second_is_read_as_written():
    days = pd.date_range("1899-12-25", "2101-03-05", freq="D")  # leap days, century years
    parsed, bad = parse_dates(pd.Series(days.strftime("%Y-%m-%d"), dtype="str"))
    assert (parsed.to_numpy() == days.to_numpy()).all() and not bad.any()
    moments = pd.Timestamp("2024-02-28 22:58:57") + pd.to_timedelta(np.arange(0, 200_000, 7), "s")
    parsed, bad = parse_dates(pd.Series(moments.strftime("%Y-%m-%d %H:%M:%S"), dtype="str"))
    assert (parsed.to_numpy() == moments.to_numpy()).all() and not bad.any()


def test_iso_cells_that_are_no_moment_are_flagged_and_the_rest_read():
    cells = [" 2024-02-29 ", "2023-02-29", "2024-13-01", "2024-00-10", "2024-05-01 23:59:60",
             "2024-05-01 24:00:00", "2024-05-01\u3000", "1677-12-31", "2262-04-10", "2024-0５-01",
             "2024-05-01 08:30:00", "2024-05-01T08:30:00", None, "无"]  # fmt: skip
    parsed, bad = parse_dates(pd.Series(cells, dtype="str"))
    assert parsed.dt.strftime("%Y-%m-%d %H:%M").fillna("").tolist() == [
        "2024-02-29 00:00", "", "", "", "", "", "2024-05-01 00:00", "1677-12-31 00:00",
        "2262-04-10 00:00", "2024-05-01 00:00", "2024-05-01 08:30", "2024-05-01 08:30", "", ""]  # fmt: skip
    assert bad.tolist() == [False, True, True, True, True, True] + [False] * 8


def test_a_column_in_pieces_parses_as_one():
    cells = ["2024-05-01", " 2024/5/2", "", "=1+1", "52万元", "2024-05-03 10:00:00", "x"] * 3
    whole = pd.Series(cells, dtype="str")
    pieces = pd.concat([whole.iloc[:5], whole.iloc[5:]])  # two Arrow chunks
    tail = whole.iloc[3:]  # an Arrow slice that does not start at 0
    for part in (pieces, tail):
        pd.testing.assert_series_equal(parse_dates(part)[0], parse_dates(whole)[0].loc[part.index])
        pd.testing.assert_series_equal(parse_text(part), parse_text(whole).loc[part.index])
        flagged = parse_text_flagged(part)[1]
        assert flagged.tolist() == parse_text_flagged(whole)[1].loc[part.index].tolist()
    assert parse_dates(pd.Series([], dtype="str"))[0].empty


def test_no_value_tokens_in_any_case_are_missing_and_nothing_longer():
    cells = [
        "NULL",
        " None ",
        "N/A",
        "nAn",
        "无",
        "—",
        "--",
        "\u3000空",
        "nulls",
        "NONE1",
        "无无",
        "-1",
    ]
    expected = [True] * 8 + [False] * 4
    for dtype in ("str", object):
        assert missing_mask(pd.Series(cells, dtype=dtype)).tolist() == expected
        text = parse_text(pd.Series(cells, dtype=dtype))
        assert text.fillna("").tolist() == [""] * 8 + ["nulls", "NONE1", "无无", "-1"]


def test_no_character_outside_ascii_lower_cases_into_a_token_letter():
    # the missing test looks only at cells as short in UTF-8 as a token: true while no other
    # character lower-cases to an ASCII letter of one (Unicode has İ→i and K (kelvin)→k only)
    every = pa.array([chr(c) for c in range(0x80, 0x30000) if not 0xD800 <= c <= 0xDFFF])
    lowered = pc.utf8_lower(every).to_pylist()
    assert {low for low in lowered if low.isascii()} == {"i", "k"}


def test_formulas_are_flagged_once_stripped_and_signed_numbers_are_not():
    cells = ["=SUM(A1)", " +86 138-0013-8000", "-500", "@cmd", "-", "华东", None, " =1+1", "+"]
    for dtype in ("str", object):
        text, risky = parse_text_flagged(pd.Series(cells, dtype=dtype))
        assert risky.tolist() == [True, False, False, True, False, False, False, True, False]
        assert text[[0, 1, 7]].tolist() == ["=SUM(A1)", "+86 138-0013-8000", "=1+1"]
        assert pd.isna(text[4]) and pd.isna(text[6])  # "-" means no value


def test_amounts_written_as_numbers_or_words_and_what_is_none():
    cells = ["1e3", " 12 ", "52万元", "1,200", "¥1.2万", "inf", "1/2", "-", " 3.50 "]
    amounts, bad = parse_amounts(pd.Series(cells, dtype="str"))
    assert amounts.fillna(-1).tolist() == [1000, 12, 520_000, 1200, 12_000, -1, -1, -1, 3.5]
    assert bad.tolist() == [False] * 5 + [True, True, False, False]


def test_date_cells_of_a_workbook_convert_in_bulk():
    beijing_noon = dt.datetime(2024, 5, 1, 4, 0, tzinfo=dt.UTC)
    cells = [dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 8, 30), dt.date(1, 1, 1), None,
             "2024/5/2", 45413, np.datetime64("2024-05-03"), beijing_noon, pd.NaT]  # fmt: skip
    parsed, bad = parse_dates(pd.Series(cells, dtype=object))
    assert parsed.dt.strftime("%Y-%m-%d %H:%M").fillna("").tolist() == [
        "2024-05-01 00:00", "2024-05-01 08:30", "", "", "2024-05-02 00:00", "2024-05-01 00:00",
        "2024-05-03 00:00", "2024-05-01 12:00", ""]  # fmt: skip
    assert bad.tolist() == [False, False, True] + [False] * 6
    aware = pd.Series([beijing_noon, beijing_noon + dt.timedelta(hours=13)], dtype=object)
    assert parse_dates(aware)[0].dt.strftime("%m-%d %H:%M").tolist() == [
        "05-01 12:00",
        "05-02 01:00",
    ]


def test_excel_serials_written_any_way_a_number_is_are_days():
    cells = ["45413", " 45413.0 ", "4.5413e4", "+45413", "45413.5", "4541３", "45,413"]
    parsed, bad = parse_dates(pd.Series(cells, dtype="str"))
    assert parsed.dt.strftime("%Y-%m-%d").fillna("").tolist() == ["2024-05-01"] * 4 + [""] * 3
    assert bad.tolist() == [False] * 4 + [True] * 3  # half a day, full-width, a comma: no serial

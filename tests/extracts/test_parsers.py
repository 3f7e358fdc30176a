import csv
import datetime as dt
import gc
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tests.conftest import write_csv
from workbench.core.errors import ExtractError
from workbench.extracts.loader import load_table
from workbench.extracts.parsers import (
    escape_formulas,
    formula_mask,
    missing_mask,
    parse_amounts,
    parse_dates,
    parse_integers,
    parse_text,
    parse_text_flagged,
)
from workbench.extracts.readers import read_csv, sniff_delimiter, sniff_encoding
from workbench.extracts.schema import ORDERS as ORDER_TABLE


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


@pytest.mark.parametrize(
    "text",
    ["2024-13-01", "2024-02-30", "2023-02-29", "20241301", "2024年13月1日", "2024/13/01", "2024-00-10",
     "2024-04-31", "2024.13.1", "2024-01-00", "2024-01-32", "20230229", "2023年2月29日", "1900-02-29",
     "2100-02-29", "2024-13-01 09:30:00", "2024-06-31 10:00", "2024-05-01 24:00:00", "2024-05-01 23:60",
     "２０２４年１３月１日", "2024/5/1/", "2024-05", "2024年5月"],
)  # fmt: skip
def test_impossible_dates_are_flagged_not_guessed(text):
    parsed, bad = parse_dates(pd.Series([text]))
    assert pd.isna(parsed[0])
    assert bad[0]


@pytest.mark.parametrize("text", ["202412", "202451", "2024111", "2024123", "20240501 1"])
def test_compact_dates_need_all_eight_digits(text):
    # 202412 is a month, 2024111 is 2024-1-11 or 2024-11-1: neither is a day to guess.
    parsed, bad = parse_dates(pd.Series([text]))
    assert pd.isna(parsed[0])
    assert bad[0]


@pytest.mark.parametrize("value", ["19999", "80001", "45413.5", "-45413", 19_999, 80_001, 100_000])
def test_excel_serials_outside_the_plausible_range_are_flagged(value):
    parsed, bad = parse_dates(pd.Series([value], dtype=object))
    assert pd.isna(parsed[0])
    assert bad[0]


@pytest.mark.parametrize(
    ("value", "day"),
    [("20000", "1954-10-03"), ("80000", "2119-01-11"), (45_351, "2024-02-29"), ("2024-02-29", "2024-02-29"),
     ("20240229", "2024-02-29"), ("2024年2月29日", "2024-02-29"), ("2000/2/29", "2000-02-29"),
     ("2024-02-29 23:59:59", "2024-02-29 23:59:59"), ("2024-12-31", "2024-12-31")],
)  # fmt: skip
def test_leap_days_and_edge_serials_are_parsed(value, day):
    parsed, bad = parse_dates(pd.Series([value], dtype=object))
    assert parsed[0] == pd.Timestamp(day)
    assert not bad[0]


def test_missing_dates_are_missing_not_garbage():
    parsed, bad = parse_dates(pd.Series(["", None, "  ", "NaN", "-"], dtype=object))
    assert parsed.isna().all()
    assert not bad.any()


def test_moments_with_a_fraction_of_a_second_keep_it():
    """As databases export a timestamp (and fastexcel writes a date cell that has one)."""
    text = ["2024-05-01 08:30:00.500", " 2024-05-01T08:30:00.123456 ", "2024-05-01 08:30:00.",
            "2024-02-30 08:30:00.5", "2024-05-01 08:30:00.5.5"]  # fmt: skip
    parsed, bad = parse_dates(pd.Series(text, dtype="str"))
    assert list(parsed[:2]) == [pd.Timestamp("2024-05-01 08:30:00.5"),
                                pd.Timestamp("2024-05-01 08:30:00.123456")]  # fmt: skip
    assert parsed[2:].isna().all() and bad.tolist() == [False, False, True, True, True]


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
     ("RMB 2,500", 2_500), ("12000.50", 12_000.5),
     ("¥\u20282,500", 2_500), ("2,500\x1f元", 2_500), ("1\x85200", 1_200)],  # \s beyond ASCII
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


def test_text_needing_no_trim_keeps_the_bytes_it_was_read_with():
    """Missing tokens become null and padded cells are trimmed; a column with nothing to trim
    keeps the reader's bytes (its typed column costs no second copy of the text)."""
    as_read = pd.Series(["杭州", "上海", "", None, "无", "NaN", "-", "x" * 40], dtype="str")
    typed, _ = parse_text_flagged(as_read)
    assert typed.tolist() == ["杭州", "上海", *[np.nan] * 5, "x" * 40]
    cells = pa.array(typed.array)
    cells.validate(full=True)
    assert cells.null_count == 5
    assert cells.buffers()[2].address == pa.array(as_read.array).buffers()[2].address
    padded, _ = parse_text_flagged(pd.Series([" 杭州", "上海\u3000", "无"], dtype="str"))
    assert padded.tolist() == ["杭州", "上海", np.nan]
    assert pa.array(padded.array).null_count == 1


@given(st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}",
                        "{y}.{m:02d}.{d:02d}"]))  # fmt: skip
def test_date_round_trip_property(day, pattern):
    text = pattern.format(y=day.year, m=day.month, d=day.day)
    parsed, bad = parse_dates(pd.Series([text]))
    assert parsed[0] == pd.Timestamp(day)
    assert not bad[0]


# Every written form parse_dates accepts; {H}, {M}, {S} are the time of day when there is one.
_DATE_PATTERNS = [
    "{y}-{m:02d}-{d:02d}", "{y}-{m}-{d}", "{y}/{m}/{d}", "{y}/{m:02d}/{d:02d}", "{y}.{m:02d}.{d:02d}",
    "{y}.{m}.{d}", "{y}年{m}月{d}日", "{y}年{m:02d}月{d:02d}号", "{y}{m:02d}{d:02d}",
    "{y}-{m:02d}-{d:02d} {H:02d}:{M:02d}:{S:02d}", "{y}-{m:02d}-{d:02d} {H:02d}:{M:02d}",
    "{y}-{m:02d}-{d:02d}T{H:02d}:{M:02d}:{S:02d}", "{y}/{m}/{d} {H}:{M:02d}", "{y}年{m}月{d}日 {H}:{M:02d}",
]  # fmt: skip
_FULL_WIDTH = str.maketrans("0123456789-/.: ", "０１２３４５６７８９－／．：\u3000")


@given(st.integers(1700, 2200), st.integers(0, 14), st.integers(0, 32), st.integers(0, 24),
       st.integers(0, 60), st.integers(0, 60), st.sampled_from(_DATE_PATTERNS), st.booleans())  # fmt: skip
@example(2024, 13, 1, 0, 0, 0, "{y}-{m:02d}-{d:02d}", False)  # 13 January if read as %Y-%d-%m
@example(2024, 12, 31, 0, 0, 0, "{y}-{m:02d}-{d:02d}", False)
@example(2023, 2, 29, 0, 0, 0, "{y}{m:02d}{d:02d}", False)
@example(2024, 2, 29, 12, 30, 0, "{y}年{m}月{d}日 {H}:{M:02d}", True)
def test_parsed_dates_keep_their_own_year_month_and_day(
    y, m, d, hour, minute, second, pattern, wide
):
    text = pattern.format(y=y, m=m, d=d, H=hour, M=minute, S=second)
    text = text.translate(_FULL_WIDTH) if wide else text
    parsed, bad = parse_dates(pd.Series([text]))
    has = {field: "{" + field in pattern for field in "HMS"}
    clock = (hour if has["H"] else 0, minute if has["M"] else 0, second if has["S"] else 0)
    try:
        expected = pd.Timestamp(dt.datetime(y, m, d, *clock))
    except ValueError:  # month 13, 30 February, 24:00, minute 60: not a moment
        assert pd.isna(parsed[0]), text
        assert bad[0], text
    else:
        assert (parsed[0].year, parsed[0].month, parsed[0].day) == (y, m, d), text
        assert parsed[0] == expected, text
        assert not bad[0], text


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


# --- thousands separators, formula cells -------------------------------------------------------


@pytest.mark.parametrize("text", ["1,2,3", "12,34", "1,0000", "1.234,56", ",100", "100,"])
def test_commas_only_group_thousands(text):
    parsed, bad = parse_amounts(pd.Series([text]))
    assert np.isnan(parsed[0]) and bad[0]


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_thousands_grouping_property(number):
    parsed, bad = parse_amounts(pd.Series([f"{number:,}", f"{number:,}元", f"¥{number:,}"]))
    assert parsed.tolist() == [number] * 3 and not bad.any()


@pytest.mark.parametrize(
    ("text", "risky"),
    [("=1+1", True), ('=HYPERLINK("http://x","y")', True), ("@SUM(A1)", True), ("+cmd|' /C calc'!A0", True),
     ("-2+3", True), (" =1", True), ("+86 138-0013-8000", False), ("-500", False), ("-", False),
     ("华东", False), ("a=b", False), ("", False), (None, False)],
)  # fmt: skip
def test_formula_mask(text, risky):
    assert formula_mask(pd.Series([text], dtype=object))[0] == risky


@given(st.lists(st.one_of(st.none(), st.text(max_size=20),
                          st.sampled_from(["=1+1", "@A1", "+86 1", "-x", "'=a"])), max_size=8))  # fmt: skip
def test_escaped_cells_are_never_formulas_and_safe_cells_are_untouched(values):
    series = pd.Series(values, dtype=object)
    escaped = escape_formulas(series)
    assert not formula_mask(escaped).any()
    untouched = ~formula_mask(series)
    assert escaped[untouched].equals(series[untouched])


# --- encoding and delimiter sniffing (workbench.extracts.readers) ---------------------------------------

_GB2312_CHARS = "".join(
    bytes((lead, trail)).decode("gb2312")
    for lead in range(0xB0, 0xF8)
    for trail in range(0xA1, 0xFF)
    if (lead, trail) < (0xD7, 0xFA)  # the level-1/2 hanzi block (no holes before D7FA)
)
chinese_text = st.text(alphabet=_GB2312_CHARS + "abc123 ,;|\t\"'\n￥（）。", max_size=40)
ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]


@given(st.lists(chinese_text, min_size=1, max_size=12), st.sampled_from(ENCODINGS),
       st.sampled_from([",", "\t", ";", "|"]))  # fmt: skip
@settings(max_examples=60, deadline=None)
def test_chinese_text_round_trips_through_the_csv_reader(cells, encoding, delimiter):
    rows = [[f"R{i}", cell, "甲乙"] for i, cell in enumerate(cells)]
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "t.csv"
        with file.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(["编号", "内容", "备注"])
            writer.writerows(rows)
        raw = read_csv(file)
    assert list(raw.frame.columns) == ["编号", "内容", "备注"]
    assert raw.frame.values.tolist() == rows
    assert raw.rejected.empty and raw.rows.iloc[0] == 2


@given(st.text(alphabet=_GB2312_CHARS + "abc,\n", min_size=30, max_size=300),
       st.sampled_from(["utf-8", "gb18030"]), st.data())  # fmt: skip
def test_encoding_sniffing_survives_a_sample_cut_anywhere(text, encoding, data):
    encoded = text.encode(encoding)
    assume(sum(not c.isascii() for c in text) >= 20)
    cut = data.draw(st.integers(min_value=len(encoded) // 2, max_value=len(encoded)))
    assert sniff_encoding(encoded[:cut], complete=cut == len(encoded)) == encoding


@pytest.mark.parametrize(
    ("sample", "expected"),
    [("a,b,c\n1,2,3\n", ","), ("a;b;c\n1,5;2;3\n", ";"), ("a\tb\n1,2\t3\n", "\t"),
     ("a|b|c\n1|2|3\n", "|"), ('a,b\n"x;y;z",1\n', ","), ("单列\n值\n", ",")],
)  # fmt: skip
def test_sniff_delimiter(sample, expected):
    assert sniff_delimiter(sample) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"\xef\xbb\xbfa,b", "utf-8"), (b"\xff\xfea\x00", "utf-16-le"), (b"\xfe\xff\x00a", "utf-16-be"),
     (b"\xff\xfe\x00\x00a\x00\x00\x00", "utf-32-le"), ("甲,乙".encode("gbk"), "gb18030"),
     ("a,b\n1,2\n".encode("utf-16-le"), "utf-16-le")],
)  # fmt: skip
def test_sniff_encoding_by_bom_and_content(data, expected):
    assert sniff_encoding(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"), (b"PK\x03\x04\x14\x00", "a ZIP archive"),
     (b"\x00\x01\x02\x03", "binary content"), (b"ok\n\xff\xff\xff", "cannot decode line 2"),
     ("訂單編號客戶編號交易日期交易金額".encode("big5"), "Big5")],
)  # fmt: skip
def test_sniff_encoding_refuses_what_is_not_text(data, message):
    with pytest.raises(ExtractError, match=message):
        sniff_encoding(data, file="x.csv")


def test_dates_outside_the_timestamp_range_are_flagged_and_zones_become_beijing_time():
    values = pd.Series([dt.date(1, 1, 1), dt.datetime(9999, 12, 31), "0001-01-01", dt.date(2024, 1, 2),
                        dt.datetime(2024, 1, 1, 16, tzinfo=dt.UTC)], dtype=object)  # fmt: skip
    parsed, bad = parse_dates(values)
    assert bad.tolist() == [True, True, True, False, False]
    assert parsed[3:].tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-02 00:00")]
    aware, bad = parse_dates(pd.Series(pd.to_datetime(["2024-03-01T20:00Z"])))
    assert aware.tolist() == [pd.Timestamp("2024-03-02 04:00")] and not bad.any()


def test_year_last_dates_take_their_order_from_the_column():
    """UCI Online Retail as CSV writes 12/1/2010 8:26 (US order); UK exports 13/1/2010."""
    us = pd.Series(["12/1/2010 8:26", "1/13/2011 10:00", "3/4/2011"], dtype=object)
    parsed, bad = parse_dates(us)
    assert parsed.tolist() == [pd.Timestamp("2010-12-01 08:26"), pd.Timestamp("2011-01-13 10:00"),
                               pd.Timestamp("2011-03-04")]  # fmt: skip
    assert not bad.any()
    uk = pd.Series(["13/1/2010", "1/2/2011 09:30:15"], dtype=object)
    assert parse_dates(uk)[0].tolist() == [pd.Timestamp("2010-01-13"),
                                           pd.Timestamp("2011-02-01 09:30:15")]  # fmt: skip
    both, bad = parse_dates(pd.Series(["13/1/2010", "1/13/2011"], dtype=object))
    assert both.isna().all() and bad.all()  # a column showing both orders is not guessed
    impossible, bad = parse_dates(pd.Series(["2/30/2011", "12/1/2010"], dtype=object))
    assert pd.isna(impossible[0]) and bad.tolist() == [True, False]
    assert pd.isna(parse_dates(pd.Series(["12/1/10"], dtype=object))[0][0])  # two-digit year
    ambiguous = parse_dates(pd.Series(["12/1/2010 8:26", "3/4/2011"], dtype=object))[0]
    assert ambiguous.tolist() == [pd.Timestamp("2010-12-01 08:26"), pd.Timestamp("2011-03-04")]


def test_a_year_last_date_beyond_the_calendar_is_a_bad_cell_not_a_crash(tmp_path):
    """1/2/0451 or 31/12/9999 fit the pattern but no datetime: bad cells, and in a file the row
    is quarantined with its row and column, the other rows load."""
    parsed, bad = parse_dates(pd.Series(["1/2/0451", "12/1/2010", "31/12/9999"], dtype=object))
    assert bad.tolist() == [True, False, True] and parsed[1] == pd.Timestamp("2010-01-12")
    rows = [["O1", "C1", "12/1/2010", "100"], ["O2", "C1", "1/2/0451", "50"]]
    write_csv(tmp_path / "orders.csv", ["订单编号", "客户编号", "交易日期", "交易金额"], rows)
    frame, quarantine, _, n = load_table(tmp_path / "orders.csv", ORDER_TABLE)
    assert n == 2 and frame["order_id"].tolist() == ["O1"]
    assert quarantine[["row", "column", "value"]].values.tolist() == [[3, "交易日期", "1/2/0451"]]


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_year_last_date_round_trips_in_a_column_that_shows_its_order(day):
    us = pd.Series([f"{day.month}/{day.day}/{day.year}", "1/13/2020"], dtype=object)
    uk = pd.Series([f"{day.day}/{day.month}/{day.year}", "13/1/2020"], dtype=object)
    for column in (us, uk):
        parsed, bad = parse_dates(column)
        assert parsed[0] == pd.Timestamp(day) and not bad.any()


@pytest.mark.parametrize(
    "text",
    ["2024-02-30", "2023-02-29", "2024-01-00", "2024-00-10", "2024-01-05 10:00:60",
     "2024-01-05 24:00:00", "2024-01-05 10:60:00", "0001-01-01", "9999-12-31"],
)  # fmt: skip
def test_iso_shaped_text_that_is_no_moment_is_bad(text: str) -> None:
    """The bulk ISO path (Arrow) must not roll 30 February into March or 10:00:60 into 10:01."""
    parsed, bad = parse_dates(pd.Series([" 2024-01-05 ", "2024-01-05 23:59:59", text], dtype="str"))
    assert parsed[0] == pd.Timestamp("2024-01-05")
    assert parsed[1] == pd.Timestamp("2024-01-05 23:59:59")
    assert pd.isna(parsed[2]) and bad[2] and not bad[0] and not bad[1]


def test_plain_numbers_in_bulk_and_the_rest_cell_by_cell() -> None:
    """The Arrow pass takes plain decimals only; a number too large for a float, a lone sign or
    dot stay bad, and exponents or grouped digits still parse on the slow path."""
    texts = ["1" + "0" * 400, "+.5", "5.", "-0", " 12 ", ".", "+", "-", "", "1e5", "1,000",
             "-1234.50"]  # fmt: skip
    amounts, bad = parse_amounts(pd.Series(texts, dtype="str"))
    expected = [np.nan, 0.5, 5.0, -0.0, 12.0, np.nan, np.nan, np.nan, np.nan, 1e5, 1000.0, -1234.5]
    np.testing.assert_array_equal(amounts.to_numpy(), expected)
    assert bad.tolist() == [True, False, False, False, False, True, True] + [False] * 5


@pytest.mark.parametrize("dtype", ["str", object])
def test_missing_tokens_in_text_and_object_columns(dtype: object) -> None:
    cells = [" none ", "NULL", "n/a", "N/A", "—", "空", "\u3000无\u3000", "", "nan", None,
             "none of it", "无效", "N", "0", "-1"]  # fmt: skip
    expected = [True] * 10 + [False] * 5
    assert missing_mask(pd.Series(cells, dtype=dtype)).tolist() == expected
    text = parse_text(pd.Series(cells, dtype=dtype))
    assert text.isna().tolist() == expected
    assert text.iloc[10:].tolist() == ["none of it", "无效", "N", "0", "-1"]


def test_sniffing_a_gbk_file_leaves_no_garbage_behind():
    """UTF-8 fails first on GBK bytes. A kept UnicodeDecodeError's traceback would tie the
    loading functions' frames, and the file's cells in them, into a cycle that lives until the
    garbage collector runs (0.7 GB at 1M customers)."""
    gc.collect()
    gc.disable()
    try:
        assert sniff_encoding("客户名称,所在城市\n杭州云帆,杭州市\n".encode("gbk")) == "gb18030"
        assert gc.collect() == 0
    finally:
        gc.enable()

"""Tests for the byte scan that counts a CSV's records (workbench.extracts.record_count).

The scan is a shortcut for Python's `csv`: it must give the same count on whatever `csv.writer`
can write, in every chunking, and say None (or be overruled) where it cannot tell.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.errors import ExtractError
from workbench.extracts.raw import RawExtract
from workbench.extracts.record_count import (
    check_records,
    count_records,
    scan_csv_records,
    scan_sheet_records,
    sheet_rows,
)


def raw(header_row: int = 1, encoding: str = "utf-8", delimiter: str = ",") -> RawExtract:
    frame = pd.DataFrame()
    return RawExtract(frame, pd.Series(dtype="int64"), header_row, encoding=encoding,
                      delimiter=delimiter)  # fmt: skip


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "x.csv") -> Path:
    file = tmp_path / name
    file.write_bytes(text.encode(encoding))
    return file


def test_hand_counted_file(tmp_path: Path) -> None:
    text = (
        "客户报表\r\n"  # a title line
        "\r\n"
        "编号,名称,备注\r\n"  # the header: row 3
        '1,杭州云帆,"多行\r\n备注，含逗号"\r\n'  # one record over two lines
        ",,\r\n"  # only delimiters: blank
        "\r\n"  # blank
        '2,"",""\r\n'  # quoted empties beside an id: counted
        '"","",""\r\n'  # quoted empties only: blank
        '3,北京远景,"他说""好"""\r\n'  # doubled quotes
        "4,李娜,无换行结尾"  # no line end at the end
    )
    file = write(tmp_path, text)
    assert count_records(file, raw(3)) == 4
    for chunk in (1, 2, 3, 5, 7, 64, 1 << 20):
        assert scan_csv_records(file, raw(3), chunk) == 4, chunk


def test_gbk_and_semicolons(tmp_path: Path) -> None:
    text = '编号;名称\n1;"繁體；字"\n;\n2;北京\n'
    file = write(tmp_path, text, "gbk")
    assert (
        scan_csv_records(file, raw(1, "gbk", ";"), 3)
        == count_records(file, raw(1, "gbk", ";"))
        == 2
    )


def test_cannot_tell_says_none(tmp_path: Path) -> None:
    bare_cr = write(tmp_path, "a,b\r1,2\r3,4\r", name="cr.csv")
    assert scan_csv_records(bare_cr, raw()) is None
    open_quote = write(tmp_path, 'a,b\n1,"2\n', name="open.csv")
    assert scan_csv_records(open_quote, raw()) is None
    utf16 = write(tmp_path, "a,b\n1,2\n", "utf-16", name="u16.csv")
    assert scan_csv_records(utf16, raw(1, "utf-16")) is None


def test_a_stray_quote_is_overruled_by_csv(tmp_path: Path) -> None:
    """5" inside an unquoted field is a literal for `csv`: the scan miscounts, `csv` decides."""
    file = write(tmp_path, 'id,size\n1,5" screen\n2,7\n3,9" screen\n4,1\n')
    assert count_records(file, raw()) == 4
    assert scan_csv_records(file, raw()) != 4
    assert check_records(file, raw(), 4) == 4
    with pytest.raises(ExtractError, match="holds 4 rows, the reader returned 3"):
        check_records(file, raw(), 3)


def test_a_lost_row_is_still_caught_when_the_scan_agrees_with_the_file(tmp_path: Path) -> None:
    file = write(tmp_path, "id,v\n1,a\n2,b\n3,c\n")
    assert scan_csv_records(file, raw()) == 3
    with pytest.raises(ExtractError, match="holds 3 rows, the reader returned 2"):
        check_records(file, raw(), 2)


_FIELD = st.text(alphabet=st.sampled_from(list('ab 1,"\n\r\t客户繁體;|')), max_size=8)


@given(
    st.lists(st.lists(_FIELD, min_size=1, max_size=4), min_size=1, max_size=12),
    st.integers(1, 3),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["utf-8", "gbk"]),
    st.integers(1, 40),
)
def test_the_scan_counts_what_csv_counts(
    tmp_path_factory: pytest.TempPathFactory,
    records: list[list[str]],
    header_row: int,
    line_end: str,
    encoding: str,
    chunk: int,
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(records)
    file = tmp_path_factory.mktemp("scan") / "x.csv"
    file.write_bytes(buffer.getvalue().encode(encoding))
    expected = count_records(file, raw(header_row, encoding))
    scanned = scan_csv_records(file, raw(header_row, encoding), chunk)
    # a record whose only characters are delimiters and quotes inside quotes ("," alone) is
    # text for `csv` and blank bytes for the scan: check_records then lets `csv` decide
    only_punctuation = any(
        "".join(r).strip() and not "".join(r).strip(' ,"\n\r\t') for r in records
    )
    if not only_punctuation:
        assert scanned in (None, expected)
    if "\r" not in buffer.getvalue().replace("\r\n", ""):  # only a bare CR makes it give up
        assert scanned is not None
    assert check_records(file, raw(header_row, encoding), expected) == expected


def workbook(tmp_path: Path, rows: list[list], merges: tuple[str, ...] = ()) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    file = tmp_path / "x.xlsx"
    book.save(file)
    return file


SHEET = [
    ["客户需求表", None, None],  # a title merged over A1:C1
    ["编号", "客户", "需求"],  # the header: row 2
    [1, "杭州云帆", "报表导出"],
    [None, None, None],  # nothing: openpyxl writes no cells
    [2, None, "对接微信"],
    [None, None, "只有需求"],
    [3, "北京远景", 12.5],
]


def test_the_sheet_scan_counts_rows_with_values(tmp_path: Path) -> None:
    file = workbook(tmp_path, SHEET, merges=("A1:C1",))
    assert len(sheet_rows(file, None, 2)) == 4
    for chunk in (16, 50, 97, 1 << 22):
        assert scan_sheet_records(file, None, 2, chunk) == 4, chunk
    assert scan_sheet_records(file, None, 1) == 5  # the header row is a row with values
    assert check_records(file, raw_sheet(2), 4) == 4
    with pytest.raises(ExtractError, match="holds 4 rows, the reader returned 3"):
        check_records(file, raw_sheet(2), 3)


def test_the_sheet_scan_is_overruled_on_blank_strings_and_gives_up_on_merged_data(
    tmp_path: Path,
) -> None:
    blank_text = workbook(tmp_path, [*SHEET, ["  ", " ", None]])  # whitespace strings: blank
    assert len(sheet_rows(blank_text, None, 2)) == 4
    assert scan_sheet_records(blank_text, None, 2) == 5
    assert check_records(blank_text, raw_sheet(2), 4) == 4
    merged_down = workbook(tmp_path, SHEET, merges=("A1:C1", "C6:C7"))
    assert scan_sheet_records(merged_down, None, 2) is None


def raw_sheet(header_row: int) -> RawExtract:
    return RawExtract(pd.DataFrame(), pd.Series(dtype="int64"), header_row)

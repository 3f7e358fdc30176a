"""Tests for the XLSX reader's raw cells (workbench.extracts.xlsx_reader).

Calamine (the fast path) gives every number as a float and an empty cell as ""; the reader must
give the cells as openpyxl does, so that a phone stored as a number reads 13800138000 and an
empty cell reads None, on both paths.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from workbench.extracts import xlsx_reader
from workbench.extracts.readers import read_extract
from workbench.extracts.schema import TABLES

ROWS = [
    ["订单编号", "客户编号", "交易日期", "交易金额", "联系电话"],
    ["O1", "C1", dt.datetime(2024, 3, 5), 1200.5, 13800138000],
    ["O2", "C2", "2024/3/6", 3, None],
    ["O3", "", dt.datetime(2024, 3, 7), -0.25, 2.0**60],
]


def orders_xlsx(tmp_path: Path) -> Path:
    book = Workbook()
    for row in ROWS:
        book.active.append(row)
    file = tmp_path / "orders.xlsx"
    book.save(file)
    return file


def cells(file: Path, dates: bool = True) -> list[list[tuple[type, object]]]:
    """Each cell's type and value; `dates` False leaves the date column out (calamine gives a
    date at midnight as a date, openpyxl as a datetime: the loader types both the same)."""
    frame = read_extract(file, TABLES["orders"]).frame
    if not dates:
        frame = frame.drop(columns="交易日期")
    return [[(type(v), v) for v in row] for row in frame.itertuples(index=False)]


def test_raw_cells_read_as_openpyxl_gives_them(tmp_path: Path) -> None:
    file = orders_xlsx(tmp_path)
    expected = [
        ["O1", "C1", dt.date(2024, 3, 5), 1200.5, 13800138000],  # a whole number: an int
        ["O2", "C2", "2024/3/6", 3, None],  # an empty cell: None
        ["O3", None, dt.date(2024, 3, 7), -0.25, 2.0**60],  # past 2**53: stays a float
    ]
    assert cells(file) == [[(type(v), v) for v in row] for row in expected]


def test_calamine_and_openpyxl_give_the_same_raw_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = orders_xlsx(tmp_path)
    fast = cells(file, dates=False)
    monkeypatch.setattr(xlsx_reader, "_calamine_sheet", lambda *_: None)  # openpyxl's path
    monkeypatch.setattr(xlsx_reader, "_calamine_cells", lambda *_: None)
    assert cells(file, dates=False) == fast


@pytest.mark.parametrize(
    "filled",
    [{}, {"A1": "x"}, {"C3": "a", "D3": 1.5, "C4": "b", "E5": 2}, {"A5": "x"},
     {"F1": "x", "B2": 3}, {"B1": "x", "A9": 3.0}],
    ids=["empty", "one-cell", "offset", "rows-above", "columns-left", "ragged"],
)  # fmt: skip
def test_sheet_rows_are_calamines_whole_sheet_read_row_by_row(tmp_path, filled):
    """`_sheet_rows` reads with `iter_rows` (which lets other threads run between rows) and gives
    what `to_python(skip_empty_area=False)` gives, also when the used cells start below or to
    the right of A1."""
    from python_calamine import CalamineWorkbook

    book = Workbook()
    for ref, value in filled.items():
        book.active[ref] = value
    book.save(tmp_path / "sheet.xlsx")
    sheet = CalamineWorkbook.from_path(str(tmp_path / "sheet.xlsx")).get_sheet_by_index(0)
    assert xlsx_reader._sheet_rows(sheet) == sheet.to_python(skip_empty_area=False)

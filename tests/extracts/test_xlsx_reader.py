"""Tests for the XLSX reader's raw cells (workbench.extracts.xlsx_reader, xlsx_columns).

Three paths read a sheet. fastexcel (tried first) gives every cell as text, as a CSV export
holds it. Calamine gives every number as a float and an empty cell as ""; on its path and on
openpyxl's (formulas) the reader gives the cells as openpyxl does, so that a phone stored as a
number reads 13800138000 and an empty cell reads None. All three must type a sheet alike.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from tests.extracts.xlsx_paths import XLSX_PATHS, use_xlsx_path
from workbench.extracts import xlsx_reader
from workbench.extracts.loader import load_table
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


def test_fastexcel_gives_each_cell_as_the_text_a_csv_export_holds(tmp_path: Path) -> None:
    frame = read_extract(orders_xlsx(tmp_path), TABLES["orders"]).frame
    assert all(dtype == "str" for dtype in frame.dtypes)
    assert frame.fillna("<missing>").values.tolist() == [
        ["O1", "C1", "2024-03-05 00:00:00", "1200.5", "13800138000"],  # whole: no ".0"
        ["O2", "C2", "2024/3/6", "3", "<missing>"],  # an empty cell is missing, not ""
        ["O3", "<missing>", "2024-03-07 00:00:00", "-0.25", "1152921504606846976"],  # 2**60
    ]


def test_an_empty_text_cell_is_missing_on_the_text_path(tmp_path, monkeypatch) -> None:
    """fastexcel gives "" for a cell holding only spaces (calamine does too, and the reader
    makes it None): missing, so a header-less column of such cells is no column at all."""
    book = Workbook()
    for row in ROWS[:3]:
        book.active.append(row)
    book.active["F2"] = "   "
    book.save(tmp_path / "orders.xlsx")
    frame = read_extract(tmp_path / "orders.xlsx", TABLES["orders"]).frame
    assert list(frame.columns) == ROWS[0] and frame.isna().sum().tolist() == [0, 0, 0, 0, 1]
    use_xlsx_path(monkeypatch, "calamine")
    assert list(read_extract(tmp_path / "orders.xlsx", TABLES["orders"]).frame.columns) == ROWS[0]


@pytest.mark.parametrize("path", XLSX_PATHS[1:])
def test_raw_cells_read_as_openpyxl_gives_them(tmp_path, monkeypatch, path) -> None:
    file = orders_xlsx(tmp_path)
    use_xlsx_path(monkeypatch, path)
    expected = [
        ["O1", "C1", dt.date(2024, 3, 5), 1200.5, 13800138000],  # a whole number: an int
        ["O2", "C2", "2024/3/6", 3, None],  # an empty cell: None
        ["O3", None, dt.date(2024, 3, 7), -0.25, 2.0**60],  # past 2**53: stays a float
    ]
    got = cells(file, dates=path == "calamine")
    if path == "openpyxl":  # a date at midnight is a datetime there (see `cells`)
        expected = [[v for i, v in enumerate(row) if i != 2] for row in expected]
    assert got == [[(type(v), v) for v in row] for row in expected]


def test_calamine_and_openpyxl_give_the_same_raw_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = orders_xlsx(tmp_path)
    use_xlsx_path(monkeypatch, "calamine")
    fast = cells(file, dates=False)
    use_xlsx_path(monkeypatch, "openpyxl")
    assert cells(file, dates=False) == fast


def customers_workbook(file: Path) -> Path:
    """A customer sheet as people export and then touch one up: a merged title, a two-row
    header whose upper row is merged groups, the table from column B, a blank row, a column
    with no header, and cells of every kind Excel stores (numbers, dates, text dates, serials,
    a moment with a fraction of a second, missing-value tokens, traditional characters)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet["B1"] = "客户清单（导出 2024-06-30）"
    sheet.merge_cells("B1:F1")
    sheet["B3"], sheet["E3"] = "基本信息", "联系方式"
    sheet.merge_cells("B3:D3")
    sheet.merge_cells("E3:F3")
    header = ["客户编号", "客户名称", "成立时间", "联系电话", "电子邮箱", "年龄", "所在省份",
              "首次合作时间", None]  # fmt: skip
    moment = dt.datetime(2019, 12, 31, 23, 59, 59, 500000)
    rows = [
        ["C001", "上海某某科技有限公司", dt.datetime(2020, 5, 1), 13800138000, "a@b.com", 35,
         " 上海 ", dt.datetime(2022, 1, 2, 13, 45, 10, 250000), None],
        [12345, "北京某某", "2021/3/4", "+86 138-0013-8001", "   ", 40.0, "北京市", 44000, "备注"],
        [None] * 9,
        ["C003", "-", moment, "13800138002", "x@y.cn", "三十", "空", "2024年5月1日", None],
        ["C004", "广州某某", 45000.5, "", None, -3, "廣東", "not a date", None],
        ["C005", "甲乙丙有限公司", dt.date(2023, 2, 28), "138 0013 8003", "c@d.com", 1.5,
         "浙江", dt.datetime(2023, 3, 1), None],
    ]  # fmt: skip
    for column, name in enumerate(header, start=2):
        if name is not None:
            sheet.cell(row=4, column=column, value=name)
    for at, row in enumerate(rows, start=5):
        for column, value in enumerate(row, start=2):
            if value is not None:
                sheet.cell(row=at, column=column, value=value)
    book.save(file)
    return file


@pytest.mark.parametrize("path", XLSX_PATHS[1:])
def test_every_path_types_a_sheet_alike(tmp_path, monkeypatch, path) -> None:
    """fastexcel's text and the other paths' objects give the same table, quarantine and
    issues; only the quarantine's copy of a row as read (`raw`) writes a date cell otherwise."""
    file = customers_workbook(tmp_path / "customers.xlsx")
    table, quarantine, issues, read = load_table(file, TABLES["customers"])
    assert read == 5 and table["source_row"].tolist() == [5, 6, 9, 10]  # row 7 is blank
    assert table["customer_id"].tolist() == ["C001", "12345", "C004", "C005"]
    assert table["phone"].fillna("").tolist() == [
        "13800138000", "+86 138-0013-8001", "", "138 0013 8003"]  # fmt: skip
    assert [str(d) for d in table["founded"]] == [
        "2020-05-01 00:00:00", "2021-03-04 00:00:00", "NaT", "2023-02-28 00:00:00"]  # fmt: skip
    assert [str(d) for d in table["first_deal_date"]] == [  # 44000: an Excel serial
        "2022-01-02 13:45:10.250000", "2020-06-18 00:00:00", "NaT", "2023-03-01 00:00:00"]  # fmt: skip
    assert table["province"].tolist() == ["上海", "北京市", "廣東", "浙江"]
    assert table["unnamed_9"].fillna("").tolist() == ["", "备注", "", ""]  # column J, no header
    assert quarantine[["row", "column", "value"]].values.tolist() == [[8, "客户名称", "-"]]
    assert issues[["row", "column", "value"]].values.tolist() == [
        [8, "年龄", "三十"], [9, "成立时间", "45000.5"], [9, "首次合作时间", "not a date"],
        [10, "年龄", "1.5"]]  # fmt: skip
    use_xlsx_path(monkeypatch, path)
    other = load_table(file, TABLES["customers"])
    pd.testing.assert_frame_equal(table, other[0])
    pd.testing.assert_frame_equal(quarantine.drop(columns="raw"), other[1].drop(columns="raw"))
    pd.testing.assert_frame_equal(issues, other[2])
    assert read == other[3]


def test_a_moment_with_a_fraction_of_a_second_reads_as_that_moment(tmp_path) -> None:
    """fastexcel writes such a date cell 2019-12-31 23:59:59.500, as databases export them: the
    date parser reads the fraction (it used to leave such a cell unparsed)."""
    file = customers_workbook(tmp_path / "c.xlsx")
    assert read_extract(file, TABLES["customers"]).frame["成立时间"].iloc[2] == (
        "2019-12-31 23:59:59.500"
    )
    table = load_table(file, TABLES["customers"])[0]
    assert table["first_deal_date"].iloc[0] == pd.Timestamp("2022-01-02 13:45:10.250")


def test_a_merge_over_data_rows_or_a_formula_leaves_fastexcel_for_the_cell_paths(
    tmp_path, monkeypatch
):
    """A merge over data rows goes to calamine's path; a formula straight to openpyxl's, the
    only one that reads formulas (calamine's would parse the sheet again to decline it)."""
    merged, formula = Workbook(), Workbook()
    for book in (merged, formula):
        for row in ROWS[:3]:
            book.active.append(row)
    merged.active.merge_cells("B2:B3")  # one customer over two orders: filled down
    formula.active["D3"] = "=D2*2"
    merged.save(tmp_path / "merged.xlsx")
    formula.save(tmp_path / "formula.xlsx")
    assert xlsx_reader._fastexcel_sheet(tmp_path / "merged.xlsx", TABLES["orders"], None) is None
    assert xlsx_reader._fastexcel_sheet(tmp_path / "formula.xlsx", TABLES["orders"], None) is (
        xlsx_reader.HAS_FORMULAS
    )
    frame = read_extract(tmp_path / "merged.xlsx", TABLES["orders"]).frame
    assert frame["客户编号"].tolist() == ["C1", "C1"]
    tried = []
    monkeypatch.setattr(xlsx_reader, "_calamine_sheet", lambda *a: tried.append(a))
    frame = read_extract(tmp_path / "formula.xlsx", TABLES["orders"]).frame
    assert tried == [] and frame["订单编号"].tolist() == ["O1", "O2"]


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

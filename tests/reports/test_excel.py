"""Tests for workbench.reports.excel: values kept, formats applied, text never run as a formula."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench.reports import excel
from workbench.reports.excel import write_workbook


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "客户": ['=HYPERLINK("http://x","点我")', "+86 138", "华为技术有限公司", None],
            "销售额": [1234567.891, np.nan, 3e6, 0.0],
            "订单数": pd.array([1, None, 3, 40], dtype="Int64"),
            "最近购买": pd.to_datetime(["2024-01-01", None, "2024-03-01", "2024-02-02"]),
            "占比": [0.125, 0.2, 0.3, 0.375],
        }
    )


def test_values_formats_and_layout(tmp_path, frame: pd.DataFrame) -> None:
    path = write_workbook(tmp_path / "out" / "t.xlsx", {"客户价值": frame},
                          {"销售额": excel.MONEY, "占比": excel.SHARE})  # fmt: skip
    sheet = load_workbook(path)["客户价值"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["客户", "销售额", "订单数", "最近购买", "占比"]
    assert rows[1][1] == pytest.approx(1234567.891)  # the value is kept, only shown as 1,234,568
    assert rows[2][1:4] == [None, None, None]  # missing stays empty, never "nan" or "NaT"
    assert rows[3][2] == 3 and rows[1][3].year == 2024
    assert sheet["B2"].number_format == "#,##0" and sheet["E2"].number_format == "0.0%"
    assert sheet["C2"].number_format == "#,##0" and sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E5"
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("1F4E78")
    # 华为技术有限公司 is 8 wide characters: 16 columns + 2 of padding
    assert sheet.column_dimensions["A"].width >= 18


def test_text_is_never_a_formula(tmp_path, frame: pd.DataFrame) -> None:
    path = write_workbook(tmp_path / "t.xlsx", {"s": frame})
    cell = load_workbook(path)["s"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_notes_sheet_comes_first_and_names_are_valid(tmp_path, frame: pd.DataFrame) -> None:
    path = write_workbook(tmp_path / "t.xlsx", {"a/b:c" + "x" * 40: frame},
                          notes={"报告": "2024年Q4华东区域客户价值分析报告"})  # fmt: skip
    book = load_workbook(path)
    assert book.sheetnames == ["说明", "a_b_c" + "x" * 26]
    assert [c.value for c in book["说明"][2]] == ["报告", "2024年Q4华东区域客户价值分析报告"]
    assert not list(tmp_path.glob(".*.tmp"))  # written to a temporary name, then moved


def test_too_many_rows_for_a_sheet(tmp_path, frame: pd.DataFrame, monkeypatch) -> None:
    monkeypatch.setattr(excel, "EXCEL_MAX_ROWS", 4)
    with pytest.raises(ValueError, match="4 rows do not fit"):
        write_workbook(tmp_path / "t.xlsx", {"big": frame})
    assert not (tmp_path / "t.xlsx").exists()


def test_empty_frame(tmp_path) -> None:
    path = write_workbook(tmp_path / "t.xlsx", {"空": pd.DataFrame({"客户": []})})
    assert [c.value for c in load_workbook(path)["空"][1]] == ["客户"]

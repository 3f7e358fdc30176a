"""Formatted Excel workbooks for report tables (openpyxl): what management opens besides the HTML.

Every sheet has a bold shaded header row, frozen panes, an auto-filter and column widths fitted to
the content (CJK characters count double); numbers keep their value with a display format
(元 with thousands separators, shares as %, dates as yyyy-mm-dd). Text is always stored as a
string cell, so a CRM value like "=HYPERLINK(…)" shows as text and is never run as a formula
(openpyxl would otherwise store text starting with "=" as a formula).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workbench.reports.safe_html import replace_controls

MONEY, SHARE, PROBABILITY, COUNT, DECIMAL, DATE = (
    "#,##0", "0.0%", "0.00", "#,##0", "#,##0.00", "yyyy-mm-dd",
)  # fmt: skip
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
MAX_WIDTH = 48
EXCEL_MAX_ROWS = 1_048_576


def write_workbook(
    path: str | Path,
    sheets: Mapping[str, pd.DataFrame],
    formats: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> Path:
    """Write each frame to its own sheet (sheet names ≤ 31 characters), formatted; returns path.

    ``formats`` maps a column name to an Excel number format (else chosen by dtype); ``notes``
    become a first sheet 说明 of key/value rows (report title, parameters, definitions).
    """
    path = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    if notes:
        frame = pd.DataFrame({"项目": list(notes), "内容": list(notes.values())})
        _write_sheet(workbook.create_sheet("说明"), frame, {})
    for name, frame in sheets.items():
        if len(frame) >= EXCEL_MAX_ROWS:
            raise ValueError(f"sheet {name!r}: {len(frame):,} rows do not fit in one Excel sheet")
        _write_sheet(workbook.create_sheet(_sheet_name(name)), frame, formats or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    workbook.save(tmp)
    tmp.replace(path)  # readers never see a half-written file
    return path


def _write_sheet(sheet: Worksheet, frame: pd.DataFrame, formats: Mapping[str, str]) -> None:
    """Header, rows, formats, widths, frozen header and auto-filter of one sheet."""
    columns = [replace_controls(str(c)) for c in frame.columns]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.data_type = "s"  # a header is text even when it starts with "="
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    values = [_cells(frame[c]) for c in frame.columns]
    for row in zip(*values, strict=True):
        sheet.append(row)
    for index, column in enumerate(values, start=1):
        for row, value in enumerate(column, start=2):
            if isinstance(value, str) and value.startswith("="):
                sheet.cell(row=row, column=index).data_type = "s"  # text, not a formula
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        number_format = formats.get(str(column)) or _default_format(frame[column])
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
        width = max([_width(str(column))] + [_width(_shown(v)) for v in values[index - 1][:2000]])
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, width + 2)
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(frame) + 1)}"


def _cells(column: pd.Series) -> list[object]:
    """Python values openpyxl can write: None for missing, dates as datetimes, text without the
    control characters XML forbids (a CRM value with one would make openpyxl refuse the sheet)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return [None if pd.isna(v) else v.to_pydatetime() for v in column]
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        floats = column.astype("float64").to_numpy()
        whole = pd.api.types.is_integer_dtype(column)
        return [None if np.isnan(v) else (int(v) if whole else float(v)) for v in floats]
    return [None if pd.isna(v) else replace_controls(str(v)) for v in column.astype("object")]


def _default_format(column: pd.Series) -> str | None:
    if pd.api.types.is_datetime64_any_dtype(column):
        return DATE
    if pd.api.types.is_integer_dtype(column):
        return COUNT
    if pd.api.types.is_float_dtype(column):
        return DECIMAL
    return None


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if hasattr(value, "strftime"):
        return "2024-12-31"
    return str(value)


def _width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_name(name: str) -> str:
    """A valid sheet name: ≤ 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:31] or "Sheet"

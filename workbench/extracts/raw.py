"""What every file reader returns, and what the readers share: `RawExtract` (a source's cells
before typing), blank-row detection, a file's kind by its first bytes, an exception on one line.

A module of its own so that the CSV/Parquet readers (`workbench.extracts.readers`) and the XLSX
reader (`workbench.extracts.xlsx_reader`) share these without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str": text as the readers give it
REJECT_COLUMNS = ["row", "reason", "detail", "value", "raw"]
NOTE_COLUMNS = ["row", "column", "value", "problem"]
_MAGIC = (  # what a binary file most likely is, by its first bytes
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook is one: rename it to .xlsx if it is)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel 97-2003 .xls or an encrypted workbook"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PAR1", "a Parquet file (rename it to .parquet)"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)


@dataclass
class RawExtract:
    """One source's cells as read, before typing: cells, each row's number, the rows that
    could not be split into the header's fields (`rejected`), and notes on how cells were read.

    `encoding` and `delimiter` (CSV) or `sheet` (XLSX) say how the file was read, so that
    `workbench.extracts.record_count` can count its records on a path of its own.
    """

    frame: pd.DataFrame
    rows: pd.Series
    header_row: int = 1
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=NOTE_COLUMNS))
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def binary_kind(data: bytes) -> str | None:
    """What a non-text file looks like from its first bytes ("a PNG image"), or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def blank_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows with no content at all (blank lines, a row of delimiters, Excel's formatted rows).

    Each column is looked at only in the rows still blank so far: after the first (an id,
    nearly always filled) there are few left, so a wide sheet costs about one column."""
    blank = np.ones(len(frame), bool)
    for column in range(frame.shape[1]):
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        values = frame.iloc[:, column] if len(rows) == len(frame) else frame.iloc[rows, column]
        blank[rows] = _blank_cells(values)
    return pd.Series(blank, index=frame.index)


def _blank_cells(values: pd.Series) -> np.ndarray:
    """Which cells are missing, empty or whitespace (as `str.strip` in pandas' Arrow strings
    sees it), without making the stripped strings: one pass of Arrow over the column; a
    categorical's categories are looked at, not its rows' text."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        blank = _blank_cells(pd.Series(values.cat.categories.array))
        return np.append(blank, True)[np.where(codes < 0, len(blank), codes)]
    text = pa.array(values.astype("str"))
    empty = pc.or_(pc.equal(pc.utf8_length(text), 0), pc.utf8_is_space(text))
    return pc.or_kleene(pc.is_null(text), empty).to_numpy(zero_copy_only=False)


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (the CLI prints a single `error:` line)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "…"


def coded_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a CSV reader's coded columns (categoricals: `Table.repeating`) as text, for
    callers that take the cells as text; the other columns as they are, not copied."""
    frame = frame.copy(deep=False)
    for i, dtype in enumerate(frame.dtypes):
        if isinstance(dtype, pd.CategoricalDtype):
            frame.isetitem(i, frame.iloc[:, i].astype(TEXT))
    return frame

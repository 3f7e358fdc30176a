"""The XLSX reader: the sheet and header rows that best match a table → raw cells.

It finds the header below title rows on whichever sheet holds the table (or the one asked for),
joins a two-row header, fills merged cells and takes the results Excel saved for formulas
(never evaluating them). CSV, Parquet and the dispatch by suffix: `workbench.extracts.readers`.
"""

from __future__ import annotations

import contextlib
import gc
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from workbench.core.errors import ExtractError
from workbench.extracts.raw import NOTE_COLUMNS, RawExtract, binary_kind, blank_rows, one_line
from workbench.extracts.schema import Table, norm_header
from workbench.extracts.xlsx_columns import read_sheets
from workbench.extracts.xlsx_parts import sheet_parts

if TYPE_CHECKING:
    from python_calamine import CalamineSheet

HEADER_SCAN_ROWS = 20  # an XLSX header row is looked for in the first 20 rows of each sheet
UNREAD_SHEET = "工作表"  # the column of an issue naming a sheet not read (`_unread_sheets`)
XML_CHUNK_BYTES = 1 << 20  # a sheet's XML is scanned for merges and formulas 1 MB at a time
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def read_excel(file: Path, table: Table, sheet: str | int | None = None) -> RawExtract:
    """Read the sheet and header rows that best match `table` (or the sheet asked for).

    Handles title rows, merged two-row headers and merged cells; formulas are never evaluated.
    A formula-free sheet is read by fastexcel as text (`xlsx_columns`), or by calamine as
    Python values when cells merged below the header need filling (both Rust); openpyxl, which
    loads every shared string on opening a workbook, only reads sheets with formulas (for their
    saved results).
    """
    _check_workbook_file(file)
    read = _fastexcel_sheet(file, table, sheet)
    with _gc_paused():
        if read is None:
            read = _calamine_sheet(file, table, sheet)
        if read is None or read is HAS_FORMULAS:
            read = _openpyxl_sheet(file, table, sheet)
    cells, title, header_top, header_rows, merges, _, unread, body = read
    header_row = header_top + header_rows
    if body is None:
        headers, frame, notes = _cells_frame(file, read, table)
    else:  # the rows below the header as text (`xlsx_columns`); `cells` holds the rows above,
        notes = _fill_merged(cells, merges, header_top, header_rows)  # as wide as `body`
        headers = _combined_header(cells[header_top:header_row].tolist(), table)
        frame = body
    width = frame.shape[1]
    rows = pd.Series(np.arange(len(frame)) + header_row + 1, dtype="int64")
    keep = [i for i in range(width) if headers[i] is not None or frame[i].notna().any()]
    frame = frame[keep].set_axis([headers[i] or f"unnamed_{i}" for i in keep], axis=1)
    blank = blank_rows(frame)
    frame, rows = frame[~blank].reset_index(drop=True), rows[~blank].reset_index(drop=True)
    if len(notes):
        named = {i: headers[i] or f"unnamed_{i}" for i in range(width)}
        notes["column"] = notes["column"].map(named)
    if unread:
        notes = pd.concat([df for df in (notes, _unread_notes(unread, table)) if len(df)])
    return RawExtract(frame, rows, header_row=header_row, notes=notes, sheet=title)


def _cells_frame(
    file: Path, read: _SheetRead, table: Table
) -> tuple[list[str | None], pd.DataFrame, pd.DataFrame]:
    """(header names, data rows as object cells, notes on merged cells) from a sheet's cells:
    merged values filled in, formulas replaced by the results Excel saved."""
    cells, title, header_top, header_rows, merges, has_formulas, _, _ = read
    width = cells.shape[1]
    bottom = _merged_bottom(cells, merges)
    if bottom > len(cells):
        cells = np.concatenate([cells, np.full((bottom - len(cells), width), None, object)])
    if has_formulas and _has_formulas(cells, header_top + header_rows):
        try:
            _use_saved_results(file, title, cells, header_top + header_rows)
        except Exception as exc:
            raise ExtractError(f"{file}: cannot read the workbook ({one_line(exc)})") from None
    notes = _fill_merged(cells, merges, header_top, header_rows)
    headers = _combined_header(cells[header_top : header_top + header_rows].tolist(), table)
    data = cells[header_top + header_rows :]
    return headers, pd.DataFrame(data, columns=range(width), dtype=object), notes


# cells (rows × columns), title, first header row (0-based), header rows, merged ranges,
# whether it has formulas, other sheets with the table's header and rows below it (`_Unread`),
# and the rows below the header as text (`xlsx_columns`; `cells` then stops at the header)
_Unread = list[tuple[str, int, int]]  # (title, 1-based header row, last row)
_SheetRead = tuple[
    np.ndarray, str, int, int, list[tuple[int, int, int, int]], bool, _Unread, pd.DataFrame | None
]
_Formulas = Literal["has formulas"]
HAS_FORMULAS: _Formulas = "has formulas"  # `_fastexcel_sheet`: a sheet only openpyxl reads


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a sheet's cells are made: each of its full passes
    walks every row list made so far (2/3 of an XLSX read's time), and cells hold no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _calamine_sheet(file: Path, table: Table, sheet: str | int | None) -> _SheetRead | None:
    """(cells, title, header top, header rows, merges, False) by calamine; None when calamine is
    missing or cannot read the workbook, or the sheet holds a formula (openpyxl's path).

    The sheet's XML is scanned for merges and formulas on a second thread while calamine parses
    it, when there is one sheet to look at (unzipping lets go of the GIL)."""
    with ThreadPoolExecutor(1) as pool:
        try:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(file))
            asked = _asked_sheets(_worksheet_titles(book), file, sheet)
            scan = pool.submit(_sheet_xml, file, asked[0]) if len(asked) == 1 else None
            sheets = {title: book.get_sheet_by_name(title) for title in asked}
            tops = {
                title: _as_openpyxl(
                    one.to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS + 1)
                ).tolist()
                for title, one in sheets.items()
            }
        except ExtractError:
            raise
        except Exception:  # not installed, or a workbook calamine cannot read: use openpyxl
            return None
        title, header_top, header_rows = _best_header(tops, file, table, sheet)
        merges, has_formulas = (scan or pool.submit(_sheet_xml, file, title)).result()
    if has_formulas:
        return None
    try:
        rows = _sheet_rows(sheets[title])
    except Exception:
        return None
    last_rows = {t: one.end[0] + 1 if one.end else 0 for t, one in sheets.items()}
    unread = _unread_sheets(tops, table, title, last_rows)
    return _as_openpyxl(rows), title, header_top, header_rows, merges, False, unread, None


def _fastexcel_sheet(
    file: Path, table: Table, sheet: str | int | None
) -> _SheetRead | _Formulas | None:
    """(header rows' cells, title, header top, header rows, merges, False, unread sheets, the
    rows below the header as text) by fastexcel (`xlsx_columns`); HAS_FORMULAS when the sheet
    holds a formula (openpyxl's path reads those: calamine's need not try); None when fastexcel
    or calamine is missing or cannot read the workbook, or a merged value reaches below the
    header (calamine's path fills those).

    The sheet's XML is scanned for merges and formulas on a second thread meanwhile."""
    with ThreadPoolExecutor(1) as pool:
        try:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(file))  # which sheets are worksheets
            titles = _worksheet_titles(book)
            book.close()
            asked = _asked_sheets(titles, file, sheet)
        except ExtractError:
            raise
        except Exception:
            return None
        scan = pool.submit(_sheet_xml, file, asked[0]) if len(asked) == 1 else None
        sheets = read_sheets(file, asked)
        if sheets is None:
            return None
        tops = {title: one.top(HEADER_SCAN_ROWS + 1) for title, one in sheets.items()}
        title, header_top, header_rows = _best_header(tops, file, table, sheet)
        merges, has_formulas = (scan or pool.submit(_sheet_xml, file, title)).result()
    header_end = header_top + header_rows
    if has_formulas:
        return HAS_FORMULAS
    if any(bottom > header_end for *_, bottom in merges):
        return None
    unread = _unread_sheets(tops, table, title, {t: one.height for t, one in sheets.items()})
    top = sheets[title].top(header_end)
    cells = _grid(top + [[]] * (header_end - len(top)))
    body = sheets[title].frame(header_end)
    return cells, title, header_top, header_rows, merges, False, unread, body


def _worksheet_titles(book: object) -> list[str]:
    """A calamine workbook's worksheets (not its chart sheets), in the workbook's order."""
    return [m.name for m in book.sheets_metadata if "work" in str(m.typ).lower()]


def _sheet_xml(file: Path, title: str) -> tuple[list[tuple[int, int, int, int]], bool]:
    """`_scan_sheet_xml` of the sheet titled `title`."""
    with zipfile.ZipFile(file) as archive:
        part, _ = sheet_parts(archive, title)
        with archive.open(part) as source:
            return _scan_sheet_xml(source)


def _openpyxl_sheet(file: Path, table: Table, sheet: str | int | None) -> _SheetRead:
    """The same by openpyxl: every workbook it can open (formulas: their text, for now)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise ExtractError(f"{file}: cannot open as an Excel workbook ({one_line(exc)})") from None
    try:
        titles = [ws.title for ws in book.worksheets]
        tops = {
            title: [
                list(r)
                for r in book[title].iter_rows(
                    min_row=1, max_row=HEADER_SCAN_ROWS + 1, values_only=True
                )
            ]
            for title in _asked_sheets(titles, file, sheet)
        }
        title, header_top, header_rows = _best_header(tops, file, table, sheet)
        worksheet = book[title]
        try:
            source = worksheet._get_source()
        except Exception:
            merges, has_formulas = [], True  # unknown: take the careful (openpyxl) path
        else:
            with source:
                merges, has_formulas = _scan_sheet_xml(source)
        cells = None if has_formulas else _calamine_cells(file, title)
        if cells is None:
            cells = _grid([list(r) for r in worksheet.iter_rows(min_row=1, values_only=True)])
        unread = _unread_sheets(tops, table, title, {t: book[t].max_row or 0 for t in tops})
    except ExtractError:
        raise
    except Exception as exc:
        raise ExtractError(f"{file}: cannot read the workbook ({one_line(exc)})") from None
    finally:
        book.close()
    return cells, title, header_top, header_rows, merges, has_formulas, unread, None


def _check_workbook_file(file: Path) -> None:
    """Say what a file named .xlsx really is when it is not a workbook."""
    with file.open("rb") as handle:
        head = handle.read(4096)
    if not head.strip():
        raise ExtractError(f"{file}: the file is empty (no header, no rows)")
    if not zipfile.is_zipfile(file):
        if head.startswith(b"PK"):
            raise ExtractError(f"{file}: damaged or truncated workbook (an incomplete ZIP archive)")
        kind = binary_kind(head)
        if kind is None and b"\x00" not in head:
            kind = "a text file (CSV?): rename it to .csv"
        raise ExtractError(f"{file}: not an XLSX workbook; it looks like {kind or 'binary data'}")
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            broken = archive.testzip()
    except Exception as exc:  # BadZipFile, zlib.error, EOFError …: a damaged archive
        raise ExtractError(f"{file}: damaged workbook ({one_line(exc)})") from None
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        raise ExtractError(f"{file}: a ZIP archive but not an Excel workbook (no xl/workbook.xml)")
    if broken:
        raise ExtractError(f"{file}: damaged workbook (part {broken} is corrupt)")


def _asked_sheets(titles: list[str], file: Path, sheet: str | int | None) -> list[str]:
    """The worksheets to look for a header in: all, or the one asked for (name or index)."""
    if sheet is None:
        return titles
    if isinstance(sheet, int) and 0 <= sheet < len(titles):
        return [titles[sheet]]
    if sheet in titles:
        return [sheet]
    raise ExtractError(f"{file}: no sheet {sheet!r}; the sheets are {', '.join(titles)}")


def _best_header(
    tops: dict[str, list[list]], file: Path, table: Table, sheet: str | int | None
) -> tuple[str, int, int]:
    """(sheet title, 0-based first header row, header row count) that best match the table,
    from each sheet's first rows; the first sheet of the best ones."""
    known = table.header_map()
    best: tuple[int, str | None, int, int] = (0, None, 0, 1)
    for title, top in tops.items():
        hits, row, count = _sheet_header(top, known)
        if hits > best[0]:
            best = (hits, title, row, count)
    hits, title, row, count = best
    if hits == 0 or title is None:
        first = next(iter(tops), None)
        where = f"sheet {first!r}" if sheet is not None else "no sheet"
        raise ExtractError(
            f"{file}: {where} has a header row with the columns of {table.name} ({table.zh}) "
            f"in its first {HEADER_SCAN_ROWS} rows"
        )
    return title, row, count


def _sheet_header(top: list[list], known: dict[str, str]) -> tuple[int, int, int]:
    """(columns of the table matched, 0-based first header row, header row count) of the
    sheet's best header among its first rows: one row, or two read as one; (0, 0, 1) if none."""
    best = (0, 0, 1)
    for row in range(min(HEADER_SCAN_ROWS, len(top))):
        single = _hits(top[row], known)
        if single > best[0]:
            best = (single, row, 1)
        if row + 1 < len(top):
            lower = _hits(top[row + 1], known)
            paired = _hits(_header_names(top[row], top[row + 1], known), known)
            if paired > max(single, lower) and paired > best[0]:
                best = (paired, row, 2)
    return best


def _unread_sheets(
    tops: dict[str, list[list]], table: Table, title: str, last_rows: dict[str, int]
) -> _Unread:
    """The other sheets whose header matches as many of the table's columns as the one read
    (`title`) and that hold rows below it: a table split over sheets, an old copy. Only one
    sheet is read; these are named in the issues so that their rows are not lost unseen."""
    known = table.header_map()
    hits = _sheet_header(tops[title], known)[0]
    unread = []
    for other, top in tops.items():
        found, row, count = _sheet_header(top, known)
        if other != title and found == hits and last_rows.get(other, 0) > row + count:
            unread.append((other, row + count, last_rows[other]))
    return unread


def _unread_notes(unread: _Unread, table: Table) -> pd.DataFrame:
    """One note per sheet `_unread_sheets` found, saying how to read it."""
    return pd.DataFrame(
        [
            {
                "row": header_row,
                "column": UNREAD_SHEET,
                "value": title,
                "problem": f"sheet {title!r} also holds this table: its rows {header_row + 1}–"
                f"{last} were not read (one sheet is); read it with sheets={{{table.name!r}: "
                f"{title!r}}} (CLI: --sheet {table.name}={title}), or put the rows in one sheet",
            }
            for title, header_row, last in unread
        ],
        columns=NOTE_COLUMNS,
    )


def _hits(values: list, known: dict[str, str]) -> int:
    return len({known[n] for n in (norm_header(v) for v in values if _present(v)) if n in known})


def _present(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def _header_names(upper: list, lower: list, known: dict[str, str]) -> list:
    """One header from two rows: the lower name where it is known or the upper one is empty."""
    names = []
    for i in range(max(len(upper), len(lower))):
        up = upper[i] if i < len(upper) and _present(upper[i]) else None
        low = lower[i] if i < len(lower) and _present(lower[i]) else None
        if low is not None and (norm_header(low) in known or up is None or up == low):
            names.append(low)
        elif up is not None and (norm_header(up) in known or low is None):
            names.append(up)
        else:
            names.append(f"{up}-{low}")
    return names


def _combined_header(header_rows: list[list], table: Table) -> list[str | None]:
    known = table.header_map()
    names = header_rows[0] if len(header_rows) == 1 else _header_names(*header_rows, known)
    return [str(v).strip() if _present(v) else None for v in names]


def _scan_sheet_xml(source: IO[bytes]) -> tuple[list[tuple[int, int, int, int]], bool]:
    """Merged ranges (min_col, min_row, max_col, max_row) scanned from a sheet's XML, and
    whether the sheet holds any formula (an <f> element).

    openpyxl's fast read-only mode does not keep merges, and pandas loses them.
    """
    from openpyxl.utils.cell import range_boundaries

    refs, tail, formulas = [], b"", False
    while chunk := source.read(XML_CHUNK_BYTES):
        data = tail + chunk
        if b"mergeCell" in data:  # a plain substring test first: the regexes cost 10×
            refs += _MERGE_REF.findall(data)
        if not formulas and _may_hold_formula(data):
            formulas = _FORMULA.search(data) is not None
        cut = data.rfind(b">")
        tail = data[cut + 1 :] if cut >= 0 else data[-200:]
    return [range_boundaries(ref.decode()) for ref in dict.fromkeys(refs)], formulas


def _may_hold_formula(data: bytes) -> bool:
    """Whether "<f" or ":f" is in `data`: the letter f is rare in sheet XML, "<" is not, so this
    looks at each f, not at each "<" as `in` does (3× faster over a big sheet)."""
    view = np.frombuffer(data, np.uint8)
    at = np.flatnonzero(view[1:] == ord("f"))
    before = view[at]
    return bool(((before == ord("<")) | (before == ord(":"))).any())


def _calamine_cells(file: Path, title: str) -> np.ndarray | None:
    """All cells of a formula-free sheet via calamine (Rust, ~10× openpyxl), as openpyxl gives
    them: empty → None, whole floats → int (so 13800138000 stays a phone). None if unavailable."""
    try:
        from python_calamine import CalamineWorkbook

        rows = _sheet_rows(CalamineWorkbook.from_path(str(file)).get_sheet_by_name(title))
    except Exception:  # not installed, or a workbook calamine cannot read: use openpyxl
        return None
    return _as_openpyxl(rows)


def _sheet_rows(sheet: CalamineSheet) -> list[list]:
    """`sheet.to_python(skip_empty_area=False)`, taken row by row: `to_python` holds the GIL for
    its whole run (8 s for a million-row sheet), stalling the CSVs that load meanwhile on the
    main thread (`loader._load_files`); between two rows of `iter_rows` other threads run.

    `iter_rows` gives every row from the first, but the columns from the sheet's first used
    one (`start`): those before it are added empty, as `to_python` has them. A comprehension,
    not `list(...)`: its Python loop is where the other threads get their turn."""
    lead = [""] * (sheet.start[1] if sheet.start else 0)
    return [lead + row for row in sheet.iter_rows()] if lead else [r for r in sheet.iter_rows()]


def _grid(rows: list[list]) -> np.ndarray:
    """Rows of cells as one rows × columns object array, short rows padded with None."""
    width = max(map(len, rows), default=0)
    if min(map(len, rows), default=0) < width:
        rows = [r + [None] * (width - len(r)) for r in rows]
    return np.array(rows, dtype=object).reshape(len(rows), width)


def _as_openpyxl(rows: list[list]) -> np.ndarray:
    """Calamine's rows as openpyxl gives the cells: empty → None, whole floats → int (so
    13800138000 stays a phone), the rest as is; converted as whole arrays (a per-cell Python
    expression costs ~5× more over a million-row sheet)."""
    grid = _grid(rows)
    grid[grid == ""] = None
    floats = np.equal(np.frompyfunc(type, 1, 1)(grid), float)  # type(v) is float, per cell
    rows_at, columns_at = np.nonzero(floats)
    if len(rows_at):
        values = grid[rows_at, columns_at].astype(np.float64)
        whole = (values == np.floor(values)) & (values > -(2.0**53)) & (values < 2.0**53)
        grid[rows_at[whole], columns_at[whole]] = values[whole].astype(np.int64).astype(object)
    return grid


def _merged_bottom(cells: list[list], merges: list[tuple[int, int, int, int]]) -> int:
    """The last row a merged value fills: a range may reach below the last row calamine gives
    (openpyxl gives the empty rows, calamine stops at the last value)."""
    return max(
        (
            bottom
            for left, top, _, bottom in merges
            if top <= len(cells)
            and left <= len(cells[top - 1])
            and cells[top - 1][left - 1] is not None
        ),
        default=0,
    )


def _fill_merged(
    cells: list[list], merges: list[tuple[int, int, int, int]], header_top: int, header_rows: int
) -> pd.DataFrame:
    """Copy each merged value into the blank cells it covers: whole ranges in the header, single
    columns in the data (a value merged down a column); one note per data range."""
    notes = []
    header_end = header_top + header_rows  # 0-based, exclusive
    for min_col, min_row, max_col, max_row in merges:
        top, left = min_row - 1, min_col - 1
        if top >= len(cells) or left >= len(cells[top]):
            continue
        value = cells[top][left]
        for r in range(top, min(max_row, len(cells))):
            in_header = header_top <= r < header_end
            for c in range(left, max_col):
                if (in_header or (c == left and r >= header_end)) and not _present(cells[r][c]):
                    cells[r][c] = value
        if max_row > min_row and min_row > header_end and value is not None:
            notes.append({
                "row": min_row,
                "column": left,
                "value": str(value),
                "problem": f"merged cell over rows {min_row}–{max_row}: its value is used in "
                           "each of those rows",
            })  # fmt: skip
    return pd.DataFrame(notes, columns=NOTE_COLUMNS)


def _has_formulas(cells: list[list], start: int) -> bool:
    return any(isinstance(v, str) and v.startswith("=") for row in cells[start:] for v in row)


def _use_saved_results(file: Path, title: str, cells: list[list], start: int) -> None:
    """Replace formula text by the result Excel saved, where the file has one."""
    import openpyxl

    book = openpyxl.load_workbook(file, read_only=True, data_only=True, keep_links=False)
    try:
        saved = book[title].iter_rows(min_row=1, values_only=True)
        for r, values in enumerate(saved):
            if r < start or r >= len(cells):
                continue
            for c, value in enumerate(values):
                current = cells[r][c] if c < len(cells[r]) else None
                if isinstance(current, str) and current.startswith("=") and value is not None:
                    cells[r][c] = value
    finally:
        book.close()

"""Front door for data: find and read the five CRM extracts into typed, canonically named tables.

`load_extracts(path)` reads CSV (UTF-8 / UTF-8-BOM / UTF-16 / GBK / GB18030, any common
delimiter), XLSX (header row found below title rows, merged two-row headers) and Parquet;
`load_extracts_sql(url)` reads the same tables from a database. Headers may be Chinese or
English aliases (see `workbench.extracts.schema`). Rows whose required fields cannot be parsed go to a
quarantine table with the reason and the raw values; optional fields that cannot be parsed
become missing and are listed as issues. Every row in a file is read (counted again on a path
of its own, `workbench.extracts.record_count`) and every row read is either loaded or quarantined:
`Extracts.reconciliation()`. The file formats live in `workbench.extracts.readers`, the quarantine
and issue rows in `workbench.extracts.quarantine`; files and SQL share `type_extract`, the one
path from raw cells to typed table + quarantine + issues.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.errors import ExtractError
from workbench.core.geography import region_of_provinces
from workbench.core.memory import give_back_memory
from workbench.core.threads import thread_map
from workbench.extracts.distinct_cells import categories_of_distinct, parse_each_distinct
from workbench.extracts.parsers import (
    parse_amounts,
    parse_dates,
    parse_integers,
    parse_text_flagged,
)
from workbench.extracts.quarantine import (
    ISSUE_COLUMNS,
    QUARANTINE_COLUMNS,
    concat_frames,
    formula_rows,
    issue_rows,
    note_rows,
    quarantine_rows,
    rejected_rows,
)
from workbench.extracts.raw import TEXT, RawExtract, coded_as_text
from workbench.extracts.readers import read_extract
from workbench.extracts.record_count import check_records
from workbench.extracts.schema import TABLES, Table, norm_header
from workbench.extracts.xlsx_parts import XLSX_SUFFIXES

SUFFIXES = (".csv", ".tsv", ".txt", *XLSX_SUFFIXES, ".parquet")
ENCODINGS = ("utf-8-sig", "utf-16", "gb18030")  # what CSV extracts may be in (BOM decides UTF-16)
_PARSERS = {"date": parse_dates, "amount": parse_amounts, "int": parse_integers,
            "float": parse_amounts}  # fmt: skip
_TEXT_KINDS = ("str", "category")
_NO_TEXT_PIECE = 1 << 20  # rows of the one array an absent text column repeats (`no_text`)
_OTHER_FORMATS = (".xls", ".et", ".numbers", ".ods", ".json", ".xml", ".zip", ".rar", ".7z")


class TableAccess:
    """`x["orders"]` and `x.orders` for anything holding the five tables in `self.tables`."""

    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def customers(self) -> pd.DataFrame:
        return self.tables["customers"]

    @property
    def orders(self) -> pd.DataFrame:
        return self.tables["orders"]

    @property
    def interactions(self) -> pd.DataFrame:
        return self.tables["interactions"]

    @property
    def requirements(self) -> pd.DataFrame:
        return self.tables["requirements"]

    @property
    def opportunities(self) -> pd.DataFrame:
        return self.tables["opportunities"]


@dataclass
class Extracts(TableAccess):
    """The loaded tables plus everything that did not load cleanly."""

    tables: dict[str, pd.DataFrame]
    sources: dict[str, Path | str]  # the file, or "sql:<table or query>"
    rows_read: dict[str, int]
    quarantine: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))
    in_file: dict[str, int] = field(default_factory=dict)  # rows each file holds, counted apart

    def reconciliation(self) -> pd.DataFrame:
        """Per table: rows in the file (files only) = rows read = rows loaded + rows quarantined
        (the 'balanced' column checks it)."""
        quarantined = self.quarantine.groupby("table")["row"].nunique()
        frame = pd.DataFrame(
            {
                "rows_read": pd.Series(self.rows_read),
                "loaded": pd.Series({n: len(t) for n, t in self.tables.items()}),
            }
        )
        frame["quarantined"] = quarantined.reindex(frame.index).fillna(0).astype(int)
        frame["balanced"] = frame["rows_read"] == frame["loaded"] + frame["quarantined"]
        if self.in_file:
            frame.insert(0, "in_file", pd.Series(self.in_file).reindex(frame.index).astype("Int64"))
            frame["balanced"] &= (frame["in_file"] == frame["rows_read"]).fillna(False).astype(bool)
        return frame


# Tables a folder may lack (no file of their name at all): left out here, added empty by cleaning.
OPTIONAL_TABLES = ("interactions", "requirements", "opportunities")


def load_extracts(
    path: str | Path,
    tables: tuple[str, ...] | None = None,
    sheets: dict[str, str | int] | None = None,
) -> Extracts:
    """Find and load the extracts under `path` (a folder); `tables` defaults to all five, of
    which an OPTIONAL_TABLES one without a file is left out (one named in `tables` is not).

    `sheets` picks an XLSX sheet per table (name or 0-based index) instead of the best match.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ExtractError(f"{folder}: not a folder of CRM extracts (it does not exist)")
    wanted = tables or tuple(TABLES)
    check_table_names(wanted, sheets or {})
    files = {}
    for name in wanted:
        optional = tables is None and name in OPTIONAL_TABLES
        file = find_extract(folder, TABLES[name], optional=optional)
        if file is not None:
            files[name] = file
    loaded = _load_files(files, sheets or {})
    results = {name: (file, loaded[name][0]) for name, file in files.items()}
    return combine_extracts(results, {name: loaded[name][1] for name in files})


def _load_files(
    files: dict[str, Path], sheets: dict[str, str | int]
) -> dict[str, tuple[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int], int]]:
    """`_load_counted` for each file: the XLSX ones on a second thread, the others meanwhile,
    the largest first.

    Calamine parses a workbook without the GIL and pyarrow parses CSV without it, so the two
    overlap (1M customers: 69 → 48 s). A file's load holds its raw cells beside its typed
    ones; the largest, loaded first, does so while no other table is held yet (1M customers:
    the interactions, then the orders; the loading's own peak 5.0–5.6 → 4.4 GB). A failure is
    the one the files in order would have raised first: after one, the files before it still
    unread are read to see whether they fail.
    """
    later = {n: f for n, f in files.items() if f.suffix.lower() in XLSX_SUFFIXES}
    pool = ThreadPoolExecutor(1) if later else None
    background = {
        n: pool.submit(_load_counted, f, TABLES[n], sheets.get(n)) for n, f in later.items()
    }
    now = sorted((n for n in files if n not in background), key=lambda n: -_size(files[n]))
    loaded = {}

    def load(name: str) -> None:
        loaded[name] = _load_counted(files[name], TABLES[name], sheets.get(name))
        give_back_memory()  # the file's raw cells: before the next file's are read

    failing = None  # the file this thread is loading
    try:
        for failing in now:
            load(failing)
        failing = None
        for name, future in background.items():
            loaded[name] = future.result()
    except Exception:
        for name in files:  # a file before the failing one fails first
            if name == failing:
                break
            if name in background:
                background[name].result()
            elif name not in loaded:
                load(name)
        raise
    finally:
        if pool is not None:  # after a failure, workbooks not yet started are not read
            pool.shutdown(wait=False, cancel_futures=True)
    return loaded


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:  # gone meanwhile: its load says so, in its turn
        return 0


def combine_extracts(
    results: dict[str, tuple[Path | str, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]]],
    in_file: dict[str, int] | None = None,
) -> Extracts:
    """Assemble per-table (source, `load_table` result) pairs into one `Extracts`; `in_file`:
    each file's own row count (`workbench.extracts.record_count`)."""
    return Extracts(
        tables={name: result[0] for name, (_, result) in results.items()},
        sources={name: source for name, (source, _) in results.items()},
        rows_read={name: result[3] for name, (_, result) in results.items()},
        quarantine=concat_frames([r[1] for _, r in results.values()], QUARANTINE_COLUMNS),
        issues=concat_frames([r[2] for _, r in results.values()], ISSUE_COLUMNS),
        in_file=dict(in_file or {}),
    )


def check_table_names(wanted: tuple[str, ...], sheets: dict[str, object]) -> None:
    unknown = [n for n in (*wanted, *sheets) if n not in TABLES]
    if unknown:
        raise ExtractError(
            f"unknown table(s) {', '.join(map(str, unknown))}; the tables are {', '.join(TABLES)}"
        )


def find_extract(folder: Path, table: Table, optional: bool = False) -> Path | None:
    """The one file in `folder` holding `table`, matched by its English or Chinese name; with
    `optional`, None when no file has any of its names (one in another format still raises)."""
    names = {norm_header(n) for n in (table.name, table.zh, *table.file_aliases)}
    candidates = [
        p
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith((".", "~$", "_")) and norm_header(p.stem) in names
    ]
    found = [p for p in candidates if p.suffix.lower() in SUFFIXES]
    if not found and optional and not candidates:
        return None
    if not found:
        tried = ", ".join(sorted({table.name, table.zh, *table.file_aliases}))
        other = [p.name for p in candidates if p.suffix.lower() in _OTHER_FORMATS]
        hint = f"; found {', '.join(other)}: save it as .xlsx or UTF-8 .csv" if other else ""
        raise ExtractError(
            f"{folder}: no extract for table {table.name} ({table.zh}); "
            f"expected a file named one of [{tried}] with suffix {'/'.join(SUFFIXES)}{hint}"
        )
    if len(found) > 1:
        raise ExtractError(
            f"{folder}: several files could be table {table.name}: {', '.join(p.name for p in found)}"
        )
    return found[0]


def load_table(
    file: Path, table: Table, sheet: str | int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """Read one extract and type it: (table, quarantined rows, cell issues, rows read).

    An ExtractError if the rows read are not the rows the file holds (a reader's bug).
    """
    return _load_counted(Path(file), table, sheet)[0]


def _load_counted(
    file: Path, table: Table, sheet: str | int | None
) -> tuple[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int], int]:
    """`load_table`'s result and the file's own row count, checked equal to the rows read."""
    raw = read_extract(file, table, sheet)
    result = type_extract(raw, table, source=file.name, where=str(file), release=True)
    return result, check_records(file, raw, result[3])


def read_raw(file: Path, table: Table, sheet: str | int | None = None) -> tuple[pd.DataFrame, int]:
    """Read a file as untyped cells; returns (frame, 1-based file row of the first data row).

    Kept for the old API; `workbench.extracts.readers.read_extract` also gives row numbers and bad rows.
    """
    raw = read_extract(Path(file), table, sheet)
    first = int(raw.rows.iloc[0]) if len(raw.rows) else raw.header_row + 1
    return coded_as_text(raw.frame), first  # a CSV's repeating columns come coded


def type_extract(
    raw: RawExtract | pd.DataFrame,
    table: Table,
    source: str,
    where: str | None = None,
    release: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """Raw cells → (typed table, quarantined rows, cell issues, rows read): files and SQL alike.

    `source` labels the issue/quarantine rows (file name, `sql:<table>`); `where` the errors.
    `release`: the caller gives the raw cells up (`raw.frame` is left without rows once the
    quarantine is found), so that the rows kept are copied while neither they nor a column's
    typed cells are held twice (10M orders: 0.6 GB less at the loading's peak).
    """
    if isinstance(raw, pd.DataFrame):
        raw = RawExtract(raw, pd.Series(range(2, len(raw) + 2), dtype="int64"))
    where = where or source
    frame = raw.frame.set_axis(pd.RangeIndex(len(raw.frame)), axis=0)
    rows = pd.Series(raw.rows.to_numpy(), index=frame.index, name="source_row")
    original_headers = [str(h) for h in frame.columns]
    frame, header_issues = _rename_headers(frame, table, where, source, raw.header_row)
    required = table.required_for(frame.columns)
    typed, bad_required, problems = _type_columns(frame, table, source, rows, required)
    quarantine, repeats = quarantine_rows(
        frame, typed, table, source, rows, bad_required, original_headers
    )
    rejected = rejected_rows(raw.rejected, table, source)
    read, has_region = len(frame), "region" in frame.columns
    if release:  # neither frame keeps the cells (a slice of Arrow text holds its buffers)
        raw.frame, frame = _without_rows(raw.frame), None
    if len(quarantine):
        kept = ~np.isin(np.arange(read), quarantine["_index"].to_numpy(np.int64))
        typed = _kept_rows(typed, kept, release)
    typed = _in_schema(typed, table)
    typed.insert(0, "source_row", rows.to_numpy(np.int64)[typed.index])  # labels are positions
    if table.name == "customers" and not has_region and "province" in typed:
        typed["region"] = region_of_provinces(typed["province"])
    quarantine = concat_frames([quarantine.drop(columns="_index"), rejected], QUARANTINE_COLUMNS)
    quarantine = quarantine.sort_values("row", kind="stable").reset_index(drop=True)
    notes = note_rows(raw.notes, table, source)
    issues = concat_frames([header_issues, notes, problems, repeats], ISSUE_COLUMNS)
    issues = issues.sort_values("row", kind="stable").reset_index(drop=True)
    return typed.reset_index(drop=True), quarantine, issues, read + len(rejected)


def _without_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame`'s columns and dtypes with no rows, holding none of its cells."""
    empty = {k: pd.Series([], dtype=dtype) for k, dtype in enumerate(frame.dtypes)}
    return pd.DataFrame(empty, index=pd.RangeIndex(0)).set_axis(frame.columns, axis=1)


def _kept_rows(frame: pd.DataFrame, keep: np.ndarray, release: bool = False) -> pd.DataFrame:
    """`frame.loc[keep]` (a boolean mask) column by column, on threads (`thread_map`: pyarrow
    and numpy filter without the GIL): Arrow text is filtered by pyarrow with the mask converted once,
    where `.loc` takes it by position, two to three times slower (and the array's own `[keep]`
    finds the positions again for every column). `release`: the caller gives `frame` up; its
    columns are popped out of it and filtered one after the other, each going as its rows kept
    are made (the loader runs beside the workbooks' reading, which keeps the other core busy)."""
    mask = pa.array(keep)
    names, index = list(frame.columns), frame.index[keep]

    def kept(cells: pd.api.extensions.ExtensionArray | np.ndarray) -> object:
        if cells.dtype == TEXT:
            return TEXT.__from_arrow__(pc.filter(pa.array(cells), mask))
        return cells[keep]

    if release and not frame.columns.has_duplicates:
        columns = [kept(frame.pop(name).array) for name in names]
    else:
        columns = thread_map(kept, (frame[name].array for name in frame.columns))
    return pd.DataFrame(dict(zip(names, columns, strict=True)), index=index, copy=False)


def _rename_headers(
    raw: pd.DataFrame, table: Table, where: str, source: str, header_row: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical names for known headers; repeated unknown headers get a _2, _3 suffix."""
    known = table.header_map()
    headers = [str(h).strip() for h in raw.columns]
    targets = [known.get(norm_header(h), h) for h in headers]
    positions: dict[str, list[int]] = {}
    for i, target in enumerate(targets):
        positions.setdefault(target, []).append(i)
    issues = []
    taken = {*targets, "source_row"}
    for target, where_found in positions.items():
        reserved = target == "source_row"  # the loader's own column: the row in the source
        if len(where_found) < 2 and not reserved:
            continue
        listed = ", ".join(f"{_shown(headers[i])} (column {i + 1})" for i in where_found)
        if target in table.column_names:
            column = table.column(target)
            raise ExtractError(
                f"{where}: several columns map to {column.zh} ({target}): {listed}; keep one"
            )
        suffix = 2
        for i in where_found if reserved else where_found[1:]:
            while f"{target}_{suffix}" in taken:
                suffix += 1
            targets[i] = f"{target}_{suffix}"
            taken.add(targets[i])
        loaded_as = ", ".join(targets[i] for i in where_found)
        problem = (
            f"the header {target} is the loader's row number; loaded as {loaded_as}"
            if reserved
            else f"the header repeats {target} ({listed}); loaded as {loaded_as}"
        )
        issues.append({
            "table": table.name, "file": source, "row": header_row, "column": target,
            "value": target, "problem": problem,
        })  # fmt: skip
    raw = raw.set_axis(targets, axis=1)
    missing = [c for c in table.required_for(raw.columns) if c not in raw.columns]
    if missing:
        derived = dict(table.derived)
        wanted = ", ".join(
            f"{table.column(c).zh} ({c})"
            + (
                " or {} and {}".format(*(table.column(s).zh for s in derived[c]))
                if c in derived
                else ""
            )
            for c in missing
        )
        found = ", ".join(_shown(h) for h in headers[:60]) + (", …" if len(headers) > 60 else "")
        raise ExtractError(
            f"{where}: missing required column(s) {wanted} for table {table.name}; "
            f"columns found: {found}"
        )
    return raw, pd.DataFrame(issues, columns=ISSUE_COLUMNS)


def _shown(header: str) -> str:
    """A header as a message shows it: on one line, at most 40 characters."""
    text = " ".join(header.split())
    return text if len(text) <= 40 else text[:39] + "…"


def _type_columns(
    raw: pd.DataFrame, table: Table, source: str, rows: pd.Series, required: list[str]
) -> tuple[pd.DataFrame, dict[str, pd.Series], pd.DataFrame]:
    """Parse each known column by kind; unknown columns are kept as text; a derived column the
    file lacks is computed from its sources (`Table.derived`: amount = quantity × unit_price).
    Columns are parsed on threads (`thread_map`: Arrow and numpy do most of it without the GIL)."""

    def parsed(name: str) -> tuple[pd.Series, pd.Series | None, list[pd.DataFrame]]:
        """(typed column, its bad cells if required, its issue rows)."""
        column = table.column(name) if name in table.column_names else None
        kind = column.kind if column else "str"
        parser = _PARSERS.get(kind)
        found = []
        if parser is None:
            if column and table.held_as_codes(name):  # 10M payment methods: 198 → 10 MB
                cells, risky = categories_of_distinct(parse_text_flagged, raw[name])
            else:  # the typed text shares the reader's buffers: no distinct cells
                cells, risky = parse_text_flagged(raw[name])
            bad = cells.isna() if name in required else None
            if risky.any():
                label = column.zh if column else name
                found.append(formula_rows(raw[name], risky, table, source, rows, label))
        else:
            cells, bad = parse_each_distinct(parser, raw[name])
            if name in required:
                bad = bad | cells.isna()
        if column is not None and name not in required and bad is not None and bad.any():
            found.append(issue_rows(raw[name], bad, table, source, rows, column.kind))
        return cells, bad if column is not None and name in required else None, found

    typed, bad_required, problems = {}, {}, []
    for name, (cells, bad, found) in zip(raw.columns, thread_map(parsed, raw.columns), strict=True):
        typed[name] = cells
        if bad is not None:
            bad_required[name] = bad
        problems += found
    for name, (a, b) in table.derived:
        if name not in typed and a in typed and b in typed:
            typed[name] = typed[a] * typed[b]
    frame = pd.DataFrame(typed, index=raw.index, copy=False)  # no copy into 2-D blocks
    return frame, bad_required, concat_frames(problems, ISSUE_COLUMNS)


def _in_schema(typed: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The table's columns in schema order, an absent optional one empty (so code can rely on
    it), then the file's other columns. The empty ones are made for the rows kept, after the
    quarantine, and the columns are not copied."""
    columns = {
        c.name: typed[c.name]
        if c.name in typed
        else _empty(c.kind, typed.index, table.held_as_codes(c.name))
        for c in table.columns
    }
    columns.update({name: typed[name] for name in typed.columns if name not in columns})
    return pd.DataFrame(columns, index=typed.index, copy=False)


def _empty(kind: str, index: pd.Index, coded: bool = False) -> pd.Series:
    """An all-missing column of a kind's dtype (one `Table.held_as_codes`: a categorical),
    built without per-cell work."""
    n = len(index)
    if coded:
        codes = np.full(n, -1, np.int8)
        cells = pd.Categorical.from_codes(
            codes, dtype=pd.CategoricalDtype(pd.Index([], dtype=TEXT))
        )
    elif kind == "date":
        cells = np.full(n, np.datetime64("NaT", "ns"))
    elif kind == "int":
        cells = pd.arrays.IntegerArray(np.zeros(n, np.int64), np.ones(n, bool))
    elif kind in ("amount", "float"):
        cells = np.full(n, np.nan)
    else:
        cells = TEXT.__from_arrow__(no_text(n))
    return pd.Series(cells, index=index, copy=False)


def no_text(rows: int) -> pa.ChunkedArray:
    """`rows` missing text cells, in pieces that are one array: Arrow's text holds an 8-byte
    offset a row even where it is missing, so an absent column of 10M orders takes 8 MB rather
    than 80. Arrow's text is never written in place, so the sharing is safe."""
    if not rows:
        return pa.chunked_array([], type=pa.large_string())
    piece = pa.nulls(min(rows, _NO_TEXT_PIECE), pa.large_string())
    whole, rest = divmod(rows, len(piece))
    return pa.chunked_array([piece] * whole + [piece.slice(0, rest)] * bool(rest))

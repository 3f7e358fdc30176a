"""Front door for data: find and read the five CRM extracts into typed, canonically named tables.

`load_extracts(path)` reads CSV (UTF-8 / UTF-8-BOM / UTF-16 / GBK / GB18030, any common
delimiter), XLSX (header row found below title rows, merged two-row headers) and Parquet;
`load_extracts_sql(url)` reads the same tables from a database. Headers may be Chinese or
English aliases (see `workbench.extracts.schema`). Rows whose required fields cannot be parsed go to a
quarantine table with the reason and the raw values; optional fields that cannot be parsed
become missing and are listed as issues. Every row in a file is read (counted again on a path
of its own, `workbench.extracts.record_count`) and every row read is either loaded or quarantined:
`Extracts.reconciliation()`. The file formats live in `workbench.extracts.readers`; files and SQL share
`type_extract`, the one path from raw cells to typed table + quarantine + issues.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.core.errors import ExtractError
from workbench.core.geography import region_of_provinces
from workbench.extracts.parsers import (
    formula_mask,
    missing_mask,
    parse_amounts,
    parse_dates,
    parse_integers,
    parse_text,
)
from workbench.extracts.readers import NOTE_COLUMNS, REJECT_COLUMNS, RawExtract, read_extract
from workbench.extracts.record_count import check_records
from workbench.extracts.schema import TABLES, Table, norm_header

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet")
ENCODINGS = ("utf-8-sig", "utf-16", "gb18030")  # what CSV extracts may be in (BOM decides UTF-16)
QUARANTINE_COLUMNS = ["table", "file", "row", "column", "value", "reason", "detail", "raw"]
ISSUE_COLUMNS = ["table", "file", "row", "column", "value", "problem"]
_PARSERS = {"date": parse_dates, "amount": parse_amounts, "int": parse_integers}
_KIND_LABEL = {"date": "日期 date", "amount": "金额 amount", "int": "整数 integer"}
_TEXT_KINDS = ("str", "category")
_OTHER_FORMATS = (".xls", ".et", ".numbers", ".ods", ".json", ".xml", ".zip", ".rar", ".7z")
_FORMULA_PROBLEM = (
    "starts with {first!r}: possible formula injection; kept as written, "
    "escape it before exporting to Excel/CSV"
)


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


def load_extracts(
    path: str | Path,
    tables: tuple[str, ...] | None = None,
    sheets: dict[str, str | int] | None = None,
) -> Extracts:
    """Find and load the extracts under `path` (a folder); `tables` defaults to all five.

    `sheets` picks an XLSX sheet per table (name or 0-based index) instead of the best match.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ExtractError(f"{folder}: not a folder of CRM extracts (it does not exist)")
    wanted = tables or tuple(TABLES)
    check_table_names(wanted, sheets or {})
    results, in_file = {}, {}
    for name in wanted:
        file = find_extract(folder, TABLES[name])
        result, in_file[name] = _load_counted(file, TABLES[name], (sheets or {}).get(name))
        results[name] = (file, result)
    return combine_extracts(results, in_file)


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
        quarantine=_concat([r[1] for _, r in results.values()], QUARANTINE_COLUMNS),
        issues=_concat([r[2] for _, r in results.values()], ISSUE_COLUMNS),
        in_file=dict(in_file or {}),
    )


def check_table_names(wanted: tuple[str, ...], sheets: dict[str, object]) -> None:
    unknown = [n for n in (*wanted, *sheets) if n not in TABLES]
    if unknown:
        raise ExtractError(
            f"unknown table(s) {', '.join(map(str, unknown))}; the tables are {', '.join(TABLES)}"
        )


def find_extract(folder: Path, table: Table) -> Path:
    """The one file in `folder` holding `table`, matched by its English or Chinese name."""
    names = {norm_header(n) for n in (table.name, table.zh, *table.file_aliases)}
    candidates = [
        p
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith((".", "~$", "_")) and norm_header(p.stem) in names
    ]
    found = [p for p in candidates if p.suffix.lower() in SUFFIXES]
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
    result = type_extract(raw, table, source=file.name, where=str(file))
    return result, check_records(file, raw, result[3])


def read_raw(file: Path, table: Table, sheet: str | int | None = None) -> tuple[pd.DataFrame, int]:
    """Read a file as untyped cells; returns (frame, 1-based file row of the first data row).

    Kept for the old API; `workbench.extracts.readers.read_extract` also gives row numbers and bad rows.
    """
    raw = read_extract(Path(file), table, sheet)
    first = int(raw.rows.iloc[0]) if len(raw.rows) else raw.header_row + 1
    return raw.frame, first


def type_extract(
    raw: RawExtract | pd.DataFrame,
    table: Table,
    source: str,
    where: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """Raw cells → (typed table, quarantined rows, cell issues, rows read): files and SQL alike.

    `source` labels the issue/quarantine rows (file name, `sql:<table>`); `where` the errors.
    """
    if isinstance(raw, pd.DataFrame):
        raw = RawExtract(raw, pd.Series(range(2, len(raw) + 2), dtype="int64"))
    where = where or source
    frame = raw.frame.set_axis(pd.RangeIndex(len(raw.frame)), axis=0)
    rows = pd.Series(raw.rows.to_numpy(), index=frame.index, name="source_row")
    original_headers = [str(h) for h in frame.columns]
    frame, header_issues = _rename_headers(frame, table, where, source, raw.header_row)
    typed, bad_required, problems = _type_columns(frame, table, source, rows)
    quarantine = _quarantine_rows(frame, table, source, rows, bad_required, original_headers)
    rejected = _rejected_rows(raw.rejected, table, source)
    keep = ~frame.index.isin(quarantine["_index"]) if len(quarantine) else slice(None)
    typed = typed.loc[keep].copy()
    typed.insert(0, "source_row", rows.loc[typed.index].astype("int64"))
    if table.name == "customers" and "region" not in frame.columns and "province" in typed:
        typed["region"] = region_of_provinces(typed["province"])
    quarantine = _concat([quarantine.drop(columns="_index"), rejected], QUARANTINE_COLUMNS)
    quarantine = quarantine.sort_values("row", kind="stable").reset_index(drop=True)
    notes = _notes(raw.notes, table, source)
    issues = _concat([header_issues, notes, problems], ISSUE_COLUMNS)
    issues = issues.sort_values("row", kind="stable").reset_index(drop=True)
    return typed.reset_index(drop=True), quarantine, issues, len(frame) + len(rejected)


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
    missing = [c for c in table.required if c not in raw.columns]
    if missing:
        wanted = ", ".join(f"{table.column(c).zh} ({c})" for c in missing)
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
    raw: pd.DataFrame, table: Table, source: str, rows: pd.Series
) -> tuple[pd.DataFrame, dict[str, pd.Series], pd.DataFrame]:
    """Parse each known column by kind; unknown columns are kept as text."""
    typed, bad_required, problems = {}, {}, []
    for name in raw.columns:
        column = table.column(name) if name in table.column_names else None
        kind = column.kind if column else "str"
        parser = _PARSERS.get(kind)
        if parser is None:
            typed[name] = parse_text(raw[name])
            bad = typed[name].isna() if column is not None and column.required else None
            risky = formula_mask(typed[name])
            if risky.any():
                label = column.zh if column else name
                problems.append(_formula_rows(raw[name], risky, table, source, rows, label))
        else:
            typed[name], bad = parser(raw[name])
            if column.required:
                bad = bad | typed[name].isna()
        if column is None:
            continue
        if column.required:
            bad_required[name] = bad
        elif bad is not None and bad.any():
            problems.append(_issue_rows(raw[name], bad, table, source, rows, column.kind))
    for column in table.columns:  # absent optional columns exist, empty, so code can rely on them
        if column.name not in typed:
            typed[column.name] = _empty(column.kind, raw.index)
    order = [*table.column_names, *[c for c in raw.columns if c not in table.column_names]]
    frame = pd.DataFrame(typed, index=raw.index)[order]
    return frame, bad_required, _concat(problems, ISSUE_COLUMNS)


def _empty(kind: str, index: pd.Index) -> pd.Series:
    dtype = {"date": "datetime64[ns]", "amount": "float64", "int": "Int64", "float": "float64"}
    return pd.Series(pd.NA if kind == "int" else None, index=index, dtype=dtype.get(kind, "str"))


def _cell_text(values: pd.Series) -> pd.Series:
    """Cells as the text a person would read: missing → '', dates ISO, numbers as written."""
    out = values.astype(object).map(_one_cell)
    return out.astype("str")


def _one_cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:-9] if text.endswith("T00:00:00") else text
    return str(value)


def _is_formula(values: pd.Series) -> pd.Series:
    return values.astype("str").str.strip().str.startswith("=").fillna(False).astype(bool)


def _issue_rows(
    values: pd.Series, bad: pd.Series, table: Table, source: str, rows: pd.Series, kind: str
) -> pd.DataFrame:
    problem = f"not a valid {_KIND_LABEL.get(kind, kind)}; set to missing"
    formula = _is_formula(values[bad])
    return pd.DataFrame(
        {
            "table": table.name,
            "file": source,
            "row": rows[bad].to_numpy(),
            "column": table.column(values.name).zh,
            "value": _cell_text(values[bad]).to_numpy(),
            "problem": formula.map(
                {True: problem + " (a formula: never evaluated)", False: problem}
            ).to_numpy(),
        }
    )


def _formula_rows(
    values: pd.Series, risky: pd.Series, table: Table, source: str, rows: pd.Series, label: str
) -> pd.DataFrame:
    text = values[risky].astype("str").str.strip()
    return pd.DataFrame(
        {
            "table": table.name,
            "file": source,
            "row": rows[risky].to_numpy(),
            "column": label,
            "value": text.to_numpy(),
            "problem": text.str[0].map(lambda c: _FORMULA_PROBLEM.format(first=c)).to_numpy(),
        }
    )


def _quarantine_rows(
    raw: pd.DataFrame,
    table: Table,
    source: str,
    rows: pd.Series,
    bad_required: dict[str, pd.Series],
    original_headers: list[str],
) -> pd.DataFrame:
    """Rows that cannot be loaded: a required field missing/unparseable, or a repeated key.

    Each keeps the row as the file had it (original headers) in `raw`, so nothing is lost.
    """
    as_read = raw.set_axis(original_headers, axis=1)
    parts = []
    claimed = pd.Series(False, index=raw.index)
    for name, bad in bad_required.items():
        bad = bad & ~claimed
        if not bad.any():
            continue
        claimed |= bad
        empty = missing_mask(raw[name])[bad]
        kind = table.column(name).kind
        unparseable = f"cannot parse as {_KIND_LABEL.get(kind)}"
        formula = _is_formula(raw.loc[bad, name])
        reason = empty.map({True: "missing_required", False: f"unparseable_{kind}"})
        detail = pd.Series(unparseable, index=empty.index)
        detail[formula] = unparseable + " (a formula: never evaluated)"
        detail[empty] = "required field is empty"
        parts.append(
            _quarantine_frame(raw, as_read, bad, table, source, rows, name, reason, detail)
        )
    key = raw[table.key].astype("str").str.strip()
    has_key = ~missing_mask(raw[table.key])
    repeated = key.duplicated(keep="first") & ~claimed & has_key
    if repeated.any():
        shared = key.duplicated(keep=False) & has_key  # compare whole rows only where keys repeat
        identical = _cell_text_frame(raw[shared]).set_axis(raw.index[shared]).duplicated()
        identical = identical.reindex(raw.index, fill_value=False)[repeated]
        reason = identical.map({True: "duplicate_row", False: "duplicate_key"})
        first = rows.groupby(key).transform("first")[repeated]
        detail = "same key as row " + first.astype("str")
        parts.append(
            _quarantine_frame(
                raw, as_read, repeated, table, source, rows, table.key, reason, detail
            )
        )
    return _concat(parts, [*QUARANTINE_COLUMNS, "_index"])


def _cell_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({i: _cell_text(frame.iloc[:, i]) for i in range(frame.shape[1])})


def _quarantine_frame(
    raw: pd.DataFrame,
    as_read: pd.DataFrame,
    mask: pd.Series,
    table: Table,
    source: str,
    rows: pd.Series,
    column: str,
    reason: pd.Series,
    detail: pd.Series | str,
) -> pd.DataFrame:
    cells = _cell_text_frame(as_read[mask]).to_numpy().tolist()
    headers = list(as_read.columns)
    return pd.DataFrame(
        {
            "table": table.name,
            "file": source,
            "row": rows[mask].to_numpy(),
            "column": table.column(column).zh,
            "value": _cell_text(raw.loc[mask, column]).to_numpy(),
            "reason": pd.Series(reason).to_numpy(),
            "detail": pd.Series(detail).to_numpy() if not isinstance(detail, str) else detail,
            "raw": [
                json.dumps(dict(zip(headers, r, strict=True)), ensure_ascii=False) for r in cells
            ],
            "_index": raw.index[mask],
        }
    )


def _rejected_rows(rejected: pd.DataFrame, table: Table, source: str) -> pd.DataFrame:
    """Records the reader could not split into the header's fields, as quarantine rows."""
    if not len(rejected):
        return pd.DataFrame(columns=QUARANTINE_COLUMNS)
    frame = rejected[REJECT_COLUMNS].copy()
    frame.insert(0, "table", table.name)
    frame.insert(1, "file", source)
    frame["column"] = ""
    return frame[QUARANTINE_COLUMNS]


def _notes(notes: pd.DataFrame, table: Table, source: str) -> pd.DataFrame:
    """Reader notes (merged cells filled) as issue rows, with Chinese column names."""
    if not len(notes):
        return pd.DataFrame(columns=ISSUE_COLUMNS)
    known = table.header_map()
    frame = notes[NOTE_COLUMNS].copy()
    zh = {c.name: c.zh for c in table.columns}
    frame["column"] = frame["column"].map(lambda h: zh.get(known.get(norm_header(h), ""), h))
    frame.insert(0, "table", table.name)
    frame.insert(1, "file", source)
    return frame[ISSUE_COLUMNS]


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]

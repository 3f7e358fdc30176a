"""Front door for data: find and read the five CRM extracts into typed, canonically named tables.

`load_extracts(path)` reads CSV (UTF-8 / UTF-8-BOM / GBK / GB18030, any common delimiter), XLSX
(header row found below title rows) and Parquet. Headers may be Chinese or English aliases
(see `workbench.schema`). Rows whose required fields cannot be parsed go to a quarantine table
with the reason and the raw values; optional fields that cannot be parsed become missing and are
listed as issues. Every row read is either loaded or quarantined: `Extracts.reconciliation()`.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.errors import ExtractError
from workbench.geography import region_of_provinces
from workbench.parsers import missing_mask, parse_amounts, parse_dates, parse_integers, parse_text
from workbench.schema import TABLES, Table, _norm_header

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet")
ENCODINGS = ("utf-8-sig", "gb18030")
QUARANTINE_COLUMNS = ["table", "file", "row", "column", "value", "reason", "detail", "raw"]
ISSUE_COLUMNS = ["table", "file", "row", "column", "value", "problem"]
_PARSERS = {"date": parse_dates, "amount": parse_amounts, "int": parse_integers}
_KIND_LABEL = {"date": "日期 date", "amount": "金额 amount", "int": "整数 integer"}


@dataclass
class Extracts:
    """The loaded tables plus everything that did not load cleanly."""

    tables: dict[str, pd.DataFrame]
    sources: dict[str, Path]
    rows_read: dict[str, int]
    quarantine: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))

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

    def reconciliation(self) -> pd.DataFrame:
        """Per table: rows read = rows loaded + rows quarantined (the 'balanced' column checks it)."""
        quarantined = self.quarantine.groupby("table")["row"].nunique()
        frame = pd.DataFrame(
            {
                "rows_read": pd.Series(self.rows_read),
                "loaded": pd.Series({n: len(t) for n, t in self.tables.items()}),
            }
        )
        frame["quarantined"] = quarantined.reindex(frame.index).fillna(0).astype(int)
        frame["balanced"] = frame["rows_read"] == frame["loaded"] + frame["quarantined"]
        return frame


def load_extracts(path: str | Path, tables: tuple[str, ...] | None = None) -> Extracts:
    """Find and load the extracts under `path` (a folder); `tables` defaults to all five."""
    folder = Path(path)
    if not folder.is_dir():
        raise ExtractError(f"{folder}: not a folder of CRM extracts (it does not exist)")
    wanted = tables or tuple(TABLES)
    loaded, sources, rows_read, quarantines, issues = {}, {}, {}, [], []
    for name in wanted:
        file = find_extract(folder, TABLES[name])
        frame, quarantine, problems, n_rows = load_table(file, TABLES[name])
        loaded[name], sources[name], rows_read[name] = frame, file, n_rows
        quarantines.append(quarantine)
        issues.append(problems)
    return Extracts(
        tables=loaded,
        sources=sources,
        rows_read=rows_read,
        quarantine=_concat(quarantines, QUARANTINE_COLUMNS),
        issues=_concat(issues, ISSUE_COLUMNS),
    )


def find_extract(folder: Path, table: Table) -> Path:
    """The one file in `folder` holding `table`, matched by its English or Chinese name."""
    names = {_norm_header(n) for n in (table.name, table.zh, *table.file_aliases)}
    found = [
        p
        for p in sorted(folder.iterdir())
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not p.name.startswith((".", "~$", "_"))
        and _norm_header(p.stem) in names
    ]
    if not found:
        tried = ", ".join(sorted({table.name, table.zh, *table.file_aliases}))
        raise ExtractError(
            f"{folder}: no extract for table {table.name} ({table.zh}); "
            f"expected a file named one of [{tried}] with suffix {'/'.join(SUFFIXES)}"
        )
    if len(found) > 1:
        raise ExtractError(
            f"{folder}: several files could be table {table.name}: {', '.join(p.name for p in found)}"
        )
    return found[0]


def load_table(file: Path, table: Table) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """Read one extract and type it: (table, quarantined rows, cell issues, rows read)."""
    raw, first_row = read_raw(file, table)
    original_headers = [str(h) for h in raw.columns]
    raw = _rename_headers(raw, table, file)
    rows = pd.Series(range(first_row, first_row + len(raw)), index=raw.index, name="source_row")
    typed, bad_required, problems = _type_columns(raw, table, file, rows)
    quarantine = _quarantine_rows(raw, table, file, rows, bad_required, original_headers)
    keep = ~raw.index.isin(quarantine["_index"]) if len(quarantine) else slice(None)
    typed = typed.loc[keep].copy()
    typed.insert(0, "source_row", rows.loc[typed.index].astype("int64"))
    if table.name == "customers" and "region" not in raw.columns and "province" in typed:
        typed["region"] = region_of_provinces(typed["province"])
    return (
        typed.reset_index(drop=True),
        quarantine.drop(columns="_index"),
        problems,
        len(raw),
    )


def read_raw(file: Path, table: Table) -> tuple[pd.DataFrame, int]:
    """Read a file as untyped cells; returns (frame, 1-based file row of the first data row)."""
    suffix = file.suffix.lower()
    if suffix == ".parquet":
        frame = pd.read_parquet(file, to_pandas_kwargs={"date_as_object": False})
        return frame, 2
    if suffix in (".xlsx", ".xlsm"):
        return _read_excel(file, table)
    return _read_csv(file), 2


def _read_csv(file: Path) -> pd.DataFrame:
    data = file.read_bytes()
    if not data.strip():
        raise ExtractError(f"{file}: the file is empty (no header, no rows)")
    if b"\x00" in data[:4096]:
        raise ExtractError(f"{file}: this is not a text CSV file (binary content)")
    encoding, text = _decode(file, data)
    delimiter = _sniff_delimiter(text[:20_000], file)
    try:
        return pd.read_csv(
            file, encoding=encoding, sep=delimiter, dtype=str, keep_default_na=False,
            skipinitialspace=False, on_bad_lines="error",
        )  # fmt: skip
    except pd.errors.ParserError as exc:
        raise ExtractError(f"{file}: malformed CSV ({exc})") from None


def _decode(file: Path, data: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return encoding, data.decode(encoding)
        except UnicodeDecodeError as exc:
            error = exc
    line = data[: error.start].count(b"\n") + 1
    raise ExtractError(
        f"{file}: cannot decode line {line} as UTF-8 or GBK/GB18030 "
        f"(byte {error.start}); re-export the file as UTF-8 CSV or XLSX"
    )


def _sniff_delimiter(sample: str, file: Path) -> str:
    header = sample.splitlines()[0] if sample else ""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        counts = {d: header.count(d) for d in ",\t;|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_excel(file: Path, table: Table) -> tuple[pd.DataFrame, int]:
    """Pick the sheet and the row (within the first 20) that best match the table's headers."""
    try:
        sheets = pd.read_excel(file, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise ExtractError(f"{file}: cannot open as an Excel workbook ({exc})") from None
    known = table.header_map()
    best = (0, None, None)
    for sheet_name, sheet in sheets.items():
        for row in range(min(20, len(sheet))):
            hits = sum(_norm_header(v) in known for v in sheet.iloc[row] if pd.notna(v))
            if hits > best[0]:
                best = (hits, sheet_name, row)
    hits, sheet_name, row = best
    if hits == 0:
        raise ExtractError(f"{file}: no sheet has a header row with the columns of {table.name}")
    sheet = sheets[sheet_name]
    headers = [str(v) if pd.notna(v) else f"unnamed_{i}" for i, v in enumerate(sheet.iloc[row])]
    frame = sheet.iloc[row + 1 :].set_axis(headers, axis=1).reset_index(drop=True)
    frame = frame.dropna(how="all").reset_index(drop=True)  # Excel's trailing formatted rows
    return frame, row + 2


def _rename_headers(raw: pd.DataFrame, table: Table, file: Path) -> pd.DataFrame:
    known = table.header_map()
    renamed = {h: known.get(_norm_header(h), str(h).strip()) for h in raw.columns}
    targets = pd.Series(list(renamed.values()))
    doubled = targets[targets.duplicated() & targets.isin(table.column_names)].unique()
    if len(doubled):
        raise ExtractError(f"{file}: several columns map to {', '.join(doubled)}")
    raw = raw.rename(columns=renamed)
    missing = [c for c in table.required if c not in raw.columns]
    if missing:
        wanted = ", ".join(f"{table.column(c).zh} ({c})" for c in missing)
        found = ", ".join(str(h) for h in renamed)
        raise ExtractError(
            f"{file}: missing required column(s) {wanted} for table {table.name}; "
            f"columns found: {found}"
        )
    return raw


def _type_columns(
    raw: pd.DataFrame, table: Table, file: Path, rows: pd.Series
) -> tuple[pd.DataFrame, dict[str, pd.Series], pd.DataFrame]:
    """Parse each known column by kind; unknown columns are kept as text."""
    typed, bad_required, problems = {}, {}, []
    for name in raw.columns:
        if name not in table.column_names:
            typed[name] = parse_text(raw[name])
            continue
        column = table.column(name)
        parser = _PARSERS.get(column.kind)
        if parser is None:
            typed[name] = parse_text(raw[name])
            bad = typed[name].isna() if column.required else None
        else:
            typed[name], bad = parser(raw[name])
            if column.required:
                bad = bad | typed[name].isna()
        if column.required:
            bad_required[name] = bad
        elif bad is not None and bad.any():
            problems.append(_issue_rows(raw[name], bad, table, file, rows, column.kind))
    for column in table.columns:  # absent optional columns exist, empty, so code can rely on them
        if column.name not in typed:
            typed[column.name] = _empty(column.kind, raw.index)
    order = [*table.column_names, *[c for c in raw.columns if c not in table.column_names]]
    frame = pd.DataFrame(typed, index=raw.index)[order]
    return frame, bad_required, _concat(problems, ISSUE_COLUMNS)


def _empty(kind: str, index: pd.Index) -> pd.Series:
    dtype = {"date": "datetime64[ns]", "amount": "float64", "int": "Int64", "float": "float64"}
    return pd.Series(pd.NA if kind == "int" else None, index=index, dtype=dtype.get(kind, "str"))


def _issue_rows(
    values: pd.Series, bad: pd.Series, table: Table, file: Path, rows: pd.Series, kind: str
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "table": table.name,
            "file": file.name,
            "row": rows[bad].to_numpy(),
            "column": table.column(values.name).zh,
            "value": values[bad].astype("str").to_numpy(),
            "problem": f"not a valid {_KIND_LABEL.get(kind, kind)}; set to missing",
        }
    )


def _quarantine_rows(
    raw: pd.DataFrame,
    table: Table,
    file: Path,
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
        reason = empty.map({True: "missing_required", False: f"unparseable_{kind}"})
        detail = empty.map(
            {True: "required field is empty", False: f"cannot parse as {_KIND_LABEL.get(kind)}"}
        )
        parts.append(_quarantine_frame(raw, as_read, bad, table, file, rows, name, reason, detail))
    key = raw[table.key].astype("str").str.strip()
    repeated = key.duplicated(keep="first") & ~claimed
    if repeated.any():
        identical = raw.astype("str").duplicated(keep="first")[repeated]
        reason = identical.map({True: "duplicate_row", False: "duplicate_key"})
        first = rows.groupby(key).transform("first")[repeated]
        detail = "same key as row " + first.astype("str")
        parts.append(
            _quarantine_frame(raw, as_read, repeated, table, file, rows, table.key, reason, detail)
        )
    return _concat(parts, [*QUARANTINE_COLUMNS, "_index"])


def _quarantine_frame(
    raw, as_read, mask, table, file, rows, column, reason, detail
) -> pd.DataFrame:
    records = as_read[mask].astype("str").to_dict(orient="records")
    return pd.DataFrame(
        {
            "table": table.name,
            "file": file.name,
            "row": rows[mask].to_numpy(),
            "column": table.column(column).zh,
            "value": raw.loc[mask, column].astype("str").to_numpy(),
            "reason": pd.Series(reason).to_numpy(),
            "detail": pd.Series(detail).to_numpy(),
            "raw": [json.dumps(r, ensure_ascii=False) for r in records],
            "_index": raw.index[mask],
        }
    )


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]

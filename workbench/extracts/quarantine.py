"""What the loader cannot load, as rows: the quarantine (rows a table cannot hold, with the reason
and the raw cells) and the cell issues (values set to missing, formula text, possible repeats).

`quarantine_rows` applies the row rules — a required field missing or unparseable, a repeated
primary key, and for orders the order-line rule of `workbench.extracts.order_lines`; the other
helpers turn reader rejects and notes into the same frames.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.extracts.order_lines import DETAILS, repeated_lines
from workbench.extracts.parsers import missing_mask
from workbench.extracts.raw import NOTE_COLUMNS, REJECT_COLUMNS
from workbench.extracts.schema import Table, norm_header

# amount: the row's parsed amount (orders; NaN elsewhere), kept when the raw cells are redacted
QUARANTINE_COLUMNS = ["table", "file", "row", "column", "value", "reason", "detail", "amount",
                      "raw"]  # fmt: skip
ISSUE_COLUMNS = ["table", "file", "row", "column", "value", "problem"]
KIND_LABEL = {"date": "日期 date", "amount": "金额 amount", "int": "整数 integer",
              "float": "数值 number"}  # fmt: skip
_FORMULA_PROBLEM = (
    "starts with {first!r}: possible formula injection; kept as written, "
    "escape it before exporting to Excel/CSV"
)


def cell_text(values: pd.Series) -> pd.Series:
    """Cells as the text a person would read: missing → '', dates ISO, numbers as written."""
    if isinstance(values.dtype, pd.StringDtype):  # text as read from CSV: only the gaps to fill
        return values.fillna("").astype("str")
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.dtype == "str":
        return values.astype("str").fillna("")  # a CSV's repeating column, as its reader codes it
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


def issue_rows(
    values: pd.Series, bad: pd.Series, table: Table, source: str, rows: pd.Series, kind: str
) -> pd.DataFrame:
    """Optional cells that held something unparseable (set to missing), as issue rows."""
    problem = f"not a valid {KIND_LABEL.get(kind, kind)}; set to missing"
    formula = _is_formula(values[bad])
    return pd.DataFrame(
        {
            "table": table.name,
            "file": source,
            "row": rows[bad].to_numpy(),
            "column": table.column(values.name).zh,
            "value": cell_text(values[bad]).to_numpy(),
            "problem": formula.map(
                {True: problem + " (a formula: never evaluated)", False: problem}
            ).to_numpy(),
        }
    )


def formula_rows(
    values: pd.Series, risky: pd.Series, table: Table, source: str, rows: pd.Series, label: str
) -> pd.DataFrame:
    """Cells a spreadsheet would run as a formula (kept as written), as issue rows."""
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


def quarantine_rows(
    raw: pd.DataFrame,
    typed: pd.DataFrame,
    table: Table,
    source: str,
    rows: pd.Series,
    bad_required: dict[str, pd.Series],
    original_headers: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows that cannot be loaded: a required field missing/unparseable, or a repeated key
    (orders: a repeated line, `workbench.extracts.order_lines`); and the issues of lines kept
    that may be repeats.

    Each keeps the row as the file had it (original headers) in `raw`, so nothing is lost.
    """
    as_read = raw.set_axis(original_headers, axis=1)
    amount = typed.get("amount")  # None when absent: the rows get NaN either way
    parts = []
    claimed = pd.Series(False, index=raw.index)
    for name, bad in bad_required.items():
        bad = bad & ~claimed
        if not bad.any():
            continue
        claimed |= bad
        empty = missing_mask(raw.loc[bad, name])  # only the rows it is about
        kind = table.column(name).kind
        unparseable = f"cannot parse as {KIND_LABEL.get(kind)}"
        formula = _is_formula(raw.loc[bad, name])
        reason = empty.map({True: "missing_required", False: f"unparseable_{kind}"})
        detail = pd.Series(unparseable, index=empty.index)
        detail[formula] = unparseable + " (a formula: never evaluated)"
        detail[empty] = "required field is empty"
        parts.append(
            _quarantine_frame(raw, as_read, bad, table, source, rows, name, reason, detail, amount)
        )
    key = _key_text(raw, typed, table)
    if table.name == "orders":
        lines, repeats = _repeated_lines(
            raw, typed, as_read, table, source, rows, claimed, amount, key
        )
        return concat_frames([*parts, lines], [*QUARANTINE_COLUMNS, "_index"]), repeats
    parts.append(_repeated_keys(raw, as_read, table, source, rows, claimed, key))
    return concat_frames(parts, [*QUARANTINE_COLUMNS, "_index"]), _no_issues()


def _no_issues() -> pd.DataFrame:
    return pd.DataFrame(columns=ISSUE_COLUMNS)


def _key_text(raw: pd.DataFrame, typed: pd.DataFrame, table: Table) -> pd.Series:
    """The key cells stripped, NaN where missing (empty or a 'no value' token): the typed key,
    which `parse_text` made exactly so, when the key is text."""
    if table.column(table.key).kind in ("str", "category"):
        return typed[table.key]
    key = raw[table.key].astype("str").str.strip()
    return key.mask(missing_mask(raw[table.key]))


def _key_codes(key: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's key as a number (-1 where missing) and whether an earlier row has its key:
    one pass over the text answers every question about repeats."""
    codes = _codes(key)
    repeat = pd.Index(codes).duplicated(keep="first") & (codes >= 0)
    return codes, repeat


def _codes(key: pd.Series) -> np.ndarray:
    """`pd.factorize(key)[0]`'s partition of the rows (equal keys, equal numbers; -1 where
    missing). Keys in ascending order, as most exports list them, are numbered by comparing
    neighbours: hashing a million distinct keys costs ten times that."""
    if key.dtype != "str" or len(key) < 2:
        return pd.factorize(key)[0]
    text = pa.array(key.array)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    keyed = pc.is_valid(text).to_numpy(zero_copy_only=False)
    present = text if keyed.all() else text.filter(pa.array(keyed))
    if len(present) < 2 or not pc.all(pc.less_equal(present[:-1], present[1:])).as_py():
        return pd.factorize(key)[0]
    changed = np.asarray(pc.not_equal(present[:-1], present[1:]), bool)
    codes = np.full(len(key), -1, np.int64)
    codes[keyed] = np.concatenate([[0], np.cumsum(changed)])
    return codes


def _shared(codes: np.ndarray) -> np.ndarray:
    """True where a row's key (not missing) is on other rows too (`duplicated(keep=False)`)."""
    keyed = codes >= 0
    counts = np.bincount(codes[keyed], minlength=1)
    return keyed & (counts[np.where(keyed, codes, 0)] > 1)


def _repeated_keys(
    raw: pd.DataFrame,
    as_read: pd.DataFrame,
    table: Table,
    source: str,
    rows: pd.Series,
    claimed: pd.Series,
    key: pd.Series,
) -> pd.DataFrame:
    """Rows repeating an earlier row's key: duplicate_row when identical, else duplicate_key."""
    codes, repeat = _key_codes(key)
    repeated = pd.Series(repeat, index=raw.index) & ~claimed
    if not repeated.any():
        return pd.DataFrame(columns=[*QUARANTINE_COLUMNS, "_index"])
    shared = _shared(codes)  # compare whole rows only where keys repeat
    identical = cell_text_frame(raw[shared]).set_axis(raw.index[shared]).duplicated()
    identical = identical.reindex(raw.index, fill_value=False)[repeated]
    reason = identical.map({True: "duplicate_row", False: "duplicate_key"})
    first_at = np.zeros(codes.max() + 1, np.int64)  # each key's first row
    first_at[codes[~repeat & (codes >= 0)]] = np.flatnonzero(~repeat & (codes >= 0))
    at = first_at[codes[repeated.to_numpy()]]
    first = pd.Series(rows.to_numpy()[at], index=rows.index[repeated.to_numpy()])
    detail = "same key as row " + first.astype("str")
    return _quarantine_frame(raw, as_read, repeated, table, source, rows, table.key, reason, detail)


def _repeated_lines(
    raw: pd.DataFrame,
    typed: pd.DataFrame,
    as_read: pd.DataFrame,
    table: Table,
    source: str,
    rows: pd.Series,
    claimed: pd.Series,
    amount: pd.Series | None,
    key: pd.Series,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Order lines sharing an order number: true repeats and reused numbers quarantined,
    identical lines of orders with other lines kept and listed (`order_lines.repeated_lines`)."""
    shared = pd.Series(_shared(_codes(key)), index=raw.index) & ~claimed
    if not shared.any():
        return pd.DataFrame(columns=[*QUARANTINE_COLUMNS, "_index"]), _no_issues()
    line = typed.loc[shared, "line_no"] if "line_no" in raw.columns else None
    cells = cell_text_frame(raw[shared]).set_axis(raw.index[shared])
    verdicts = repeated_lines(
        key[shared], typed.loc[shared, "customer_id"], typed.loc[shared, "order_date"], line, cells
    )
    first_row = rows.loc[verdicts["first"]].to_numpy()
    detail = pd.Series(
        [DETAILS[v, w].format(row=r) for v, w, r in zip(verdicts["verdict"], verdicts["why"],
                                                       first_row, strict=True)],
        index=verdicts.index,
        dtype=object,
    )  # fmt: skip
    kept = verdicts["verdict"] == "possible_repeat"
    out = pd.Series(False, index=raw.index)
    out[verdicts.index[~kept]] = True
    reason = verdicts.loc[~kept, "verdict"]
    if out.any():
        quarantine = _quarantine_frame(
            raw, as_read, out, table, source, rows, table.key, reason, detail[~kept], amount
        )
    else:
        quarantine = pd.DataFrame(columns=[*QUARANTINE_COLUMNS, "_index"])
    at = verdicts.index[kept]
    issues = pd.DataFrame({
        "table": table.name, "file": source, "row": rows.loc[at].to_numpy(),
        "column": table.column(table.key).zh, "value": key.loc[at].to_numpy(),
        "problem": detail[kept].to_numpy(),
    }, columns=ISSUE_COLUMNS)  # fmt: skip
    return quarantine, issues


def cell_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column of `frame` as `cell_text`, the columns numbered (headers may repeat)."""
    return pd.DataFrame({i: cell_text(frame.iloc[:, i]) for i in range(frame.shape[1])})


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
    amount: pd.Series | None = None,
) -> pd.DataFrame:
    cells = cell_text_frame(as_read[mask]).to_numpy().tolist()
    headers = list(as_read.columns)
    return pd.DataFrame(
        {
            "table": table.name,
            "file": source,
            "row": rows[mask].to_numpy(),
            "column": table.column(column).zh,
            "value": cell_text(raw.loc[mask, column]).to_numpy(),
            "reason": pd.Series(reason).to_numpy(),
            "detail": pd.Series(detail).to_numpy() if not isinstance(detail, str) else detail,
            "amount": amount[mask].to_numpy(dtype="float64") if amount is not None else np.nan,
            "raw": [
                json.dumps(dict(zip(headers, r, strict=True)), ensure_ascii=False) for r in cells
            ],
            "_index": raw.index[mask],
        }
    )


def rejected_rows(rejected: pd.DataFrame, table: Table, source: str) -> pd.DataFrame:
    """Records the reader could not split into the header's fields, as quarantine rows."""
    if not len(rejected):
        return pd.DataFrame(columns=QUARANTINE_COLUMNS)
    frame = rejected[REJECT_COLUMNS].copy()
    frame.insert(0, "table", table.name)
    frame.insert(1, "file", source)
    frame["column"] = ""
    frame["amount"] = np.nan
    return frame[QUARANTINE_COLUMNS]


def note_rows(notes: pd.DataFrame, table: Table, source: str) -> pd.DataFrame:
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


def concat_frames(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """The non-empty frames one below the other, with `columns` (an empty frame if none)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]

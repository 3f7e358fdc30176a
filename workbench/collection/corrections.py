"""Corrections returned in completion workbooks: read, checked, and applied on top of the
extracts at every run (the extract files themselves are never modified).

Where they live: ``<data_dir>/corrections/*.xlsx`` (files starting with ``_``, ``.`` or ``~$``
are skipped). Each filled 更正值 is one correction of (customer, field). It is checked against
the field's rule (`workbench.collection.fields`) after what a rep's typing needs: full-width
digits and spaces, a phone with dashes, traditional characters in a category. A value that
fails is rejected with its file, sheet and cell named; a change of a protected field (name,
customer type, USCC, ID number) without an approver is rejected too. Two files (or rows)
correcting one field to different values are a conflict: listed, neither applied. A correction
of a customer the extracts do not have, or one giving a first deal before the first contact,
is rejected when applied. Each applied correction is an audit change with rule
``manual_correction`` and its source (owner · date · file!cell); protected-field changes are
recorded in the 变更审批记录 (`approvals`). The decisions of the 疑似重复 sheets join the
reviewed duplicate pairs (`workbench.cleaning.dedupe_review`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from workbench.cleaning.audit import Audit
from workbench.cleaning.dedupe_review import DECISION_COLUMNS
from workbench.cleaning.privacy import mask_person_names
from workbench.cleaning.vocabulary import is_customer_kind
from workbench.collection.approvals import approval_record
from workbench.collection.fields import PROTECTED_FIELDS
from workbench.collection.layout import code_of, header_codes, note_codes, sheet_codes
from workbench.collection.values import check_value, shown_value, text_of
from workbench.core.errors import WorkbenchError
from workbench.core.labels import t
from workbench.extracts.parsers import parse_dates
from workbench.extracts.schema import CUSTOMERS

RULE = "manual_correction"
ROW_COLUMNS = ["file", "sheet", "cell", "owner", "date", "customer_id", "field", "value",
               "shown", "approver", "approval_date", "status", "reason"]  # fmt: skip
LOG_COLUMNS = [c for c in ROW_COLUMNS if c != "value"]  # what may leave memory: no raw value


@dataclass
class Corrections:
    """Every filled correction (`rows`: status ok, rejected or conflict, with the reason) and
    the duplicate decisions of the 疑似重复 sheets (`decisions`, as `read_decisions` gives)."""

    rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ROW_COLUMNS))
    decisions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=[*DECISION_COLUMNS, "row"])
    )

    @property
    def accepted(self) -> pd.DataFrame:
        """The corrections that passed their checks and conflict with no other."""
        return self.rows[self.rows["status"] == "ok"]


def correction_files(folder: str | Path) -> list[Path]:
    """The correction workbooks in `folder`, sorted by name (none when it does not exist)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in (".xlsx", ".xlsm")
        and not p.name.startswith(("_", ".", "~$"))
    )  # fmt: skip


def read_corrections(folder: str | Path) -> Corrections:
    """Read and check every correction workbook of `folder`; mark conflicts (module docstring)."""
    rows, decisions = [], []
    for path in correction_files(folder):
        found, decided = read_workbook(path)
        rows.append(found)
        decisions.append(decided)
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=ROW_COLUMNS)
    decided = (
        pd.concat(decisions, ignore_index=True)
        if decisions
        else pd.DataFrame(columns=[*DECISION_COLUMNS, "row"])
    )
    return Corrections(_mark_conflicts(frame), decided)


def read_workbook(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(corrections, decisions) of one returned completion workbook."""
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # a broken or non-Excel file: name it
        raise WorkbenchError(f"{path}: not a readable Excel workbook ({exc})") from exc
    sheets = {code_of(ws.title, sheet_codes()): ws for ws in book.worksheets}
    if "items" not in sheets and "pairs" not in sheets:
        raise WorkbenchError(
            f"{path}: not a completion workbook (no sheet {t('cl_sheet_items')} or "
            f"{t('cl_sheet_pairs')})"
        )
    notes = _notes(sheets.get("notes"))
    owner = notes.get("owner") or path.stem
    saved = book.properties.modified or datetime.fromtimestamp(path.stat().st_mtime)
    meta = {"file": path.name, "owner": str(owner).strip(), "date": pd.Timestamp(saved).normalize()}
    items = _items(sheets["items"], meta) if "items" in sheets else []
    decisions = _decisions(sheets["pairs"], path) if "pairs" in sheets else []
    return (
        pd.DataFrame(items, columns=ROW_COLUMNS),
        pd.DataFrame(decisions, columns=[*DECISION_COLUMNS, "row"]),
    )


def _notes(sheet) -> dict[str, object]:
    if sheet is None:
        return {}
    codes = note_codes()
    out = {}
    for label, value, *_ in sheet.iter_rows(min_row=1, max_col=2, values_only=True):
        key = code_of(label, codes)
        if key:
            out[key] = value
    return out


def _columns(sheet, wanted: tuple[str, ...], path: str) -> dict[str, int]:
    """Column code → 1-based column of the header row; the `wanted` ones must be there."""
    codes = header_codes()
    found = {}
    for index, cell in enumerate(next(sheet.iter_rows(min_row=1, max_row=1)), start=1):
        code = code_of(cell.value, codes)
        if code and code not in found:
            found[code] = index
    missing = [c for c in wanted if c not in found]
    if missing:
        raise WorkbenchError(
            f"{path}, sheet {sheet.title!r}: no column {', '.join(missing)} in the header row"
        )
    return found


def _items(sheet, meta: dict[str, object]) -> list[dict[str, object]]:
    where = f"{meta['file']}"
    columns = _columns(sheet, ("customer_id", "new_value"), where)
    if "field_code" not in columns and "field" not in columns:
        raise WorkbenchError(f"{where}, sheet {sheet.title!r}: no field column")
    by_zh = {c.zh: c.name for c in CUSTOMERS.columns}
    out = []
    for row in sheet.iter_rows(min_row=2):
        cells = {code: row[index - 1] for code, index in columns.items() if index <= len(row)}
        raw = cells["new_value"].value if "new_value" in cells else None
        if _empty(raw):
            continue
        customer = text_of(cells["customer_id"].value) if "customer_id" in cells else ""
        code = text_of(cells["field_code"].value) if "field_code" in cells else ""
        if not code and "field" in cells:
            code = by_zh.get(text_of(cells["field"].value), text_of(cells["field"].value))
        approver = text_of(cells["approver"].value) if "approver" in cells else ""
        approved = cells["approval_date"].value if "approval_date" in cells else None
        value, reason = check_value(code, raw)
        if reason is None and code in PROTECTED_FIELDS and not approver:
            reason = t("cl_reject_needs_approval", field=CUSTOMERS.column(code).zh)
        if reason is None and not customer:
            reason = t("cl_reject_unknown_customer")
        cell = cells["new_value"]
        out.append(
            {
                **meta,
                "sheet": sheet.title,
                "cell": f"{get_column_letter(cell.column)}{cell.row}",
                "customer_id": customer,
                "field": code,
                "value": value,
                "shown": shown_value(code, value if reason is None else text_of(raw)),
                "approver": approver or None,
                "approval_date": _datetext_of(approved),
                "status": "ok" if reason is None else "rejected",
                "reason": reason,
            }
        )
    return out


def _decisions(sheet, path: Path) -> list[dict[str, object]]:
    columns = _columns(sheet, ("customer_id_a", "customer_id_b", "decision"), str(path))
    words = {"合并": "merge", "不合并": "keep_apart", "merge": "merge", "keep_apart": "keep_apart"}
    out = []
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        decision = text_of(row[columns["decision"] - 1])
        if not decision:
            continue
        if decision not in words:
            raise WorkbenchError(
                f"{path}, sheet {sheet.title!r}, row {number}: decision {decision!r} is not "
                "合并 or 不合并"
            )
        out.append(
            {
                "customer_id_a": text_of(row[columns["customer_id_a"] - 1]),
                "customer_id_b": text_of(row[columns["customer_id_b"] - 1]),
                "decision": words[decision],
                "row": number,
            }
        )
    return out


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _datetext_of(value: object) -> str | None:
    if _empty(value):
        return None
    parsed, bad = parse_dates(pd.Series([value], dtype=object))
    return None if bad.iloc[0] or pd.isna(parsed.iloc[0]) else parsed.iloc[0].strftime("%Y-%m-%d")


def _mark_conflicts(rows: pd.DataFrame) -> pd.DataFrame:
    """Different accepted values for one (customer, field): all marked ``conflict``. The same
    value sent twice is applied once (the latest), the others marked ``duplicate``."""
    rows = rows.reset_index(drop=True)
    ok = rows["status"] == "ok"
    if not ok.any():
        return rows
    values = rows["value"].map(lambda v: shown_value("", v))
    distinct = values[ok].groupby([rows.loc[ok, "customer_id"], rows.loc[ok, "field"]]).nunique()
    clash = pd.MultiIndex.from_frame(rows[["customer_id", "field"]]).isin(
        distinct[distinct > 1].index
    )
    rows.loc[ok & clash, "status"] = "conflict"
    rows.loc[ok & clash, "reason"] = t("cl_conflict")
    ordered = rows[ok & ~clash].sort_values(["date", "file", "cell"])
    repeated = ordered.duplicated(["customer_id", "field"], keep="last")
    rows.loc[repeated[repeated].index, "status"] = "duplicate"
    return rows


def apply_corrections(
    customers: pd.DataFrame, corrections: Corrections | None, audit: Audit
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(customers with the accepted corrections, the log of every correction with its status,
    the 变更审批记录). Raw customers in, before any cleaning rule runs."""
    if corrections is None or corrections.rows.empty:
        return customers, pd.DataFrame(columns=LOG_COLUMNS), approval_record(customers, None, None)
    rows = corrections.rows.copy()
    ids = customers["customer_id"].astype("str").str.strip()
    ok = rows["status"] == "ok"
    unknown = ok & ~rows["customer_id"].isin(set(ids))
    rows.loc[unknown, ["status", "reason"]] = ["rejected", t("cl_reject_unknown_customer")]
    rows = _reject_deal_before_contact(_with(customers, rows, ids), rows, ids)
    applied = rows[rows["status"] == "ok"]
    out = _with(customers, rows, ids)
    for column in applied["field"].unique():
        mine = applied[applied["field"] == column]
        source = ids.map(pd.Series(_sources(mine), index=mine["customer_id"].to_numpy()))
        audit.record_changes("customers", customers, column, out[column], RULE, source=source)
    unchanged = _unchanged(customers, applied, ids)
    rows.loc[unchanged, "status"] = "unchanged"
    rows.loc[rows["status"] == "ok", "status"] = "applied"
    approvals = approval_record(customers, rows[rows["status"] == "applied"], ids)
    rows["shown"] = _masked_names(customers, rows, ids)
    return out, rows[LOG_COLUMNS].reset_index(drop=True), approvals


def _masked_names(customers: pd.DataFrame, rows: pd.DataFrame, ids: pd.Series) -> pd.Series:
    """The shown values with an individual's name or contact masked (张**), as in every list."""
    if "customer_type" not in customers:
        return rows["shown"]
    people = set(ids[is_customer_kind(customers["customer_type"], "个人").to_numpy()])
    hide = rows["field"].isin(["name", "contact_name"]) & rows["customer_id"].isin(people)
    hide &= rows["shown"].notna()
    shown = rows["shown"].copy()
    shown[hide] = mask_person_names(rows.loc[hide, "shown"].astype("str"))
    return shown


def _assign(values: pd.Series, targets: np.ndarray, new: pd.Series) -> pd.Series:
    """`values` with the cells at `targets` set to `new`, keeping the column's dtype."""
    out = values.copy()
    if values.dtype.kind == "M":
        out[targets] = pd.to_datetime(new).to_numpy()
    elif str(values.dtype) == "Int64":
        out[targets] = new.astype("Int64").to_numpy()
    else:
        out = out.astype(object)
        out[targets] = new.to_numpy(dtype=object)
        out = out.astype(values.dtype)
    return out


def _sources(rows: pd.DataFrame) -> np.ndarray:
    """Where each correction came from: owner · date · file!cell."""
    date = rows["date"].dt.strftime("%Y-%m-%d")
    return (rows["owner"] + " · " + date + " · " + rows["file"] + "!" + rows["cell"]).to_numpy()


def _with(customers: pd.DataFrame, rows: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """The customers with the corrections of `rows` whose status is ok."""
    out = customers.copy()
    todo = rows[rows["status"] == "ok"]
    for column in todo["field"].unique():
        mine = todo[todo["field"] == column]
        by_id = pd.Series(mine["value"].to_numpy(), index=mine["customer_id"].to_numpy())
        targets = ids.isin(by_id.index).to_numpy()
        out[column] = _assign(out[column], targets, ids[targets].map(by_id))
    return out


def _reject_deal_before_contact(
    after: pd.DataFrame, rows: pd.DataFrame, ids: pd.Series
) -> pd.DataFrame:
    """Reject date corrections that leave a first deal before the first contact."""
    dates = rows["field"].isin(["first_deal_date", "first_contact_date"]) & (rows["status"] == "ok")
    if not dates.any() or "first_deal_date" not in after or "first_contact_date" not in after:
        return rows
    wrong = after["first_deal_date"] < after["first_contact_date"]
    bad_ids = set(ids[wrong.fillna(False).to_numpy()])
    hit = dates & rows["customer_id"].isin(bad_ids)
    rows.loc[hit, ["status", "reason"]] = ["rejected", t("cl_reject_deal_before_contact")]
    return rows


def _unchanged(customers: pd.DataFrame, applied: pd.DataFrame, ids: pd.Series) -> pd.Index:
    """Applied corrections whose value equals the cell's current one."""
    first = customers.assign(_id=ids.to_numpy()).drop_duplicates("_id").set_index("_id")
    same = []
    for index, row in applied.iterrows():
        current = first.at[row["customer_id"], row["field"]]
        if shown_value("", current) == shown_value("", row["value"]):
            same.append(index)
    return pd.Index(same)

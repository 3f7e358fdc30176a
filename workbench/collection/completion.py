"""Completion workbooks (补充更正表), one per sales rep: their customers whose key fields are
待补充 or failed a check (bad phone, bad USCC, deal before first contact …), and their 疑似重复
pairs, with the current values (masked where PII), the problem in words and empty columns to
fill in. Locked columns hold what must not change (ids, field codes); the sheet is protected
so only the input columns can be typed into.

The rep returns the file; the data steward puts it in ``<data_dir>/corrections/``, and the
next run applies it (`workbench.collection.corrections`).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from workbench.cleaning.completeness import NO_OWNER
from workbench.cleaning.pipeline import CleanResult
from workbench.cleaning.privacy import PII_COLUMNS, display_names, mask_values
from workbench.collection.fields import LOCKED_FIELDS, customer_rule
from workbench.collection.layout import (
    INPUT_COLUMNS,
    ITEM_COLUMNS,
    PAIR_COLUMNS,
    header,
    note_label,
    sheet_title,
)
from workbench.collection.ledger import append_issued
from workbench.core.labels import is_label, t
from workbench.extracts.schema import CUSTOMERS
from workbench.quality.analysis import review_pairs

ITEM_FRAME_COLUMNS = ["owner", "customer_id", "name", "field", "field_zh", "current", "rule",
                      "message"]  # fmt: skip
TARGET_DAYS = 3  # working days a rep has to return the workbook (the handbooks' rule)
LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


def completion_items(result: CleanResult) -> pd.DataFrame:
    """Every open issue of the clean customers, one row per (customer, field, rule): owner,
    customer_id, name (individuals masked), field, field_zh, current (masked where PII),
    rule (``to_complete`` or the flag's rule), message; by owner, then customer."""
    customers = result.customers.drop_duplicates("customer_id").set_index("customer_id")
    missing = _missing_items(result.to_complete)
    flagged = _flag_items(result, customers.index)
    items = pd.concat([missing, flagged], ignore_index=True)
    items = items.drop_duplicates(["customer_id", "field", "rule"])
    if items.empty:
        return pd.DataFrame(columns=ITEM_FRAME_COLUMNS)
    ids = items["customer_id"].to_numpy()
    rows = customers.reindex(ids)
    owners = rows["owner"] if "owner" in rows else pd.Series(np.nan, index=rows.index)
    items["owner"] = owners.fillna(NO_OWNER).to_numpy()
    items["name"] = display_names(rows.reset_index()).to_numpy()
    items["field_zh"] = items["field"].map(lambda f: CUSTOMERS.column(f).zh)
    items["current"] = _current_values(rows, items["field"].to_numpy())
    order = items["rule"].ne("to_complete")  # gaps first, then checks
    items = items.assign(_order=order).sort_values(["owner", "customer_id", "_order", "field"])
    return items[ITEM_FRAME_COLUMNS].reset_index(drop=True)


def _missing_items(to_complete: pd.DataFrame) -> pd.DataFrame:
    zh_to_field = {c.zh: c.name for c in CUSTOMERS.columns}
    if to_complete.empty:
        return pd.DataFrame(columns=["customer_id", "field", "rule", "message"])
    listed = to_complete.assign(field=to_complete["missing_fields"].str.split("、")).explode(
        "field"
    )
    return pd.DataFrame(
        {
            "customer_id": listed["customer_id"].astype("str").to_numpy(),
            "field": listed["field"].map(zh_to_field).to_numpy(),
            "rule": "to_complete",
            "message": "",
        }
    ).dropna(subset=["field"])


def _flag_items(result: CleanResult, known: pd.Index) -> pd.DataFrame:
    """Flags on customer fields, moved from merged records to their survivors."""
    flags = result.flags[result.flags["table"] == "customers"]
    columns = set(CUSTOMERS.column_names) - LOCKED_FIELDS
    flags = flags[flags["field"].isin(columns)]
    survivor = dict(zip(result.merges["customer_id"].astype("str"),
                        result.merges["survivor_id"].astype("str"), strict=True))  # fmt: skip
    ids = flags["key"].astype("str").map(lambda key: survivor.get(key, key))
    message = flags["message"].astype("str").str.replace(r"\s*\([^()]*\)\s*$", "", regex=True)
    out = pd.DataFrame(
        {
            "customer_id": ids.to_numpy(),
            "field": flags["field"].to_numpy(),
            "rule": flags["rule"].to_numpy(),
            "message": message.to_numpy(),
        }
    )
    return out[out["customer_id"].isin(known)]


def _current_values(rows: pd.DataFrame, fields: np.ndarray) -> np.ndarray:
    """The value of each (row, field) as shown to a rep: dates as text, PII masked."""
    out = np.empty(len(fields), dtype=object)
    for field in pd.unique(fields):
        at = fields == field
        masked = f"{field}_masked"
        if field in PII_COLUMNS:
            if masked in rows:
                values = rows[masked].iloc[at]
            elif field in rows:
                values = mask_values(rows[field].iloc[at], pd.Series(field, index=rows.index[at]))
            else:
                values = pd.Series(None, index=rows.index[at])
        elif field in rows:
            values = rows[field].iloc[at]
            if values.dtype.kind == "M":
                values = values.dt.strftime("%Y-%m-%d")
        else:
            values = pd.Series(None, index=rows.index[at])
        if field == "name":
            values = display_names(rows.iloc[at].reset_index())
        out[at] = values.astype(object).where(values.notna(), None).to_numpy()
    return out


def problem_text(rule: str, field_zh: str, message: str = "", lang: str = "zh") -> str:
    """The problem of an item in words: 待补充：缺少联系电话, or the rule's name and its message."""
    if rule == "to_complete":
        return t("cl_problem_missing", lang, field=field_zh)
    name = t(f"rule_{rule}", lang) if is_label(f"rule_{rule}") else rule
    return t("cl_problem_check", lang, rule=name, message=message).rstrip("：")


def due_date(issued: date, days: int = TARGET_DAYS) -> date:
    """The working day `days` working days after `issued` (weekends skipped)."""
    return pd.Timestamp(np.busday_offset(np.datetime64(issued, "D"), days, roll="forward")).date()


def owner_file_name(owner: str) -> str:
    """A safe file name for an owner's workbook (补充更正_张伟.xlsx)."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", str(owner)).strip("._") or "owner"
    return f"补充更正_{safe}.xlsx"


def write_completion_workbooks(
    result: CleanResult,
    out_dir: str | Path,
    issued: date | None = None,
    data_dir: str | Path | None = None,
    lang: str = "zh",
) -> dict[str, Path]:
    """One completion workbook per owner with open issues or pairs into `out_dir`; owner →
    file. With `data_dir`, the issues sent are added to its ledger (`ledger.append_issued`),
    which dates them for the steward's queue."""
    issued = issued or date.today()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    items = completion_items(result)
    pairs = review_pairs(result)
    owners = set(items["owner"])
    if not pairs.empty:
        owners |= set(pairs["owner_a"].fillna(NO_OWNER)) | set(pairs["owner_b"].fillna(NO_OWNER))
    written = {}
    for owner in sorted(owners):
        mine = items[items["owner"] == owner]
        theirs = pairs
        if not pairs.empty:
            sides = pairs[["owner_a", "owner_b"]].fillna(NO_OWNER)
            theirs = pairs[sides.eq(owner).any(axis=1)]
        book = completion_workbook(owner, mine, theirs, issued, lang)
        path = out / owner_file_name(owner)
        book.save(path)
        written[owner] = path
    if data_dir is not None:
        append_issued(data_dir, items, issued)
    return written


def completion_workbook(
    owner: str, items: pd.DataFrame, pairs: pd.DataFrame, issued: date, lang: str = "zh"
) -> Workbook:
    """The workbook of one owner: notes, the items to complete or correct, the pairs to review."""
    book = Workbook()
    notes = book.active
    notes.title = sheet_title("notes", lang)
    for key, value in (
        ("owner", owner),
        ("issued", issued.isoformat()),
        ("due", due_date(issued).isoformat()),
        ("how", t("cl_how_text", lang)),
    ):
        notes.append((note_label(key, lang), value))
        notes.cell(row=notes.max_row, column=1).font = Font(bold=True)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 100
    notes["B4"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet = book.create_sheet(sheet_title("items", lang))
    shown = items.assign(
        problem=[problem_text(r.rule, r.field_zh, r.message, lang) for r in items.itertuples()]
    )
    rows = [
        (*values, None, None, None, None)
        for values in shown[
            ["customer_id", "name", "field_zh", "field", "current", "problem"]
        ].itertuples(index=False, name=None)
    ]
    _table(sheet, ITEM_COLUMNS, rows, lang)
    sheet.column_dimensions[get_column_letter(ITEM_COLUMNS.index("field_code") + 1)].hidden = True
    _item_checks(sheet, items)
    pair_sheet = book.create_sheet(sheet_title("pairs", lang))
    shown_pairs = (
        pairs.assign(score=pairs["score"].map(lambda s: f"{s:.0f}")) if len(pairs) else pairs
    )
    pair_rows = (
        [
            (*values, None)
            for values in shown_pairs.reindex(columns=list(PAIR_COLUMNS[:-1])).itertuples(
                index=False, name=None
            )
        ]
        if len(pairs)
        else []
    )
    _table(pair_sheet, PAIR_COLUMNS, pair_rows, lang)
    if pair_rows:
        check = DataValidation(type="list", formula1='"合并,不合并"', allow_blank=True)
        letter = get_column_letter(PAIR_COLUMNS.index("decision") + 1)
        check.add(f"{letter}2:{letter}{len(pair_rows) + 1}")
        pair_sheet.add_data_validation(check)
    book.active = 1
    return book


def _table(sheet: Worksheet, columns: tuple[str, ...], rows: list[tuple], lang: str) -> None:
    """Headers and rows; input columns unlocked and yellow, the others locked and grey."""
    sheet.append([header(c, lang) for c in columns])
    for row in rows:
        sheet.append([None if _blank(v) else v for v in row])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 16 if column != "problem" else 40
        sheet.column_dimensions[letter].number_format = "@"
        head = sheet.cell(row=1, column=index)
        head.font = Font(bold=True)
        editable = column in INPUT_COLUMNS
        for (cell,) in sheet.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=index,
                                       max_col=index):  # fmt: skip
            cell.fill = INPUT_FILL if editable else LOCKED_FILL
            cell.protection = Protection(locked=not editable)
            cell.number_format = "@" if column != "approval_date" else "yyyy-mm-dd"
    sheet.freeze_panes = "B2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widths may still be changed
    sheet.protection.autoFilter = False


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _item_checks(sheet: Worksheet, items: pd.DataFrame) -> None:
    """Drop-downs on the corrected value of categorical fields, date checks on dates."""
    letter = get_column_letter(ITEM_COLUMNS.index("new_value") + 1)
    for field, rows in items.reset_index(drop=True).groupby("field").groups.items():
        rule = customer_rule(field)
        cells = " ".join(f"{letter}{r + 2}" for r in rows)
        if rule.choices:
            values = ",".join(rule.choices)
            if len(values) <= 250:  # Excel's limit for an inline list
                check = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
                check.add(cells)
                sheet.add_data_validation(check)
        elif rule.kind == "date":
            check = DataValidation(type="date", operator="between", allow_blank=True,
                                   formula1="DATE(1950,1,1)", formula2="DATE(2100,12,31)")  # fmt: skip
            check.add(cells)
            sheet.add_data_validation(check)

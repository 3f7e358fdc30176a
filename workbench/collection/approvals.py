"""The 变更审批记录 (change approvals): every applied change of a protected field — the
customer's name, type, USCC or ID number, which identify its legal entity — with who approved
it and when, as the collection handbooks require. A correction of such a field without an
approver is rejected (`workbench.collection.corrections`); the approved ones are recorded here,
their values shown masked (PII, individuals' names), and written as a workbook for the file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from workbench.cleaning.privacy import mask_person_names
from workbench.collection.fields import PROTECTED_FIELDS
from workbench.collection.values import shown_value
from workbench.core.labels import t
from workbench.extracts.schema import CUSTOMERS

APPROVAL_COLUMNS = ["customer_id", "field", "field_zh", "old", "new", "approver",
                    "approval_date", "owner", "date", "file", "cell"]  # fmt: skip
_HEADERS = ("cl_col_customer_id", "cl_col_field", "cl_appr_old", "cl_appr_new", "cl_appr_approver",
            "cl_appr_date", "cl_rounds_owner", "cl_rounds_date", "cl_rounds_file", "cl_rej_cell")  # fmt: skip


def approval_record(
    customers: pd.DataFrame, applied: pd.DataFrame | None, ids: pd.Series | None
) -> pd.DataFrame:
    """The 变更审批记录 from the applied corrections (`corrections.apply_corrections`): changes of
    protected fields, old and new shown masked; empty without corrections."""
    if applied is None or ids is None:
        return pd.DataFrame(columns=APPROVAL_COLUMNS)
    protected = applied[applied["field"].isin(PROTECTED_FIELDS)]
    if protected.empty:
        return pd.DataFrame(columns=APPROVAL_COLUMNS)
    first = customers.assign(_id=ids.to_numpy()).drop_duplicates("_id").set_index("_id")
    old = [
        first.at[c, f] for c, f in zip(protected["customer_id"], protected["field"], strict=True)
    ]
    person = first.reindex(protected["customer_id"])["customer_type"].eq("个人").to_numpy()
    frame = pd.DataFrame(
        {
            "customer_id": protected["customer_id"].to_numpy(),
            "field": protected["field"].to_numpy(),
            "field_zh": protected["field"].map(lambda f: CUSTOMERS.column(f).zh).to_numpy(),
            "old": [shown_value(f, v) for f, v in zip(protected["field"], old, strict=True)],
            "new": protected["shown"].to_numpy(),
            "approver": protected["approver"].to_numpy(),
            "approval_date": protected["approval_date"].to_numpy(),
            "owner": protected["owner"].to_numpy(),
            "date": protected["date"].to_numpy(),
            "file": protected["file"].to_numpy(),
            "cell": protected["cell"].to_numpy(),
        }
    )
    names = (frame["field"] == "name").to_numpy() & person
    for column in ("old", "new"):
        frame.loc[names, column] = mask_person_names(frame.loc[names, column].astype("str"))
    return frame


def write_approval_log(approvals: pd.DataFrame, path: str | Path, lang: str = "zh") -> Path:
    """The 变更审批记录 as a one-sheet workbook at `path` (values as recorded: masked)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = t("cl_approvals_title", lang)
    sheet.append([t(key, lang) for key in _HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    columns = ["customer_id", "field_zh", "old", "new", "approver", "approval_date", "owner",
               "date", "file", "cell"]  # fmt: skip
    for row in approvals.reindex(columns=columns).itertuples(index=False):
        sheet.append([_cell(v) for v in row])
    book.save(path)
    return path


def _cell(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value

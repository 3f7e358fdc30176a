"""The data steward's queue: open issues by age against the target and by owner, and what the
corrections fixed (completeness before / after, and each returned file's results).

An issue is a row of `completion.completion_items` (a 待补充 field or a failed check of one
customer). Its age counts in working days (Monday to Friday; `holidays` may add more days off)
from the first time it was sent (the issue ledger, `workbench.collection.ledger`) to `today`;
an issue never sent is ``not_sent``. The target is a parameter: 3 working days in the
handbooks. Frames in, frames out, no words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from workbench.cleaning.completeness import completeness, field_cells
from workbench.cleaning.pipeline import CleanResult
from workbench.cleaning.privacy import PII_COLUMNS
from workbench.collection.completion import TARGET_DAYS, completion_items
from workbench.collection.corrections import RULE
from workbench.collection.ledger import ISSUE_KEY
from workbench.core.errors import ParameterError
from workbench.extracts.schema import CUSTOMERS

QUEUE_STATES = ("not_sent", "within", "overdue")
AGE_BANDS = ((0, 1), (2, 3), (4, 5), (6, 10), (11, None))  # working days, both ends included


def open_issues(
    result: CleanResult,
    issued: pd.DataFrame,
    today: date | None = None,
    target_days: int = TARGET_DAYS,
    holidays: Sequence[date] = (),
) -> pd.DataFrame:
    """Every open issue with the date it was first sent (`issued`, NaT if never), its age in
    working days (<NA> if never sent) and its state: not_sent, within (age ≤ target) or
    overdue."""
    if target_days < 0:
        raise ParameterError(f"target_days must be 0 or more working days, got {target_days}")
    today = today or date.today()
    items = completion_items(result)
    first = (
        issued.set_index(ISSUE_KEY)["issued"] if len(issued) else pd.Series(dtype="datetime64[ns]")
    )
    when = pd.MultiIndex.from_frame(items[ISSUE_KEY]).map(first.to_dict().get) if len(items) else []
    items["issued"] = pd.to_datetime(pd.Series(list(when), index=items.index, dtype=object))
    sent = items["issued"].notna()
    age = pd.Series(pd.NA, index=items.index, dtype="Int64")
    if sent.any():
        start = items.loc[sent, "issued"].to_numpy(dtype="datetime64[D]")
        end = np.datetime64(today, "D")
        days = np.busday_count(start, end, holidays=[np.datetime64(h, "D") for h in holidays])
        age[sent] = np.maximum(days, 0)
    items["age"] = age
    state = np.where(~sent, "not_sent", np.where(age.fillna(0) > target_days, "overdue", "within"))
    items["state"] = state
    return items


def queue_by_owner(issues: pd.DataFrame) -> pd.DataFrame:
    """Per owner: open issues, how many not_sent / within / overdue, the oldest age; the owner
    with most overdue first."""
    if issues.empty:
        return pd.DataFrame(columns=["owner", "open", *QUEUE_STATES, "oldest"])
    counts = pd.crosstab(issues["owner"], issues["state"]).reindex(
        columns=list(QUEUE_STATES), fill_value=0
    )
    frame = counts.assign(
        open=counts.sum(axis=1), oldest=issues.groupby("owner")["age"].max().astype("Int64")
    )
    frame = frame.sort_values(["overdue", "open"], ascending=False).reset_index()
    frame.columns.name = None
    return frame[["owner", "open", *QUEUE_STATES, "oldest"]]


def queue_by_age(issues: pd.DataFrame, target_days: int = TARGET_DAYS) -> pd.DataFrame:
    """Issues sent, by age band in working days: low, high (<NA>: open-ended), issues,
    overdue (whether the band lies past the target)."""
    ages = issues["age"].dropna().astype(int) if len(issues) else pd.Series(dtype=int)
    rows = []
    for low, high in AGE_BANDS:
        inside = (ages >= low) & (ages <= high) if high is not None else ages >= low
        rows.append(
            {"low": low, "high": high, "issues": int(inside.sum()), "overdue": low > target_days}
        )
    return pd.DataFrame(rows).astype({"high": "Int64"})


def queue_counts(issues: pd.DataFrame) -> dict[str, int]:
    """How many issues are open, overdue and not sent."""
    state = issues["state"] if len(issues) else pd.Series(dtype="str")
    return {
        "open": len(issues),
        "overdue": int((state == "overdue").sum()),
        "not_sent": int((state == "not_sent").sum()),
    }


def correction_effect(result: CleanResult) -> pd.DataFrame:
    """Per key field, and per other field the corrections touched: completeness before the
    corrections, after, and the cells they filled (empty before, filled after, on customers
    that survive de-duplication)."""
    changes = result.changes
    filled = changes[(changes["rule"] == RULE) & changes["old"].isna() & changes["new"].notna()]
    fields = list(result.completeness["field"])
    fields += [
        f for f in pd.unique(filled["field"]) if f not in fields and f in CUSTOMERS.column_names
    ]
    target = float(result.completeness["target"].iloc[0]) if len(result.completeness) else 0.9
    customers = result.customers
    masked = {f: customers[f"{f}_masked"] for f in PII_COLUMNS
              if f not in customers and f"{f}_masked" in customers}  # fmt: skip
    customers = customers.assign(**masked)  # a redacted result keeps only the masked PII
    after = completeness(customers, tuple(fields), target)
    rows = []
    for _, row in after.iterrows():
        counted, _ = field_cells(customers, row["field"])
        counted_ids = set(customers.loc[counted, "customer_id"].astype("str"))
        mine = filled[(filled["field"] == row["field"]) & filled["key"].isin(counted_ids)]
        cells = int(mine["key"].nunique())
        records = int(row["records"])
        rows.append(
            {
                "field": row["field"],
                "field_zh": row["field_zh"],
                "before": (row["filled"] - cells) / records if records else float("nan"),
                "after": row["completeness"],
                "filled": cells,
                "target": row["target"],
            }
        )
    return pd.DataFrame(rows, columns=["field", "field_zh", "before", "after", "filled", "target"])


def correction_rounds(result: CleanResult) -> pd.DataFrame:
    """Each returned file's results: date, owner, file, status, rows; latest first."""
    log = result.corrections
    if log.empty:
        return pd.DataFrame(columns=["date", "owner", "file", "status", "rows"])
    frame = log.groupby(["date", "owner", "file", "status"]).size().rename("rows").reset_index()
    return frame.sort_values(["date", "file", "status"], ascending=[False, True, True]).reset_index(
        drop=True
    )


def rejected_cells(result: CleanResult) -> pd.DataFrame:
    """Corrections not applied (rejected or in conflict): file, sheet, cell, owner,
    customer_id, field, shown (masked) value, status, reason."""
    log = result.corrections
    out = log[log["status"].isin(["rejected", "conflict"])]
    columns = [
        "file",
        "sheet",
        "cell",
        "owner",
        "customer_id",
        "field",
        "shown",
        "status",
        "reason",
    ]
    return out[columns].reset_index(drop=True)

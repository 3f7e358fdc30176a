"""The issue ledger: when each open issue was first sent to its owner.

``<data_dir>/corrections/_issued.csv`` (UTF-8) gets one row per issue each time completion
workbooks are written: issued (YYYY-MM-DD), owner, customer_id, field, rule. An issue's age in
the steward's queue counts from the first date it was sent; an issue never sent has no age.
The ledger holds ids and field codes only, no values.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from workbench.core.errors import WorkbenchError

ISSUED_FILE = "_issued.csv"
CORRECTIONS_DIR = "corrections"  # the folder of returned workbooks, where the ledger lives too
LEDGER_COLUMNS = ["issued", "owner", "customer_id", "field", "rule"]
ISSUE_KEY = ["customer_id", "field", "rule"]


def ledger_file(data_dir: str | Path) -> Path:
    """Where the issue ledger of a data folder is: <data_dir>/corrections/_issued.csv."""
    return Path(data_dir) / CORRECTIONS_DIR / ISSUED_FILE


def append_issued(data_dir: str | Path, items: pd.DataFrame, issued: date) -> Path:
    """Append the issues of `items` (`completion.completion_items`) as sent on `issued` to the
    ledger of `data_dir`."""
    path = ledger_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = items.assign(issued=issued.isoformat())[LEDGER_COLUMNS]
    rows.to_csv(path, mode="a", header=not path.exists(), index=False, encoding="utf-8")
    return path


def read_issued(data_dir: str | Path) -> pd.DataFrame:
    """The ledger of `data_dir`, one row per issue with the first date it was sent (`issued`,
    a Timestamp); empty when there is no ledger."""
    path = ledger_file(data_dir)
    if not path.is_file():
        return pd.DataFrame({c: pd.Series(dtype="str") for c in LEDGER_COLUMNS})
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in LEDGER_COLUMNS if c not in frame]
    if missing:
        raise WorkbenchError(f"{path}: not an issue ledger (no column {', '.join(missing)})")
    frame["issued"] = pd.to_datetime(frame["issued"], format="%Y-%m-%d", errors="coerce")
    bad = frame["issued"].isna()
    if bad.any():
        raise WorkbenchError(f"{path}, row {int(bad.idxmax()) + 2}: issued is not YYYY-MM-DD")
    first = frame.sort_values("issued").drop_duplicates(ISSUE_KEY, keep="first")
    return first[LEDGER_COLUMNS].reset_index(drop=True)

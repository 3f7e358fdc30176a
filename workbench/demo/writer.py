"""Write the extracts as real CRM exports do, and the ground truth beside them.

customers.csv in GBK with CRLF (Excel on Windows), orders.csv UTF-8 with BOM (Excel's "CSV UTF-8"),
interactions.csv and opportunities.csv plain UTF-8, requirements.xlsx with a title row above the
header and real Excel dates. Headers are the Chinese ``Column.zh`` of the schema, in schema
order. The truth goes to ``_truth/``: dirt.csv, duplicates.csv, customers_true.csv,
summary.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.demo.dates import NO_DATE, iso
from workbench.demo.tables import Frame
from workbench.demo.xlsx import SheetColumn, write_sheet
from workbench.extracts.schema import TABLES

FILES: dict[str, str] = {
    "customers": "customers.csv",
    "orders": "orders.csv",
    "interactions": "interactions.csv",
    "opportunities": "opportunities.csv",
    "requirements": "requirements.xlsx",
}
CSV_FORMAT: dict[str, tuple[str, str]] = {  # table → (encoding, line terminator)
    "customers": ("gbk", "\r\n"),
    "orders": ("utf-8-sig", "\r\n"),
    "interactions": ("utf-8", "\n"),
    "opportunities": ("utf-8", "\n"),
}
_CHUNK = 500_000
_SPECIAL = (",", '"', "\r", "\n")
REQUIREMENTS_SHEET = "需求分析表"
_WIDTHS = {"description": 44.0, "req_id": 16.0, "customer_id": 16.0}


def _quote(cells: list[str]) -> list[str]:
    """Minimal CSV quoting (as Excel and pandas write): only cells with , " CR or LF."""
    if not any(ch in "\x1f".join(cells) for ch in _SPECIAL):
        return cells
    return [
        '"' + v.replace('"', '""') + '"' if any(ch in v for ch in _SPECIAL) else v for v in cells
    ]


def write_csv(frame: Frame, path: Path) -> None:
    """One table as CSV with Chinese headers, in the encoding its source system uses.

    Rows are joined in chunks with ``str.join`` (2–3× faster than the csv module for
    millions of rows); the bytes are what ``DataFrame.to_csv`` writes.
    """
    encoding, eol = CSV_FORMAT[frame.name]
    columns = [c for c in TABLES[frame.name].columns if c.name in frame.cols]
    with open(path, "w", encoding=encoding, errors="strict", newline="") as f:
        f.write(",".join(_quote([c.zh for c in columns])) + eol)
        for a in range(0, frame.n, _CHUNK):
            cols = [_quote(frame.cols[c.name][a : a + _CHUNK].tolist()) for c in columns]
            f.write(eol.join(map(",".join, zip(*cols, strict=True))))
            f.write(eol)


def write_requirements(frame: Frame, path: Path, export_day: int) -> None:
    """requirements.xlsx: title row, header row, real dates unless a cell was typed as text."""
    table = TABLES["requirements"]
    stamp = iso(np.array([export_day]))[0]
    columns = []
    for c in table.columns:
        text = frame.cols[c.name]
        kind = {"date": "date", "int": "number"}.get(c.kind, "text")
        days = None
        if kind == "date":
            true = frame.date_days[c.name]
            days = np.where((text == iso(true)) & (true != NO_DATE), true, NO_DATE)
        columns.append(SheetColumn(c.zh, text, kind, days, _WIDTHS.get(c.name, 12.0)))
    title = f"{REQUIREMENTS_SHEET}（导出时间 {stamp}）"
    write_sheet(path, REQUIREMENTS_SHEET, title, columns, f"{stamp}T09:00:00Z")


def write_truth(
    truth_dir: Path,
    dirt: pd.DataFrame,
    duplicates: pd.DataFrame,
    customers_true: pd.DataFrame,
    summary: dict,
) -> None:
    """The ground truth files (UTF-8), outside the extracts."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    dirt.to_csv(truth_dir / "dirt.csv", index=False, lineterminator="\n")
    duplicates.to_csv(truth_dir / "duplicates.csv", index=False, lineterminator="\n")
    customers_true.to_csv(truth_dir / "customers_true.csv", index=False, lineterminator="\n")
    text = json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=False)
    (truth_dir / "summary.json").write_text(text + "\n", encoding="utf-8")

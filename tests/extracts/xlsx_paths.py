"""The XLSX reader's three ways to a sheet's cells, each forced in turn: fastexcel (text, the
first tried), calamine (Python objects) and openpyxl (for formulas, or without calamine)."""

from __future__ import annotations

import pytest

from workbench.extracts import xlsx_reader

XLSX_PATHS = ("fastexcel", "calamine", "openpyxl")


def use_xlsx_path(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """Make the reader take `path`: the ones tried before it are made to decline."""
    if path in ("calamine", "openpyxl"):
        monkeypatch.setattr(xlsx_reader, "_fastexcel_sheet", lambda *_: None)
    if path == "openpyxl":
        monkeypatch.setattr(xlsx_reader, "_calamine_sheet", lambda *_: None)
        monkeypatch.setattr(xlsx_reader, "_calamine_cells", lambda *_: None)

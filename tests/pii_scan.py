"""Scan everything a run rendered for the personal data of its input (PIPL: shown masked only).

The secrets are read from the raw extracts with the workbench's loader but nothing of its
cleaning: every phone (mobile and landline, as written and as bare digits), ID number, e-mail,
and every individual customer's full name. The outputs are every HTML page, every executed
notebook's outputs and every workbook cell, numbers included (a phone stored as a number shows
as its digits).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from openpyxl import load_workbook

from workbench.io import load_extracts


def secrets_of(data_dir: Path) -> dict[str, set[str]]:
    """kind → the raw values of the input that must never appear in an output."""
    customers = load_extracts(data_dir).customers
    found: dict[str, set[str]] = {"phone": set(), "id_number": set(), "email": set(), "name": set()}
    for value in customers["phone"].dropna().astype(str):
        digits = re.sub(r"\D", "", value)
        digits = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
        if len(digits) >= 7:  # a real number, not a stray "110" in a planted text
            found["phone"] |= {value.strip(), digits}
    found["id_number"] = {v.strip() for v in customers["id_number"].dropna().astype(str)
                          if len(v.strip()) >= 15}  # fmt: skip
    found["email"] = {v.strip() for v in customers["email"].dropna().astype(str) if "@" in v}
    staff = set(customers["owner"].dropna())  # staff names are shown; a customer may share one
    people = customers.loc[customers["customer_type"] == "个人", "name"].dropna().astype(str)
    found["name"] = {n.strip() for n in people if len(n.strip()) >= 2 and n.strip() not in staff}
    return found


def rendered_texts(folder: Path) -> dict[str, str]:
    """file → its text: HTML pages, executed notebooks' outputs, every cell of every workbook."""
    texts = {}
    for page in sorted(folder.rglob("*.html")):
        texts[str(page)] = page.read_text(encoding="utf-8")
    for executed in sorted(folder.rglob("*.ipynb")):
        notebook = nbformat.read(executed, as_version=4)
        parts = []
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                parts.append(str(output.get("text", "")))
                parts += [str(v) for v in output.get("data", {}).values()]
        texts[str(executed)] = "\n".join(parts)
    for book in sorted(folder.rglob("*.xlsx")):
        workbook = load_workbook(book, read_only=True)
        texts[str(book)] = "\n".join(
            "\t".join(_cell_text(v) for v in row)
            for sheet in workbook for row in sheet.iter_rows(values_only=True)
        )  # fmt: skip
    return texts


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def leaks(folder: Path, data_dir: Path) -> list[tuple[str, str, str]]:
    """(file, kind, value) for every raw secret of the input found in an output of the run."""
    secrets = secrets_of(data_dir)
    found = []
    for file, text in rendered_texts(folder).items():
        for kind, values in secrets.items():
            found += [(Path(file).name, kind, v) for v in values if v in text]
    return found

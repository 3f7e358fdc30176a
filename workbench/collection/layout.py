"""The completion workbook's sheets and columns, shared by the writer (`completion`) and the
reader (`corrections`): headers in either language are read back to the same column codes."""

from __future__ import annotations

from workbench.core.labels import LANGS, t

ITEM_COLUMNS = ("customer_id", "name", "field", "field_code", "current", "problem", "new_value",
                "approver", "approval_date", "note")  # fmt: skip
PAIR_COLUMNS = ("customer_id_a", "name_a", "city_a", "phone_a", "customer_id_b", "name_b",
                "city_b", "phone_b", "score", "decision")  # fmt: skip
INPUT_COLUMNS = frozenset({"new_value", "approver", "approval_date", "note", "decision"})
NOTE_KEYS = ("owner", "issued", "due", "how")
SHEETS = ("items", "pairs", "notes")


def header(column: str, lang: str = "zh") -> str:
    """The header of a completion workbook column in `lang`."""
    return t(f"cl_col_{column}", lang)


def sheet_title(sheet: str, lang: str = "zh") -> str:
    """The title of a completion workbook sheet (`items`, `pairs`, `notes`) in `lang`."""
    return t(f"cl_sheet_{sheet}", lang)


def note_label(key: str, lang: str = "zh") -> str:
    """The label of a row of the notes sheet (`owner`, `issued`, `due`, `how`) in `lang`."""
    return t(f"cl_note_{key}", lang)


def _key(text: object) -> str:
    return "".join(str(text).split()).lower()


def header_codes() -> dict[str, str]:
    """Any language's header (spaces and case ignored) → column code."""
    columns = (*ITEM_COLUMNS, *PAIR_COLUMNS)
    return {_key(header(c, lang)): c for c in columns for lang in LANGS}


def sheet_codes() -> dict[str, str]:
    """Any language's sheet title → sheet code."""
    return {_key(sheet_title(s, lang)): s for s in SHEETS for lang in LANGS}


def note_codes() -> dict[str, str]:
    """Any language's notes label → note code."""
    return {_key(note_label(k, lang)): k for k in NOTE_KEYS for lang in LANGS}


def code_of(text: object, codes: dict[str, str]) -> str | None:
    """The code a header, sheet title or note label stands for (None: not one of ours)."""
    return codes.get(_key(text)) if text is not None else None

"""What kind of problem each loader issue is: a short code per `problem` text, for counting.

The loader words each issue for a person (`problem`, in English); the data-quality report counts
them by kind. The patterns match the texts written by `quarantine.issue_rows` (cells set to
missing) and `quarantine.formula_rows` (formula text), `loader._rename_headers` (headers),
`xlsx_reader` (merged cells, sheets not read) and `order_lines.DETAILS` (lines kept that may be
repeats); `tests/extracts/test_issue_kinds.py` loads files giving each and finds none `other`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# (kind, pattern of its problem text): the first that matches decides, so the formula variant of
# a cell set to missing comes before the plain one
ISSUE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("formula_missing", r"^not a valid .*; set to missing \(a formula"),
    ("set_to_missing", r"^not a valid .*; set to missing"),
    ("formula_text", r"possible formula injection"),
    ("repeated_header", r"^the header repeats "),
    ("reserved_header", r"^the header \S+ is the loader's row number"),
    ("merged_cell", r"^merged cell over rows "),
    ("unread_sheet", r"^sheet .* also holds this table"),
    ("possible_repeat", r"kept as a line of its order"),
)
OTHER = "other"  # a problem no pattern knows (a new text in the loader)
ISSUE_KINDS = (*(kind for kind, _ in ISSUE_PATTERNS), OTHER)
MISSING_KINDS = ("set_to_missing", "formula_missing")  # the cells the loader set to missing


def issue_kinds(problems: pd.Series) -> pd.Series:
    """The kind (a code of `ISSUE_KINDS`) of each issue's `problem` text."""
    text = problems.astype("str")
    found = [
        text.str.contains(p, regex=True).fillna(False).to_numpy(bool) for _, p in ISSUE_PATTERNS
    ]
    kinds = np.select(found, [kind for kind, _ in ISSUE_PATTERNS], OTHER)  # the first match
    return pd.Series(kinds, index=problems.index, dtype=object)

"""Unicode normalisation of whole text columns, fast where the text cannot change.

pandas runs ``str.normalize("NFKC")`` through Python's `unicodedata` one cell at a time. Text
made only of ASCII and CJK unified ideographs (U+4E00–U+9FFF) is already in NFKC form (none of
those characters decomposes or composes; `tests/cleaning/test_text.py` checks it), so `nfkc`
sends only the other cells, each distinct one once, through `unicodedata`.
"""

from __future__ import annotations

import unicodedata

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Characters NFKC leaves alone, in a string and next to each other (RE2 syntax, runs in pyarrow).
STABLE_RANGES = ((0x00, 0x7F), (0x4E00, 0x9FFF))
_STABLE = "^[" + "".join(f"\\x{{{lo:x}}}-\\x{{{hi:x}}}" for lo, hi in STABLE_RANGES) + "]*$"


def is_arrow_text(values: pd.Series) -> bool:
    """Whether `values` is a `str` column stored in pyarrow (pandas' default text dtype)."""
    return values.dtype == "str" and values.dtype.storage == "pyarrow"


def arrow_text(values: pd.Series) -> pa.Array:
    """The pyarrow array behind a `str` column, in one chunk, to run pyarrow compute over."""
    array = pa.array(values)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def nfkc(values: pd.Series) -> pd.Series:
    """``values.str.normalize("NFKC")``, the same result, with Python only for cells that may
    change (a `str` column; any other dtype goes through pandas as it is)."""
    if not is_arrow_text(values):
        return values.str.normalize("NFKC")
    array = arrow_text(values)
    stable = pc.match_substring_regex(array, _STABLE).fill_null(True)
    if pc.all(stable).as_py():
        return values.copy()
    todo = pc.invert(stable)
    texts = array.filter(todo).to_pylist()
    done: dict[str, str] = {}
    normalised = [
        done.get(t) or done.setdefault(t, unicodedata.normalize("NFKC", t)) for t in texts
    ]
    out = pc.replace_with_mask(array, todo, pa.array(normalised, type=array.type))
    return pd.Series(out, index=values.index, name=values.name, dtype=values.dtype)

r"""`workbench.extracts.whitespace`: Python's `\s` as a class of characters pyarrow runs."""

import random
import re
import sys

import pandas as pd

from workbench.extracts.whitespace import SPACE_CHARS, WHITESPACE


def test_whitespace_is_pythons_backslash_s():
    python = {chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))}
    assert set(SPACE_CHARS) == python


def test_whitespace_runs_like_backslash_s_in_pandas():
    rng = random.Random(11)
    pool = [*" \t\x0b\x1c\x1f\x85\xa0\u2028\u3000ab-华\u200b\ufeff"]  # \u200b, \ufeff: not \\s
    values = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 5))) for _ in range(3000)]
    series = pd.Series([*values, None], dtype="str")
    expected = [None if v is None else re.sub(r"\s+", "_", v) for v in [*values, None]]
    assert series.str.replace(f"{WHITESPACE}+", "_", regex=True).tolist()[:-1] == expected[:-1]
    found = series.str.contains(WHITESPACE, regex=True).fillna(False).tolist()
    assert found == [v is not None and bool(re.search(r"\s", v)) for v in [*values, None]]

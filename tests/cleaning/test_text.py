import random
import sys
import unicodedata

import pandas as pd

from workbench.cleaning.text import STABLE_RANGES, nfkc


def _stable_characters():
    return [chr(c) for lo, hi in STABLE_RANGES for c in range(lo, hi + 1)]


def test_stable_characters_neither_change_nor_compose():
    chars = _stable_characters()
    assert all(unicodedata.normalize("NFKC", c) == c for c in chars)
    assert not any(unicodedata.decomposition(c) or unicodedata.combining(c) for c in chars)
    # no canonical composition has a stable character as its second part
    stable = set(chars)
    for code in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            assert chr(int(parts[1], 16)) not in stable


def test_same_as_pandas_on_mixed_text():
    rng = random.Random(7)
    pool = [
        *"aZ09 -()\t",
        "（",
        "）",
        "１",
        "Ａ",
        "\u3000",
        "華",
        "为",
        "ﬁ",
        "e\u0301",
        "\uf900",
        "①",
    ]
    values = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 6))) for _ in range(2000)]
    series = pd.Series([*values, None, ""], dtype="str", name="name", index=range(5, 2007))
    pd.testing.assert_series_equal(nfkc(series), series.str.normalize("NFKC"))


def test_other_dtypes_and_empty_columns():
    for series in (
        pd.Series(["ＡＢＣ", None, 1], dtype=object),
        pd.Series([], dtype="str"),
        pd.Series([None, None], dtype="str"),
        pd.Series(["plain", "华为"], dtype="str"),
    ):
        pd.testing.assert_series_equal(nfkc(series), series.str.normalize("NFKC"))

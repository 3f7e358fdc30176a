"""Identifiers with valid check characters: USCC, resident ID numbers, phones, e-mail parts.

The check characters are computed vectorised with the published algorithms (GB 32100-2015 for
the USCC, GB 11714 for the embedded organisation code, GB 11643 for the resident ID); the tests
compare them with ``stdnum.cn``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from workbench.demo.draw import digits, from_bytes, to_bytes

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
_RIC_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])
_USCC_VALUE = np.full(128, -1, dtype=np.int64)
for _i, _c in enumerate(USCC_ALPHABET):
    _USCC_VALUE[ord(_c)] = _i
_ALNUM_VALUE = np.full(128, -1, dtype=np.int64)
for _c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _ALNUM_VALUE[ord(_c)] = int(_c, 36)
_USCC_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPQRTUWXY", dtype=np.uint8)

MOBILE_PREFIXES: tuple[str, ...] = (
    *(f"13{d}" for d in range(10)), "147", "150", "151", "152", "153", "155", "156", "157",
    "158", "159", "166", "173", "175", "176", "177", "178", *(f"18{d}" for d in range(10)),
    "191", "198", "199",
)  # fmt: skip


def uscc_check(first17: np.ndarray) -> np.ndarray:
    """The 18th (check) character of each 17-character USCC prefix."""
    vals = _USCC_VALUE[to_bytes(first17, 17)]
    total = (vals * _USCC_WEIGHTS).sum(axis=1)
    return np.asarray(list(USCC_ALPHABET), dtype=object)[(31 - total % 31) % 31]


def _org_check(body8: np.ndarray) -> np.ndarray:
    vals = _ALNUM_VALUE[body8]
    c = 11 - (vals * _ORG_WEIGHTS).sum(axis=1) % 11
    return np.where(c == 10, ord("X"), np.where(c == 11, ord("0"), c + ord("0"))).astype(np.uint8)


def make_uscc(
    rng: np.random.Generator, admin_codes: np.ndarray, new_style: np.ndarray
) -> np.ndarray:
    """Unified social credit codes: 91 + admin code + organisation code (+ its check) + check.

    ``new_style`` companies (registered after 2015) get an ``MA…`` organisation code.
    """
    n = len(admin_codes)
    body = rng.integers(ord("0"), ord("9") + 1, size=(n, 8), dtype=np.uint8)
    letters = _USCC_LETTERS[rng.integers(0, len(_USCC_LETTERS), size=(n, 6))]
    mixed = np.where(rng.random((n, 6)) < 0.35, letters, body[:, 2:])
    body[new_style, 0] = ord("M")
    body[new_style, 1] = ord("A")
    body[new_style, 2:] = mixed[new_style]
    org = np.concatenate([body, _org_check(body)[:, None]], axis=1)
    first17 = np.asarray("91" + admin_codes.astype(str), dtype=object) + from_bytes(org)
    return first17 + uscc_check(first17)


def ric_check(first17: np.ndarray) -> np.ndarray:
    """The 18th (check) character of each 17-digit resident ID prefix."""
    vals = to_bytes(first17, 17).astype(np.int64) - ord("0")
    c = (12 - (vals * _RIC_WEIGHTS).sum(axis=1) % 11) % 11
    return np.where(c == 10, "X", c.astype(str)).astype(object)


def make_id_numbers(
    rng: np.random.Generator, area: np.ndarray, birth8: np.ndarray, male: np.ndarray
) -> np.ndarray:
    """Resident ID numbers: area code + birth date + sequence (odd for men) + check digit."""
    seq = rng.integers(0, 500, size=len(area)) * 2 + male.astype(np.int64)
    first17 = area + birth8 + np.char.zfill(seq.astype(str), 3).astype(object)
    return first17 + ric_check(first17)


def wrong_check(values: np.ndarray, alphabet: str, rng: np.random.Generator) -> np.ndarray:
    """Same codes with the last (check) character replaced by a different valid character."""
    out = values.copy()
    for i, v in enumerate(values):  # only the ~1 % of defective rows pass here
        options = [c for c in alphabet if c != v[-1]]
        out[i] = v[:-1] + options[rng.integers(len(options))]
    return out


def make_mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    """11-digit mainland mobile numbers with real 3-digit prefixes."""
    prefix = np.asarray(MOBILE_PREFIXES, dtype=object)[rng.integers(0, len(MOBILE_PREFIXES), n)]
    return prefix + digits(rng, n, 8)


def make_landlines(rng: np.random.Generator, area_codes: np.ndarray) -> np.ndarray:
    """Landlines ``0571-87654321``: the city's area code and an 8-digit local number."""
    return area_codes + "-" + digits(rng, len(area_codes), 8, first=(2, 8))


def redraw_duplicates(values: np.ndarray, redraw: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Replace repeated values (after the first) by fresh draws until all are unique."""
    values = values.copy()
    for _ in range(20):
        dup = pd.Series(values, dtype=object).duplicated().to_numpy()  # hashing, not sorting
        if not dup.any():
            return values
        values[dup] = redraw(np.flatnonzero(dup))
    raise RuntimeError("could not draw unique identifiers")

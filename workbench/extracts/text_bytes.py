"""Arrow text read at the byte level, where a whole column's question has a byte answer: which
cells start with a given character, which cells are ISO (or compact 20240501) dates and what
moment each is.

A module of its own so that `workbench.extracts.parsers` keeps to parsing rules; these read
the UTF-8 bytes behind a pyarrow large_string array without copying them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# pandas' datetime64[ns] holds 1677-09-21 … 2262-04-11: whole years strictly between these
_FIRST_YEAR, _LAST_YEAR = pd.Timestamp.min.year, pd.Timestamp.max.year
# ISO shapes: their length in bytes, each field's (start, end, name), the separators
_ISO_SHAPES = (
    (8, ((0, 4, "year"), (4, 6, "month"), (6, 8, "day")), {}),  # 20240501, as %Y%m%d reads it
    (10, ((0, 4, "year"), (5, 7, "month"), (8, 10, "day")), {4: "-", 7: "-"}),
    (
        19,
        ((0, 4, "year"), (5, 7, "month"), (8, 10, "day"), (11, 13, "hour"), (14, 16, "minute"),
         (17, 19, "second")),
        {4: "-", 7: "-", 10: " ", 13: ":", 16: ":"},
    ),
)  # fmt: skip
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def offsets_and_bytes(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A large_string array's cell offsets (one more than its cells) and UTF-8 bytes, no copy."""
    _, offsets, data = text.buffers()
    offsets = np.frombuffer(offsets, np.int64)[text.offset : text.offset + len(text) + 1]
    return offsets, np.frombuffer(data or b"", np.uint8)


def first_byte_in(text: pa.Array, characters: tuple[str, ...]) -> np.ndarray:
    """True where a cell starts with one of the ASCII `characters` (its first byte is one: no
    byte of a longer UTF-8 character is ASCII); False for empty and missing cells."""
    offsets, data = offsets_and_bytes(text)
    filled = offsets[1:] > offsets[:-1]
    wanted = np.zeros(256, bool)
    wanted[[ord(c) for c in characters]] = True
    out = np.zeros(len(text), bool)
    out[filled] = wanted[data[offsets[:-1][filled]]]
    return out & pc.is_valid(text).to_numpy(zero_copy_only=False)


def iso_moments(trimmed: pa.Array) -> np.ndarray:
    """Stripped cells written 2024-05-01, 2024-05-01 08:30:00 or 20240501 as datetime64[ns], NaT
    for any other cell and for one whose fields are no moment (2024-02-30, 10:00:60, year 0001)."""
    out = np.full(len(trimmed), np.datetime64("NaT"), "datetime64[ns]")
    if not len(trimmed):
        return out
    lengths = pc.fill_null(pc.binary_length(trimmed), 0).to_numpy()
    for width, fields, separators in _ISO_SHAPES:
        shaped = lengths == width
        if shaped.any():  # the cells of this length packed one after the other: a matrix
            offsets, data = offsets_and_bytes(trimmed.filter(pa.array(shaped)))
            cells = data[offsets[0] : offsets[-1]].reshape(-1, width)
            stamps, ok = _iso_stamps(cells, fields, separators)
            out[np.flatnonzero(shaped)[ok]] = stamps[ok]
    return out


def _iso_stamps(
    cells: np.ndarray, fields: tuple, separators: dict[int, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of `cells` (one byte per column) as moments, and whether each is one: each byte the
    shape's digit or separator, each field in range, the year inside pandas'."""
    ok = np.ones(len(cells), bool)
    for at, separator in separators.items():
        ok &= cells[:, at] == ord(separator)
    value = {}
    for start, end, name in fields:
        number = np.zeros(len(cells), np.int64)
        for at in range(start, end):
            digit = cells[:, at] - np.uint8(ord("0"))  # a non-digit wraps round to above 9
            ok &= digit <= 9
            number = number * 10 + digit
        value[name] = number
    seconds, ok = day_seconds(value["year"], value["month"], value["day"], ok)
    if "hour" in value:
        hour, minute, second = value["hour"], value["minute"], value["second"]
        ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
        seconds += hour * 3600 + minute * 60 + second
    stamps = np.where(ok, seconds, 0) * 1_000_000_000  # no overflow where the cell is no moment
    return stamps.view("datetime64[ns]"), ok


def day_seconds(
    year: np.ndarray, month: np.ndarray, day: np.ndarray, ok: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Seconds from 1970-01-01 to each date (0 where it is none), and `ok` narrowed to the dates
    that are days inside pandas' years (no 2024-02-30): one lookup of the month's first day."""
    ok = ok & (year > _FIRST_YEAR) & (year < _LAST_YEAR) & (month >= 1) & (month <= 12)
    at = np.where(ok, (year - _FIRST_YEAR - 1) * 12 + month - 1, 0)
    ok &= (day >= 1) & (day <= _MONTH_LENGTHS[at])
    return np.where(ok, _MONTH_STARTS[at] + day - 1, 0) * 86_400, ok


def _days_since_epoch(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days from 1970-01-01 to each proleptic Gregorian date (H. Hinnant's days_from_civil)."""
    year = year - (month <= 2)
    era = year // 400
    of_era = year - era * 400
    of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    return era * 146_097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719_468


def _month_table() -> tuple[np.ndarray, np.ndarray]:
    """Each month of pandas' whole years (1678-01 … 2261-12): its first day since 1970-01-01
    and its length in days; a month's index is (year - 1678) * 12 + month - 1."""
    years = np.repeat(np.arange(_FIRST_YEAR + 1, _LAST_YEAR), 12)
    months = np.tile(np.arange(1, 13), _LAST_YEAR - _FIRST_YEAR - 1)
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    lengths = _DAYS_IN_MONTH[months] + (leap & (months == 2))
    return _days_since_epoch(years, months, np.ones_like(years)), lengths


_MONTH_STARTS, _MONTH_LENGTHS = _month_table()

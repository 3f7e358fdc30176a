"""Day-number arithmetic and fast date formatting for the generator.

Dates are carried internally as int64 day numbers (days since 1970-01-01) with ``NO_DATE`` for
"no date", so every process is plain integer numpy; strings are made once, by table lookup.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

NO_DATE = np.iinfo(np.int64).min
_EPOCH = np.datetime64("1970-01-01", "D")


def day_number(text: str) -> int:
    """Day number of an ISO date string (``2024-12-31``)."""
    return int((np.datetime64(text, "D") - _EPOCH).astype(np.int64))


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day arrays of day numbers (all must be real dates)."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    y = years.astype(np.int64) + 1970
    m = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    dd = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, dd


def year_start(year: int) -> int:
    """Day number of 1 January of ``year``."""
    return day_number(f"{year:04d}-01-01")


def iso(days: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` strings (object array) for day numbers; ``""`` where ``NO_DATE``."""
    return _lookup(days, lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}")


def compact(days: np.ndarray) -> np.ndarray:
    """``YYYYMMDD`` strings (object array) for day numbers; used inside ids."""
    return _lookup(days, lambda y, m, d: f"{y:04d}{m:02d}{d:02d}")


def stamped_ids(prefix: str, days: np.ndarray, serial: np.ndarray, width: int) -> np.ndarray:
    """Ids ``prefix + yyyymmdd + serial`` (serial zero-padded to ``width``), built as bytes."""
    y, m, d = ymd(days)
    number = (y * 10_000 + m * 100 + d) * 10**width + np.asarray(serial, dtype=np.int64)
    k = 8 + width
    mat = np.empty((len(number), 1 + k), dtype=np.uint8)
    mat[:, 0] = ord(prefix)
    for j in range(k):
        mat[:, 1 + j] = number // 10 ** (k - 1 - j) % 10 + ord("0")
    return mat.view(f"S{1 + k}").ravel().astype(f"U{1 + k}").astype(object)


ALT_FORMATS: tuple[str, ...] = ("slash", "chinese", "compact", "dotted")


def alt_format(days: np.ndarray, style: np.ndarray) -> np.ndarray:
    """Non-canonical renderings (2024/5/1, 2024年5月1日, 20240501, 2024.05.01) of real dates."""
    fmts = (
        lambda y, m, d: f"{y}/{m}/{d}",
        lambda y, m, d: f"{y}年{m}月{d}日",
        lambda y, m, d: f"{y:04d}{m:02d}{d:02d}",
        lambda y, m, d: f"{y:04d}.{m:02d}.{d:02d}",
    )
    out = np.empty(len(days), dtype=object)
    style = np.asarray(style)
    for k, fmt in enumerate(fmts):
        sel = style == k
        if sel.any():
            out[sel] = _lookup(np.asarray(days)[sel], fmt)
    return out


def _lookup(days: np.ndarray, fmt: Callable[[int, int, int], str]) -> np.ndarray:
    """Format each distinct day once and index: dates repeat a lot in big tables."""
    days = np.asarray(days, dtype=np.int64)
    out = np.full(len(days), "", dtype=object)
    real = days != NO_DATE
    if not real.any():
        return out
    uniq, inverse = np.unique(days[real], return_inverse=True)
    y, m, d = ymd(uniq)
    table = np.array([fmt(a, b, c) for a, b, c in zip(y, m, d, strict=True)], dtype=object)
    out[real] = table[inverse]
    return out

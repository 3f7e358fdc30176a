"""Vectorised parsers for the values CRM exports mangle: dates and amounts.

Each parser tries the canonical format on the whole column first and only does string work on
what is left, so a clean 10M-row column costs one pass. Each returns the parsed values plus a
mask of cells that held something but could not be parsed (missing ≠ garbage).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.extracts.raw import TEXT
from workbench.extracts.text_bytes import (
    day_seconds,
    first_byte_in,
    iso_moments,
    offsets_and_bytes,
)
from workbench.extracts.whitespace import SPACE_CHARS

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_EARLIEST, _LATEST = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")
LOCAL_TZ = "Asia/Shanghai"  # zone-aware timestamps (SQL timestamptz) become Beijing time
_MISSING_TOKENS = frozenset({"", "nan", "none", "null", "na", "n/a", "-", "--", "—", "无", "空"})
_TOKEN_LENGTH = max(len(token) for token in _MISSING_TOKENS)
# A cell that lower-cases to a token is as long in UTF-8 as the token: the non-ASCII tokens have
# no case, and no non-ASCII character lower-cases to an ASCII letter of one (only İ→i, K→k do).
_TOKEN_BYTES = max(len(token.encode()) for token in _MISSING_TOKENS)
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y%m%d")
# A moment with a fraction of a second, as databases export them and fastexcel writes a date cell
# that has one (2024-05-01 08:30:00.500): read before the dots become dashes.
_FRACTIONAL_MOMENT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{1,9}"
# A date without separators has all 8 digits: 202412 (a month?) or 2024111 (1-11 or 11-1?) is no day.
_COMPACT_DATE = r"[0-9]{8}"
_UNIT_MULTIPLIERS = {"亿": 1e8, "万": 1e4, "千": 1e3, "k": 1e3, "w": 1e4}
# Serial days that are plausible Excel dates: 1954-10-03 … 2119-01-11.
_EXCEL_SERIAL_RANGE = (20_000, 80_000)
_MAX_EXACT_INTEGER = 2**53  # beyond this a float no longer holds every integer
_GROUPED_NUMBER = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
# Excel, WPS and LibreOffice run a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@")
# …but a signed number or phone number (+86 138-0013-8000, -500) is harmless data.
_SIGNED_NUMBER = r"[+-][\d\s().,/-]*"


def missing_mask(values: pd.Series) -> pd.Series:
    """True where a cell is empty or a conventional 'no value' token (NaN, 空, '-', …)."""
    if values.dtype.kind in "mMfiub":
        return values.isna()
    text = _arrow_text(values)
    if text is not None:  # text as read, or object cells as `astype("str")` makes them
        hits = _token_hits(pc.utf8_trim_whitespace(text))
        return pd.Series(values.isna().to_numpy() | hits, index=values.index, name=values.name)
    if isinstance(values.dtype, pd.StringDtype):
        return _missing_text(_stripped(values))
    text = values.astype("str").str.strip().str.lower()
    return values.isna() | text.isin(_MISSING_TOKENS)


def _arrow_text(values: pd.Series) -> pa.Array | None:
    """The cells as one Arrow text array: a pandas "str" column's own (no copy), object cells
    as `astype("str")` makes them (missing stays null); None for any other dtype."""
    if values.dtype == object:
        values = values.astype("str")
    return _large_text(values) if values.dtype == TEXT else None


def _large_text(values: pd.Series) -> pa.Array:
    """A text column's cells as one Arrow large_string array (no copy for pandas' "str")."""
    text = pa.array(values.array)
    if isinstance(text, pa.ChunkedArray):  # several chunks, or none when empty
        text = text.combine_chunks() if text.num_chunks else pa.array([], text.type)
    return text if pa.types.is_large_string(text.type) else text.cast(pa.large_string())


def _token_hits(trimmed: pa.Array, rows: np.ndarray | None = None) -> np.ndarray:
    """True where a stripped cell, lower-cased, is a 'no value' token; only cells short enough
    to be one (and among `rows`, when given) are lower-cased and looked up."""
    lengths = pc.fill_null(pc.binary_length(trimmed), _TOKEN_BYTES + 1).to_numpy()
    candidates = lengths <= _TOKEN_BYTES
    if rows is not None:
        candidates &= rows
    hits = np.zeros(len(trimmed), bool)
    at = np.flatnonzero(candidates)
    if len(at):
        lowered = pc.utf8_lower(trimmed.take(pa.array(at)))
        found = pc.is_in(lowered, value_set=pa.array(sorted(_MISSING_TOKENS), trimmed.type))
        hits[at[found.to_numpy(zero_copy_only=False)]] = True
    return hits


def _missing_among(values: pd.Series, trimmed: pa.Array | None, rows: np.ndarray) -> np.ndarray:
    """`missing_mask` of the cells at `rows` (a boolean mask); other cells' answer is unused.

    A parser needs it only where its fast path found no value, so the rest is not looked at."""
    if trimmed is not None:
        return values.isna().to_numpy() & rows | _token_hits(trimmed, rows)
    missing = np.zeros(len(values), bool)
    if rows.any():
        missing[rows] = missing_mask(values[rows]).to_numpy(bool)
    return missing


def _str_series(text: pa.Array, like: pd.Series) -> pd.Series:
    """An Arrow text array as a pandas "str" series on `like`'s index and name (no copy)."""
    return pd.Series(TEXT.__from_arrow__(text), index=like.index, name=like.name, copy=False)


def _stripped(values: pd.Series) -> pd.Series:
    """Text cells without surrounding whitespace (Unicode's, as `str.strip`), missing kept."""
    return values.str.strip() if isinstance(values.dtype, pd.StringDtype) else values


def _missing_text(text: pd.Series) -> pd.Series:
    """`missing_mask` of stripped text: only cells as short as a token are lower-cased and
    looked up (most cells of a column are longer)."""
    missing = text.isna().to_numpy(copy=True)
    short = (text.str.len() <= _TOKEN_LENGTH).fillna(False).to_numpy(bool)
    if short.any():
        candidates = text[short].str.lower().isin(_MISSING_TOKENS).to_numpy(bool)
        missing[np.flatnonzero(short)[candidates]] = True
    return pd.Series(missing, index=text.index, name=text.name)


def _to_text(values: pd.Series) -> pd.Series:
    """NFKC-normalised, stripped text: full-width digits and punctuation become ASCII."""
    text = values.astype("str")
    if text.dtype == TEXT and len(text):  # ASCII is NFKC already: only the other cells change
        ascii_ = pc.fill_null(pc.string_is_ascii(pa.array(text.array)), True)
        wide = ~ascii_.to_numpy(zero_copy_only=False)
        if wide.any():
            text = text.copy()
            text[wide] = text[wide].str.normalize("NFKC")
        return text.str.strip()
    return text.str.normalize("NFKC").str.strip()


# Every character pandas' number parser may read: digits, sign, point, exponent, inf, nan, ASCII
# space. A cell holding any other (52万, ¥12, 2024/5/1, 1,000) is no number to `pd.to_numeric`.
_NUMBER_CHARACTERS = r"^[0-9eE.+\-\x00-\x20infatyINFATY]*$"


def _numbers(values: pd.Series) -> pd.Series:
    """`pd.to_numeric(values, errors="coerce")` as float64, only trying the text cells made of
    `_NUMBER_CHARACTERS` (the others are NaN to it as well): it is slow on the rest."""
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    tried = np.ones(len(values), bool)
    if isinstance(values.dtype, pd.StringDtype) and len(values):
        text = _large_text(values)
        tried = pc.match_substring_regex(text, _NUMBER_CHARACTERS)
        tried = pc.fill_null(tried, True).to_numpy(zero_copy_only=False)
    if tried.any():
        out[tried] = pd.to_numeric(values[tried], errors="coerce").astype("float64")
    return out


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse mixed-format dates (2024-05-01, 2024/5/1, 2024年5月1日, 20240501, Excel serials,
    and year-last 12/1/2010 8:26 with the day/month order read from the column).

    Returns (datetime64[ns] series with NaT, mask of present-but-unparseable cells).
    """
    if values.dtype.kind == "M":
        if getattr(values.dt, "tz", None) is not None:  # timestamptz → Beijing wall-clock time
            values = values.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
        inside = values.isna() | values.between(_EARLIEST, _LATEST)
        return values.where(inside).astype("datetime64[ns]"), ~inside
    trimmed = _trimmed_text(values)
    out = _iso_dates(values, trimmed)  # most cells of an export: one vectorised pass
    if trimmed is not None:
        out = _separated_dates(trimmed, out)
    if values.dtype == object:  # date/datetime cells (XLSX, SQL) converted in bulk
        out = _date_cells(values, out)
    rest = out.isna().to_numpy()  # only these can be missing or need the slow path
    todo = pd.Series(rest & ~_missing_among(values, trimmed, rest), index=values.index)
    if todo.any():
        numeric = _numbers(values[todo])
        serial = numeric.between(*_EXCEL_SERIAL_RANGE) & (numeric % 1 == 0)
        if serial.any():
            idx = serial[serial].index
            out.loc[idx] = EXCEL_EPOCH + pd.to_timedelta(numeric[idx], unit="D")
            todo.loc[idx] = False
    if todo.any():
        text = _to_text(values[todo])
        fractional = text.str.strip().str.fullmatch(_FRACTIONAL_MOMENT)
        if fractional.any():
            moments = text[fractional].str.strip().str.replace("T", " ", regex=False)
            parsed = pd.to_datetime(moments, format="%Y-%m-%d %H:%M:%S.%f", errors="coerce")
            ok = parsed.notna() & parsed.between(_EARLIEST, _LATEST)
            out.loc[ok[ok].index] = parsed[ok]
            text = text.drop(ok[ok].index)
        text = (
            text.str.replace(r"[年/.]", "-", regex=True)
            .str.replace("月", "-", regex=False)
            .str.replace(r"[日号]", "", regex=True)
            .str.replace("T", " ", regex=False)
            .str.strip()
        )
        # strptime reads second 60 (a leap second) and rolls it into the next minute: no moment
        text = text.mask(text.str.contains(r":60$", regex=True), "")
        for fmt in _DATE_FORMATS:
            if text.empty:
                break
            tried = text if "-" in fmt else text.where(text.str.fullmatch(_COMPACT_DATE), "")
            parsed = pd.to_datetime(tried, format=fmt, errors="coerce")
            ok = parsed.notna() & parsed.between(_EARLIEST, _LATEST)  # year 0001 is no date
            out.loc[ok[ok].index] = parsed[ok]
            text = text[~ok]
        if not text.empty:
            parsed = _year_last(text)
            out.loc[parsed.index] = parsed
            text = text.drop(parsed.index)
        todo = pd.Series(False, index=values.index)
        todo.loc[text.index] = True
    return out, todo


def _trimmed_text(values: pd.Series) -> pa.Array | None:
    """A text column's cells without surrounding whitespace, as one Arrow large_string array
    (a pandas "str" column's own, no copy but the trim); None for other dtypes."""
    if not isinstance(values.dtype, pd.StringDtype):
        return None
    return pc.utf8_trim_whitespace(_large_text(values))


def _date_cells(values: pd.Series, out: pd.Series) -> pd.Series:
    """`out` with the object column's date/datetime cells filled in; an out-of-range one
    (0001-01-01, 9999-12-31) stays NaT, for the slow path to flag."""
    cells = values.to_numpy()
    kinds, types = pd.factorize(np.fromiter(map(type, cells), object, len(cells)))
    dated = np.array([issubclass(t, dt.date | np.datetime64) for t in types], bool)
    stamped = dated[kinds] if len(cells) else np.zeros(0, bool)  # each type checked once
    if stamped.any():
        stamps = _stamps64(values[stamped])
        out.loc[stamps.index] = stamps
    return out


def _stamps64(values: pd.Series) -> pd.Series:
    """`_stamps` as datetime64[ns] (NaT where None), without a Timestamp object per cell."""
    try:
        converted = pd.to_datetime(values.to_numpy(), errors="coerce")
    except (ValueError, TypeError):  # zone-aware and naive cells mixed: `_stamps` cell by cell
        converted = None
    if converted is None:
        good = _stamps(values).dropna()
        return pd.Series(pd.to_datetime(list(good)).astype("datetime64[ns]"), index=good.index)
    if converted.tz is not None:
        converted = converted.tz_convert(LOCAL_TZ).tz_localize(None)
    inside = (converted >= _EARLIEST) & (converted <= _LATEST)
    stamps = pd.Series(converted.where(inside).astype("datetime64[ns]"), index=values.index)
    if not inside.all():  # out of range, or offsets pandas would not mix: cell by cell
        again = values[~inside].map(_timestamp).dropna()
        if len(again):
            stamps[again.index] = pd.to_datetime(list(again)).astype("datetime64[ns]")
    return stamps.dropna()


def _iso_dates(values: pd.Series, trimmed: pa.Array | None = None) -> pd.Series:
    """Text cells already in ISO form (2024-05-01, 2024-05-01 08:30:00) parsed from their bytes
    in one pass, NaT elsewhere: the slow path then sees only the rest. A cell whose fields are
    no moment (2024-02-30, 10:00:60) is left to the slow path (which rejects it), as is a year
    outside pandas' range."""
    if trimmed is None:
        trimmed = _trimmed_text(values)
    if trimmed is None:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    return pd.Series(iso_moments(trimmed), index=values.index)


# 2024/5/1, 2024.5.1, 2024年5月1日, 2024-5-1号: dates the slow path reads as %Y-%m-%d once its
# separators are dashes; a cell of another shape (a time, a year-last date) is left to it.
_SEPARATED_DATE = r"^(?P<y>[0-9]{4})[年/.\-](?P<m>[0-9]{1,2})[月/.\-](?P<d>[0-9]{1,2})[日号]?$"


def _separated_dates(trimmed: pa.Array, out: pd.Series) -> pd.Series:
    """`out` with the cells it lacks that are dates `_SEPARATED_DATE` reads filled in, from the
    fields' digits: what the slow path's `%Y-%m-%d` gives them, without its regex replaces and
    strptime. A cell whose fields are no day (2024/2/30) stays NaT, for the slow path to flag."""
    rest = np.flatnonzero(
        out.isna().to_numpy() & pc.is_valid(trimmed).to_numpy(zero_copy_only=False)
    )
    if not len(rest):
        return out
    parts = pc.extract_regex(trimmed.take(pa.array(rest)), _SEPARATED_DATE)
    matched = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    if not matched.any():
        return out
    parts = parts.filter(pa.array(matched))
    year, month, day = (
        pc.cast(parts.field(i), pa.int64()).to_numpy(zero_copy_only=False) for i in range(3)
    )
    seconds, ok = day_seconds(year, month, day, np.ones(len(year), bool))
    out = out.copy()
    stamps = (seconds[ok] * 1_000_000_000).view("datetime64[ns]")
    out.iloc[rest[matched][ok]] = stamps
    return out


_YEAR_LAST = r"(\d{1,2})-(\d{1,2})-(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?"


def _year_last(text: pd.Series) -> pd.Series:
    """Dates written with the year last (12/1/2010 8:26, exports of US or UK systems), parsed
    once the column shows its order: a first number above 12 somewhere means day first, a
    second above 12 month first; with neither, month first (the US order of English exports).
    A column showing both orders is left unparsed. Returns only the values it could parse."""
    parts = text.str.extract("^" + _YEAR_LAST + "$").dropna()
    if parts.empty:
        return pd.Series(dtype="datetime64[ns]")
    first, second = parts[0].astype(int), parts[1].astype(int)
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first and month_first:
        return pd.Series(dtype="datetime64[ns]")
    order = "%d-%m-%Y" if day_first else "%m-%d-%Y"
    candidates = text.loc[parts.index]
    parsed = pd.Series(pd.NaT, index=candidates.index, dtype="datetime64[ns]")
    for fmt in (order, order + " %H:%M", order + " %H:%M:%S"):
        tried = pd.to_datetime(candidates, format=fmt, errors="coerce")
        tried = tried.where((tried >= _EARLIEST) & (tried <= _LATEST))  # 1-2-0451: not a date
        parsed = parsed.fillna(tried)
    return parsed.dropna().astype("datetime64[ns]")


def _stamps(values: pd.Series) -> pd.Series:
    """Date/datetime cells (XLSX, SQL) as naive Timestamps (Beijing time if they had a zone),
    None where out of range: one vectorised conversion, cell by cell only where it failed."""
    try:
        converted = pd.to_datetime(values.to_numpy(), errors="coerce")
    except (ValueError, TypeError):  # zone-aware and naive cells mixed
        return values.map(_timestamp)
    if converted.tz is not None:
        converted = converted.tz_convert(LOCAL_TZ).tz_localize(None)
    inside = (converted >= _EARLIEST) & (converted <= _LATEST)
    stamps = pd.Series(converted.where(inside), index=values.index, dtype=object)
    if not inside.all():  # out of range, or offsets pandas would not mix: cell by cell
        stamps[~inside] = values[~inside].map(_timestamp)
    return stamps.where(stamps.notna(), None)


def _timestamp(value: object) -> pd.Timestamp | None:
    """A date/datetime cell as a naive Timestamp (Beijing time if it had a zone), or None."""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, OverflowError):
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(LOCAL_TZ).tz_localize(None)
    return stamp if _EARLIEST <= stamp <= _LATEST else None


def parse_amounts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse money and counts as floats: 500,000 · 52万元 · ¥1.2万 · ￥12,000.00 · 8次 · 1.5亿.

    Returns (float64 series with NaN, mask of present-but-unparseable cells). Signs are kept:
    a negative amount is a contradiction to flag downstream, not a parse error.
    """
    trimmed = _trimmed_text(values)
    out = _plain_numbers(values, trimmed)  # most cells of an export: one vectorised pass
    empty = out.isna().to_numpy()  # only these can be missing
    missing = pd.Series(_missing_among(values, trimmed, empty), index=values.index)
    rest = out.isna() & ~missing
    if rest.any():
        out[rest] = _finite(_numbers(values[rest])).to_numpy()  # in order: no alignment
    todo = out.isna() & ~missing
    if todo.any():
        text = (
            _to_text(values[todo])
            .str.lower()
            .str.replace(f"[{SPACE_CHARS}¥$]|rmb|cny|人民币", "", regex=True)  # in pyarrow
            .str.replace(r"(元|块|次|件|个|单|笔)$", "", regex=True)
        )
        multiplier = pd.Series(1.0, index=text.index)
        for unit, factor in _UNIT_MULTIPLIERS.items():
            has_unit = text.str.endswith(unit)
            multiplier[has_unit] = factor
            text = text.where(~has_unit, text.str.slice(0, -len(unit)))
        # A comma is a thousands separator only between groups of three digits: 1,2,3 is not 123.
        commas = text.str.contains(",", regex=False)
        grouped = text.str.fullmatch(_GROUPED_NUMBER)
        text = text.where(~commas | grouped, "").str.replace(",", "", regex=False)
        out.loc[text.index] = _finite(pd.to_numeric(text, errors="coerce") * multiplier)
        todo = out.isna() & ~missing
    return out, todo


_PLAIN_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"


def _plain_numbers(values: pd.Series, trimmed: pa.Array | None = None) -> pd.Series:
    """Text cells that are plain decimals (-1234.50) as floats by one Arrow cast (correctly
    rounded, as pandas' parser is), NaN elsewhere; numbers stay numbers. 12× `pd.to_numeric`."""
    if values.dtype.kind in "fiub":
        return _finite(values.astype("float64"))
    if trimmed is None:
        trimmed = _trimmed_text(values)
    if trimmed is None or not len(trimmed):
        return pd.Series(np.nan, index=values.index, dtype="float64", name=values.name)
    plain = pc.fill_null(pc.match_substring_regex(trimmed, _PLAIN_NUMBER), False)
    numbers = pc.cast(pc.if_else(plain, trimmed, None), pa.float64())
    numbers = numbers.to_numpy(zero_copy_only=False)
    return _finite(pd.Series(numbers, index=values.index, name=values.name))


def _finite(numbers: pd.Series) -> pd.Series:
    return numbers.where(np.isfinite(numbers))


def parse_integers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse whole numbers (satisfaction 1–5, ages, page counts) into nullable Int64."""
    numbers, bad = parse_amounts(values)
    invalid = numbers.notna() & ((numbers % 1 != 0) | (numbers.abs() > _MAX_EXACT_INTEGER))
    numbers[invalid] = np.nan
    return numbers.astype("Int64"), bad | invalid


def formula_mask(values: pd.Series) -> pd.Series:
    """True where a text cell would run as a formula in Excel/WPS (=, +, -, @ first).

    Signed numbers and phones (-500, +86 138…) are not flagged; nothing is ever evaluated.
    """
    text = values.astype("str").str.strip()
    risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
    if not risky.any():
        return risky
    harmless = text[risky].str.fullmatch(_SIGNED_NUMBER).fillna(False).astype(bool)
    risky.loc[harmless[harmless].index] = False
    return risky & ~missing_mask(values)


def escape_formulas(values: pd.Series) -> pd.Series:
    """Prefix an apostrophe to cells `formula_mask` flags, so spreadsheets show them as text."""
    risky = formula_mask(values)
    if not risky.any():
        return values
    out = values.astype(object).copy()
    out[risky] = "'" + values[risky].astype("str").str.strip()
    return out


def parse_text(values: pd.Series) -> pd.Series:
    """Strip surrounding whitespace and turn empty/'no value' tokens into missing."""
    return _text(values)[0]


def parse_text_flagged(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`parse_text` and the `formula_mask` of its result, from one strip of the cells (the
    loader's text columns: most of a load's cells)."""
    typed, kept = _text(values)
    if kept is None:
        return typed, formula_mask(typed)
    risky = first_byte_in(kept, FORMULA_PREFIXES)
    if risky.any():  # few cells: pandas' own match decides, as in `formula_mask`
        harmless = typed[risky].str.fullmatch(_SIGNED_NUMBER).fillna(False).to_numpy(bool)
        risky[np.flatnonzero(risky)[harmless]] = False
    return typed, pd.Series(risky, index=values.index, name=values.name)


def _text(values: pd.Series) -> tuple[pd.Series, pa.Array | None]:
    """`parse_text`'s result, and its Arrow array when the cells were text or objects."""
    text = _arrow_text(values)
    if text is None:
        stripped = values.astype("str").str.strip()
        if isinstance(values.dtype, pd.StringDtype):  # stripped once: the missing test reuses it
            return stripped.mask(_missing_text(stripped)), None
        return stripped.mask(missing_mask(values)), None
    trimmed = pc.utf8_trim_whitespace(text)
    if _byte_count(trimmed) == _byte_count(text):  # nothing trimmed: the cells as read, so the
        trimmed = text  # typed column shares the reader's buffers (1M customers: 1.3 GB less)
    missing = values.isna().to_numpy() | _token_hits(trimmed)
    kept = _nulled(trimmed, missing) if missing.any() else trimmed
    return _str_series(kept, values), kept


def _byte_count(text: pa.Array) -> int:
    """The bytes of all a large_string array's cells, from its offsets (no pass over them)."""
    offsets, _ = offsets_and_bytes(text)
    return int(offsets[-1] - offsets[0])


def _nulled(text: pa.Array, missing: np.ndarray) -> pa.Array:
    """`text` with the cells at `missing` null: a new validity bitmap over the same offsets and
    bytes, where `if_else` copies every cell (a null cell's bytes are never read)."""
    if text.offset:  # the bitmap would have to start at the same bit: copy instead
        return pc.if_else(missing, pa.scalar(None, text.type), text)
    valid = pa.array(~missing)  # `missing` holds the null cells too
    buffers = [valid.buffers()[1], *text.buffers()[1:]]
    return pa.Array.from_buffers(text.type, len(text), buffers, len(text) - valid.true_count)

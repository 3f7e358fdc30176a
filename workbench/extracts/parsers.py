"""Vectorised parsers for the values CRM exports mangle: dates and amounts.

Each parser tries the canonical format on the whole column first and only does string work on
what is left, so a clean 10M-row column costs one pass. Each returns the parsed values plus a
mask of cells that held something but could not be parsed (missing ≠ garbage).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_EARLIEST, _LATEST = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")
LOCAL_TZ = "Asia/Shanghai"  # zone-aware timestamps (SQL timestamptz) become Beijing time
_MISSING_TOKENS = frozenset({"", "nan", "none", "null", "na", "n/a", "-", "--", "—", "无", "空"})
_TOKEN_LENGTH = max(len(token) for token in _MISSING_TOKENS)
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y%m%d")
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
    if isinstance(values.dtype, pd.StringDtype):
        return _missing_text(_stripped(values))
    text = values.astype("str").str.strip().str.lower()
    return values.isna() | text.isin(_MISSING_TOKENS)


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
    return values.astype("str").str.normalize("NFKC").str.strip()


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse mixed-format dates (2024-05-01, 2024/5/1, 2024年5月1日, 20240501, Excel serials,
    and year-last 12/1/2010 8:26 with the day/month order read from the column).

    Returns (datetime64[ns] series with NaT, mask of present-but-unparseable cells).
    """
    missing = missing_mask(values)
    if values.dtype.kind == "M":
        if getattr(values.dt, "tz", None) is not None:  # timestamptz → Beijing wall-clock time
            values = values.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
        inside = values.isna() | values.between(_EARLIEST, _LATEST)
        return values.where(inside).astype("datetime64[ns]"), ~inside
    out = _iso_dates(values)  # most cells of an export: one vectorised pass
    todo = ~missing & out.isna()
    is_obj = values.dtype == object
    if is_obj and todo.any():
        stamped = values[todo].map(lambda v: isinstance(v, dt.date | np.datetime64))
        if stamped.any():
            stamps = _stamps(values[stamped[stamped].index])
            good = stamps.dropna()
            if len(good):
                out.loc[good.index] = pd.to_datetime(list(good)).astype("datetime64[ns]")
            todo.loc[good.index] = False  # out-of-range dates (0001-01-01, 9999-12-31) stay bad
    if todo.any():
        numeric = pd.to_numeric(values[todo], errors="coerce")
        serial = numeric.between(*_EXCEL_SERIAL_RANGE) & (numeric % 1 == 0)
        if serial.any():
            idx = serial[serial].index
            out.loc[idx] = EXCEL_EPOCH + pd.to_timedelta(numeric[idx], unit="D")
            todo.loc[idx] = False
    if todo.any():
        text = _to_text(values[todo])
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


# ISO shapes Arrow parses in bulk, and where each field sits in the text (start, end, field)
_ISO_FORMATS = (
    (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "%Y-%m-%d", ((8, 10, "day"),)),
    (
        r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}",
        "%Y-%m-%d %H:%M:%S",
        ((8, 10, "day"), (11, 13, "hour"), (14, 16, "minute"), (17, 19, "second")),
    ),
)


def _iso_dates(values: pd.Series) -> pd.Series:
    """Text cells already in ISO form (2024-05-01, 2024-05-01 08:30:00) parsed by Arrow in one
    pass, NaT elsewhere: the slow path then sees only the rest. Arrow rolls 2024-02-30 over into
    March and 10:00:60 into 10:01, so a parse whose fields differ from the text's is left to the
    slow path (which rejects it), as is a year outside pandas' range."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if not isinstance(values.dtype, pd.StringDtype) or values.empty:
        return out
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(pa.array(values.array))
    parsed = None
    for pattern, fmt, fields in _ISO_FORMATS:
        shaped = pc.fill_null(pc.match_substring_regex(text, f"^{pattern}$"), False)
        if not pc.any(shaped).as_py():
            continue
        candidates = pc.if_else(shaped, text, None)
        stamps = pc.strptime(candidates, format=fmt, unit="s", error_is_null=True)
        year = pc.year(stamps)
        good = pc.and_(pc.greater(year, _EARLIEST.year), pc.less(year, _LATEST.year))
        for start, end, field in fields:
            written = pc.cast(pc.utf8_slice_codeunits(candidates, start, end), pa.int64())
            good = pc.and_(good, pc.equal(getattr(pc, field)(stamps), written))
        stamps = pc.if_else(pc.fill_null(good, False), stamps, None)
        parsed = stamps if parsed is None else pc.coalesce(parsed, stamps)
    if parsed is not None:
        out[:] = parsed.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False)
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
    missing = missing_mask(values)
    out = _plain_numbers(values)  # most cells of an export: one vectorised pass
    rest = out.isna() & ~missing
    if rest.any():
        out[rest] = _finite(pd.to_numeric(values[rest], errors="coerce").astype("float64"))
    todo = out.isna() & ~missing
    if todo.any():
        text = (
            _to_text(values[todo])
            .str.lower()
            .str.replace(r"[\s¥$]|rmb|cny|人民币", "", regex=True)
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


def _plain_numbers(values: pd.Series) -> pd.Series:
    """Text cells that are plain decimals (-1234.50) as floats by one Arrow cast (correctly
    rounded, as pandas' parser is), NaN elsewhere; numbers stay numbers. 12× `pd.to_numeric`."""
    if not isinstance(values.dtype, pd.StringDtype) or values.empty:
        if values.dtype.kind in "fiub":
            return _finite(values.astype("float64"))
        return pd.Series(np.nan, index=values.index, dtype="float64", name=values.name)
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(pa.array(values.array))
    plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN_NUMBER), False)
    numbers = pc.cast(pc.if_else(plain, text, None), pa.float64())
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
    text = values.astype("str").str.strip()
    if isinstance(values.dtype, pd.StringDtype):  # stripped once: the missing test reuses it
        return text.mask(_missing_text(text))
    return text.mask(missing_mask(values))

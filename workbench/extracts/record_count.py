"""The rows an extract file holds, counted on a path of their own: the check that no reader
lost (or invented) a row.

"Rows read" come out of the readers' fast paths (pyarrow, calamine), so a row a reader drops
by mistake also drops out of the reconciliation, which still balances. These counts come
from the file by a second, simple path — Python's `csv` over the decoded text, a regex scan
of the sheet's XML, the Parquet footer — and `check_records` compares them with the rows read.
A row is what the readers keep: below the header, with at least one cell that is not blank.
"""

from __future__ import annotations

import contextlib
import csv
import html
import itertools
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np

from workbench.core.errors import ExtractError
from workbench.extracts.raw import RawExtract
from workbench.extracts.xlsx_parts import XLSX_SUFFIXES, sheet_parts

CHUNK_BYTES = 1 << 20  # XML parts are scanned in 1 MB pieces
CSV_FIELD_LIMIT = 1 << 30  # `csv` refuses fields over 128 kB by default; the reader takes 16 MB
_P = rb"(?:\w+:)?"  # a namespace prefix, as some writers put on every element (<x:row>)
_ROOT = re.compile(rb"<(\w+:)?(?:worksheet|sst)\b")
_MERGE = re.compile(rb"<" + _P + rb'mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):[A-Z]+(\d+)"')
_CELL = re.compile(rb"<" + _P + rb"c\b([^>/]*)>(.*?)</" + _P + rb"c>", re.S)
_REF = re.compile(rb'\br="([A-Z]*)(\d*)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<" + _P + rb"v>([^<]*)</" + _P + rb"v>")
_FORMULA = re.compile(rb"<" + _P + rb"f\b")
_TEXT = re.compile(rb"<" + _P + rb"t(?:\s[^>]*)?>([^<]*)</" + _P + rb"t>")
_PHONETIC = re.compile(rb"<" + _P + rb"rPh\b.*?</" + _P + rb"rPh>", re.S)


def count_records(file: Path, raw: RawExtract) -> int:
    """Rows below the header in `file`, read as `raw` says it was (encoding, delimiter, sheet)."""
    suffix = file.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(file).metadata.num_rows
    if suffix in XLSX_SUFFIXES:
        return len(sheet_rows(file, raw.sheet, raw.header_row))
    with _csv_records(file, raw) as records:
        return sum(1 for record in records if "".join(record).strip())


def record_rows(file: Path, raw: RawExtract) -> np.ndarray:
    """The row number (header = row 1, as the readers number rows) of each row counted."""
    suffix = file.suffix.lower()
    if suffix == ".parquet":
        return np.arange(count_records(file, raw), dtype="int64") + 2
    if suffix in XLSX_SUFFIXES:
        return sheet_rows(file, raw.sheet, raw.header_row)
    with _csv_records(file, raw) as records:
        numbered = enumerate(records, start=raw.header_row + 1)
        return np.array([n for n, record in numbered if "".join(record).strip()], dtype="int64")


def check_records(file: Path, raw: RawExtract, rows_read: int) -> int:
    """The file's own row count, when the typed path read as many rows; otherwise one
    ExtractError line naming the first row the reader lost (a reader's bug, not the file's).

    A file is first counted by a byte scan (`scan_records`); only when that count differs
    from the rows read (or the scan cannot tell) does the exact path (Python's `csv`, the
    sheet's XML cell by cell) count it and decide."""
    if rows_read == scan_records(file, raw):
        return rows_read
    in_file = count_records(file, raw)
    if in_file == rows_read:
        return in_file
    read = np.concatenate([raw.rows.to_numpy(), raw.rejected["row"].to_numpy()]).astype("int64")
    lost = np.setdiff1d(record_rows(file, raw), read)
    what = f"row {lost[0]} is in the file but was not read; " if len(lost) else ""
    raise ExtractError(
        f"{file}: {what}the file holds {in_file:,} rows, the reader returned {rows_read:,}: "
        "a workbench bug, please report it with the file"
    )


# --------------------------------------------------------------------------------------- CSV


@contextlib.contextmanager
def _csv_records(file: Path, raw: RawExtract) -> Iterator[Iterator[list[str]]]:
    """The records below the header, by Python's `csv` (a quoted field may span lines; a blank
    line is a record of its own, as pyarrow numbers them)."""
    limit = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        with file.open(encoding=raw.encoding or "utf-8", errors="replace", newline="") as text:
            records = csv.reader(text, delimiter=raw.delimiter or ",")
            try:
                for _ in itertools.islice(records, raw.header_row):  # the header and lines above
                    pass
                yield records
            except csv.Error as exc:
                raise ExtractError(
                    f"{file}: line {records.line_num}: cannot count the rows ({exc})"
                ) from None
    finally:
        csv.field_size_limit(limit)


def scan_records(file: Path, raw: RawExtract) -> int | None:
    """A fast count of the rows below the header (CSV or XLSX) by a vectorised byte scan, or
    None where it cannot tell; never trusted alone (see `check_records`)."""
    if file.suffix.lower() in XLSX_SUFFIXES:
        return scan_sheet_records(file, raw.sheet, raw.header_row)
    return scan_csv_records(file, raw)


# Encodings in which a byte below 0x80 is always that ASCII character (GBK's and Big5's second
# bytes may be letters or '|', never a quote, a line end or a comma).
_ASCII_SAFE = frozenset({"utf-8", "utf_8", "utf8", "utf-8-sig", "utf_8_sig", "ascii", "gbk",
                         "gb2312", "gb18030", "big5", "cp936", "cp950", "latin-1", "latin_1",
                         "iso-8859-1", "cp1252"})  # fmt: skip
SCAN_BYTES = 1 << 24  # the byte scan reads 16 MB at a time


def scan_csv_records(file: Path, raw: RawExtract, chunk_bytes: int = SCAN_BYTES) -> int | None:
    """Rows below the header by a vectorised byte scan: a line end closes a record where the
    quotes before it are even; a record counts when it has a byte other than blanks, quotes and
    delimiters. None where that reading is not safe (a CSV whose encoding is not ASCII-safe, a
    multi-byte delimiter, bare carriage returns, a file ending inside quotes, not a CSV).

    A shortcut for `count_records`, which decides whenever the two could differ (a stray quote
    inside a field, a record of ideographic spaces): `check_records` trusts this count only when
    it equals the rows read."""
    delimiter = (raw.delimiter or ",").encode("ascii", "replace")
    encoding = (raw.encoding or "utf-8").lower()
    if file.suffix.lower() in (".parquet", *XLSX_SUFFIXES) or encoding not in _ASCII_SAFE:
        return None
    if len(delimiter) != 1 or delimiter in b'"\r\n':
        return None
    blank = b' \t\r\n"' + delimiter
    odd = False  # inside a quoted field where the chunk starts
    content = False  # the record running into the chunk has a byte that is not blank
    pending_cr = False  # the previous chunk ended with a carriage return
    records = counted = 0
    with file.open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            if pending_cr and not chunk.startswith(b"\n"):
                return None
            pending_cr = chunk.endswith(b"\r")
            data = np.frombuffer(chunk, np.uint8)
            lines = np.flatnonzero(data == ord("\n"))
            if b"\r" in chunk and _bare_returns(data, lines) - pending_cr:
                return None  # a bare CR ends a record for `csv`: leave the file to `csv`
            ends, quotes = _record_ends(chunk, lines, odd)
            if len(ends):  # record i: the bytes after end i-1 up to end i (never empty)
                has = _records_filled(chunk, ends, blank)
                has[0] |= content
                content = bool(chunk[ends[-1] + 1 :].translate(None, blank))
            else:
                has = np.zeros(0, bool)
                content = content or bool(chunk.translate(None, blank))
            counted += int(has[max(0, raw.header_row - records) :].sum())
            records += len(ends)
            odd = (quotes + odd) % 2 == 1
    if odd or pending_cr:
        return None
    if content and records >= raw.header_row:  # a last record without a line end
        counted += 1
    return counted


def _bare_returns(data: np.ndarray, lines: np.ndarray) -> int:
    """How many carriage returns in `data` are not followed by its line end (at `lines`)."""
    returns = np.count_nonzero(data == ord("\r"))
    return returns - np.count_nonzero(data[lines[lines > 0] - 1] == ord("\r"))


def _record_ends(chunk: bytes, lines: np.ndarray, odd: bool) -> tuple[np.ndarray, int]:
    """Where the chunk's records end: the line ends (at `lines`) outside quotes, the chunk
    starting inside quotes if `odd`; and how many quotes it holds."""
    if b'"' not in chunk:  # the usual export: no quote, every line end ends a record
        return (lines if not odd else lines[:0]), 0
    quotes = np.flatnonzero(np.frombuffer(chunk, np.uint8) == ord('"'))
    return lines[(np.searchsorted(quotes, lines) + odd) % 2 == 0], len(quotes)


def _records_filled(chunk: bytes, ends: np.ndarray, blank: bytes) -> np.ndarray:
    """Whether each record (the bytes after the previous end up to its end) has a byte that is
    not in `blank`. A record whose first byte is not blank has one: only the others (a leading
    delimiter, a quote, a blank line) are looked at byte by byte."""
    data = np.frombuffer(chunk, np.uint8)
    starts = np.concatenate(([0], ends[:-1] + 1))
    is_blank = np.zeros(256, bool)
    is_blank[list(blank)] = True
    has = ~is_blank[data[starts]]
    unsure = np.flatnonzero(~has)
    if len(unsure) > len(has) // 16 + 64:  # many (every record quoted): all bytes at once
        filled = ~is_blank[data[: ends[-1] + 1]]
        return np.maximum.reduceat(filled.view(np.uint8), starts) > 0
    for i in unsure.tolist():
        has[i] = bool(chunk[starts[i] : ends[i] + 1].translate(None, blank))
    return has


# -------------------------------------------------------------------------------------- XLSX


_ROW_NUMBER = re.compile(rb"<row\b([^>]*)>")
TOKEN_TAIL = 8  # a token cut by a chunk's end is scanned again with the next chunk
SHEET_SCAN_BYTES = 1 << 22  # 4 MB of sheet XML at a time (measured fastest: 1 MB to 16 MB)


def scan_sheet_records(
    file: Path, sheet: str | None, header_row: int, chunk_bytes: int = SHEET_SCAN_BYTES
) -> int | None:
    """Rows below `header_row` holding a value, by a vectorised scan of the sheet's XML: a
    <row> counts when a non-empty <v> or an inline string <is> lies before the next <row>.
    None for sheets it does not read this way (cells merged below the header, namespace
    prefixes). Blank shared
    strings or whitespace values count here and not in `sheet_rows`: `check_records` then lets
    `sheet_rows` decide."""
    try:
        with zipfile.ZipFile(file) as archive:
            part, _ = sheet_parts(archive, sheet)
            with archive.open(part) as source:
                return _scan_rows(source, header_row, chunk_bytes)
    except (zipfile.BadZipFile, KeyError, ExtractError, StopIteration):
        return None


def _scan_rows(source: IO[bytes], header_row: int, chunk_bytes: int) -> int | None:
    filled: list[np.ndarray] = []  # per chunk: whether each <row> begun in it holds a value
    leading: list[int] = []  # numbers of the first rows, to leave out the header's
    tail = b""
    merged: list[bytes] = []
    while True:
        chunk = source.read(chunk_bytes)
        data = tail + chunk
        view = np.frombuffer(data, np.uint8)
        colons = np.flatnonzero(view == ord(":"))  # rare in sheet XML, unlike "<"
        if _contains(view, colons, b":row") or _contains(view, colons, b":v>"):
            return None
        if merged or b"<mergeCell" in data:  # after <sheetData>: kept to read once at the end
            merged.append(data[len(tail) :] if merged else data)
        limit = len(data) if not chunk else max(0, len(data) - TOKEN_TAIL)
        tags = np.flatnonzero(view == ord("<"))  # every token starts with "<"
        rows = _token(view, tags, b"<row", b" />", limit)
        values = np.concatenate((_token(view, tags, b"<v>", None, limit, b"<"),
                                 _token(view, tags, b"<is>", None, limit)))  # fmt: skip
        if len(leading) <= header_row and len(rows):
            for match in _ROW_NUMBER.finditer(data, int(rows[0])):
                if len(leading) > header_row:
                    break
                number = _REF.search(match.group(1))
                has = number and number.group(2)
                leading.append(int(number.group(2)) if has else (leading[-1] if leading else 0) + 1)
        owner = np.searchsorted(rows, values, side="right") - 1  # -1: a row begun before
        has = np.zeros(len(rows), bool)
        has[owner[owner >= 0]] = True
        if (owner < 0).any() and filled:
            filled[-1][-1] = True
        if len(rows):
            filled.append(has)
        if not chunk:
            break
        tail = data[limit:]
    if any(int(m.group(3)) > header_row for m in _MERGE.finditer(b"".join(merged))):
        return None  # a merged value filled down into data rows: `sheet_rows` counts those
    above = sum(1 for number in leading if number <= header_row)
    return int(np.concatenate([np.zeros(0, bool), *filled])[above:].sum())


def _contains(data: np.ndarray, at: np.ndarray, token: bytes) -> bool:
    """Whether `token` is in `data`, looking only where its first byte is (`at`)."""
    at = at[at <= len(data) - len(token)]
    for i, byte in enumerate(token[1:], start=1):
        at = at[data[at + i] == byte]
    return len(at) > 0


def _token(
    data: np.ndarray,
    tags: np.ndarray,
    token: bytes,
    then: bytes | None,
    limit: int,
    not_then: bytes = b"",
) -> np.ndarray:
    """Where `token` starts in `data` (before `limit`), followed by a byte of `then` (any if
    None) and not by a byte of `not_then`; `tags` are where `token`'s first byte is, so that
    only those places are looked at, not every byte."""
    at = tags[tags < min(limit, len(data) - len(token))]
    for i, byte in enumerate(token[1:], start=1):
        at = at[data[at + i] == byte]
    after = data[at + len(token)]
    keep = np.ones(len(at), bool)
    if then is not None:
        keep = np.isin(after, np.frombuffer(then, np.uint8))
    for byte in not_then:
        keep &= after != byte
    return at[keep]


def sheet_rows(file: Path, sheet: str | None, header_row: int) -> np.ndarray:
    """Numbers of the sheet's rows below `header_row` with a cell that is not blank, from the
    sheet's XML, plus the rows a merged cell's value is filled down into (the reader fills
    every row a merged range covers). `sheet` None: the first sheet."""
    with zipfile.ZipFile(file) as archive:
        part, shared = sheet_parts(archive, sheet)
        blank_text = _blank_shared_strings(archive, shared)
        merges = []
        rows = np.fromiter(
            (
                row
                for row, body in _rows(archive, part, merges)
                if row > header_row
                and not all(_blank_cell(*c.group(1, 2), blank_text) for c in _CELL.finditer(body))
            ),
            dtype="int64",
        )
        merges = [m for m in merges if m[2] > header_row]  # (first column, top, bottom)
        if not merges:
            return rows
        filled = _cells_with_content(archive, part, {(c, top) for c, top, _ in merges}, blank_text)
        covered = [
            np.arange(max(top, header_row + 1), bottom + 1)
            for column, top, bottom in merges
            if (column, top) in filled
        ]
        return np.unique(np.concatenate([rows, *covered]))


def _rows(
    archive: zipfile.ZipFile, part: str, merges: list[tuple[bytes, int, int]] | None = None
) -> Iterator[tuple[int, bytes]]:
    """(row number, the row's XML) for each <row> of the sheet; merged ranges (first column,
    top, bottom) are appended to `merges`."""
    row, rest = 0, []
    with archive.open(part) as source:
        for attributes, body in _elements(source, b"row", rest):
            ref = _REF.search(attributes)
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            yield row, body
    if merges is not None:  # <mergeCells> follows <sheetData>
        found = _MERGE.finditer(b"".join(rest))
        merges += [(m.group(1), int(m.group(2)), int(m.group(3))) for m in found]


def _cells_with_content(
    archive: zipfile.ZipFile, part: str, wanted: set[tuple[bytes, int]], blank_text: set[int]
) -> set[tuple[bytes, int]]:
    """Which of the `wanted` cells (column letters, row) hold a value that is not blank."""
    rows = {row for _, row in wanted}
    found = set()
    for row, body in _rows(archive, part):
        if row not in rows:
            continue
        for position, cell in enumerate(_CELL.finditer(body), start=1):
            ref = _REF.search(cell.group(1))
            column = ref.group(1) if ref and ref.group(1) else _letters(position)
            if (column, row) in wanted and not _blank_cell(*cell.group(1, 2), blank_text):
                found.add((column, row))
    return found


def _blank_cell(attributes: bytes, body: bytes, blank_text: set[int]) -> bool:
    """A cell read as nothing: no value, or an empty or whitespace string. A formula with no
    saved result is read as its text, so it is not blank."""
    kind = _TYPE.search(attributes)
    kind = kind.group(1) if kind else b"n"
    if kind == b"inlineStr":
        return not _text(b"".join(_TEXT.findall(_PHONETIC.sub(b"", body)))).strip()
    value = _VALUE.search(body)
    value = value.group(1) if value else b""
    if not value:
        return _FORMULA.search(body) is None
    if kind == b"s" and value.strip().isdigit():
        return int(value) in blank_text
    return not _text(value).strip()


def _blank_shared_strings(archive: zipfile.ZipFile, part: str | None) -> set[int]:
    """Indexes of the shared strings that are empty or whitespace (phonetic runs left out)."""
    blank = set()
    if part is None:
        return blank
    with archive.open(part) as source:
        for index, (_, body) in enumerate(_elements(source, b"si")):
            if b"rPh" in body:
                body = _PHONETIC.sub(b"", body)
            if not _text(b"".join(_TEXT.findall(body))).strip():
                blank.add(index)
    return blank


def _elements(
    source: IO[bytes], name: bytes, rest: list[bytes] | None = None
) -> Iterator[tuple[bytes, bytes]]:
    """(attributes, inner XML) of each <name> element of a streamed XML part, in order (b"" for
    <name/>); what follows the last one is appended to `rest`. Split on the closing tags, which
    is many times faster than a regex over the whole part."""
    head = source.read(CHUNK_BYTES)
    root = _ROOT.search(head)
    prefix = root.group(1) or b"" if root else b""
    token, close = b"<" + prefix + name, b"</" + prefix + name + b">"
    opening = re.compile(re.escape(token) + rb"\b([^>]*?)(/?)>")
    tail, chunk = b"", head
    while True:
        pieces = (tail + chunk).split(close)
        tail = pieces.pop()  # an element not closed yet, or the part's end
        if not chunk:
            pieces.append(tail)
        for piece in pieces:  # each ends with one element's content; <name/> may come before
            if piece.count(token) == 1 and piece is not tail:  # the usual case, made fast
                match = opening.search(piece)
                if match and not match.group(2):
                    yield match.group(1), piece[match.end() :]
                    continue
            opens = list(opening.finditer(piece))
            for i, match in enumerate(opens):
                last = i == len(opens) - 1 and not match.group(2) and piece is not tail
                yield match.group(1), piece[match.end() :] if last else b""
        if not chunk:
            break
        chunk = source.read(CHUNK_BYTES)
    if rest is not None:
        rest.append(tail)


def _text(value: bytes) -> str:
    text = value.decode("utf-8", errors="replace")
    return html.unescape(text) if "&" in text else text


def _letters(position: int) -> bytes:
    """1 → A, 27 → AA: a column's letters from its 1-based position."""
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters.encode()

"""File-format readers: CSV/TSV (any encoding a CRM or Excel emits), XLSX and Parquet → raw cells.

A reader returns the cells as the file has them (no typing) with each record's row number in
the file (header = row 1, as Excel shows the file: a quoted field spanning lines is one row),
the records that cannot be split into the header's fields, and notes about how cells were read
(merged cells filled). `workbench.extracts.loader` types them. Every failure is an `ExtractError` of one
line that names the file, and the row or column where one applies.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from workbench.core.errors import ExtractError
from workbench.extracts.schema import Table, norm_header
from workbench.extracts.xlsx_parts import sheet_parts

SAMPLE_BYTES = 1 << 20  # encoding and delimiter are sniffed on the first 1 MB only
BLOCK_BYTES = 16 << 20  # the largest single CSV record pyarrow can hold
HEADER_SCAN_ROWS = 20  # an XLSX header row is looked for in the first 20 rows of each sheet
DELIMITERS = (",", "\t", ";", "|")
REJECT_COLUMNS = ["row", "reason", "detail", "value", "raw"]
NOTE_COLUMNS = ["row", "column", "value", "problem"]
_ENCODING_LABEL = {"utf-8": "UTF-8", "gb18030": "GBK/GB18030", "utf-16-le": "UTF-16",
                   "utf-16-be": "UTF-16", "utf-32-le": "UTF-32", "utf-32-be": "UTF-32"}  # fmt: skip
_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (  # what a binary file most likely is, by its first bytes
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook is one: rename it to .xlsx if it is)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel 97-2003 .xls or an encrypted workbook"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PAR1", "a Parquet file (rename it to .parquet)"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


@dataclass
class RawExtract:
    """One source's cells as read, before typing: cells, each row's number, the rows that
    could not be split into the header's fields (`rejected`), and notes on how cells were read.

    `encoding` and `delimiter` (CSV) or `sheet` (XLSX) say how the file was read, so that
    `workbench.extracts.record_count` can count its records on a path of its own.
    """

    frame: pd.DataFrame
    rows: pd.Series
    header_row: int = 1
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=NOTE_COLUMNS))
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def read_extract(file: Path, table: Table, sheet: str | int | None = None) -> RawExtract:
    """Read one extract file by its suffix; `sheet` picks an XLSX sheet (name or 0-based index)."""
    suffix = file.suffix.lower()
    try:
        if suffix == ".parquet":
            return read_parquet(file)
        if suffix in (".xlsx", ".xlsm"):
            return read_excel(file, table, sheet)
        return read_csv(file)
    except OSError as exc:  # unreadable: permissions, a file removed meanwhile, a disk error
        raise ExtractError(f"{file}: cannot read the file ({exc.strerror or exc})") from None


# --------------------------------------------------------------------------------------- CSV


def read_csv(file: Path) -> RawExtract:
    """Read a delimited text file: sniff encoding and delimiter on a sample, then stream it.

    The file is decoded once, by pyarrow while parsing; only the first MB is decoded here.
    """
    size = file.stat().st_size
    with file.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    complete = len(sample) >= size
    if not sample.strip():
        raise ExtractError(f"{file}: the file is empty (no header, no rows)")
    encoding = sniff_encoding(sample, complete, file)
    text = _decode_sample(sample, encoding, complete).lstrip("\ufeff")
    if not text.strip():
        raise ExtractError(f"{file}: the file is empty (no header, no rows)")
    lines = _lines(text)
    skip = _blank_lines(lines, 0)  # blank lines above the header
    hint = re.fullmatch(r"sep=([^\r\n])\s*", lines[skip]) if skip < len(lines) else None
    if hint:  # Excel's "sep=;" first line names the delimiter
        delimiter, skip = hint.group(1), _blank_lines(lines, skip + 1)
    else:
        delimiter = sniff_delimiter("".join(lines[skip : skip + 200]))
    header, header_lines = _first_record(lines[skip:], delimiter, file, skip + 1)
    if not header or not lines[skip].strip():  # only Excel's sep= line and blank lines
        raise ExtractError(f"{file}: the file is empty (no header, no rows)")
    if complete and not "".join(lines[skip + header_lines :]).strip():  # a header and no rows
        frame = pd.DataFrame({i: pd.Series(dtype="str") for i in range(len(header))})
        frame.columns = _names(header)
        rows = pd.Series(dtype="int64")
        return RawExtract(frame, rows, skip + 1, encoding=encoding, delimiter=delimiter)
    return _stream_csv(file, encoding, delimiter, header, skip, header_lines, sample.isascii())


def sniff_encoding(sample: bytes, complete: bool = True, file: Path | str = "") -> str:
    """The encoding of a text file from its first bytes: BOM, then UTF-8, then GB18030 (GBK).

    Not `complete`: a character cut at the sample's end is fine. Binary or other text: ExtractError.
    """
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return _checked(sample, encoding, complete, file)
    kind = binary_kind(sample)
    if kind:
        raise ExtractError(f"{file}: this is not a text CSV file (binary content: {kind})")
    if b"\x00" in sample[:4096]:
        guessed = _bomless_utf16(sample[:4096])
        if guessed:
            return _checked(sample, guessed, complete, file)
        raise ExtractError(f"{file}: this is not a text CSV file (binary content)")
    errors = []
    for encoding in ("utf-8", "gb18030"):
        try:
            text = _decode_sample(sample, encoding, complete)
        except UnicodeDecodeError as exc:
            errors.append(exc)
            continue
        if encoding == "gb18030":
            bad_line = _implausible_gbk_line(text)
            if bad_line:
                raise ExtractError(
                    f"{file}: line {bad_line} does not read as UTF-8 or GBK Chinese (Big5, "
                    "Shift-JIS or mixed encodings?); re-export the file as UTF-8 CSV or XLSX"
                )
        return encoding
    error = max(errors, key=lambda e: e.start)  # the encoding that read furthest
    line = sample[: error.start].count(b"\n") + 1
    raise ExtractError(
        f"{file}: cannot decode line {line} as UTF-8 or GBK/GB18030 "
        f"(byte {error.start}); re-export the file as UTF-8 CSV or XLSX"
    )


def _checked(sample: bytes, encoding: str, complete: bool, file: Path | str) -> str:
    """`encoding` if the whole sample decodes with it (a BOM or NUL pattern only suggests it)."""
    try:
        _decode_sample(sample, encoding, complete)
    except UnicodeDecodeError as exc:
        line = sample[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        raise ExtractError(
            f"{file}: cannot decode line {line} as {_ENCODING_LABEL[encoding]} (byte "
            f"{exc.start}); the file is damaged: re-export it as UTF-8 CSV or XLSX"
        ) from None
    return encoding


def sniff_delimiter(sample: str) -> str:
    """The delimiter (, tab ; |) that splits the sample's records most consistently.

    Quotes are respected; the header must have two fields or more; a comma by default.
    """
    best, best_score = ",", (0.0, 0)
    cut = sample.rfind("\n")
    body = sample[: cut + 1] if cut > 0 else sample  # drop a record cut by the sample's end
    for delimiter in DELIMITERS:
        try:
            lines = io.StringIO(body, newline="")
            records = [r for r in csv.reader(lines, delimiter=delimiter) if r][:100]
        except csv.Error:
            continue
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        consistent = sum(len(r) == width for r in records) / len(records)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def binary_kind(data: bytes) -> str | None:
    """What a non-text file looks like from its first bytes ("a PNG image"), or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a zero in every other byte."""
    even, odd = head[0::2], head[1::2]
    if not odd:
        return None
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    for encoding, zeros, other in (("utf-16-le", zeros_odd, zeros_even),
                                   ("utf-16-be", zeros_even, zeros_odd)):  # fmt: skip
        if zeros > 0.3 and other < 0.02 and len(head) >= 16:
            try:
                text = head[: len(head) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                return None
            controls = sum(c < " " and c not in "\t\r\n" for c in text)
            return encoding if controls == 0 else None
    return None


def _decode_sample(sample: bytes, encoding: str, complete: bool) -> str:
    """Decode a sample; a character cut at the end of an incomplete sample is left out."""
    decoder = codecs.getincrementaldecoder(encoding)()
    return decoder.decode(sample, final=complete)


@functools.cache
def _gb2312_chars() -> frozenset[str]:
    """The 7,445 characters of GB2312, the common core of GBK."""
    chars = set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("gb2312"))
    return frozenset(chars)


def _implausible_gbk_line(text: str) -> int | None:
    """The line where GB18030-decoded text turns to mojibake, or None if it reads as GBK.

    Big5 and Shift-JIS bytes decode as GBK without error, but mostly into rare characters
    outside GB2312's 7,445 common ones; real Chinese business text is nearly all inside it.
    """
    common = _gb2312_chars()
    cjk = [(i, c) for i, c in enumerate(text) if c >= "\u2e80" and not c.isascii()]
    rare = [i for i, c in cjk if c not in common]
    if len(cjk) < 10 or len(rare) < 0.3 * len(cjk):
        return None
    return text.count("\n", 0, rare[0]) + 1


def _lines(text: str) -> list[str]:
    """Lines ended by CR LF, LF or a lone CR, as pyarrow counts them (`str.splitlines` also
    splits on form feeds and U+2028; `csv` over a plain StringIO fails on a lone CR)."""
    return io.StringIO(text, newline="").readlines()


def _blank_lines(lines: list[str], start: int) -> int:
    """The index of the first non-blank line from `start` (or of the last line)."""
    while start < len(lines) - 1 and not lines[start].strip():
        start += 1
    return start


def _first_record(lines: list[str], delimiter: str, file: Path, row: int) -> tuple[list[str], int]:
    """The header's fields and the number of lines it spans (a quoted header may hold one)."""
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        record = next(reader, [])
    except csv.Error as exc:
        raise ExtractError(f"{file}: row {row}: malformed header ({exc})") from None
    return [h.strip().lstrip("\ufeff") for h in record], max(reader.line_num, 1)


def _names(header: list[str]) -> list[str]:
    return [h or f"unnamed_{i}" for i, h in enumerate(header)]


def _stream_csv(
    file: Path,
    encoding: str,
    delimiter: str,
    header: list[str],
    skip: int,
    header_lines: int,
    ascii_sample: bool,
) -> RawExtract:
    """Parse the whole file with pyarrow, streaming and decoding it once.

    `skip` lines (blank, `sep=`) precede the header, which spans `header_lines` lines.
    """
    width = len(header)
    names = [f"c{i}" for i in range(width)]
    handled: list[tuple[int, str]] = []  # (row, text) of records with the wrong field count

    def on_bad_row(row: pa_csv.InvalidRow) -> str:
        handled.append((row.number, row.text))
        return "skip"

    def options(threads: bool) -> dict[str, object]:
        return {
            "read_options": pa_csv.ReadOptions(
                use_threads=threads,
                block_size=BLOCK_BYTES,
                encoding="utf8" if encoding == "utf-8" else encoding,
                column_names=names,
                skip_rows=skip + header_lines,
            ),
            "parse_options": pa_csv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_bad_row,
            ),
            "convert_options": pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        }

    try:
        # on all cores first; threads lose the row numbers of records with the wrong field
        # count, so a file that has any is read again on one thread
        arrow = pa_csv.read_csv(str(file), **options(threads=True))
        if handled:
            handled.clear()
            arrow = pa_csv.read_csv(str(file), **options(threads=False))
    except (UnicodeDecodeError, pa.ArrowException) as exc:
        if encoding == "utf-8" and ascii_sample and "UTF8" in str(exc):
            # the first MB was plain ASCII: the Chinese text further down may be GBK
            return _stream_csv(file, "gb18030", delimiter, header, skip, header_lines, False)
        if isinstance(exc, UnicodeDecodeError) or "UTF8" in str(exc):
            raise _decode_error(file, encoding) from None
        raise ExtractError(f"{file}: malformed CSV ({one_line(exc)})") from None
    frame = arrow.to_pandas()
    frame.columns = _names(header)
    header_row = skip + 1
    # pyarrow numbers a record by the lines it skipped plus the records after: one row per record
    handled = [(n - header_lines + 1, text) for n, text in handled]
    rows, rejected, recovered = _sort_bad_rows(handled, len(frame), header, delimiter, file, skip)
    frame.index = pd.RangeIndex(len(frame))
    frame_rows = pd.Series(rows, index=frame.index, dtype="int64")
    if recovered:
        extra = pd.DataFrame([r[1] for r in recovered], columns=frame.columns, dtype="str")
        extra.index = pd.RangeIndex(len(frame), len(frame) + len(extra))
        frame = pd.concat([frame, extra])
        frame_rows = pd.concat(
            [frame_rows, pd.Series([r[0] for r in recovered], index=extra.index)]
        )
        order = frame_rows.sort_values(kind="stable").index
        frame, frame_rows = frame.loc[order], frame_rows.loc[order]
    blank = _blank_rows(frame)
    frame, frame_rows = frame[~blank], frame_rows[~blank]
    frame = frame.reset_index(drop=True)
    frame_rows = frame_rows.reset_index(drop=True).astype("int64")
    return RawExtract(
        frame, frame_rows, header_row, rejected, encoding=encoding, delimiter=delimiter
    )


def _sort_bad_rows(
    handled: list[tuple[int, str]],
    n_good: int,
    header: list[str],
    delimiter: str,
    file: Path,
    skip: int,
) -> tuple[np.ndarray, pd.DataFrame, list[tuple[int, list[str]]]]:
    """Row numbers of the parsed records; the records with too many/few fields.

    A record whose extra fields are all empty (a trailing delimiter) is recovered, a blank
    record (no field with content: `;;`) is ignored, and a quote never closed stops the load.
    """
    width = len(header)
    first = skip + 2  # the row after the header
    taken = np.array([n for n, _ in handled], dtype="int64")
    everything = np.arange(first, first + n_good + len(handled), dtype="int64")
    rows = everything[~np.isin(everything, taken)]
    rejected, recovered = [], []
    for number, text in handled:
        if not text.strip():
            continue
        if "\n" in text and text.count('"') % 2:
            raise ExtractError(
                f"{file}: row {number}: a quoted field is opened but never closed (unbalanced "
                '"), so the rest of the file would be read as one cell; fix the quote'
            )
        fields = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
        if not any(f.strip() for f in fields):  # as `_blank_rows` drops a full-width one
            continue
        if len(fields) > width and not any(f.strip() for f in fields[width:]):
            recovered.append((number, fields[:width]))
            continue
        reason = "too_many_fields" if len(fields) > width else "too_few_fields"
        names = _names(header) + [f"extra_{i + 1}" for i in range(len(fields) - width)]
        cells = dict(zip(names, fields, strict=False))
        rejected.append({
            "row": number,
            "reason": reason,
            "detail": f"the row has {len(fields)} fields, the header has {width}",
            "value": text if len(text) <= 200 else text[:200] + "…",
            "raw": json.dumps(cells, ensure_ascii=False),
        })  # fmt: skip
    rejected_frame = pd.DataFrame(rejected, columns=REJECT_COLUMNS)
    return rows, rejected_frame, recovered


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows with no content at all (blank lines, a row of delimiters, Excel's formatted rows).

    Each column is looked at only in the rows still blank so far: after the first (an id,
    nearly always filled) there are few left, so a wide sheet costs about one column."""
    blank = np.ones(len(frame), bool)
    for column in range(frame.shape[1]):
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        values = frame.iloc[rows, column]
        empty = values.isna() | values.astype("str").str.strip().eq("").fillna(True)
        blank[rows] = empty.to_numpy(bool)
    return pd.Series(blank, index=frame.index)


def _decode_error(file: Path, encoding: str) -> ExtractError:
    """Stream the file to find the first byte `encoding` cannot decode, and its line."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, newlines = 0, 0
    with file.open("rb") as handle:
        while chunk := handle.read(SAMPLE_BYTES):
            pending = decoder.getstate()[0]
            try:
                newlines += decoder.decode(chunk).count("\n")
            except UnicodeDecodeError as exc:
                start = offset - len(pending)
                good = (pending + chunk)[: exc.start]
                newlines += good.decode(encoding, errors="replace").count("\n")
                line, byte = newlines + 1, start + exc.start
                break
            offset += len(chunk)
        else:
            line, byte = newlines + 1, offset
    label = _ENCODING_LABEL.get(encoding, encoding)
    return ExtractError(
        f"{file}: cannot decode line {line} as {label} (byte {byte}); the file mixes "
        "encodings or is damaged; re-export it as UTF-8 CSV or XLSX"
    )


# -------------------------------------------------------------------------------------- XLSX


def read_excel(file: Path, table: Table, sheet: str | int | None = None) -> RawExtract:
    """Read the sheet and header rows that best match `table` (or the sheet asked for).

    Handles title rows, merged two-row headers and merged cells; formulas are never evaluated.
    A formula-free sheet is read by calamine alone (Rust); openpyxl, which loads every shared
    string on opening a workbook, only reads sheets with formulas (for their saved results).
    """
    _check_workbook_file(file)
    read = _calamine_sheet(file, table, sheet)
    if read is None:
        read = _openpyxl_sheet(file, table, sheet)
    cells, title, header_top, header_rows, merges, has_formulas = read
    width = max((len(r) for r in cells), default=0)
    cells = [r + [None] * (width - len(r)) for r in cells]
    cells += [[None] * width for _ in range(len(cells), _merged_bottom(cells, merges))]
    if has_formulas and _has_formulas(cells, header_top + header_rows):
        try:
            _use_saved_results(file, title, cells, header_top + header_rows)
        except Exception as exc:
            raise ExtractError(f"{file}: cannot read the workbook ({one_line(exc)})") from None
    notes = _fill_merged(cells, merges, header_top, header_rows)
    headers = _combined_header(cells[header_top : header_top + header_rows], table)
    data = cells[header_top + header_rows :]
    frame = pd.DataFrame(data, columns=range(width), dtype=object)
    rows = pd.Series(np.arange(len(data)) + header_top + header_rows + 1, dtype="int64")
    keep = [i for i in range(width) if headers[i] is not None or frame[i].notna().any()]
    frame = frame[keep].set_axis([headers[i] or f"unnamed_{i}" for i in keep], axis=1)
    blank = _blank_rows(frame)
    frame, rows = frame[~blank].reset_index(drop=True), rows[~blank].reset_index(drop=True)
    if len(notes):
        named = {i: headers[i] or f"unnamed_{i}" for i in range(width)}
        notes["column"] = notes["column"].map(named)
    header_row = header_top + header_rows
    return RawExtract(frame, rows, header_row=header_row, notes=notes, sheet=title)


# cells, title, first header row (0-based), header rows, merged ranges, whether it has formulas
_SheetRead = tuple[list[list], str, int, int, list[tuple[int, int, int, int]], bool]


def _calamine_sheet(file: Path, table: Table, sheet: str | int | None) -> _SheetRead | None:
    """(cells, title, header top, header rows, merges, False) by calamine; None when calamine is
    missing or cannot read the workbook, or the sheet holds a formula (openpyxl's path)."""
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(file))
        titles = [m.name for m in book.sheets_metadata if "work" in str(m.typ).lower()]
        sheets = {
            title: book.get_sheet_by_name(title) for title in _asked_sheets(titles, file, sheet)
        }
        tops = {
            title: [
                _row_as_openpyxl(row)
                for row in one.to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS + 1)
            ]
            for title, one in sheets.items()
        }
    except ExtractError:
        raise
    except Exception:  # not installed, or a workbook calamine cannot read: use openpyxl
        return None
    title, header_top, header_rows = _best_header(tops, file, table, sheet)
    with zipfile.ZipFile(file) as archive:
        part, _ = sheet_parts(archive, title)
        with archive.open(part) as source:
            merges, has_formulas = _scan_sheet_xml(source)
    if has_formulas:
        return None
    try:
        rows = sheets[title].to_python(skip_empty_area=False)
    except Exception:
        return None
    cells = [_row_as_openpyxl(row) for row in rows]
    return cells, title, header_top, header_rows, merges, False


def _openpyxl_sheet(file: Path, table: Table, sheet: str | int | None) -> _SheetRead:
    """The same by openpyxl: every workbook it can open (formulas: their text, for now)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise ExtractError(f"{file}: cannot open as an Excel workbook ({one_line(exc)})") from None
    try:
        titles = [ws.title for ws in book.worksheets]
        tops = {
            title: [
                list(r)
                for r in book[title].iter_rows(
                    min_row=1, max_row=HEADER_SCAN_ROWS + 1, values_only=True
                )
            ]
            for title in _asked_sheets(titles, file, sheet)
        }
        title, header_top, header_rows = _best_header(tops, file, table, sheet)
        worksheet = book[title]
        try:
            source = worksheet._get_source()
        except Exception:
            merges, has_formulas = [], True  # unknown: take the careful (openpyxl) path
        else:
            with source:
                merges, has_formulas = _scan_sheet_xml(source)
        cells = None if has_formulas else _calamine_cells(file, title)
        if cells is None:
            cells = [list(r) for r in worksheet.iter_rows(min_row=1, values_only=True)]
    except ExtractError:
        raise
    except Exception as exc:
        raise ExtractError(f"{file}: cannot read the workbook ({one_line(exc)})") from None
    finally:
        book.close()
    return cells, title, header_top, header_rows, merges, has_formulas


def _check_workbook_file(file: Path) -> None:
    """Say what a file named .xlsx really is when it is not a workbook."""
    with file.open("rb") as handle:
        head = handle.read(4096)
    if not head.strip():
        raise ExtractError(f"{file}: the file is empty (no header, no rows)")
    if not zipfile.is_zipfile(file):
        if head.startswith(b"PK"):
            raise ExtractError(f"{file}: damaged or truncated workbook (an incomplete ZIP archive)")
        kind = binary_kind(head)
        if kind is None and b"\x00" not in head:
            kind = "a text file (CSV?): rename it to .csv"
        raise ExtractError(f"{file}: not an XLSX workbook; it looks like {kind or 'binary data'}")
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            broken = archive.testzip()
    except Exception as exc:  # BadZipFile, zlib.error, EOFError …: a damaged archive
        raise ExtractError(f"{file}: damaged workbook ({one_line(exc)})") from None
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        raise ExtractError(f"{file}: a ZIP archive but not an Excel workbook (no xl/workbook.xml)")
    if broken:
        raise ExtractError(f"{file}: damaged workbook (part {broken} is corrupt)")


def _asked_sheets(titles: list[str], file: Path, sheet: str | int | None) -> list[str]:
    """The worksheets to look for a header in: all, or the one asked for (name or index)."""
    if sheet is None:
        return titles
    if isinstance(sheet, int) and 0 <= sheet < len(titles):
        return [titles[sheet]]
    if sheet in titles:
        return [sheet]
    raise ExtractError(f"{file}: no sheet {sheet!r}; the sheets are {', '.join(titles)}")


def _best_header(
    tops: dict[str, list[list]], file: Path, table: Table, sheet: str | int | None
) -> tuple[str, int, int]:
    """(sheet title, 0-based first header row, header row count) that best match the table,
    from each sheet's first rows."""
    known = table.header_map()
    best: tuple[int, str | None, int, int] = (0, None, 0, 1)
    for title, top in tops.items():
        for row in range(min(HEADER_SCAN_ROWS, len(top))):
            single = _hits(top[row], known)
            if single > best[0]:
                best = (single, title, row, 1)
            if row + 1 < len(top):
                lower = _hits(top[row + 1], known)
                paired = _hits(_header_names(top[row], top[row + 1], known), known)
                if paired > max(single, lower) and paired > best[0]:
                    best = (paired, title, row, 2)
    hits, title, row, count = best
    if hits == 0 or title is None:
        first = next(iter(tops), None)
        where = f"sheet {first!r}" if sheet is not None else "no sheet"
        raise ExtractError(
            f"{file}: {where} has a header row with the columns of {table.name} ({table.zh}) "
            f"in its first {HEADER_SCAN_ROWS} rows"
        )
    return title, row, count


def _hits(values: list, known: dict[str, str]) -> int:
    return len({known[n] for n in (norm_header(v) for v in values if _present(v)) if n in known})


def _present(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def _header_names(upper: list, lower: list, known: dict[str, str]) -> list:
    """One header from two rows: the lower name where it is known or the upper one is empty."""
    names = []
    for i in range(max(len(upper), len(lower))):
        up = upper[i] if i < len(upper) and _present(upper[i]) else None
        low = lower[i] if i < len(lower) and _present(lower[i]) else None
        if low is not None and (norm_header(low) in known or up is None or up == low):
            names.append(low)
        elif up is not None and (norm_header(up) in known or low is None):
            names.append(up)
        else:
            names.append(f"{up}-{low}")
    return names


def _combined_header(header_rows: list[list], table: Table) -> list[str | None]:
    known = table.header_map()
    names = header_rows[0] if len(header_rows) == 1 else _header_names(*header_rows, known)
    return [str(v).strip() if _present(v) else None for v in names]


def _scan_sheet_xml(source: IO[bytes]) -> tuple[list[tuple[int, int, int, int]], bool]:
    """Merged ranges (min_col, min_row, max_col, max_row) scanned from a sheet's XML, and
    whether the sheet holds any formula (an <f> element).

    openpyxl's fast read-only mode does not keep merges, and pandas loses them.
    """
    from openpyxl.utils.cell import range_boundaries

    refs, tail, formulas = [], b"", False
    while chunk := source.read(SAMPLE_BYTES):
        data = tail + chunk
        if b"mergeCell" in data:  # a plain substring test first: the regexes cost 10×
            refs += _MERGE_REF.findall(data)
        if not formulas and (b"<f" in data or b":f" in data):
            formulas = _FORMULA.search(data) is not None
        cut = data.rfind(b">")
        tail = data[cut + 1 :] if cut >= 0 else data[-200:]
    return [range_boundaries(ref.decode()) for ref in dict.fromkeys(refs)], formulas


def _calamine_cells(file: Path, title: str) -> list[list] | None:
    """All cells of a formula-free sheet via calamine (Rust, ~10× openpyxl), as openpyxl gives
    them: empty → None, whole floats → int (so 13800138000 stays a phone). None if unavailable."""
    try:
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(str(file)).get_sheet_by_name(title)
        rows = rows.to_python(skip_empty_area=False)
    except Exception:  # not installed, or a workbook calamine cannot read: use openpyxl
        return None
    return [_row_as_openpyxl(row) for row in rows]


def _row_as_openpyxl(row: list) -> list:
    """A calamine row as openpyxl gives it: empty → None, whole floats → int (so 13800138000
    stays a phone), the rest as is; inlined, as it runs once per cell of a sheet."""
    return [
        None
        if v == ""
        else int(v)
        if v.__class__ is float and v.is_integer() and -(2**53) < v < 2**53
        else v
        for v in row
    ]


def _merged_bottom(cells: list[list], merges: list[tuple[int, int, int, int]]) -> int:
    """The last row a merged value fills: a range may reach below the last row calamine gives
    (openpyxl gives the empty rows, calamine stops at the last value)."""
    return max(
        (
            bottom
            for left, top, _, bottom in merges
            if top <= len(cells)
            and left <= len(cells[top - 1])
            and cells[top - 1][left - 1] is not None
        ),
        default=0,
    )


def _fill_merged(
    cells: list[list], merges: list[tuple[int, int, int, int]], header_top: int, header_rows: int
) -> pd.DataFrame:
    """Copy each merged value into the blank cells it covers: whole ranges in the header, single
    columns in the data (a value merged down a column); one note per data range."""
    notes = []
    header_end = header_top + header_rows  # 0-based, exclusive
    for min_col, min_row, max_col, max_row in merges:
        top, left = min_row - 1, min_col - 1
        if top >= len(cells) or left >= len(cells[top]):
            continue
        value = cells[top][left]
        for r in range(top, min(max_row, len(cells))):
            in_header = header_top <= r < header_end
            for c in range(left, max_col):
                if (in_header or (c == left and r >= header_end)) and not _present(cells[r][c]):
                    cells[r][c] = value
        if max_row > min_row and min_row > header_end and value is not None:
            notes.append({
                "row": min_row,
                "column": left,
                "value": str(value),
                "problem": f"merged cell over rows {min_row}–{max_row}: its value is used in "
                           "each of those rows",
            })  # fmt: skip
    return pd.DataFrame(notes, columns=NOTE_COLUMNS)


def _has_formulas(cells: list[list], start: int) -> bool:
    return any(isinstance(v, str) and v.startswith("=") for row in cells[start:] for v in row)


def _use_saved_results(file: Path, title: str, cells: list[list], start: int) -> None:
    """Replace formula text by the result Excel saved, where the file has one."""
    import openpyxl

    book = openpyxl.load_workbook(file, read_only=True, data_only=True, keep_links=False)
    try:
        saved = book[title].iter_rows(min_row=1, values_only=True)
        for r, values in enumerate(saved):
            if r < start or r >= len(cells):
                continue
            for c, value in enumerate(values):
                current = cells[r][c] if c < len(cells[r]) else None
                if isinstance(current, str) and current.startswith("=") and value is not None:
                    cells[r][c] = value
    finally:
        book.close()


# ----------------------------------------------------------------------------------- Parquet


def read_parquet(file: Path) -> RawExtract:
    """Read a Parquet file; dates stored as `date` become timestamps, strings stay strings."""
    try:
        frame = pd.read_parquet(file, to_pandas_kwargs={"date_as_object": False})
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise ExtractError(f"{file}: cannot read as Parquet ({one_line(exc)})") from None
    frame = frame.reset_index(drop=True)
    rows = pd.Series(np.arange(len(frame)) + 2, dtype="int64")
    return RawExtract(frame, rows, header_row=1)


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (the CLI prints a single `error:` line)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "…"

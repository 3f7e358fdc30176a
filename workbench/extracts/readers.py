"""File-format readers: CSV/TSV (any encoding a CRM or Excel emits) and Parquet → raw cells, and
`read_extract`, which picks the reader by the file's suffix (XLSX: `workbench.extracts.xlsx_reader`).

A reader returns the cells as the file has them (no typing) with each record's row number in
the file (header = row 1, as Excel shows the file: a quoted field spanning lines is one row),
the records that cannot be split into the header's fields, and notes about how cells were read
(merged cells filled). `workbench.extracts.loader` types them. Every failure is an `ExtractError` of one
line that names the file, and the row or column where one applies. What a reader returns
(`RawExtract`) and the helpers all readers share are in `workbench.extracts.raw`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from workbench.core.errors import ExtractError
from workbench.extracts.raw import (
    REJECT_COLUMNS,
    RawExtract,
    binary_kind,
    blank_rows,
    coded_as_text,
    one_line,
)
from workbench.extracts.schema import Table
from workbench.extracts.xlsx_parts import XLSX_SUFFIXES
from workbench.extracts.xlsx_reader import read_excel

SAMPLE_BYTES = 1 << 20  # encoding and delimiter are sniffed on the first 1 MB only
BLOCK_BYTES = 16 << 20  # the largest single CSV record pyarrow can hold
DELIMITERS = (",", "\t", ";", "|")
_CODED = pa.dictionary(pa.int32(), pa.large_string())  # a repeating column's cells, as read
_ENCODING_LABEL = {"utf-8": "UTF-8", "gb18030": "GBK/GB18030", "utf-16-le": "UTF-16",
                   "utf-16-be": "UTF-16", "utf-32-le": "UTF-32", "utf-32-be": "UTF-32"}  # fmt: skip
_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def read_extract(file: Path, table: Table, sheet: str | int | None = None) -> RawExtract:
    """Read one extract file by its suffix; `sheet` picks an XLSX sheet (name or 0-based index)."""
    suffix = file.suffix.lower()
    try:
        if suffix == ".parquet":
            return read_parquet(file)
        if suffix in XLSX_SUFFIXES:
            return read_excel(file, table, sheet)
        return read_csv(file, table.repeating)
    except OSError as exc:  # unreadable: permissions, a file removed meanwhile, a disk error
        raise ExtractError(f"{file}: cannot read the file ({exc.strerror or exc})") from None


# --------------------------------------------------------------------------------------- CSV


def read_csv(file: Path, repeating: Callable[[str], bool] | None = None) -> RawExtract:
    """Read a delimited text file: sniff encoding and delimiter on a sample, then stream it.

    The file is decoded once, by pyarrow while parsing; only the first MB is decoded here.
    The columns whose header `repeating` accepts (`Table.repeating`: dates, numbers, an event
    log's categories) come as pandas categoricals of their text, the others as text.
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
    coded = [bool(repeating and repeating(h)) for h in header]
    return _stream_csv(
        file, encoding, delimiter, header, skip, header_lines, sample.isascii(), coded
    )


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
    failed_at = []  # where each encoding failed: the positions, not the exceptions, whose
    for encoding in ("utf-8", "gb18030"):  # tracebacks would keep the callers' frames (the
        try:  # file's cells) alive until the garbage collector ran
            text = _decode_sample(sample, encoding, complete)
        except UnicodeDecodeError as exc:
            failed_at.append(exc.start)
            continue
        if encoding == "gb18030":
            bad_line = _implausible_gbk_line(text)
            if bad_line:
                raise ExtractError(
                    f"{file}: line {bad_line} does not read as UTF-8 or GBK Chinese (Big5, "
                    "Shift-JIS or mixed encodings?); re-export the file as UTF-8 CSV or XLSX"
                )
        return encoding
    furthest = max(failed_at)  # the encoding that read furthest
    line = sample[:furthest].count(b"\n") + 1
    raise ExtractError(
        f"{file}: cannot decode line {line} as UTF-8 or GBK/GB18030 "
        f"(byte {furthest}); re-export the file as UTF-8 CSV or XLSX"
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
    coded: list[bool],
) -> RawExtract:
    """Parse the whole file with pyarrow, streaming and decoding it once.

    `skip` lines (blank, `sep=`) precede the header, which spans `header_lines` lines. A `coded`
    column is dictionary-encoded by pyarrow as it is parsed: its rows hold a 4-byte code
    instead of its text and an 8-byte offset (10M interactions: 1.9 GB of raw cells → 1.2).
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
                # large_string: what pandas' Arrow strings hold, so `to_pandas` casts nothing
                column_types={
                    name: _CODED if code else pa.large_string()
                    for name, code in zip(names, coded, strict=True)
                },
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
            return _stream_csv(file, "gb18030", delimiter, header, skip, header_lines, False, coded)
        if isinstance(exc, UnicodeDecodeError) or "UTF8" in str(exc):
            raise _decode_error(file, encoding) from None
        raise ExtractError(f"{file}: malformed CSV ({one_line(exc)})") from None
    # Each column in one chunk, joined one column at a time (so that only one is ever held
    # twice): the parsers then take its cells as they are, where every parser that read a
    # column used to copy its chunks. A coded column's blocks each have their own dictionary;
    # joined, they share one.
    columns = []
    while arrow.num_columns:
        columns.append(arrow.column(0).combine_chunks())
        arrow = arrow.remove_column(0)
    frame = pa.table(columns, names=names).to_pandas()
    frame.columns = _names(header)
    header_row = skip + 1
    # pyarrow numbers a record by the lines it skipped plus the records after: one row per record
    handled = [(n - header_lines + 1, text) for n, text in handled]
    rows, rejected, recovered = _sort_bad_rows(handled, len(frame), header, delimiter, file, skip)
    frame.index = pd.RangeIndex(len(frame))
    frame_rows = pd.Series(rows, index=frame.index, dtype="int64")
    if recovered:  # rare (trailing delimiters): the codes become text, to take the rows as text
        frame = coded_as_text(frame)
        extra = pd.DataFrame([r[1] for r in recovered], columns=frame.columns, dtype="str")
        extra.index = pd.RangeIndex(len(frame), len(frame) + len(extra))
        frame = pd.concat([frame, extra])
        frame_rows = pd.concat(
            [frame_rows, pd.Series([r[0] for r in recovered], index=extra.index)]
        )
        order = frame_rows.sort_values(kind="stable").index
        frame, frame_rows = frame.loc[order], frame_rows.loc[order]
    blank = blank_rows(frame)
    if blank.any():
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

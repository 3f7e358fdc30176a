"""Cache of cleaned tables as Parquet, keyed by a hash of the inputs, the code and the settings.

A notebook calls `load_clean(data_dir)`: the first call loads and cleans (seconds), later calls
map the cached tables into memory (a fraction of a second, even at 10M orders). Tables are Arrow
IPC files of one record batch, uncompressed, so reading one is a memory map and pandas wraps its
columns without copying (9× the disk of Parquet, 40× faster to read); the orders are also written
as Parquet, declared in customer order, for the engines (DuckDB, Spark) and `summarize_auto` to
scan; the small frames (audit, merges, quarantine…) are Parquet. Only the `KEEP_ENTRIES` most
recently used entries are kept, so stale entries do not pile up gigabytes. Any change to an input file's bytes, to the
workbench code that loads/cleans, or to the settings gives a new key, so a stale cache is never
used. The cache lives in `<data_dir>/_cache/`; it holds the redacted result only (masked phones,
ID numbers and e-mails; no raw quarantined cells), so no raw PII leaves memory through it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import mmap
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

import workbench
from workbench.cleaning.dedupe_review import DECISIONS_FILE, read_decisions
from workbench.cleaning.order_sort import sorting_columns
from workbench.cleaning.pipeline import FRAMES, CleanResult, clean
from workbench.cleaning.settings import CleaningSettings
from workbench.collection.corrections import Corrections, correction_files, read_corrections
from workbench.collection.ledger import CORRECTIONS_DIR
from workbench.extracts.loader import find_extract, load_extracts
from workbench.extracts.schema import TABLES

CACHE_DIR = "_cache"
KEEP_ENTRIES = 3  # cache entries kept per data folder: the most recently used ones
_PACKAGE = Path(workbench.__file__).resolve().parent
_CODE_PARTS = ("extracts", "cleaning", "core/geography.py", "core/errors.py", "data",
               "collection/__init__.py", "collection/approvals.py", "collection/corrections.py",
               "collection/fields.py", "collection/layout.py", "collection/ledger.py",
               "collection/values.py", "core/labels.py", "core/threads.py", "core/memory.py")  # fmt: skip


def code_version() -> str:
    """Hash of the workbench sources and data that decide what 'clean' means."""
    digest = hashlib.sha256(workbench.__version__.encode())
    for part in _CODE_PARTS:
        path = _PACKAGE / part
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.suffix in (".py", ".csv", ".json", ".yml"):
                digest.update(file.relative_to(_PACKAGE).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def file_digest(path: Path, memo_dir: Path | None = None) -> str:
    """blake2b of a file's bytes, memoised by (size, mtime_ns, inode) so unchanged files of
    gigabytes are not re-read on every notebook load; any rewrite changes the stat and re-hashes."""
    stat = path.stat()
    stamp = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{stat.st_ino}"
    memo = memo_dir / "digests" / hashlib.sha256(stamp.encode()).hexdigest() if memo_dir else None
    if memo is not None and memo.exists():
        return memo.read_text(encoding="ascii")
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "blake2b").hexdigest()
    if memo is not None:
        memo.parent.mkdir(parents=True, exist_ok=True)
        memo.write_text(digest, encoding="ascii")
    return digest


def cache_key(data_dir: Path, settings: CleaningSettings) -> str:
    """Hash of every input file's name and bytes (the duplicate decisions file and the
    correction workbooks too) + code version + settings."""
    digest = hashlib.sha256(code_version().encode())
    digest.update(json.dumps(dataclasses.asdict(settings), sort_keys=True, default=str).encode())
    for table in TABLES.values():
        file = find_extract(data_dir, table, optional=True)  # load_extracts says what is missing
        if file is None:
            digest.update(f"{table.name}:-".encode())
            continue
        digest.update(
            f"{table.name}:{file.name}:{file_digest(file, data_dir / CACHE_DIR)}".encode()
        )
    decisions = data_dir / DECISIONS_FILE
    if decisions.is_file():
        digest.update(f"decisions:{file_digest(decisions, data_dir / CACHE_DIR)}".encode())
    for file in correction_files(data_dir / CORRECTIONS_DIR):
        digest.update(f"correction:{file.name}:{file_digest(file, data_dir / CACHE_DIR)}".encode())
    return digest.hexdigest()[:24]


def load_clean(
    data_dir: str | Path, settings: CleaningSettings | None = None, use_cache: bool = True
) -> CleanResult:
    """The cleaned extracts of `data_dir`, redacted (masked PII only), cached when current.

    Redacted whether fresh or cached, so notebooks see the same thing either way; call
    `clean(load_extracts(...))` for the raw values in memory. Reviewed duplicate pairs in
    `<data_dir>/dedupe_decisions.csv` are applied (`workbench.cleaning.dedupe_review`), and
    so are the returned completion workbooks in `<data_dir>/corrections/`
    (`workbench.collection.corrections`; their 疑似重复 decisions count as reviewed pairs).
    """
    data_dir = Path(data_dir)
    settings = settings or CleaningSettings()
    if not use_cache:
        return clean_afresh(data_dir, settings).redacted()
    target = data_dir / CACHE_DIR / cache_key(data_dir, settings)
    if (target / "meta.json").exists():
        try:
            result = read_result(target)
            (target / "meta.json").touch()  # most recently used: kept by `prune`
            return result
        except FileNotFoundError:  # being pruned by another process: clean afresh
            shutil.rmtree(target, ignore_errors=True)
    result = clean_afresh(data_dir, settings).redacted()
    write_result(result, target)
    prune(target.parent, keep=target)
    return result


def clean_afresh(data_dir: Path, settings: CleaningSettings) -> CleanResult:
    """`clean` of the extracts of `data_dir` with the people's inputs, the loaded `Extracts`
    held by `clean` alone, so that it frees each loaded table as its cleaned one replaces it
    (the tuple of a ``clean(load_extracts(…), *inputs)`` call would keep them all through the
    cleaning: 1.2 GB more at 1M customers)."""
    decisions, corrections = people_inputs(data_dir)
    return clean(load_extracts(data_dir), settings, decisions, corrections)


def people_inputs(data_dir: Path) -> tuple[pd.DataFrame | None, Corrections]:
    """What people decided beside the extracts: the reviewed duplicate pairs (the decisions
    file, then the completion workbooks' 疑似重复 sheets; a later row of a pair wins) and the
    corrections."""
    decisions = data_dir / DECISIONS_FILE
    decided = read_decisions(decisions) if decisions.is_file() else None
    corrections = read_corrections(data_dir / CORRECTIONS_DIR)
    if len(corrections.decisions):
        parts = [d for d in (decided, corrections.decisions) if d is not None and len(d)]
        decided = pd.concat(parts, ignore_index=True)
    return decided, corrections


def write_result(result: CleanResult, target: Path) -> None:
    """Write atomically: into a temporary folder, then rename (parallel runs may race)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        for name, frame in result.tables.items():
            write_table(frame, scratch / f"table-{name}.arrow")
        if "orders" in result.tables:  # what the engines scan: Parquet, in customer order
            orders = result.tables["orders"]
            orders.to_parquet(
                scratch / "table-orders.parquet",
                index=False,
                sorting_columns=sorting_columns(orders),
            )
        for name in FRAMES:
            _safe_frame(getattr(result, name)).to_parquet(scratch / f"{name}.parquet", index=False)
        meta = {"rows_read": result.rows_read, "sources": result.sources,
                "as_of": str(result.as_of), "tables": list(result.tables)}  # fmt: skip
        (scratch / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        try:
            os.rename(scratch, target)
        except OSError:  # another process won the race: its cache is equally valid
            shutil.rmtree(scratch, ignore_errors=True)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def _safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns of mixed types become text so Parquet can store them."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].astype("str").mask(out[column].isna())
    return out


def write_table(frame: pd.DataFrame, file: Path) -> None:
    """A table as an Arrow IPC file of one uncompressed record batch (`read_table` maps it)."""
    table = pa.Table.from_pandas(frame, preserve_index=False).combine_chunks()
    with pa.OSFile(str(file), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(len(frame), 1))


def read_table(file: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A table `write_table` wrote, memory-mapped privately: its columns are views of the file's
    pages, so reading costs no decoding and little memory; a write into one copies the page it
    falls on, never the file, so a cached frame takes assignments like any other.
    ``columns`` (default all) are the only ones converted to pandas, in that order."""
    with file.open("rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_COPY)
    whole = pa.py_buffer(mapped)
    table = ipc.open_file(whole).read_all()
    if columns is not None:
        table = table.select(columns)
    nullable = {  # pandas' nullable integers (Int64 …), as the frame written had them
        c["name"]: c["numpy_type"]
        for c in (table.schema.pandas_metadata or {}).get("columns", [])
        if str(c.get("numpy_type", "")).startswith(("Int", "UInt"))
    }
    built = {}  # the columns made on the file's pages rather than converted by pyarrow
    for name, kind in zip(table.column_names, table.schema.types, strict=True):
        if pa.types.is_dictionary(kind):
            cells = _categorical(table.column(name), mapped, whole.address)
        elif pa.types.is_integer(kind) and name in nullable:
            cells = _nullable_integers(table.column(name), nullable[name], mapped, whole.address)
        else:
            continue
        if cells is not None:
            built[name] = cells
    rest = table.drop_columns(list(built))
    frame = _writable(
        rest.to_pandas(date_as_object=False, split_blocks=True), rest, mapped, whole.address
    )
    if built:
        parts = {name: built[name] if name in built else frame[name] for name in table.column_names}
        frame = pd.DataFrame(parts, index=pd.RangeIndex(table.num_rows), copy=False)
    return frame


def _in_file(cells: pa.Array, mapped: mmap.mmap, start: int) -> np.ndarray | None:
    """The values of a fixed-width array as a writable view of the file's private mapping `mapped`
    (at address `start`); None where pyarrow copied them out of it while reading. pyarrow's own
    views are read-only, which pandas refuses writes into (``frame.loc[row, column] = value``);
    a write into this one copies the page it falls on, never the file."""
    dtype, data = _numpy_type(cells.type), cells.buffers()[1]
    if dtype is None or data is None:
        return None
    at = data.address - start + cells.offset * dtype.itemsize
    if not 0 <= at <= len(mapped) - len(cells) * dtype.itemsize:
        return None
    return np.frombuffer(mapped, dtype=dtype, count=len(cells), offset=at)


def _nullable_integers(
    column: pa.ChunkedArray, dtype: str, mapped: mmap.mmap, start: int
) -> pd.Series | None:
    """A column of pandas' nullable integers on its values in the file's pages, its mask from
    the validity bits (pandas' own conversion copies the values and builds the mask a cell at a
    time: 0.25 s of the 1M cache's read); all missing: no values read at all. None where the
    values are not in the file as pandas holds them: converted."""
    width = np.dtype(dtype.lower())
    if column.num_chunks != 1 or width != _numpy_type(column.type):
        return None
    cells, n = column.chunk(0), len(column)
    if cells.null_count == n:
        return pd.Series(pd.arrays.IntegerArray(np.zeros(n, width), np.ones(n, bool)), copy=False)
    values = _in_file(cells, mapped, start)
    if values is None:
        return None
    missing = np.zeros(n, bool)
    if cells.null_count:
        bits = np.frombuffer(cells.buffers()[0], dtype=np.uint8)
        missing = np.unpackbits(bits, bitorder="little")[cells.offset : cells.offset + n] == 0
    return pd.Series(pd.arrays.IntegerArray(values, missing), copy=False)


def _categorical(column: pa.ChunkedArray, mapped: mmap.mmap, start: int) -> pd.Series | None:
    """A dictionary column as a pandas categorical of text categories (an empty dictionary too)
    whose codes are a view of the file's pages, or all missing, without pyarrow's conversion: at
    1M customers that conversion was most of the cached read (the orders' five categoricals
    1.2 s cold, the interactions' 0.14 s), and it reads every code from disk. None where some
    codes are missing: converted."""
    if column.num_chunks != 1:
        return None
    cells = column.chunk(0)
    categories = pd.Index(cells.dictionary.to_pandas().astype("str"))
    dtype = pd.CategoricalDtype(categories, ordered=cells.type.ordered)
    if cells.null_count == len(cells):
        codes = np.full(len(cells), -1, dtype=_numpy_type(cells.type.index_type))
    elif cells.null_count:
        return None
    else:
        codes = _in_file(cells.indices, mapped, start)
        if codes is None:
            return None
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False), copy=False)


def _writable(frame: pd.DataFrame, table: pa.Table, mapped: mmap.mmap, start: int) -> pd.DataFrame:
    """`frame` with the columns pyarrow handed over as they are in the file (numbers and dates
    without a gap) as writable views of the same pages (`_in_file`)."""
    for i, (_, values) in enumerate(frame.items()):
        column = table.column(i)
        if column.num_chunks != 1 or column.null_count or values.dtype.kind not in "iufmM":
            continue
        cells = column.chunk(0)
        view = _in_file(cells, mapped, start) if values.dtype == _numpy_type(cells.type) else None
        if view is not None:
            frame.isetitem(i, pd.Series(view, index=frame.index, copy=False))
    return frame


def _numpy_type(arrow_type: pa.DataType) -> np.dtype | None:
    """The numpy dtype pyarrow converts `arrow_type` to; None for types it has none for."""
    try:
        return np.dtype(arrow_type.to_pandas_dtype())
    except (NotImplementedError, TypeError):
        return None


def prune(cache_dir: Path, keep: Path | None = None) -> None:
    """Remove all but the `KEEP_ENTRIES` most recently used entries (and never `keep`).

    A process still reading a removed entry's mapped files is unaffected (the pages stay until
    it lets go); one about to read it finds it gone and cleans afresh.
    """
    entries = [p for p in cache_dir.iterdir() if (p / "meta.json").is_file()]
    entries.sort(key=lambda p: (p / "meta.json").stat().st_mtime_ns, reverse=True)
    for entry in entries[KEEP_ENTRIES:]:
        if entry != keep:
            shutil.rmtree(entry, ignore_errors=True)


def read_result(target: Path) -> CleanResult:
    """Read a cached CleanResult."""
    meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
    kwargs = {"to_pandas_kwargs": {"date_as_object": False}}
    tables = {n: read_table(target / f"table-{n}.arrow") for n in meta["tables"]}
    frames = {n: pd.read_parquet(target / f"{n}.parquet", **kwargs) for n in FRAMES}
    return CleanResult(
        tables=tables,
        rows_read=meta["rows_read"],
        sources=meta["sources"],
        as_of=pd.Timestamp(meta["as_of"]) if meta["as_of"] != "None" else None,
        **frames,
    )

"""Benchmark: load + clean the demo extracts at N customers, side by side with DuckDB's raw scan
of the same CSVs plus calamine's read of the XLSX (the floor for reading them at all), and the
cached read a notebook does.

    .venv/bin/python benchmarks/bench_load.py --customers 100000 1000000 [--repeat 1]

Data sets are generated once into data/bench/ (git-ignored) and reused.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import duckdb
from common import dataset, machine_line, peak_rss_gb, timed  # benchmarks/common.py

from workbench.cleaning.cache import CACHE_DIR, cache_key, load_clean, write_result
from workbench.cleaning.pipeline import clean
from workbench.cleaning.settings import CleaningSettings
from workbench.io import load_extracts


def duckdb_scan(folder: Path) -> int:
    """Read every CSV extract completely with DuckDB (all columns as text); rows read.

    DuckDB decodes GBK only with its `encodings` extension (a download); the GBK customers file
    is scanned as latin-1, which reads every byte without validating: a floor, not a parse.
    The XLSX extract is not scanned (DuckDB's excel extension is also a download).
    """
    con = duckdb.connect()
    rows = 0
    for csv in sorted(folder.glob("*.csv")):
        encoding = "latin-1" if csv.name == "customers.csv" else "utf-8"
        rows += con.execute(
            f"SELECT count(*) FROM read_csv('{csv}', all_varchar=true, encoding='{encoding}')"
        ).fetchone()[0]
    return rows


def calamine_read(folder: Path) -> int:
    """Read every XLSX extract's sheets completely with calamine (cells as Python values, no
    typing): the floor the issue sets beside DuckDB's scan for the one format DuckDB cannot
    read here. Rows read."""
    from python_calamine import CalamineWorkbook

    rows = 0
    for xlsx in sorted(folder.glob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(xlsx))
        for name in book.sheet_names:
            rows += len(book.get_sheet_by_name(name).to_python())
    return rows


def raw_floor(folder: Path) -> int:
    """DuckDB's raw scan of the CSVs plus calamine's read of the XLSX: the bytes read, untyped."""
    return duckdb_scan(folder) + calamine_read(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(machine_line())
    print("| customers | orders | load s | clean s | load+clean s | DuckDB CSV scan + calamine XLSX s | "
          "(load+clean)/floor | cache write s | cached read s | peak RSS GB |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.customers:
        folder = dataset(n)
        shutil.rmtree(folder / CACHE_DIR, ignore_errors=True)
        load_s, extracts = timed(lambda folder=folder: load_extracts(folder), args.repeat)
        orders = extracts.rows_read["orders"]
        clean_s, result = timed(lambda extracts=extracts: clean(extracts), args.repeat)
        del extracts
        write_s, _ = timed(
            lambda r=result, f=folder: write_result(
                r.redacted(), f / CACHE_DIR / cache_key(f, CleaningSettings())
            ),
            1,
        )
        del result
        scan_s, _ = timed(lambda folder=folder: raw_floor(folder), args.repeat)
        cached_s, _ = timed(lambda folder=folder: load_clean(folder), max(args.repeat, 3))
        peak = peak_rss_gb()
        total = load_s + clean_s
        print(f"| {n:,} | {orders:,} | {load_s:.1f} | {clean_s:.1f} | {total:.1f} | {scan_s:.1f} | "
              f"{total / scan_s:.1f}× | {write_s:.1f} | {cached_s:.2f} | {peak:.1f} |",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

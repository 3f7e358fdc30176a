"""Benchmark: load + clean the demo extracts at N customers, side by side with DuckDB's raw scan
of the same files (the floor for reading them at all), and the cached read a notebook does.

    .venv/bin/python benchmarks/bench_load.py --customers 100000 1000000 [--repeat 1]

Data sets are generated once into data/bench/ (git-ignored) and reused.
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import statistics
import time
from pathlib import Path

import duckdb

from workbench.cache import CACHE_DIR, load_clean
from workbench.cleaning.pipeline import clean
from workbench.demo import generate
from workbench.io import load_extracts

BENCH_DATA = Path(__file__).resolve().parent.parent / "data" / "bench"


def dataset(customers: int, seed: int = 7) -> Path:
    """The generated extracts for `customers`, made once and reused between runs."""
    out = BENCH_DATA / f"c{customers}"
    if not (out / "customers.csv").exists():
        started = time.perf_counter()
        result = generate(out, customers=customers, seed=seed)
        print(
            f"generated {customers:,} customers in {time.perf_counter() - started:.0f} s: {result.rows}"
        )
    return out


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall seconds of `repeat` calls, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def duckdb_scan(folder: Path) -> int:
    """Read every CSV extract completely with DuckDB (all columns as text); rows read."""
    con = duckdb.connect()
    rows = 0
    for csv in sorted(folder.glob("*.csv")):
        encoding = "gb18030" if csv.name == "customers.csv" else "utf-8"
        rows += con.execute(
            f"SELECT count(*) FROM read_csv('{csv}', all_varchar=true, encoding='{encoding}')"
        ).fetchone()[0]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(f"# {platform.machine()}, {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    print("| customers | orders | load s | clean s | load+clean s | DuckDB raw CSV scan s | "
          "(load+clean)/scan | cached read s | peak RSS GB |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.customers:
        folder = dataset(n)
        shutil.rmtree(folder / CACHE_DIR, ignore_errors=True)
        load_s, extracts = timed(lambda folder=folder: load_extracts(folder), args.repeat)
        clean_s, _ = timed(lambda extracts=extracts: clean(extracts), args.repeat)
        scan_s, _ = timed(lambda folder=folder: duckdb_scan(folder), args.repeat)
        load_clean(folder)  # writes the cache
        cached_s, _ = timed(lambda folder=folder: load_clean(folder), max(args.repeat, 3))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        total = load_s + clean_s
        print(f"| {n:,} | {extracts.rows_read['orders']:,} | {load_s:.1f} | {clean_s:.1f} | "
              f"{total:.1f} | {scan_s:.1f} | {total / scan_s:.1f}× | {cached_s:.2f} | {peak:.1f} |",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

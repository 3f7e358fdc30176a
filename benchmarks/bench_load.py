"""Benchmark: generate the demo extracts at N customers, then time load_extracts on them,
side by side with DuckDB's raw scan of the same files (the floor for reading them at all).

    .venv/bin/python benchmarks/bench_load.py --customers 100000 [--repeat 3]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import duckdb

from workbench.demo import generate
from workbench.io import load_extracts

CACHE = Path(__file__).resolve().parent.parent / "data" / "bench"


def dataset(customers: int, seed: int = 7) -> Path:
    """The generated extracts for `customers`, made once and reused between runs."""
    out = CACHE / f"c{customers}"
    if not (out / "customers.csv").exists():
        started = time.perf_counter()
        result = generate(out, customers=customers, seed=seed)
        print(
            f"generated {customers:,} customers in {time.perf_counter() - started:.1f} s: {result.rows}"
        )
    return out


def timed(fn, repeat: int) -> float:
    """Median wall seconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def duckdb_scan(folder: Path) -> None:
    """Read every CSV extract completely with DuckDB (all columns as text)."""
    con = duckdb.connect()
    for csv in sorted(folder.glob("*.csv")):
        encoding = "gb18030" if csv.name == "customers.csv" else "utf-8"
        con.execute(
            f"SELECT count(*) FROM read_csv('{csv}', all_varchar=true, encoding='{encoding}')"
        ).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"# {platform.processor() or platform.machine()}, python {platform.python_version()}")
    print("| customers | orders | load_extracts s | duckdb raw scan of the CSVs s | ratio |")
    print("|---:|---:|---:|---:|---:|")
    for n in args.customers:
        folder = dataset(n)
        orders = sum(1 for _ in (folder / "orders.csv").open(encoding="utf-8-sig")) - 1
        load = timed(lambda folder=folder: load_extracts(folder), args.repeat)
        scan = timed(lambda folder=folder: duckdb_scan(folder), args.repeat)
        print(f"| {n:,} | {orders:,} | {load:.2f} | {scan:.2f} | {load / scan:.1f}× |")


if __name__ == "__main__":
    main()

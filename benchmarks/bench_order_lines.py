"""Benchmark: load a shop's order-lines export (one row per invoice line, like UCI Online Retail)
and sum its lines into orders, side by side with DuckDB's raw scan of the same file.

    .venv/bin/python benchmarks/bench_order_lines.py --lines 500000 [--repeat 1]

The file is generated here, once, into data/bench/order_lines_<N>/orders.csv (git-ignored), with
UCI's headers (InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID,
Country: no amount column, so the loader computes Quantity × UnitPrice) and UCI's shape: about
21 lines per invoice, a quarter of the lines without a customer, 1 in 6 invoices a cancellation
(C…) of one or two lines, 1% of lines written twice in a row.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from common import BENCH_DATA, machine_line, peak_rss_gb, timed  # benchmarks/common.py

from workbench.extracts.order_lines import order_totals
from workbench.io import load_extracts

HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
          "CustomerID", "Country"]  # fmt: skip
COUNTRIES = np.array(["United Kingdom"] * 9 + ["Germany", "France", "EIRE", "Spain"])


def order_lines_file(lines: int, seed: int = 7) -> Path:
    """data/bench/order_lines_<lines>/orders.csv, generated once (about `lines` rows)."""
    out = BENCH_DATA / f"order_lines_{lines}" / "orders.csv"
    if out.exists():
        return out
    rng = np.random.default_rng(seed)
    cancel_share, per_invoice = 1 / 6, 21
    invoices = round(lines / (per_invoice * (1 - cancel_share) + 1.5 * cancel_share))
    cancelled = rng.random(invoices) < cancel_share
    counts = np.where(
        cancelled, rng.integers(1, 3, invoices), rng.geometric(1 / per_invoice, invoices)
    )
    first = 536365 + np.arange(invoices)
    number = np.where(cancelled, np.char.add("C", first.astype(str)), first.astype(str))
    start = np.datetime64("2010-12-01T08:00")
    minutes = np.sort(rng.integers(0, 373 * 24 * 60, invoices)).astype("timedelta64[m]")
    customer = rng.integers(12346, 18288, invoices).astype(str)
    customer[rng.random(invoices) < 0.25] = ""
    country = COUNTRIES[rng.integers(0, len(COUNTRIES), invoices)]
    inv = np.repeat(np.arange(invoices), counts)
    n = len(inv)
    product = rng.integers(0, 4000, n)  # a line's product; an invoice seldom repeats one
    price = np.round(np.exp(rng.normal(0.8, 0.9, 4000)), 2)[product]
    quantity = rng.choice(
        [1, 2, 3, 4, 6, 12, 24, 48], n, p=[0.2, 0.15, 0.1, 0.1, 0.15, 0.2, 0.07, 0.03]
    )
    quantity = np.where(cancelled[inv], -quantity, quantity)
    frame = pd.DataFrame({
        "InvoiceNo": number[inv],
        "StockCode": np.char.add("SKU", product.astype(str)),
        "Description": np.char.add("PRODUCT ", product.astype(str)),
        "Quantity": quantity,
        "InvoiceDate": pd.DatetimeIndex(start + minutes[inv]).strftime("%Y-%m-%d %H:%M"),
        "UnitPrice": price,
        "CustomerID": customer[inv],
        "Country": country[inv],
    })  # fmt: skip
    twice = np.flatnonzero(rng.random(n) < 0.01)  # written twice in a row
    frame = frame.iloc[np.sort(np.concatenate([np.arange(n), twice]), kind="stable")]
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, columns=HEADER, lineterminator="\n")
    return out


def duckdb_scan(file: Path) -> int:
    """Read the whole file with DuckDB (every column as text): the floor for reading it at all."""
    query = f"SELECT count(*) FROM read_csv('{file}', all_varchar=true)"
    return duckdb.connect().execute(query).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, nargs="+", default=[500_000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(machine_line())
    print("| lines in file | MB | load s | order totals s | load + totals s | DuckDB raw scan s | "
          "ratio | loaded | quarantined | possible repeats | orders | returns | peak RSS GB |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|")
    for lines in args.lines:
        file = order_lines_file(lines)
        load_s, extracts = timed(
            lambda f=file: load_extracts(f.parent, tables=("orders",)), args.repeat
        )
        totals_s, totals = timed(lambda e=extracts: order_totals(e.orders), args.repeat)
        scan_s, scanned = timed(lambda f=file: duckdb_scan(f), args.repeat)
        rows = extracts.rows_read["orders"]
        assert scanned == rows and extracts.reconciliation()["balanced"].all()
        reasons = extracts.quarantine["reason"].value_counts()
        quarantined = ", ".join(f"{r} {c:,}" for r, c in reasons.items())
        repeats = int(extracts.issues["problem"].str.startswith("repeats row").sum())
        peak = peak_rss_gb()
        total = load_s + totals_s
        print(f"| {rows:,} | {file.stat().st_size / 1e6:.0f} | {load_s:.2f} | {totals_s:.2f} | "
              f"{total:.2f} | {scan_s:.2f} | {total / scan_s:.0f}× | {len(extracts.orders):,} | "
              f"{quarantined} | {repeats:,} | {len(totals):,} | {int(totals['is_return'].sum()):,} | "
              f"{peak:.1f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

"""Benchmark: the CLV transaction summary from a Parquet order log, side by side with its peers.

    .venv/bin/python benchmarks/bench_summary.py --parquet PATH [--repeat 3] [--threads 2]
        [--only engine lifetimes ...]

Contenders, each in its own process (so that each one's peak memory, ru_maxrss, is its own) on the
same file in one run, taking turns (--repeat rounds, one run of each contender per round, so a
change in the machine's load hits them all), best wall time from the file to the summary in memory
(each contender's modules are imported before its clock starts, as a notebook has them already:
lifetimes' import alone takes 0.8 s, the cleaning package's 0.4 s, polars' 0.3 s):

- ``auto``: `workbench.clv.summary_engine.summarize_auto(path)`, the front door for a file: on a
  file that declares customer order (the cleaned cache's orders) the three columns are read and
  summarised in one pass (`workbench.clv.summary_grouped`), on any other file DuckDB;
- ``cache``: what a notebook does after `load_clean`: the cache's memory-mapped Arrow orders
  (`table-orders.arrow` beside the Parquet file, `workbench.cleaning.cache.read_table` of the three
  columns), then `summarize` (one pass: the cache's orders are in customer order);
- ``engine``: `workbench.clv.summary_engine.summarize_on_engine(path)` (DuckDB, two GROUP BYs);
- ``pandas``: `pd.read_parquet` of the three columns + `workbench.clv.summary.summarize` (which
  also takes the one pass when the rows are in customer order);
- ``lifetimes``: `pd.read_parquet` + `summary_data_from_transaction_data(…, freq="D",
  freq_multiplier=7)`;
- ``duckdb_sql``: the summary as one would first write it in DuckDB SQL (same-day orders summed,
  a window numbering each customer's days, then per customer), result ordered by customer;
- ``polars``: the same plan in polars' lazy API (`scan_parquet`), if polars is installed
  (``pip install -e .[bench]``);
- ``engine_codes``: the engine on a copy of the file with customer ids as integer codes (their
  rank, so the order is kept) and dates as date32, written once before timing: what a cache
  storing codes would give (checked against the engine's numbers row by row);
- ``scan``: DuckDB reading the three columns and touching every value (the floor).

Every contender's summary (but the scan's) is checked against the engine's (rtol 1e-9). The
orders Parquet is a cleaned-cache table (`<data_dir>/_cache/<key>/table-orders.parquet`,
`workbench.cleaning.cache`), all rows, as stored. A table goes to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from common import machine_line  # benchmarks/common.py

COLUMNS = ["customer_id", "order_date", "amount"]
CHECK = ["frequency", "recency", "T", "monetary_value"]
CONTENDERS = [
    "engine",
    "auto",
    "cache",
    "engine_codes",
    "pandas",
    "lifetimes",
    "duckdb_sql",
    "polars",
    "scan",
]
UNIT = 7.0

NAIVE_SQL = """
WITH days AS (
    SELECT customer_id, CAST(order_date AS DATE) AS day, sum(amount) AS value
    FROM read_parquet('{path}') GROUP BY 1, 2
), numbered AS (
    SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY day) AS n,
           max(day) OVER () AS end_day
    FROM days
)
SELECT customer_id,
       CAST(count(*) - 1 AS DOUBLE) AS frequency,
       (max(day) - min(day)) / {unit} AS recency,
       (any_value(end_day) - min(day)) / {unit} AS T,
       coalesce(sum(value) FILTER (WHERE n > 1) / nullif(count(*) - 1, 0), 0) AS monetary_value
FROM numbered GROUP BY customer_id ORDER BY customer_id
"""

CODES_SQL = """
COPY (
    SELECT CAST(dense_rank() OVER (ORDER BY customer_id) AS INTEGER) AS customer_id,
           CAST(order_date AS DATE) AS order_date, amount
    FROM read_parquet('{path}')
) TO '{out}' (FORMAT parquet)
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_frame(path: str) -> pd.DataFrame:
    """The three columns as pandas reads them (dates as datetimes, not objects)."""
    return pd.read_parquet(path, columns=COLUMNS, to_pandas_kwargs={"date_as_object": False})


def run_engine(path: str, threads: int) -> pd.DataFrame:
    from workbench.clv.summary_engine import summarize_on_engine

    return summarize_on_engine(path, threads=threads)


def run_auto(path: str, threads: int) -> pd.DataFrame:
    from workbench.clv.summary_engine import summarize_auto

    return summarize_auto(path, threads=threads)


def run_cache(path: str, threads: int) -> pd.DataFrame:
    from workbench.cleaning.cache import read_table
    from workbench.clv.summary import summarize

    return summarize(read_table(Path(path).with_suffix(".arrow"), columns=COLUMNS))


def run_pandas(path: str, threads: int) -> pd.DataFrame:
    from workbench.clv.summary import summarize

    return summarize(read_frame(path))


def run_lifetimes(path: str, threads: int) -> pd.DataFrame:
    with warnings.catch_warnings():  # lifetimes changes the warning filters on import
        from lifetimes.utils import summary_data_from_transaction_data
    frame = read_frame(path)
    return summary_data_from_transaction_data(
        frame, "customer_id", "order_date", "amount", freq="D", freq_multiplier=UNIT
    )


def run_duckdb_sql(path: str, threads: int) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    table = con.sql(NAIVE_SQL.format(path=path.replace("'", "''"), unit=UNIT)).to_arrow_table()
    return table.to_pandas().set_index("customer_id")


def run_polars(path: str, threads: int) -> pd.DataFrame:
    import polars as pl

    days = (
        pl.scan_parquet(path)
        .select(pl.col("customer_id"), pl.col("order_date").dt.date().alias("day"), "amount")
        .group_by("customer_id", "day")
        .agg(pl.col("amount").sum().alias("value"))
    )
    end = pl.col("day").max()
    per_customer = (
        days.with_columns(end.alias("end_day"))
        .group_by("customer_id")
        .agg(
            (pl.len() - 1).alias("frequency"),
            pl.col("day").min().alias("first"),
            pl.col("day").max().alias("last"),
            pl.col("end_day").first(),
            (pl.col("value").sum() - pl.col("value").sort_by("day").first()).alias("repeat"),
        )
        .sort("customer_id")
        .collect()
    )
    frame = per_customer.to_pandas().set_index("customer_id")
    days_between = frame["last"] - frame["first"]
    out = pd.DataFrame(index=frame.index)
    out["frequency"] = frame["frequency"].astype(float)
    out["recency"] = days_between.dt.days / UNIT
    out["T"] = (frame["end_day"] - frame["first"]).dt.days / UNIT
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = frame["repeat"] / out["frequency"]
    out["monetary_value"] = np.where(out["frequency"] > 0, mean, 0.0)
    return out


def run_scan(path: str, threads: int) -> int:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    query = (
        "SELECT sum(length(customer_id)), sum(epoch(order_date)), sum(amount) "
        f"FROM read_parquet('{path.replace(chr(39), chr(39) * 2)}')"
    )
    return int(con.execute(query).fetchone()[0])


IMPORTS = {  # imported before the clock starts, as a notebook has them already
    "engine": ["workbench.clv.summary_engine"],
    "auto": ["workbench.clv.summary_engine"],
    "cache": ["workbench.cleaning.cache", "workbench.clv.summary"],
    "engine_codes": ["workbench.clv.summary_engine"],
    "pandas": ["workbench.clv.summary"],
    "lifetimes": ["lifetimes.utils"],
    "duckdb_sql": ["duckdb"],
    "polars": ["polars"],
    "scan": ["duckdb"],
}

RUNNERS = {
    "engine": run_engine,
    "auto": run_auto,
    "cache": run_cache,
    "engine_codes": run_engine,
    "pandas": run_pandas,
    "lifetimes": run_lifetimes,
    "duckdb_sql": run_duckdb_sql,
    "polars": run_polars,
    "scan": run_scan,
}


def child(name: str, path: str, repeat: int, threads: int, out: str) -> None:
    """Time one contender in this process; write its summary to ``out`` (Parquet), print JSON."""
    with warnings.catch_warnings():  # lifetimes changes the warning filters on import
        for module in IMPORTS[name]:
            importlib.import_module(module)
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = RUNNERS[name](path, threads)
        times.append(time.perf_counter() - started)
    rows = None
    if isinstance(result, pd.DataFrame):
        rows = len(result)
        frame = result[[c for c in CHECK if c in result.columns]].copy()
        frame.index = frame.index.astype(str)
        frame.to_parquet(out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps({"best": min(times), "peak_gb": peak, "rows": rows}))


def same(reference: pd.DataFrame, other: pd.DataFrame) -> str:
    """'yes' when the summaries agree to rtol 1e-9, else the first difference."""
    try:
        pd.testing.assert_frame_equal(
            reference.sort_index(), other.sort_index()[reference.columns], rtol=1e-9,
            check_names=False, check_index_type=False,
        )  # fmt: skip
    except AssertionError as error:
        return "NO: " + str(error).splitlines()[0]
    return "yes"


def _has_polars() -> bool:
    try:
        import polars  # noqa: F401
    except ImportError:
        log("polars not installed (pip install -e .[bench]): skipped")
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parquet", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=CONTENDERS, choices=CONTENDERS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.parquet, args.repeat, args.threads, args.out)
        return
    orders = pq.ParquetFile(args.parquet).metadata.num_rows
    scratch = Path(tempfile.mkdtemp(prefix="bench-summary-"))
    names = [name for name in args.only if name != "polars" or _has_polars()]
    if not Path(args.parquet).with_suffix(".arrow").is_file():  # not a cleaned cache's orders
        names = [name for name in names if name != "cache"]
    codes = str(scratch / "orders-codes.parquet")
    if "engine_codes" in names:  # in a child too: the parent's size would count in every peak
        script = (
            "import duckdb; con = duckdb.connect(); con.execute('SET enable_progress_bar = false');"
            f" con.execute({CODES_SQL.format(path=args.parquet, out=codes)!r})"
        )
        subprocess.run([sys.executable, "-c", script], check=True)
    results: dict[str, dict] = {}
    for round_ in range(args.repeat):  # round robin: a change of the machine's load hits all
        for name in names:
            out = scratch / f"{name}.parquet"
            source = codes if name == "engine_codes" else args.parquet
            command = [sys.executable, __file__, "--parquet", source, "--child", name,
                       "--repeat", "1", "--threads", str(args.threads), "--out", str(out)]  # fmt: skip
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            run = json.loads(done.stdout.strip().splitlines()[-1])
            log(f"round {round_ + 1} {name}: {run}")
            best = results.setdefault(name, run)
            best["best"] = min(best["best"], run["best"])
            best["peak_gb"] = max(best["peak_gb"], run["peak_gb"])
    frames = {  # read after the runs: the parent's size is a floor of every child's ru_maxrss
        name: pd.read_parquet(scratch / f"{name}.parquet")
        for name, run in results.items()
        if run["rows"] is not None
    }
    print(machine_line() + f", {args.threads} DuckDB/polars threads, best of {args.repeat}")
    print(f"# {orders:,} orders in {args.parquet}")
    print("| contender | seconds | × scan | peak memory GB | customers | same as engine |")
    print("|:---|---:|---:|---:|---:|:---:|")
    scan = results.get("scan", {}).get("best")
    reference = frames.get("engine")
    for name, result in results.items():
        ratio = f"{result['best'] / scan:.1f}" if scan else "–"
        check = "–"
        if reference is not None and name in frames and name != "engine":
            other = frames[name]
            if name == "engine_codes":  # codes are ranks: same row order, other labels
                other = other.set_axis(reference.index)
            check = same(reference[other.columns.intersection(CHECK)], other)
        rows = f"{result['rows']:,}" if result["rows"] is not None else "–"
        print(f"| {name} | {result['best']:.2f} | {ratio} | {result['peak_gb']:.2f} | {rows} | "
              f"{check} |")  # fmt: skip
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

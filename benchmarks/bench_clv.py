"""Benchmark: CLV inputs and fits. (1) our `summarize` vs lifetimes'
`summary_data_from_transaction_data` on the same order log (same output required), and
(2) BG/NBD and Gamma-Gamma fits on every customer vs on the `compress`ed distinct rows with
weights (same parameters required).

    .venv/bin/python benchmarks/bench_clv.py --sizes 100000 1000000 [--repeat N] [--only fit]

Sizes are customers of the demo extracts (data/bench/c<N>/, generated once with seed 7 and
reused, as in bench_load.py): 100k customers give ~1.03M orders, 1M give ~10.3M. Only the
customer id, order date and amount columns of orders.csv are read (pyarrow, as text), then
parsed with workbench.extracts.parsers; rows whose id, date or amount is missing or does not parse, or
whose amount is <= 0 (the demo's injected dirt), are dropped. Reading and parsing are not part
of any timed figure. Tables go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from common import dataset, timed  # benchmarks/common.py

from workbench.clv.purchase import BGNBD  # imports lifetimes with the caller's filters kept
from workbench.clv.spend import GammaGamma
from workbench.clv.summary import compress, summarize
from workbench.extracts.parsers import missing_mask, parse_amounts, parse_dates
from workbench.extracts.schema import ORDERS

with warnings.catch_warnings():  # lifetimes changes the process's warning filters on import
    from lifetimes.utils import summary_data_from_transaction_data

LIFETIMES_COLUMNS = ["frequency", "recency", "T", "monetary_value"]
SPEND_COLUMNS = ("frequency", "monetary_value")
SAME_RTOL = 1e-9  # summaries: only float rounding allowed (assert_frame_equal's default is 1e-5)
MAX_PARAM_DIFF = 1e-4  # relative; compressed and full fits must agree to this


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_orders(folder: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """customer_id, order_date, amount of the parseable orders with amount > 0, and row counts."""
    zh = {column.name: column.zh for column in ORDERS.columns}
    wanted = {zh["customer_id"]: "customer_id", zh["order_date"]: "order_date",
              zh["amount"]: "amount"}  # fmt: skip
    table = pacsv.read_csv(
        folder / "orders.csv",  # pyarrow skips the UTF-8 BOM
        convert_options=pacsv.ConvertOptions(
            include_columns=list(wanted),
            column_types=dict.fromkeys(wanted, pa.string()),
            strings_can_be_null=True,
        ),
    )
    raw = table.rename_columns([wanted[name] for name in table.column_names]).to_pandas()
    del table
    ids = raw["customer_id"].str.strip()
    bad_id = missing_mask(ids)
    # canonical ISO dates in one pass; workbench.extracts.parsers only for the other formats and dirt
    dates = pd.to_datetime(raw["order_date"], format="%Y-%m-%d", errors="coerce")
    dates = dates.astype("datetime64[ns]")
    rest = dates.isna() & raw["order_date"].notna()
    if rest.any():
        dates.loc[rest] = parse_dates(raw["order_date"][rest])[0]
    amounts = parse_amounts(raw["amount"])[0]
    bad_date, bad_amount = dates.isna(), amounts.isna()
    not_positive = ~bad_amount & (amounts <= 0)
    keep = (~bad_id & ~bad_date & ~bad_amount & ~not_positive).to_numpy()
    orders = pd.DataFrame(
        {"customer_id": ids[keep], "order_date": dates[keep], "amount": amounts[keep]}
    ).reset_index(drop=True)
    counts = {"read": len(raw), "kept": len(orders), "no id": int(bad_id.sum()),
              "date missing/unparseable": int(bad_date.sum()),
              "amount missing/unparseable": int(bad_amount.sum()),
              "amount <= 0": int(not_positive.sum())}  # fmt: skip
    return orders, counts


def lifetimes_summary(orders: pd.DataFrame) -> pd.DataFrame:
    with warnings.catch_warnings():
        return summary_data_from_transaction_data(
            orders, "customer_id", "order_date", monetary_value_col="amount",
            freq="D", freq_multiplier=7,
        )  # fmt: skip


def aligned(summary: pd.DataFrame) -> pd.DataFrame:
    """The lifetimes columns as floats, indexed by customer id as str, sorted."""
    out = summary[LIFETIMES_COLUMNS].astype(float)
    out.index = pd.Index(out.index.astype(str), name="customer_id")
    return out.sort_index()


def bench_summary(n: int, orders: pd.DataFrame, counts: dict[str, int], repeat: int) -> str:
    ours_s, ours = timed(lambda: summarize(orders), repeat)
    log(f"c{n}: summarize {ours_s:.2f} s; lifetimes…")
    theirs_s, theirs = timed(lambda: lifetimes_summary(orders), repeat)
    log(f"c{n}: lifetimes {theirs_s:.2f} s")
    left, right = aligned(ours), aligned(theirs)
    try:
        pd.testing.assert_frame_equal(left, right, rtol=SAME_RTOL, atol=1e-12)
    except AssertionError as error:
        raise SystemExit(f"c{n}: summarize and lifetimes differ:\n{error}") from None
    diff = float(np.max(np.abs(left.to_numpy() - right.to_numpy()), initial=0.0))
    log(f"c{n}: same output: yes ({len(left):,} customers, max abs difference {diff:.1e})")
    cells = [f"{n:,}", f"{counts['read']:,}", f"{counts['kept']:,}", f"{len(left):,}",
             secs(ours_s), secs(theirs_s), f"{theirs_s / ours_s:.1f}×", "yes"]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def secs(seconds: float) -> str:
    """Wall seconds for the tables: milliseconds shown below 0.1 s (small test sizes)."""
    return f"{seconds:.2f}" if seconds >= 0.1 else f"{seconds:.3f}"


def max_relative_difference(a: dict[str, float], b: dict[str, float]) -> float:
    return max(abs(a[k] - b[k]) / abs(a[k]) for k in a)


def bench_fits(n: int, summary: pd.DataFrame, repeat: int) -> list[str]:
    rows = []
    for model, columns in ((BGNBD, ("frequency", "recency", "T")), (GammaGamma, SPEND_COLUMNS)):
        model().fit(summary.iloc[:2000])  # warm-up: the first fit of a process pays lazy imports
        full_s, full = timed(lambda model=model: model().fit(summary), repeat)
        compress_s, (distinct, weights) = timed(
            lambda columns=columns: compress(summary, columns), repeat
        )
        fit_s, small = timed(lambda m=model, d=distinct, w=weights: m().fit(d, w), repeat)
        diff = max_relative_difference(full.params_, small.params_)
        log(f"c{n}: {model.__name__} full {full_s:.2f} s, compress {compress_s:.2f} s + fit "
            f"{fit_s:.2f} s on {len(distinct):,} rows; max rel. param diff {diff:.1e}; "
            f"full {full.params_}, compressed {small.params_}")  # fmt: skip
        if not diff <= MAX_PARAM_DIFF:
            raise SystemExit(
                f"c{n}: {model.__name__} fits differ by {diff:.2e} (> {MAX_PARAM_DIFF:g}): "
                f"full {full.params_}, compressed {small.params_}"
            )
        total = compress_s + fit_s
        cells = [f"{n:,}", model.__name__, f"{len(summary):,}", f"{len(distinct):,}",
                 secs(full_s), secs(compress_s), secs(total), f"{full_s / total:.1f}×",
                 f"{diff:.1e}"]  # fmt: skip
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000],
                        help="customers per data set (default: 100000 1000000)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1, help="median of N runs (default 1)")
    parser.add_argument("--only", choices=("summary", "fit"), help="run one part only")
    args = parser.parse_args()
    summary_rows, fit_rows, notes = [], [], []
    for n in args.sizes:
        folder = dataset(n)
        started = time.perf_counter()
        orders, counts = read_orders(folder)
        dropped = ", ".join(f"{k} {v:,}" for k, v in counts.items() if k not in ("read", "kept"))
        notes.append(f"c{n}: orders.csv {counts['read']:,} rows read, {counts['kept']:,} kept "
                     f"(dropped: {dropped}; a row may have several faults)")  # fmt: skip
        log(f"{notes[-1]}; read + parse {time.perf_counter() - started:.1f} s")
        if args.only != "fit":
            summary_rows.append(bench_summary(n, orders, counts, args.repeat))
        if args.only != "summary":
            summary = summarize(orders)
            del orders
            fit_rows.extend(bench_fits(n, summary, args.repeat))
            del summary
        else:
            del orders

    print(f"# {cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"pandas {pd.__version__}, numpy {np.__version__}, scipy {version('scipy')}, "
          f"lifetimes {version('lifetimes')}, pyarrow {pa.__version__}, "
          f"{time.strftime('%Y-%m-%d')}, median of {args.repeat}")  # fmt: skip
    for note in notes:
        print(f"# {note}")
    if summary_rows:
        print("\n## summarize vs lifetimes.utils.summary_data_from_transaction_data "
              "(freq='D', freq_multiplier=7)\n")  # fmt: skip
        print("| customers | orders read | orders kept | summary rows | summarize s | "
              "lifetimes s | lifetimes/summarize | same output (rtol 1e-9) |")  # fmt: skip
        print("|---:|---:|---:|---:|---:|---:|---:|:---:|")
        print("\n".join(summary_rows))
    if fit_rows:
        print("\n## fit on every customer vs compress + weighted fit on the distinct rows\n")
        print("| customers | model | summary rows | distinct rows | full fit s | compress s | "
              "compress + fit s | full/(compress+fit) | max rel. param diff |")  # fmt: skip
        print("|---:|:---|---:|---:|---:|---:|---:|---:|---:|")
        print("\n".join(fit_rows))


if __name__ == "__main__":
    main()

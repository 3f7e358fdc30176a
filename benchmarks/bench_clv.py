"""Benchmark: CLV inputs and fits. (1) our `summarize` vs lifetimes'
`summary_data_from_transaction_data` on the same order log (same output required), and
(2) BG/NBD, Gamma-Gamma and Pareto/NBD fits (analytic gradients, special functions once per
distinct value, subsample warm start) against lifetimes' fitters on the same rows, side by side
in one run, with wall and CPU seconds and the largest relative parameter difference.

    .venv/bin/python benchmarks/bench_clv.py --sizes 100000 1000000 [--repeat N] [--only fit]
        [--data-dir /tmp/churn_bench]  # folders c<N>/ with orders.csv, instead of data/bench

Sizes are customers of the demo extracts (data/bench/c<N>/, generated once with seed 7 and
reused, as in bench_load.py): 100k customers give ~1.03M orders, 1M give ~10.3M. Only the
customer id, order date and amount columns of orders.csv are read (pyarrow, as text), then
parsed with workbench.extracts.parsers; rows whose id, date or amount is missing or does not parse, or
whose amount is <= 0 (the demo's injected dirt), are dropped. Reading and parsing are not part
of any timed figure. Fits are best of --repeat (lifetimes' Pareto/NBD, minutes at 1M, of
--pareto-repeat), on the customers with at most --pareto-max repeat purchases for Pareto/NBD
(lifetimes' likelihood is NaN beyond ~120). Tables go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import io
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
from common import dataset, machine_line, timed  # benchmarks/common.py

from workbench.clv.purchase import BGNBD, ParetoNBD  # imports lifetimes, filters kept
from workbench.clv.spend import GammaGamma, gamma_gamma_data, gamma_gamma_objective
from workbench.clv.summary import FIT_COLUMNS, compress, summarize
from workbench.extracts.parsers import missing_mask, parse_amounts, parse_dates
from workbench.extracts.schema import ORDERS

with warnings.catch_warnings():  # lifetimes changes the process's warning filters on import
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
    from lifetimes.utils import summary_data_from_transaction_data

LIFETIMES_COLUMNS = ["frequency", "recency", "T", "monetary_value"]
SPEND_COLUMNS = ("frequency", "monetary_value")
SAME_RTOL = 1e-9  # summaries: only float rounding allowed (assert_frame_equal's default is 1e-5)
MAX_PARAM_DIFF = 1e-6  # relative; ours and lifetimes' parameters should agree to this


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


def best(fn, repeat: int) -> tuple[float, float, object]:
    """Best wall seconds of `repeat` calls, that call's CPU seconds, and its result."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu, result))
    return min(runs, key=lambda run: run[0])


def quiet(fn):
    """Call a lifetimes fitter with its warnings and printed optimiser output kept in."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        return fn()


def fit_cases(summary: pd.DataFrame, pareto_max: int) -> list[tuple]:
    """(label, rows, our model, its columns, lifetimes' fit) for each model."""
    x, t_x, T = (summary[c] for c in ("frequency", "recency", "T"))
    repeat = summary[summary["frequency"] > 0]
    # lifetimes' Pareto/NBD likelihood is NaN for customers with > ~120 repeat purchases (its
    # hypergeometric term overflows): both fit the customers it can take
    pareto = summary[summary["frequency"] <= pareto_max]
    return [
        ("BG/NBD", summary, BGNBD, FIT_COLUMNS,
         lambda: BetaGeoFitter().fit(x, t_x, T)),
        ("Gamma-Gamma", summary, GammaGamma, SPEND_COLUMNS,
         lambda: GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])),
        (f"Pareto/NBD (frequency ≤ {pareto_max})", pareto, ParetoNBD, FIT_COLUMNS, lambda: ParetoNBDFitter().fit(*(pareto[c] for c in FIT_COLUMNS))),
    ]  # fmt: skip


def log_likelihood(model: type, params: dict[str, float], data: pd.DataFrame) -> float:
    """The log-likelihood of ``data`` at ``params`` (lifetimes' estimates), by our formulas."""
    if model is GammaGamma:
        repeat = data[data["frequency"] > 0]
        x, m = repeat["frequency"].to_numpy(float), repeat["monetary_value"].to_numpy(float)
        log_params = np.log([params[k] for k in model.param_names])
        value, _ = gamma_gamma_objective(log_params, gamma_gamma_data(x, m, np.ones(len(x))))
        return -value * len(x)
    fitted = model()
    fitted.params_ = params
    return fitted.log_likelihood(data)


def bench_fits(
    n: int, summary: pd.DataFrame, repeat: int, pareto_max: int, pareto_repeat: int
) -> list[str]:
    """Our fits (all rows; compressed rows) against lifetimes' on the same rows, parameters
    compared."""
    rows = []
    BGNBD().fit(summary.iloc[:2000])  # warm-up: the first fit of a process pays lazy imports
    GammaGamma().fit(summary.iloc[:2000])
    for label, data, model, columns, theirs_fn in fit_cases(summary, pareto_max):
        ours_s, ours_cpu, ours = best(lambda m=model, d=data: m().fit(d), repeat)
        log(f"c{n}: {label} ours {ours_s:.2f} s (CPU {ours_cpu:.2f}) {ours.params_}")
        comp_s, _, _ = best(lambda d=data, c=columns, m=model: m().fit(*compress(d, c)), repeat)
        times = repeat if "Pareto" not in label else pareto_repeat
        if times == 0:  # lifetimes' Pareto/NBD left out at this size (--pareto-lifetimes-up-to)
            cells = [f"{n:,}", label, f"{len(data):,}", secs(ours_s), secs(ours_cpu),
                     secs(comp_s), "not run", "", "", "", "", ""]  # fmt: skip
            rows.append("| " + " | ".join(cells) + " |")
            continue
        theirs_s, theirs_cpu, theirs = best(lambda f=theirs_fn: quiet(f), times)
        theirs_params = {k: float(v) for k, v in theirs.params_.items()}
        diff = max_relative_difference(theirs_params, ours.params_)
        gain = ours.log_likelihood_ - log_likelihood(model, theirs_params, data)
        if not diff <= MAX_PARAM_DIFF:
            log(f"c{n}: {label}: parameters differ from lifetimes' by {diff:.1e}")
        log(f"c{n}: {label} lifetimes {theirs_s:.2f} s (CPU {theirs_cpu:.2f}) {theirs_params}; "
            f"max rel. param diff {diff:.1e}; log-lik. ours − theirs {gain:.2e}")  # fmt: skip
        cells = [f"{n:,}", label, f"{len(data):,}", secs(ours_s), secs(ours_cpu), secs(comp_s),
                 f"{secs(theirs_s)} ({times})", secs(theirs_cpu), f"{theirs_s / ours_s:.1f}×",
                 f"{theirs_cpu / ours_cpu:.1f}×", f"{diff:.1e}", f"{gain:.1e}"]  # fmt: skip
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
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="median of N runs for the summary, best of N for fits (default 1)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="folder holding c<N>/orders.csv (else data/bench, generated)",
    )
    parser.add_argument(
        "--pareto-max",
        type=int,
        default=120,
        help="Pareto/NBD fits on customers with at most this frequency",
    )
    parser.add_argument("--pareto-lifetimes-up-to", type=int, default=10**9,
                        help="run lifetimes' Pareto/NBD only up to this many customers")  # fmt: skip
    parser.add_argument("--pareto-repeat", type=int, default=1,
                        help="runs of lifetimes' Pareto/NBD (minutes at 1M; default 1)")  # fmt: skip
    parser.add_argument("--only", choices=("summary", "fit"), help="run one part only")
    args = parser.parse_args()
    summary_rows, fit_rows, notes = [], [], []
    load_before = " ".join(map(str, os.getloadavg()))
    for n in args.sizes:
        given = args.data_dir / f"c{n}" if args.data_dir else None
        folder = given if given and (given / "orders.csv").exists() else dataset(n)
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
            fit_rows.extend(
                bench_fits(
                    n,
                    summary,
                    args.repeat,
                    args.pareto_max,
                    args.pareto_repeat if n <= args.pareto_lifetimes_up_to else 0,
                )
            )
            del summary
        else:
            del orders

    print(machine_line())
    print(f"# load average before {load_before}, after {' '.join(map(str, os.getloadavg()))}")
    print(f"# {cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"pandas {pd.__version__}, numpy {np.__version__}, scipy {version('scipy')}, "
          f"lifetimes {version('lifetimes')}, pyarrow {pa.__version__}, "
          f"{time.strftime('%Y-%m-%d')}, median/best of {args.repeat}")  # fmt: skip
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
        print("\n## fits: workbench vs lifetimes on the same rows (best of N wall s; CPU s)\n")
        print("| customers | model | rows | ours s | ours CPU s | ours compressed s | "
              "lifetimes s (runs) | lifetimes CPU s | wall ratio | CPU ratio | "
              "max rel. param diff | log-lik. ours − lifetimes |")  # fmt: skip
        print("|---:|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        print("\n".join(fit_rows))


if __name__ == "__main__":
    main()

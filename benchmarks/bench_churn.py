"""Benchmark: the churn model at N customers: (1) the features of one snapshot, (2) the whole
`fit_churn`, (3) scoring the population at the quarter's end and the per-customer factors.

    .venv/bin/python benchmarks/bench_churn.py --customers 100000 1000000 [--repeat N]
        [--data-dir DIR] [--stages features fit score] [--model FILE] [--quarter 2024Q4]
        [--profile DIR]

Data: the demo extracts (seed 7; data/bench/c<N>/ as in the other benchmarks, or
<DIR>/c<N>/ with --data-dir), read with `workbench.io.load_clean` from its Parquet cache (the
cache is written first, untimed, when missing): what a notebook of the quarterly run reads.
Each stage runs in a fresh subprocess that loads the data, so its peak RSS is that stage's (on
top of the loaded tables, shown apart); the fitted model goes from stage 2 to stage 3 as a
pickle (`ChurnModel.save`). Stages:

1. features: `build_features` of the customers active at the validation cutoff (the latest
   training snapshot `fit_churn` builds), with the spec `feature_spec` gives.
2. fit: `fit_churn(data, quarter end)` with the default parameters: 4 training snapshots and
   the validation one, two calibrated gradient-boosting fits, the logistic baseline, BG/NBD,
   permutation importance, the data digest.
3. score: `ChurnModel.score` (population, features, probabilities) at the quarter's end, then
   `workbench.churn.explain.contributions` on the same features; on one thread, as
   `analyse_churn` runs them. With the model of stage 2, or the one --model names (when the
   fit at that size would take too long: scoring costs the same whoever trained the model).

A table goes to stdout, progress to stderr. --profile writes a cProfile file per stage.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from common import dataset, machine_line, peak_rss_gb, timed  # benchmarks/common.py

from workbench.churn.definition import behavioural_labels, purchases_of
from workbench.churn.explain import contributions
from workbench.churn.features import build_features, feature_spec
from workbench.churn.model import single_threaded
from workbench.churn.params import ChurnParams
from workbench.churn.snapshots import plan_cutoffs
from workbench.churn.training import fit_churn, load_churn_model
from workbench.core.periods import quarter_bounds
from workbench.demo import generate
from workbench.io import load_clean

STAGES = ("features", "fit", "score")
MODEL_FILE = "model.pkl"  # from the fit stage to the score stage, in <data>/.churn-bench-c<N>/


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def extracts(n: int, data_dir: Path | None) -> Path:
    """The demo extracts of n customers: common.dataset, or generated once under data_dir."""
    if data_dir is None:
        return dataset(n)
    out = data_dir / f"c{n}"
    if not (out / "customers.csv").exists():
        started = time.perf_counter()
        result = generate(out, customers=n, seed=7)
        log(f"generated {n:,} customers in {time.perf_counter() - started:.0f} s: {result.rows}")
    return out


# --- one stage, in its own process -------------------------------------------------------


def cpu_seconds() -> float:
    """User + system CPU seconds of this process so far (wall ≫ CPU: the cores were shared)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """common.timed's median wall seconds, the mean CPU seconds per call, the last result."""
    cpu = cpu_seconds()
    seconds, result = timed(fn, repeat)
    return seconds, (cpu_seconds() - cpu) / repeat, result


def row(part: str, seconds: float, cpu: float, rows: int, columns: int, detail: str) -> dict:
    """One line of the table, with this process's peak RSS so far (the part's peak)."""
    return {"part": part, "seconds": seconds, "cpu_s": cpu, "rows": rows, "columns": columns,
            "detail": detail, "peak_gb": peak_rss_gb()}  # fmt: skip


def snapshot_inputs(data: object, as_of: pd.Timestamp) -> tuple[pd.Index, pd.Timestamp, object]:
    """The customers active at the validation cutoff `fit_churn` plans, that cutoff, the spec."""
    params = ChurnParams()
    purchases = purchases_of(data.tables["orders"])
    purchases = purchases[purchases["order_date"] < as_of]
    cutoff = plan_cutoffs(as_of, params, purchases["order_date"].min()).validation
    population = behavioural_labels(purchases, cutoff, params.window_days, params.active_days)
    return population.index, cutoff, feature_spec(data)


def stage_features(data: object, as_of: pd.Timestamp, repeat: int, work: Path) -> list[dict]:
    ids, cutoff, spec = snapshot_inputs(data, as_of)
    seconds, cpu, features = measured(lambda: build_features(data, ids, cutoff, spec), repeat)
    detail = f"cutoff {cutoff.date()}, {len(ids):,} active customers"
    return [row("features", seconds, cpu, len(features), features.shape[1], detail)]


def stage_fit(data: object, as_of: pd.Timestamp, repeat: int, work: Path) -> list[dict]:
    seconds, cpu, fit = measured(lambda: fit_churn(data, as_of), repeat)
    if fit.model is None:
        raise SystemExit(f"fit_churn gave no model: {fit.unavailable}")
    fit.model.save(work / MODEL_FILE)
    counts = fit.counts
    training = counts["training_churners"] + counts["training_stayers"]
    validation = counts["validation_churners"] + counts["validation_stayers"]
    cutoffs = ", ".join(str(c.date()) for c in (*fit.cutoffs.training, fit.cutoffs.validation))
    detail = (f"training {training:,} + validation {validation:,} rows (cutoffs {cutoffs}); "
              f"grade {fit.grade}")  # fmt: skip
    return [row("fit", seconds, cpu, training + validation, len(fit.model.spec.columns), detail)]


def stage_score(data: object, as_of: pd.Timestamp, repeat: int, work: Path) -> list[dict]:
    model = load_churn_model(work / MODEL_FILE)
    with single_threaded():
        score_s, score_cpu, scores = measured(lambda: model.score(data, as_of), repeat)
        scored = row("score", score_s, score_cpu, len(scores), len(model.spec.columns),
                     "population + features + predict_proba")  # fmt: skip
        features = model.features(data, as_of)  # untimed: score does not return them
        factors_s, factors_cpu, effects = measured(
            lambda: contributions(model.estimator, features, model.reference), repeat
        )
    detail = f"{effects.shape[1] + 1} predictions of {len(features):,} rows"
    return [scored, row("factors", factors_s, factors_cpu, len(effects), effects.shape[1], detail)]


def run_stage(stage: str, folder: Path, quarter: str, repeat: int, work: Path,
              profile: Path | None) -> None:  # fmt: skip
    """Child process: load the cached clean data, run one stage, print its rows as JSON."""
    started = time.perf_counter()
    data = load_clean(folder)
    load_s, loaded_gb = time.perf_counter() - started, peak_rss_gb()
    _, as_of = quarter_bounds(quarter)
    run = {"features": stage_features, "fit": stage_fit, "score": stage_score}[stage]
    if profile is None:
        rows = run(data, as_of, repeat, work)
    else:
        profiler = cProfile.Profile()
        rows = profiler.runcall(run, data, as_of, repeat, work)
        profile.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(profile / f"{stage}-{folder.name}.prof")
    print(json.dumps([r | {"load_s": load_s, "loaded_gb": loaded_gb} for r in rows]))


# --- the parent: one subprocess per size and stage ---------------------------------------


def child(*arguments: str) -> object:
    command = [sys.executable, __file__, *arguments]
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(folder: Path) -> None:
    """Write the Parquet cache of the clean tables if missing (untimed), in a subprocess."""
    started = time.perf_counter()
    out = child("--prepare", str(folder))
    log(f"{folder}: load_clean {time.perf_counter() - started:.0f} s (tables: {out['rows']})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000, 1_000_000],
                        help="customers per data set (default: 100000 1000000)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1, help="median of N runs (default 1)")
    parser.add_argument("--quarter", default="2024Q4", help="scored at its end (default 2024Q4)")
    parser.add_argument("--data-dir", type=Path, help="generate/read <DIR>/c<N>/ instead")
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--profile", type=Path, help="write <stage>-c<N>.prof files here")
    parser.add_argument("--model", type=Path,
                        help="score with this saved ChurnModel (e.g. one fitted at 100k) when "
                             "the fit stage is not run")  # fmt: skip
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)  # child process
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        tables = load_clean(args.prepare).tables
        print(json.dumps({"rows": {name: len(frame) for name, frame in tables.items()}}))
        return
    if args.stage:
        run_stage(args.stage, args.folder, args.quarter, args.repeat, args.work, args.profile)
        return

    print(machine_line())
    print(f"# load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"median of {args.repeat}; scored as of the end of {args.quarter}")  # fmt: skip
    rows, notes = [], []
    for n in args.customers:
        folder = extracts(n, args.data_dir)
        prepare(folder)
        work = folder.parent / f".churn-bench-c{n}"
        work.mkdir(exist_ok=True)
        if args.model:
            shutil.copyfile(args.model, work / MODEL_FILE)
            notes.append(f"c{n}: scored with the model {args.model}")
        for stage in args.stages:
            extra = ["--profile", str(args.profile)] if args.profile else []
            parts = child("--stage", stage, "--folder", str(folder), "--quarter", args.quarter,
                          "--repeat", str(args.repeat), "--work", str(work), *extra)  # fmt: skip
            for out in parts:
                log(f"c{n} {out['part']}: {out}")
                notes.append(f"c{n} {out['part']}: {out['detail']}")
                cells = [f"{n:,}", out["part"], f"{out['rows']:,}", str(out["columns"]),
                         f"{out['seconds']:.1f}", f"{out['cpu_s']:.1f}", f"{out['load_s']:.1f}",
                         f"{out['loaded_gb']:.1f}", f"{out['peak_gb']:.1f}"]  # fmt: skip
                rows.append("| " + " | ".join(cells) + " |")
    print(f"# load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for note in notes:
        print(f"# {note}")
    print("| customers | part | rows | features | wall s | CPU s | cached load s | RSS after load GB "
          "| peak RSS GB |")  # fmt: skip
    print("|---:|:---|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()

"""Benchmark: a cold `make quarterly` against a serial loop over the same jobs, and an unchanged
re-run (issue 18's targets: ≥ 1.8× faster than serial on 2 cores; the re-run ≤ 5% of the cold
run).

    .venv/bin/python benchmarks/bench_reports.py                    # full size: every report
    .venv/bin/python benchmarks/bench_reports.py --regions 华东 --notebooks profiling   # smoke

- cold: `python -m workbench quarterly --force` (what `make quarterly FORCE=1` runs) into an
  empty folder, in a subprocess, with the cleaned-data cache and the churn model already warm
  on both sides (`warm_caches`), so the two measure the reports, not the first cleaning or the
  one training.
- serial: the same jobs (`plan_jobs`) one after the other with `jobs.run_job` in this process:
  the same Papermill execution, rendering and manifest per job, without the pool.
- unchanged: the same command again without --force: every report is kept.

Run it on an idle machine: the ratios mean nothing while another job holds a core.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import BENCH_DATA, machine_line  # benchmarks/common.py

from workbench.cleaning.cache import load_clean
from workbench.reports.config import load_run_config
from workbench.reports.jobs import plan_jobs, run_job

ROOT = Path(__file__).resolve().parent.parent
PARAMS = ROOT / "params" / "quarterly.yml"


def quarterly(args: argparse.Namespace, out: Path, force: bool) -> float:
    """Wall seconds of one `python -m workbench quarterly` run (a failure stops the benchmark)."""
    command = [sys.executable, "-m", "workbench", "quarterly", "--params", str(PARAMS),
               "--period", args.period, "--data-dir", str(args.data), "--out", str(out),
               "--workers", str(args.workers), "--no-progress"]  # fmt: skip
    command += ["--regions", args.regions] if args.regions else []
    command += ["--notebooks", args.notebooks] if args.notebooks else []
    command += ["--force"] if force else []
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"quarterly failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def serial(args: argparse.Namespace, out: Path) -> tuple[float, int]:
    """Wall seconds of the same jobs run one after the other, and how many there were."""
    config = load_run_config(PARAMS).with_overrides(
        period=args.period, data_dir=args.data, out_dir=out, regions=args.regions,
        notebooks=args.notebooks,
    )  # fmt: skip
    jobs = plan_jobs(config)
    started = time.perf_counter()
    failed = [r for r in map(run_job, jobs) if r.status != "ok"]
    seconds = time.perf_counter() - started
    if failed:
        sys.exit(f"serial: {len(failed)} failed, e.g. {failed[0].notebook}: {failed[0].error}")
    return seconds, len(jobs)


def warm_caches(data_dir: Path, period: str) -> None:
    """The caches every run reads, filled before either side is timed: the cleaned data and the
    company-wide churn model (trained once per data, parameters, period and code, then read by
    every region's churn and value reports): otherwise whichever side ran first would pay."""
    from workbench import models

    data = load_clean(data_dir)
    churn = models.load_churn_params(ROOT / "params" / "churn.yml")
    clv = models.load_value_params(ROOT / "params" / "value.yml").clv
    models.analyse_churn(data, "华东", period, churn, clv, cache_dir=data_dir / "_cache" / "churn")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "demo")
    parser.add_argument("--period", default="2024Q4")
    parser.add_argument("--regions", help="comma-separated (default: params/quarterly.yml's)")
    parser.add_argument("--notebooks", help="comma-separated (default: params/quarterly.yml's)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not (args.data / "customers.csv").is_file():
        sys.exit(f"{args.data}: no extracts (make data)")
    warm_caches(args.data, args.period)
    scratch = BENCH_DATA / "reports"
    shutil.rmtree(scratch, ignore_errors=True)
    cold = quarterly(args, scratch / "parallel", force=True)
    unchanged = quarterly(args, scratch / "parallel", force=False)
    one_by_one, jobs = serial(args, scratch / "serial")
    print(machine_line())
    print(f"# {jobs} reports of {args.data.name}, {args.period}, {args.workers} workers")
    print("| run | seconds | ratio |")
    print("| --- | ---: | ---: |")
    print(f"| serial loop over the jobs | {one_by_one:.1f} | 1.00 |")
    print(f"| cold quarterly (parallel) | {cold:.1f} | {one_by_one / cold:.2f}× faster |")
    print(f"| unchanged re-run | {unchanged:.1f} | {unchanged / cold:.1%} of the cold run |")


if __name__ == "__main__":
    main()

"""Benchmark: the speed-and-scale table in one command — load + clean, CLV summary, CLV fits,
churn features and training, one region's reports — for the workbench's engines (pandas, DuckDB,
Spark-local) and its peers (lifetimes, polars, DuckDB's raw scan), with time, peak memory and a
projection to 10M and 100M customers from the measured growth.

    .venv/bin/python benchmarks/bench_table.py --customers 100000 1000000
        [--stages load summary fits churn reports] [--engines pandas duckdb spark]
        [--out benchmarks/TABLE.md] [--data-dir DIR] [--timeout 3600] [--results FILE.json]

--results keeps every cell's raw measurement in a JSON file and merges this run's over it, so
sizes or stages measured in separate runs (a long 1M run apart from the 100k one) make one table.

`make bench-table SIZES="100000 1000000"` runs it; so does `make bench` (benchmarks/run_all.py),
with the defaults. The per-topic scripts (bench_load.py, bench_summary.py, bench_clv.py,
bench_churn.py, bench_reports.py) stay for a closer look at one stage; this one reuses their
functions.

Every cell (stage × contender × size) runs in a fresh subprocess that prints one JSON line
{seconds, peak_gb, rows, check}: its peak memory is its own (the larger of ru_maxrss, over the
process and those it waited for, and the summed RSS of its process tree sampled every 0.2 s: a
Spark JVM, report kernels), including the interpreter and the data it read untimed before the
timed call (e.g. the cleaned tables for churn). A cell that fails or passes
--timeout shows so in the table; the others still run. Outputs are checked where the issue asks:
every summary against pandas' (sums and sums of squares of its four columns, rtol 1e-9), every
fit's parameters against the workbench's, DuckDB churn features against pandas'.

The projection fits t = a·n^b between the two largest measured sizes, for time and for peak
memory, and extends it to 10M and 100M customers; a path whose projected peak passes 24 GiB is
marked as not fitting. Growth measured from 100k to 1M is a rough guide: fixed costs (the
interpreter's ~0.2 GB, imports) flatten it, and nothing says the growth stays the same.

Data: the demo extracts (seed 7) in data/bench/c<N>/ (or <DIR>/c<N>/), generated once when
missing; the cleaned cache is written untimed when a stage needs it and the load stage did not
run. The cache is resolved once per size and handed to every cell, since its key hashes the
cleaning code; the reports' notebooks still call `load_clean` themselves, so run the table from a
checkout nobody edits meanwhile (a copy of the tree, PYTHONPATH pointing at it). The machine line
and the load average are printed above the table: on a shared machine, read the seconds so.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("load", "summary", "fits", "churn", "reports")
ENGINES = ("pandas", "duckdb", "spark")
LIMIT_GB = 24.0  # the machine's memory, GiB (ru_maxrss is KiB: /1024² gives GiB)
PROJECT_TO = (10_000_000, 100_000_000)
QUARTER = "2024Q4"
REGION = "华东"
SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value")


@dataclass(frozen=True)
class Row:
    """One contender of one stage: a row of the table.

    ``engine`` is the workbench engine it uses (filtered by --engines), or "peer" for the
    contenders that always run; rows of one ``group`` are compared with its ``baseline`` row
    (the workbench's default path): the time ratio, and the check within ``tolerance``."""

    key: str
    stage: str
    label: str
    engine: str
    group: str
    baseline: bool = False
    tolerance: float = 1e-9


ROWS = (
    Row("load", "load", "workbench `load_extracts` + `clean`", "pandas", "load", True),
    Row("load_scan", "load", "DuckDB raw CSV scan (floor: no parsing)", "duckdb", "load"),
    Row("load_cached", "load", "workbench cached read (`load_clean`, warm cache)", "pandas", "load"),
    Row("summary", "summary", "workbench pandas (`summarize`)", "pandas", "summary", True),
    Row("summary_duckdb", "summary", "workbench DuckDB (`summarize_on_engine`)", "duckdb",
        "summary"),
    Row("summary_spark", "summary", "workbench Spark-local (`summarize_on_spark`, session start "
        "included)", "spark", "summary"),
    Row("summary_lifetimes", "summary", "lifetimes `summary_data_from_transaction_data`", "peer",
        "summary"),
    Row("summary_polars", "summary", "polars lazy (`scan_parquet`)", "peer", "summary"),
    Row("bgnbd", "fits", "BG/NBD workbench", "pandas", "bgnbd", True, 1e-4),
    Row("bgnbd_lifetimes", "fits", "BG/NBD lifetimes", "peer", "bgnbd", tolerance=1e-4),
    Row("gg", "fits", "Gamma-Gamma workbench", "pandas", "gg", True, 1e-4),
    Row("gg_lifetimes", "fits", "Gamma-Gamma lifetimes", "peer", "gg", tolerance=1e-4),
    Row("pareto", "fits", "Pareto/NBD workbench (frequency ≤ 120)", "pandas", "pareto", True,
        1e-4),
    Row("pareto_lifetimes", "fits", "Pareto/NBD lifetimes (frequency ≤ 120)", "peer", "pareto",
        tolerance=1e-4),
    Row("features", "churn", "churn features, one snapshot (pandas)", "pandas", "features", True),
    Row("features_duckdb", "churn", "churn features, one snapshot (DuckDB)", "duckdb", "features"),
    Row("fit_churn", "churn", "churn training (`fit_churn`)", "pandas", "fit_churn", True),
    Row("reports", "reports", f"one region's reports ({REGION}, {QUARTER}, serial)", "pandas",
        "reports", True),
)  # fmt: skip
BY_KEY = {row.key: row for row in ROWS}


class NotAvailable(Exception):
    """The contender cannot run here (a missing package or function): not a failure."""


# --- what each cell runs, in its own process ----------------------------------------------


def cache_dir(folder: Path) -> Path:
    """The cleaned cache of the demo extracts in `folder`, with the default settings."""
    from workbench.cleaning.cache import CACHE_DIR, cache_key
    from workbench.cleaning.settings import CleaningSettings

    return folder / CACHE_DIR / cache_key(folder, CleaningSettings())


def orders_parquet(cache: Path) -> str:
    """The cleaned orders table of the cache (what bench_summary.py reads)."""
    return str(cache / "table-orders.parquet")


def read_cache(cache: Path) -> object:
    """The cleaned tables from the cache the parent resolved: what `load_clean` reads when its
    cache is current, but immune to a code edit changing the cache key during the run."""
    from workbench.cleaning.cache import read_result

    return read_result(cache)


def checksum(frame: object, columns: tuple[str, ...] | None = None) -> dict[str, float]:
    """Row count, and the sum and sum of squares of each numeric column: equal frames agree."""
    import numpy as np

    numeric = frame[list(columns)] if columns else frame.select_dtypes("number")
    out = {"rows": float(len(frame))}
    for name in numeric.columns:
        values = numeric[name].to_numpy(dtype=float)
        out[f"sum {name}"] = float(np.nansum(values))
        out[f"sum² {name}"] = float(np.nansum(values * values))
    return out


Call = Callable[[], tuple]  # the timed call: (rows, check[, untimed callback run after])


def prepare_load(folder: Path, cache: Path) -> Call:
    """Load and clean the raw extracts as `load_clean` does when its cache is cold; afterwards,
    untimed, write that cache if missing (the next stages read it)."""
    from workbench.cleaning.cache import people_inputs, write_result
    from workbench.cleaning.pipeline import clean
    from workbench.cleaning.settings import CleaningSettings
    from workbench.io import load_extracts

    def run() -> tuple:
        result = clean(load_extracts(folder), CleaningSettings(), *people_inputs(folder))
        rows = sum(len(frame) for frame in result.tables.values())

        def after() -> None:
            if not (cache / "meta.json").exists():
                write_result(result.redacted(), cache)

        return rows, "–", after

    return run


def prepare_load_scan(folder: Path, cache: Path) -> Call:
    from bench_load import duckdb_scan

    return lambda: (duckdb_scan(folder), "–")


def prepare_load_cached(folder: Path, cache: Path) -> Call:
    """`load_clean`'s work on a current cache: the key (file digests from the stat memo), then
    the tables from Parquet (from the cache the parent resolved, see `read_cache`)."""
    from workbench.cleaning.cache import cache_key
    from workbench.cleaning.settings import CleaningSettings

    def run() -> tuple:
        cache_key(folder, CleaningSettings())
        return sum(len(frame) for frame in read_cache(cache).tables.values()), "–"

    return run


# what each of bench_summary.py's runners imports, imported before the timed call
SUMMARY_IMPORTS = {
    "pandas": ("pyarrow.parquet", "workbench.clv.summary"),
    "engine": ("duckdb", "workbench.clv.summary_engine"),
    "lifetimes": ("pyarrow.parquet", "lifetimes.utils"),
    "polars": ("polars",),
}


def _summary(name: str) -> Callable[[Path, Path], Call]:
    """bench_summary.py's runner `name`: from the cleaned orders Parquet to the summary."""

    def prepare(folder: Path, cache: Path) -> Call:
        import importlib
        import warnings

        from bench_summary import RUNNERS

        with warnings.catch_warnings():  # lifetimes changes the warning filters on import
            for module in SUMMARY_IMPORTS[name]:
                importlib.import_module(module)
        path = orders_parquet(cache)

        def run() -> tuple:
            summary = RUNNERS[name](path, 2)
            return len(summary), checksum(summary, SUMMARY_COLUMNS)

        return run

    return prepare


def prepare_summary_spark(folder: Path, cache: Path) -> Call:
    import importlib.util

    if importlib.util.find_spec("pyspark") is None:
        raise NotAvailable("pyspark not installed")
    if shutil.which("java") is None:
        raise NotAvailable("no java on PATH")
    from workbench import models

    spark = getattr(models, "summarize_on_spark", None)
    if spark is None:
        raise NotAvailable("no workbench.models.summarize_on_spark")
    path = orders_parquet(cache)

    def run() -> tuple:
        summary = spark(path)
        return len(summary), checksum(summary, SUMMARY_COLUMNS)

    return run


def _fit_case(index: int, theirs: bool) -> Callable[[Path, Path], Call]:
    """bench_clv's fit case `index` (0 BG/NBD, 1 Gamma-Gamma, 2 Pareto/NBD), ours or lifetimes',
    on the summary of the cleaned orders with amount > 0 (returns left out, as `fit_clv` does;
    computed untimed); the check is the fitted parameters."""

    def prepare(folder: Path, cache: Path) -> Call:
        from bench_clv import fit_cases, quiet
        from bench_summary import read_frame

        from workbench.clv.summary import summarize

        orders = read_frame(orders_parquet(cache))
        summary = summarize(orders[orders["amount"] > 0])
        del orders
        _, data, model, _, theirs_fn = fit_cases(summary, 120)[index]
        if theirs:
            return lambda: (len(data), {k: float(v) for k, v in quiet(theirs_fn).params_.items()})
        model().fit(summary.iloc[:2000])  # warm-up: the first fit of a process pays lazy imports
        return lambda: (len(data), dict(model().fit(data).params_))

    return prepare


def _features(engine: str) -> Callable[[Path, Path], Call]:
    """`build_features` of one snapshot (bench_churn.py's) on `engine` ("pandas": also the
    code before build_features took an engine); the cleaned tables are read untimed."""

    def prepare(folder: Path, cache: Path) -> Call:
        import inspect

        from bench_churn import snapshot_inputs

        from workbench.churn.features import build_features
        from workbench.core.periods import quarter_bounds

        extra = {}
        if "engine" in inspect.signature(build_features).parameters:
            extra = {"engine": engine}
        elif engine != "pandas":
            raise NotAvailable("build_features takes no engine")
        data = read_cache(cache)
        ids, cutoff, spec = snapshot_inputs(data, quarter_bounds(QUARTER)[1])

        def run() -> tuple:
            features = build_features(data, ids, cutoff, spec, **extra)
            return len(features), checksum(features.sort_index())

        return run

    return prepare


def prepare_fit_churn(folder: Path, cache: Path) -> Call:
    """`fit_churn` at the quarter's end with the default parameters (tables read untimed)."""
    from workbench.churn.training import fit_churn
    from workbench.core.periods import quarter_bounds

    data = read_cache(cache)

    def run() -> tuple:
        fit = fit_churn(data, quarter_bounds(QUARTER)[1])
        if fit.model is None:
            raise RuntimeError(f"fit_churn gave no model: {fit.unavailable}")
        rows = sum(v for k, v in fit.counts.items() if k.endswith(("_churners", "_stayers")))
        return rows, f"grade {fit.grade}"

    return run


def prepare_reports(folder: Path, cache: Path) -> Call:
    """The region-scope reports of params/quarterly.yml for one region, one after the other
    with `run_job` (the caches were warmed untimed by the parent)."""
    from bench_reports import PARAMS

    from workbench.reports.config import load_run_config
    from workbench.reports.jobs import plan_jobs, run_job
    from workbench.reports.registry import report

    out = Path(tempfile.mkdtemp(prefix="bench-table-reports-"))
    config = load_run_config(PARAMS).with_overrides(
        period=QUARTER, data_dir=folder, out_dir=out, regions=REGION
    )
    jobs = [job for job in plan_jobs(config) if report(job.notebook).scope == "region"]

    def run() -> tuple:
        results = [run_job(job) for job in jobs]
        shutil.rmtree(out, ignore_errors=True)
        failed = [f"{r.notebook}: {r.error}" for r in results if r.status not in ("ok", "no_data")]
        if failed:
            raise RuntimeError(f"{len(failed)} of {len(jobs)} failed, e.g. {failed[0]}")
        return len(jobs), f"{len(jobs)} reports ok"

    return run


# each cell: prepared untimed (imports, inputs), then the call it returns is timed
PREPARE: dict[str, Callable[[Path, Path], Call]] = {
    "load": prepare_load,
    "load_scan": prepare_load_scan,
    "load_cached": prepare_load_cached,
    "summary": _summary("pandas"),
    "summary_duckdb": _summary("engine"),
    "summary_spark": prepare_summary_spark,
    "summary_lifetimes": _summary("lifetimes"),
    "summary_polars": _summary("polars"),
    "bgnbd": _fit_case(0, False),
    "bgnbd_lifetimes": _fit_case(0, True),
    "gg": _fit_case(1, False),
    "gg_lifetimes": _fit_case(1, True),
    "pareto": _fit_case(2, False),
    "pareto_lifetimes": _fit_case(2, True),
    "features": _features("pandas"),
    "features_duckdb": _features("duckdb"),
    "fit_churn": prepare_fit_churn,
    "reports": prepare_reports,
}


def peak_gb() -> float:
    """Peak resident memory of this process and of the processes it waited for, GiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024**2


class TreeMemory:
    """The largest summed RSS of this process and all its descendants, sampled every 0.2 s in a
    thread: counts what ru_maxrss misses, a JVM (Spark) that is never waited for, and processes
    alive at the same time (a report's client and its kernel)."""

    def __init__(self) -> None:
        import threading

        self.peak, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import contextlib

        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # ended meanwhile
                    total += process.memory_info().rss
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def gb(self) -> float:
        return self.peak / 1024**3


def child(key: str, folder: Path, cache: Path) -> dict:
    """Run one cell in this process: seconds of the timed call, peak memory, rows, check."""
    try:
        call = PREPARE[key](folder, cache)
    except NotAvailable as reason:
        return {"status": "unavailable", "reason": str(reason)}
    with TreeMemory() as tree:
        started = time.perf_counter()
        rows, check, *after = call()
        seconds = time.perf_counter() - started
    peak = max(peak_gb(), tree.gb)
    for callback in after:
        callback()
    return {"status": "ok", "seconds": seconds, "peak_gb": peak, "rows": rows, "check": check}


# --- the parent: one subprocess per cell --------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def spawn(arguments: list[str], timeout: float) -> dict:
    """Run this script with `arguments` in a new process group; its last stdout line as JSON,
    or status failed/timeout with the reason. On timeout the whole group is killed."""
    command = [sys.executable, str(Path(__file__).resolve()), *arguments]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)  # fmt: skip
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"status": "timeout", "reason": f"> {timeout:.0f} s"}
    lines = out.strip().splitlines()
    if process.returncode != 0 or not lines:
        errors = [line for line in err.splitlines() if line.strip() and not line[0].isspace()]
        last = (errors or [f"exit {process.returncode}"])[-1]  # the exception, not a caret
        return {"status": "failed", "reason": last[:160]}
    return json.loads(lines[-1])


def extracts(size: int, data_dir: Path | None) -> Path:
    """The demo extracts of `size` customers: common.dataset's, or generated once (seed 7) in
    <data_dir>/c<size>/."""
    from common import dataset

    if data_dir is None:
        return dataset(size)
    out = data_dir / f"c{size}"
    if not (out / "customers.csv").exists():
        from workbench.demo import generate

        generate(out, customers=size, seed=7)
    return out


def plan(stages: list[str], engines: list[str]) -> list[Row]:
    """The rows to measure: the chosen stages, the chosen engines and every peer."""
    return [r for r in ROWS if r.stage in stages and (r.engine == "peer" or r.engine in engines)]


def skipped(row: Row, size: int, args: argparse.Namespace) -> str | None:
    """Why a cell is not run at this size (the slow ones are capped), else None."""
    if row.key == "pareto_lifetimes" and size > args.pareto_lifetimes_up_to:
        return f"not run above {args.pareto_lifetimes_up_to:,} (minutes; see RESULTS.md)"
    if row.stage == "reports" and size > args.reports_up_to:
        return f"not run above {args.reports_up_to:,}"
    if row.key == "fit_churn" and size > args.training_up_to:
        return f"not run above {args.training_up_to:,} (half an hour at 1M; see RESULTS.md)"
    return None


def measure(args: argparse.Namespace) -> dict[tuple[str, int], dict]:
    """Every (row, size) cell of the plan, each in its own process."""
    rows = plan(args.stages, args.engines)
    results: dict[tuple[str, int], dict] = {}
    for size in args.customers:
        folder = extracts(size, args.data_dir)
        cache = cache_dir(folder)  # resolved once: an edit of the code would change the key
        warmed = False
        for row in rows:
            reason = skipped(row, size, args)
            if reason:
                results[row.key, size] = {"status": "skipped", "reason": reason}
                continue
            if row.key not in ("load", "load_scan") and not (cache / "meta.json").exists():
                log(f"c{size}: writing the cleaned cache (untimed)…")
                ready = spawn(["--prepare", str(folder), "--cache", str(cache)], args.timeout)
                if ready["status"] != "ok":
                    reason = f"cleaned cache: {ready.get('reason')}"
                    results[row.key, size] = {"status": "failed", "reason": reason}
                    continue
            if row.stage == "reports" and not warmed:
                warm = spawn(["--warm", str(folder)], args.timeout)
                warmed = True
                log(f"c{size}: caches for the reports warmed: {warm.get('status')}")
            log(f"c{size} {row.key}…")
            where = ["--folder", str(folder), "--cache", str(cache)]
            result = spawn(["--child", row.key, *where], args.timeout)
            log(f"c{size} {row.key}: {result}")
            results[row.key, size] = result
    return results


# --- the table and the projection ---------------------------------------------------------


def growth(n1: int, v1: float, n2: int, v2: float) -> float:
    """Exponent b of v = a·n^b through (n1, v1) and (n2, v2)."""
    return math.log(v2 / v1) / math.log(n2 / n1)


def project(n: int, value: float, exponent: float, to: int) -> float:
    """`value` measured at `n`, grown to `to` with the exponent."""
    return value * (to / n) ** exponent


def duration(seconds: float) -> str:
    """Seconds for people: 0.42 s, 12 s, 3.5 min, 2.1 h, 3.0 days."""
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.1f} days"


def compare(row: Row, result: dict, reference: dict | None) -> str:
    """The check cell: the largest relative difference from the baseline's numbers."""
    check = result.get("check")
    if not isinstance(check, dict):
        return str(check) if check is not None else "–"
    if row.baseline:
        return "reference"
    if reference is None or not isinstance(reference.get("check"), dict):
        return "–"
    theirs = reference["check"]
    common = [k for k in check if k in theirs]
    if not common:
        return "–"
    worst = max(
        abs(check[k] - theirs[k]) / max(abs(theirs[k]), 1e-300) if check[k] != theirs[k] else 0.0
        for k in common
    )
    verdict = "same" if worst <= row.tolerance else "DIFFERS"
    return f"{verdict} ({worst:.0e})"


def cells(row: Row, size: int, results: dict) -> list[str]:
    """seconds, peak GB, × baseline, check for one row at one size."""
    result = results.get((row.key, size))
    if result is None:
        return ["", "", "", ""]
    status = result["status"]
    if status != "ok":
        text = {"timeout": f"> timeout ({result['reason']})", "skipped": result["reason"],
                "unavailable": f"not available: {result['reason']}"}.get(
            status, f"failed: {result.get('reason', '')}")  # fmt: skip
        return [text.replace("|", "/"), "", "", ""]
    base_row = next(r for r in ROWS if r.group == row.group and r.baseline)
    base = results.get((base_row.key, size))
    if row.baseline:
        ratio = "1 (baseline)"
    elif base and base["status"] == "ok" and base["seconds"] > 0:
        ratio = f"{result['seconds'] / base['seconds']:.2f}×"
    else:
        ratio = "–"
    check = compare(row, result, base if base and base["status"] == "ok" else None)
    return [duration(result["seconds"]), f"{result['peak_gb']:.2f}", ratio, check]


def table(rows: list[Row], sizes: list[int], results: dict) -> list[str]:
    """The measured table, markdown: one row per contender, four columns per size."""
    head = ["stage", "contender"]
    for n in sizes:
        head += [f"{n:,} time", "peak GB", "× baseline", "check"]
    lines = ["| " + " | ".join(head) + " |", "|:---|:---|" + "---:|---:|---:|:---|" * len(sizes)]
    for row in rows:
        body = [row.stage, row.label]
        for n in sizes:
            body += cells(row, n, results)
        lines.append("| " + " | ".join(body) + " |")
    return lines


def projection(rows: list[Row], sizes: list[int], results: dict) -> list[str]:
    """Growth exponents between the two largest measured sizes, and time and peak memory
    projected to 10M and 100M customers; 'does not fit' where the peak passes 24 GiB."""
    head = ["stage", "contender", "from", "b time", "b memory"]
    for n in PROJECT_TO:
        head += [f"{n:,} time", f"{n:,} GB"]
    lines = ["| " + " | ".join(head) + " |",
             "|:---|:---|:---|---:|---:|" + "---:|---:|" * len(PROJECT_TO)]  # fmt: skip
    for row in rows:
        measured = [n for n in sorted(sizes) if results.get((row.key, n), {}).get("status") == "ok"]
        if len(measured) < 2:
            continue
        n1, n2 = measured[-2:]
        a, b = results[row.key, n1], results[row.key, n2]
        bt = growth(n1, a["seconds"], n2, b["seconds"])
        bm = growth(n1, a["peak_gb"], n2, b["peak_gb"])
        body = [row.stage, row.label, f"{n1:,} → {n2:,}", f"{bt:.2f}", f"{bm:.2f}"]
        for n in PROJECT_TO:
            gb = project(n2, b["peak_gb"], bm, n)
            fits = "" if gb <= LIMIT_GB else f" — does not fit in {LIMIT_GB:.0f} GiB"
            body += [duration(project(n2, b["seconds"], bt, n)), f"{gb:,.1f}{fits}"]
        lines.append("| " + " | ".join(body) + " |")
    if len(lines) == 2:
        lines.append("| (needs a row measured at two sizes) | | | | |" + " |" * 2 * len(PROJECT_TO))
    return lines


def render(rows: list[Row], sizes: list[int], results: dict, header: list[str]) -> str:
    """The whole page: header lines, the measured table, the projection."""
    parts = [*header, "", "## Measured", "", *table(rows, sizes, results), "",
             f"## Projected from the measured growth (peak > {LIMIT_GB:.0f} GiB: does not fit)",
             "", *projection(rows, sizes, results), ""]  # fmt: skip
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--out", type=Path, default=HERE / "TABLE.md")
    parser.add_argument("--data-dir", type=Path, help="read/generate <DIR>/c<N>/ instead")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per cell")
    parser.add_argument("--pareto-lifetimes-up-to", type=int, default=100_000)
    parser.add_argument("--reports-up-to", type=int, default=100_000)
    parser.add_argument("--training-up-to", type=int, default=1_000_000, help="fit_churn cap")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--warm", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--results", type=Path,
                        help="keep the raw measurements in this JSON file: cells of earlier runs "
                             "that this run does not measure stay in the table")  # fmt: skip
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.cache)))
    elif args.prepare:
        prepare_cache(args.prepare, args.cache)
        print(json.dumps({"status": "ok"}))
    elif args.warm:
        from bench_reports import warm_caches

        warm_caches(args.warm, QUARTER)
        print(json.dumps({"status": "ok"}))
    else:
        run_table(args)


def prepare_cache(folder: Path, cache: Path) -> None:
    """Write the cleaned cache of `folder` into `cache` (where the parent looks for it)."""
    from workbench.cleaning.cache import people_inputs, write_result
    from workbench.cleaning.pipeline import clean
    from workbench.cleaning.settings import CleaningSettings
    from workbench.io import load_extracts

    result = clean(load_extracts(folder), CleaningSettings(), *people_inputs(folder))
    write_result(result.redacted(), cache)


def read_results(path: Path | None) -> dict[tuple[str, int], dict]:
    """The measurements kept by an earlier run (--results), if any."""
    if path is None or not path.is_file():
        return {}
    cells = json.loads(path.read_text(encoding="utf-8"))
    return {(cell.pop("key"), cell.pop("size")): cell for cell in cells}


def write_results(path: Path, results: dict[tuple[str, int], dict]) -> None:
    cells = [{"key": key, "size": size, **result} for (key, size), result in results.items()]
    path.write_text(json.dumps(cells, ensure_ascii=False, indent=1), encoding="utf-8")


def merged(earlier: dict, measured: dict) -> dict:
    """This run's cells over the earlier ones, except that a cell skipped now (a size cap)
    keeps an earlier measurement."""
    fresh = {k: v for k, v in measured.items() if v["status"] != "skipped" or k not in earlier}
    return earlier | fresh


def run_table(args: argparse.Namespace) -> None:
    """Measure the planned cells, merge them over --results, write and print the page."""
    from common import machine_line

    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    started = time.perf_counter()
    earlier = read_results(args.results)
    measured = measure(args)
    results = merged(earlier, measured)
    kept = sum(1 for key in earlier if results[key] is earlier[key])
    if args.results:
        write_results(args.results, results)
    planned = plan(args.stages, args.engines)
    rows = [row for row in ROWS if row in planned or any(key == row.key for key, _ in results)]
    sizes = sorted(set(args.customers) | {size for _, size in results})
    command = (f"python benchmarks/bench_table.py --customers {' '.join(map(str, args.customers))}"
               f" --stages {' '.join(args.stages)} --engines {' '.join(args.engines)}")  # fmt: skip
    header = [
        machine_line() + f", {os.cpu_count()} CPUs",
        f"# load average before {load_before}, after "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + f"; {time.perf_counter() - started:.0f} s in all; one run per cell, each in its own "
        "process (peak: ru_maxrss or the sampled RSS of its process tree, the larger; "
        "interpreter and untimed inputs included)",
        "",
        "```",
        command + (f" --results {args.results.name}" if args.results else ""),
        "```",
    ]
    if kept:
        header.append(f"\n{kept} cells come from earlier runs kept in {args.results.name}.")
    page = render(rows, sizes, results, header)
    args.out.write_text(page, encoding="utf-8")
    print(page)


if __name__ == "__main__":
    main()

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
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

# the rows and what each cell runs: table_cells.py; the page and its projection: table_render.py
from table_cells import (
    ENGINES,
    PREPARE,
    QUARTER,
    ROWS,
    STAGES,
    NotAvailable,
    Row,
    cache_dir,
    prepare_cache,
)
from table_render import render

HERE = Path(__file__).resolve().parent


# --- the child: one cell in this process, measured ----------------------------------------


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
    <data_dir>/c<size>/. Generated in a child process: a cell's ru_maxrss starts from this
    process's resident size when it is started (Linux keeps the high-water mark across exec), so
    generating here would put a floor under every cell's peak (1.16 GB after 100k customers)."""
    from common import BENCH_DATA

    out = (data_dir or BENCH_DATA) / f"c{size}"
    if not (out / "customers.csv").exists():
        code = (
            "import sys; from pathlib import Path; from workbench.demo import generate; "
            "generate(Path(sys.argv[1]), customers=int(sys.argv[2]), seed=7)"
        )
        subprocess.run([sys.executable, "-c", code, str(out), str(size)], check=True)
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
                # on disk, as a notebook finds a cache written earlier: read back while the
                # kernel still writes its pages out, the 1M cache's first read took 1.6 s, not 0.8
                os.sync()
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

"""What every benchmark script shares: the generated data sets and a median timer."""

from __future__ import annotations

import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from workbench.demo import generate

BENCH_DATA = Path(__file__).resolve().parent.parent / "data" / "bench"


def dataset(customers: int, seed: int = 7) -> Path:
    """The demo extracts for `customers` (data/bench/c<N>/), generated once and reused."""
    out = BENCH_DATA / f"c{customers}"
    if not (out / "customers.csv").exists():
        started = time.perf_counter()
        result = generate(out, customers=customers, seed=seed)
        seconds = time.perf_counter() - started
        print(
            f"generated {customers:,} customers in {seconds:.0f} s: {result.rows}", file=sys.stderr
        )
    return out


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall seconds of `repeat` calls, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def machine_line() -> str:
    """The first line of a results table: machine, Python and date."""
    return f"# {platform.machine()}, {platform.python_version()}, {time.strftime('%Y-%m-%d')}"


def peak_rss_gb() -> float:
    """This process's peak resident memory so far, in GB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

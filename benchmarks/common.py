"""What every benchmark script shares: the generated data sets and a median timer."""

from __future__ import annotations

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

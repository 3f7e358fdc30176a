"""Column-wise work on a few threads, for steps whose heavy part runs without the GIL.

pyarrow's and numpy's kernels (take, filter, compare, cast) release Python's lock, so a table's
columns handled on two threads take about half the time on two cores; more threads than cores
only add contention, and more than four rarely pay for the memory their temporaries hold.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

WORKERS = max(2, min(4, os.cpu_count() or 1))  # two at least: the machines this runs on have two


def thread_map(function: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """``[function(item) for item in items]``, the calls spread over `WORKERS` threads; results
    in the items' order, and the first exception raised in the items' order propagates."""
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(function, items))

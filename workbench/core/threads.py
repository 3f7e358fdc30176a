"""Column-wise work on a few threads, for steps whose heavy part runs without the GIL.

pyarrow's and numpy's kernels (take, filter, compare, cast) release Python's lock, so a table's
columns handled on two threads take about half the time on two cores; more threads than cores
only add contention, and more than four rarely pay for the memory their temporaries hold.
An element-wise kernel over one long column (a hash lookup of 20M customer ids) is split the
other way, into row slices (`slice_map`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import TypeVar

import pyarrow as pa

Item = TypeVar("Item")
Result = TypeVar("Result")

WORKERS = max(2, min(4, os.cpu_count() or 1))  # two at least: the machines this runs on have two
SLICE_FROM = 1_000_000  # shorter columns are not split: a thread costs more than it saves


def thread_map(function: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """``[function(item) for item in items]``, the calls spread over `WORKERS` threads; results
    in the items' order, and the first exception raised in the items' order propagates."""
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(function, items))


def side_by_side(*calls: Callable[[], Result]) -> list[Result]:
    """Each of `calls` on a thread of its own, at once: their results in order, and the first
    exception in their order propagates (as if they had run one after the other). For steps
    that share no mutable state."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def slice_map(
    kernel: Callable[[pa.ChunkedArray], pa.Array | pa.ChunkedArray],
    values: pa.Array | pa.ChunkedArray,
) -> pa.ChunkedArray:
    """``kernel(values)`` for an element-wise Arrow kernel (one output per input row), run on
    `WORKERS` row slices at once and joined in order: the same values, in about half the time on
    two cores (`pc.index_in` of 23M customer ids in 1M: 4.6 → 2.2 s). Each slice's call builds
    its own hash table of a lookup's value set: cheap beside the probes."""
    values = _chunked(values)
    if len(values) < SLICE_FROM:
        return _chunked(kernel(values))
    bounds = [len(values) * k // WORKERS for k in range(WORKERS + 1)]
    parts = thread_map(lambda span: kernel(values.slice(span[0], span[1] - span[0])),
                       pairwise(bounds))  # fmt: skip
    if any(len(part) != b - a for part, (a, b) in zip(parts, pairwise(bounds), strict=True)):
        raise ValueError("slice_map needs an element-wise kernel: one output per input row")
    chunks = [chunk for part in parts for chunk in _chunked(part).chunks]
    return pa.chunked_array(chunks, type=_chunked(parts[0]).type)


def _chunked(values: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])

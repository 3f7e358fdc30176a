"""Freed memory handed back to the system between the big steps of loading and cleaning.

Arrow's pool (jemalloc, below) and the C library's allocator (glibc's, which numpy and Python
use) keep the pages of freed buffers for later allocations. After a step that frees gigabytes
(a file's raw cells once typed, the tables before the merge once merged), those pages stay in the
process's resident memory and add to the next step's peak, and after the cleaning to what a
notebook's kernel holds while the analyses run: at 1M customers, 7.2 GB resident after
`clean` for 5.6 GB of live data.

Arrow's pool is jemalloc where pyarrow has it (Linux and macOS wheels), as soon as this module
is imported (the loader and the cleaning import it): at 1M customers, `clean(load_extracts(…))`
peaks 0.2 GB lower and runs 3 % faster than on pyarrow's default, mimalloc (benchmarks/
RESULTS.md). Its freed pages go back to the system at once (`jemalloc_set_decay_ms(0)`) rather
than after pyarrow's configured decay: the cleaning's steps free and allocate gigabytes within
a second, and the pages kept add to the next step's peak (1M customers: 0.1–0.2 GB lower, for
2–5 % more time in faulting pages in again). An `ARROW_DEFAULT_MEMORY_POOL` set in the
environment is left to decide.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
from collections.abc import Callable
from functools import cache

import pyarrow as pa

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def prefer_jemalloc() -> str:
    """Make jemalloc Arrow's pool, handing freed pages back at once, unless the environment
    names a pool or pyarrow lacks jemalloc; the pool's name."""
    if not os.environ.get(POOL_VARIABLE):
        with contextlib.suppress(NotImplementedError):  # pyarrow without it (Windows wheels)
            pa.set_memory_pool(pa.jemalloc_memory_pool())
            pa.jemalloc_set_decay_ms(0)
    return pa.default_memory_pool().backend_name


prefer_jemalloc()


def give_back_memory() -> None:
    """Return the pages freed so far by Arrow's pool and by the C library's allocator to the
    system (a no-op where the C library cannot trim: only glibc's `malloc_trim` is called)."""
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None (musl, macOS and Windows C libraries have none)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim

"""Tests for workbench.core.memory: freed pages really leave the process, and both allocators
are asked (Arrow's pool and the C library's)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import psutil
import pyarrow as pa
import pytest

from workbench.core import memory
from workbench.core.memory import give_back_memory


def _resident() -> int:
    return psutil.Process().memory_info().rss


@pytest.mark.skipif(memory._malloc_trim() is None, reason="only glibc's allocator can be trimmed")
def test_the_c_librarys_freed_pages_in_the_middle_of_its_heap_go_back() -> None:
    # 320 MB in 8 KB arrays (below glibc's mmap threshold: they come from its heap); every
    # 100th and the last kept, so the free space lies between live chunks, where free() alone
    # never returns it
    arrays = [np.ones(1024) for _ in range(40_000)]
    kept = arrays[::100] + arrays[-1:]
    del arrays
    before = _resident()
    give_back_memory()
    assert before - _resident() > 200e6, "the freed heap pages stayed resident"
    assert all(float(a.sum()) == 1024.0 for a in kept)  # the live ones are untouched


def test_arrows_pool_is_asked_to_release_its_unused_pages(monkeypatch) -> None:
    released = []

    class Pool:
        def release_unused(self) -> None:
            released.append(True)

    monkeypatch.setattr(memory.pa, "default_memory_pool", Pool)
    give_back_memory()
    assert released == [True]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_the_trim_is_found_on_linux() -> None:
    assert memory._malloc_trim() is not None


def _pool_in_a_fresh_process(environment: dict[str, str]) -> str:
    """Arrow's pool once the loader is imported, in a new interpreter with `environment`."""
    code = "import workbench.extracts.loader, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    env = {k: v for k, v in os.environ.items() if k != memory.POOL_VARIABLE} | environment
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(not hasattr(pa, "jemalloc_memory_pool"), reason="no jemalloc in this pyarrow")
def test_arrows_pool_is_jemalloc_unless_the_environment_names_one() -> None:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this pyarrow was built without jemalloc")
    assert _pool_in_a_fresh_process({}) == "jemalloc"
    assert _pool_in_a_fresh_process({memory.POOL_VARIABLE: "system"}) == "system"


def test_jemalloc_hands_freed_pages_back_at_once_unless_the_environment_names_a_pool(
    monkeypatch,
) -> None:
    """pyarrow keeps jemalloc's freed pages for a while; the cleaning frees and allocates
    gigabytes within a second, so the workbench asks for them to go back at once."""
    decays, pools = [], []
    monkeypatch.setattr(memory.pa, "jemalloc_memory_pool", lambda: "jemalloc pool")
    monkeypatch.setattr(memory.pa, "set_memory_pool", pools.append)
    monkeypatch.setattr(memory.pa, "jemalloc_set_decay_ms", decays.append)
    monkeypatch.delenv(memory.POOL_VARIABLE, raising=False)
    memory.prefer_jemalloc()
    assert pools == ["jemalloc pool"] and decays == [0]
    monkeypatch.setenv(memory.POOL_VARIABLE, "mimalloc")
    memory.prefer_jemalloc()
    assert pools == ["jemalloc pool"] and decays == [0]

"""Tests for workbench.core.threads: results in the items' order, the calls really spread over
threads, and the first failure in the items' order is the one raised."""

from __future__ import annotations

import threading
import time

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from workbench.core import threads
from workbench.core.threads import WORKERS, side_by_side, slice_map, thread_map


def test_results_keep_the_items_order_whatever_finishes_first() -> None:
    def slow_first(n: int) -> int:
        time.sleep(0.05 if n == 0 else 0.0)
        return n * n

    assert thread_map(slow_first, range(6)) == [0, 1, 4, 9, 16, 25]
    assert thread_map(slow_first, []) == []


def test_calls_run_on_several_threads_at_once() -> None:
    inside, most, lock = 0, 0, threading.Lock()

    def hold(_: int) -> None:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        with lock:
            inside -= 1

    thread_map(hold, range(2 * WORKERS))
    assert WORKERS >= 2 and most == WORKERS


def test_the_first_failure_in_the_items_order_is_raised() -> None:
    def fail(n: int) -> int:
        if n == 3:
            time.sleep(0.05)  # fails after 5 has failed
            raise ValueError("item 3")
        if n == 5:
            raise KeyError("item 5")
        return n

    with pytest.raises(ValueError, match="item 3"):
        thread_map(fail, range(6))


@pytest.mark.parametrize("chunked", [False, True])
def test_slice_map_gives_what_the_kernel_gives_on_the_whole_column(monkeypatch, chunked) -> None:
    monkeypatch.setattr(threads, "SLICE_FROM", 2)
    monkeypatch.setattr(threads, "WORKERS", 2)
    ids = ["C3", None, "C1", "C9", "C1", "C2", None, "C3", "C8"]
    values = pa.chunked_array([ids[:4], ids[4:5], ids[5:]]) if chunked else pa.array(ids)
    known = pa.array(["C1", "C2", "C3"])
    seen = []

    def lookup(part: pa.ChunkedArray) -> pa.ChunkedArray:
        seen.append(len(part))
        return pc.index_in(part, value_set=known)

    found = slice_map(lookup, values)
    assert found.to_pylist() == [2, None, 0, None, 0, 1, None, 2, None]
    assert found.to_pylist() == pc.index_in(values, value_set=known).to_pylist()
    assert sorted(seen) == [4, 5]  # two slices, each row in one of them


def test_slice_map_leaves_a_short_column_whole(monkeypatch) -> None:
    monkeypatch.setattr(threads, "SLICE_FROM", 100)
    seen = []
    out = slice_map(lambda part: seen.append(len(part)) or pc.is_null(part), pa.array([1, None]))
    assert seen == [2] and out.to_pylist() == [False, True]


def test_slice_map_refuses_a_kernel_that_is_not_element_wise(monkeypatch) -> None:
    monkeypatch.setattr(threads, "SLICE_FROM", 2)
    with pytest.raises(ValueError, match="element-wise"):
        slice_map(pc.unique, pa.array(["a", "a", "b", "b"]))


def test_side_by_side_runs_the_calls_at_once_and_returns_in_order() -> None:
    both_in = threading.Barrier(2, timeout=5)  # each call waits for the other: only at once

    def first() -> str:
        both_in.wait()
        return "first"

    def second() -> str:
        both_in.wait()
        return "second"

    assert side_by_side(first, second) == ["first", "second"]


def test_side_by_side_raises_the_first_failure_in_the_calls_order() -> None:
    def slow_failure() -> None:
        time.sleep(0.05)
        raise ValueError("first call")

    def quick_failure() -> None:
        raise KeyError("second call")

    with pytest.raises(ValueError, match="first call"):
        side_by_side(slow_failure, quick_failure)

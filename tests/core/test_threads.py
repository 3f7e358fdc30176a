"""Tests for workbench.core.threads: results in the items' order, the calls really spread over
threads, and the first failure in the items' order is the one raised."""

from __future__ import annotations

import threading
import time

import pytest

from workbench.core.threads import WORKERS, thread_map


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

"""Purchase days in one linear pass, for order logs already in customer order.

The cleaned orders are stored by customer, then date (`workbench.cleaning.order_sort`), and many
exports come that way too. Then the summary needs neither hashing nor sorting: a customer is a run
of equal neighbouring ids and a purchase day a run of equal (customer, day) neighbours, so a few
vectorised comparisons and `np.add.reduceat` give what `summary._purchase_days` computes with a
factorize and a lexsort (11× faster at 10M orders; benchmarks/RESULTS.md).

The order is checked, never trusted: `grouped_purchase_days` returns None unless every customer's
orders are one run and days never go backwards within a run; the caller then takes the general
path. Runs need not be in id order (CDNOW's log is by its own master id): the customers, far fewer
than the orders, are then sorted, so the result is indexed as the general path's.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

PurchaseDays = tuple[tuple[np.ndarray, np.ndarray | pd.Index], np.ndarray, np.ndarray]


def grouped_purchase_days(
    ids: pd.Series, day: np.ndarray, values: np.ndarray
) -> PurchaseDays | None:
    """((each customer's first purchase day's position, ascending ids), day numbers, day totals),
    or None: the purchase days by customer, then day, as `summary._purchase_days` gives them.

    ``ids`` (no missing ones), ``day`` (int day numbers) and ``values`` are the orders in their
    stored order; same-day orders are summed in that order, as the general path sums them.
    """
    if len(day) == 0:
        return None
    with ThreadPoolExecutor(1) as pool:  # Arrow compares the ids, without the GIL, meanwhile
        differ = pool.submit(_neighbours_differ, ids)
        step = np.diff(day)
        backwards, next_day = step < 0, step != 0
        changed = differ.result()
    if changed is None:
        return None
    new_customer = np.concatenate(([True], changed))
    customer_starts = np.flatnonzero(new_customer)
    many_runs = 2 * len(customer_starts) > len(day)  # a log in date order: a run per order
    if many_runs and _in_two_runs(ids, changed):
        return None  # refused by hashing, before taking or sorting its runs
    if (backwards & ~changed).any():  # a day goes backwards within one customer
        return None
    with ThreadPoolExecutor(1) as pool:  # Arrow takes each run's id meanwhile
        taken = pool.submit(_take, ids, customer_starts)
        new_day = new_customer.copy()
        new_day[1:] |= next_day
        day_starts = np.flatnonzero(new_day)
        first_days = np.flatnonzero(new_customer[day_starts])  # each customer's first day
        totals = np.add.reduceat(values, day_starts)
        day = day[day_starts]
        run_ids = taken.result()
    ascending = _strictly_ascending(run_ids)
    if not ascending and not many_runs and _in_two_runs(ids, changed):
        return None  # a customer in two runs
    if not ascending:  # runs out of id order (CDNOW's log)
        rank = _argsort(run_ids)
        run_ids = _take_runs(run_ids, rank)
        if not _strictly_ascending(run_ids):  # a customer in two runs
            return None
        days_each = np.diff(np.append(first_days, len(day_starts)))
        first_days, days_each = first_days[rank], days_each[rank]
        starts = np.cumsum(days_each) - days_each
        gather = np.arange(len(day)) + np.repeat(first_days - starts, days_each)
        day, totals, first_days = day[gather], totals[gather], starts
    return (first_days, _uniques(run_ids)), day, totals


def _neighbours_differ(ids: pd.Series) -> np.ndarray | None:
    """Whether each id differs from the one before it (length n - 1); None for ids numpy and
    Arrow cannot compare (mixed objects)."""
    if pd.api.types.is_numeric_dtype(ids.dtype) and not isinstance(ids.dtype, pd.CategoricalDtype):
        values = ids.to_numpy()
        return values[1:] != values[:-1]
    array = _arrow(ids)
    if array is None:
        return None
    n = len(array)
    differ = pc.not_equal(array.slice(1), array.slice(0, n - 1))
    return differ.to_numpy(zero_copy_only=False)


PREFIX = 1 << 17  # orders hashed first: a log in date order repeats a customer well within them


def _in_two_runs(ids: pd.Series, changed: np.ndarray) -> bool:
    """Whether some customer's orders form two runs or more (more runs than distinct ids).

    Hashing, not sorting: a log in date order has about one run per order, and sorting its runs
    to find the repeat cost 5× the general path at 10M orders. The first `PREFIX` orders are
    hashed first; only a log with no repeat among them is hashed whole.
    """
    prefix = min(PREFIX, len(ids))
    if _count_distinct(ids.iloc[:prefix]) < int(changed[: prefix - 1].sum()) + 1:
        return True
    return prefix < len(ids) and _count_distinct(ids) < int(changed.sum()) + 1


def _count_distinct(ids: pd.Series) -> int:
    if pd.api.types.is_numeric_dtype(ids.dtype) and not isinstance(ids.dtype, pd.CategoricalDtype):
        return len(pd.unique(ids.to_numpy()))
    return int(pc.count_distinct(_arrow(ids)).as_py())


def _arrow(ids: pd.Series) -> pa.Array | None:
    """The ids as one Arrow array (zero-copy for Arrow-backed text), None if not text."""
    try:
        array = pa.array(ids.array) if not isinstance(ids.dtype, pd.CategoricalDtype) else None
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if array is None or not (
        pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
    ):
        return None
    return array


def _take(ids: pd.Series, positions: np.ndarray) -> pa.Array | np.ndarray:
    """The ids at ``positions``, Arrow text or a numpy array as `_neighbours_differ` saw them."""
    if pd.api.types.is_numeric_dtype(ids.dtype):
        return ids.to_numpy()[positions]
    return _arrow(ids).take(pa.array(positions))  # type: ignore[union-attr]


def _argsort(run_ids: pa.Array | np.ndarray) -> np.ndarray:
    """Positions that put the run ids in ascending order."""
    if isinstance(run_ids, np.ndarray):
        return np.argsort(run_ids, kind="stable")
    return pc.sort_indices(run_ids).to_numpy()


def _take_runs(run_ids: pa.Array | np.ndarray, positions: np.ndarray) -> pa.Array | np.ndarray:
    return run_ids[positions] if isinstance(run_ids, np.ndarray) else run_ids.take(positions)


def _strictly_ascending(run_ids: pa.Array | np.ndarray) -> bool:
    """Each run's id is greater than the one before (Arrow text compares as UTF-8 bytes, which is
    code point order: the order of the general path's sorted factorize)."""
    if len(run_ids) < 2:
        return True
    if isinstance(run_ids, np.ndarray):
        return bool((run_ids[1:] > run_ids[:-1]).all())
    n = len(run_ids)
    return bool(pc.all(pc.greater(run_ids.slice(1), run_ids.slice(0, n - 1))).as_py())


def _uniques(run_ids: pa.Array | np.ndarray) -> np.ndarray | pd.Index:
    """Run ids as the general path's uniques: numbers as they are, text as a ``str`` Index
    built from Arrow (no round trip through Python strings)."""
    if isinstance(run_ids, np.ndarray):
        return run_ids
    return pd.Index(run_ids.to_pandas(), dtype="str")

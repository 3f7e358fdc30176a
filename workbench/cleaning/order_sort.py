"""Cleaned orders in customer order: by customer, then date; ties keep their source order.

The order log is written once and read by every analysis, and the analyses work per customer.
Stored grouped by customer in time order, the CLV summary is one linear pass over it
(`workbench.clv.summary_grouped`) instead of a hash or a sort of every order on every read, and
the cache's Parquet file says so in its metadata (`sorting_columns`) so that readers of the file
know before they read it. Rows keep their ``source_row``, so the audit trail still finds them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from workbench.core.threads import thread_map

SORT_KEYS = ("customer_id", "order_date")


def in_customer_order(orders: pd.DataFrame, release: bool = False) -> pd.DataFrame:
    """``orders`` by customer id, then order date (missing ones first), stable; a new RangeIndex.

    `release`: the caller gives `orders` up, and its columns are taken out of it as they are
    copied in order (`take_rows`), so the two never both live whole: the cleaning's peak."""
    if len(orders) < 2 or not set(SORT_KEYS) <= set(orders.columns) or in_order(orders):
        return orders.reset_index(drop=True)
    return take_rows(orders, _customer_order(orders), release)


def _customer_order(orders: pd.DataFrame) -> np.ndarray:
    """The positions of `orders` by customer id, then order date, stable: nothing else of the
    sort is held while the rows are taken (the ids' codes: 80 MB at 10M orders)."""
    codes, _ = pd.factorize(orders["customer_id"], sort=True)  # missing ids: -1, first
    return np.lexsort((_moments(orders["order_date"]), codes))  # stable: ties keep source order


def take_rows(frame: pd.DataFrame, positions: np.ndarray, release: bool = False) -> pd.DataFrame:
    """``frame.take(positions)`` with a new RangeIndex, a column at a time on threads
    (`thread_map`: pyarrow and numpy take without the GIL): Arrow-backed text by one pyarrow take
    with the positions converted once (pandas checks them again per column); a column with no
    value at all is kept as it is (any take of as many rows gives the same). 10M cleaned orders:
    4.3 → 1.3–2.7 s on two threads. `release`: each column is popped out of `frame` (left
    empty) and goes once it is taken, unless something else holds it; the columns are then
    taken one after the other, so that only one is ever held twice (the callers that release
    run beside other work, which keeps the second core busy: 0.2 GB less at 1M, same time)."""
    if frame.columns.has_duplicates:
        return frame.take(positions).reset_index(drop=True)
    indices = pa.array(positions)
    same_length = len(positions) == len(frame)

    def take(column: pd.Series) -> pd.Series:
        if same_length and column.isna().all():
            return column.reset_index(drop=True)
        if _arrow_backed(column.dtype):
            taken = pa.array(column.array).take(indices)
            return pd.Series(pd.array(taken, dtype=column.dtype), name=column.name, copy=False)
        # the array's own take: the Series' would take its index too (a RangeIndex becomes 8
        # bytes a row, then dropped)
        taken = column.array.take(positions)
        return pd.Series(taken, dtype=column.dtype, name=column.name, copy=False)

    names = list(frame.columns)
    if release:  # each column is held by its take alone, and goes with it
        taken = [take(frame.pop(name)) for name in names]
    else:
        taken = thread_map(take, (column for _, column in frame.items()))
    return pd.DataFrame(dict(zip(names, taken, strict=True)), columns=names, copy=False)


def _arrow_backed(dtype: object) -> bool:
    if isinstance(dtype, pd.ArrowDtype):
        return True
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def in_order(orders: pd.DataFrame) -> bool:
    """Whether ``orders`` are already by customer, then date (no missing id; neighbours compared,
    no sort: a fraction of a second at 10M orders)."""
    ids = orders["customer_id"]
    if ids.isna().any():
        return False
    if pd.api.types.is_numeric_dtype(ids.dtype):
        values = ids.to_numpy()
        ascending, same = values[1:] >= values[:-1], values[1:] == values[:-1]
    else:
        try:
            text = pa.array(ids.array)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed objects: only a sort can tell
            return False
        if not pa.types.is_string(text.type) and not pa.types.is_large_string(text.type):
            return False
        later, earlier = text.slice(1), text.slice(0, len(text) - 1)
        ascending = pc.greater_equal(later, earlier).to_numpy(zero_copy_only=False)
        same = pc.equal(later, earlier).to_numpy(zero_copy_only=False)
    moments = _moments(orders["order_date"])
    return bool(ascending.all() and not (same & (moments[1:] < moments[:-1])).any())


def sorting_columns(frame: pd.DataFrame) -> list[pq.SortingColumn] | None:
    """Parquet metadata saying an order log is in customer order, when it is."""
    if len(frame) < 2 or not set(SORT_KEYS) <= set(frame.columns) or not in_order(frame):
        return None
    position = {name: k for k, name in enumerate(frame.columns)}
    return [pq.SortingColumn(position[name], nulls_first=True) for name in SORT_KEYS]


def _moments(dates: pd.Series) -> np.ndarray:
    """Dates as comparable integers (missing ones smallest)."""
    values = pd.to_datetime(dates, errors="coerce")
    if values.dt.tz is not None:
        values = values.dt.tz_localize(None)
    return values.to_numpy().view(np.int64)

"""Tests for workbench.cleaning.order_sort: cleaned orders by customer, then date, stably."""

from __future__ import annotations

import gc
import time
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workbench.cleaning import order_sort
from workbench.cleaning.order_sort import in_customer_order, in_order, sorting_columns, take_rows


def orders() -> pd.DataFrame:
    """Order lines as an export lists them: by date, ties and a missing customer/date included."""
    return pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4", "o5", "o6", "o7"],
            "customer_id": ["C2", "C1", "C2", None, "C1", "C1", "C10"],
            "order_date": pd.to_datetime(
                [
                    "2024-01-05",
                    "2024-01-09",
                    "2024-01-02",
                    "2024-01-01",
                    "2024-01-09",
                    None,
                    "2024-01-03",
                ]
            ),
            "source_row": [2, 3, 4, 5, 6, 7, 8],
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    ).astype({"customer_id": "str"})


def test_by_customer_then_date_ties_in_source_order() -> None:
    got = in_customer_order(orders())
    # missing customer first; C1 < C10 < C2 as text; C1's missing date first; o2, o5 tie: kept
    assert list(got["order_id"]) == ["o4", "o6", "o2", "o5", "o7", "o3", "o1"]
    assert list(got.index) == list(range(7))
    assert list(got["source_row"]) == [5, 7, 3, 6, 8, 4, 2]  # rows still traceable
    assert not in_order(orders()) and in_order(got.dropna(subset=["customer_id"]))


def test_already_in_order_is_kept_as_it_is() -> None:
    first = in_customer_order(orders().dropna(subset=["customer_id"]))
    again = in_customer_order(first)
    pd.testing.assert_frame_equal(again, first)


def test_numeric_ids_sort_as_numbers() -> None:
    frame = pd.DataFrame(
        {"customer_id": [10, 9, 10, 9], "order_date": pd.to_datetime(["2024-01-02"] * 4)}
    )
    frame.loc[1, "order_date"] = pd.Timestamp("2024-01-03")
    got = in_customer_order(frame)
    assert list(got["customer_id"]) == [9, 9, 10, 10]
    assert list(got["order_date"].dt.day) == [2, 3, 2, 2]
    assert in_order(got) and not in_order(frame)


def test_a_date_backwards_within_a_customer_is_out_of_order() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(["A", "A", "B"], dtype="str"),
            "order_date": pd.to_datetime(["2024-02-01", "2024-01-01", "2023-01-01"]),
        }
    )
    assert not in_order(frame)
    assert list(in_customer_order(frame)["order_date"].dt.month) == [1, 2, 1]


def test_other_tables_are_left_alone() -> None:
    frame = pd.DataFrame({"customer_id": ["b", "a"], "interaction_date": [1, 2]})
    assert list(in_customer_order(frame)["customer_id"]) == ["b", "a"]


def test_the_parquet_file_declares_its_order(tmp_path: Path) -> None:
    sorted_orders = in_customer_order(orders().dropna(subset=["customer_id"]))
    path = tmp_path / "orders.parquet"
    sorted_orders.to_parquet(path, index=False, sorting_columns=sorting_columns(sorted_orders))
    declared = pq.ParquetFile(path).metadata.row_group(0).sorting_columns
    names = [pq.ParquetFile(path).schema_arrow.names[c.column_index] for c in declared]
    assert names == ["customer_id", "order_date"]
    assert sorting_columns(orders()) is None  # out of order: no claim
    shuffled = sorted_orders.iloc[np.r_[1, 0, 2 : len(sorted_orders)]]
    assert sorting_columns(shuffled) is None


def every_kind_of_column() -> pd.DataFrame:
    """One column of each dtype a loaded or cleaned table holds, on an index that is not 0…n-1."""
    frame = pd.DataFrame(
        {
            "text": pd.Series(["a", None, "ccc", "d", "长文本", "f"], dtype="str"),
            "empty_text": pd.Series([None] * 6, dtype="str"),
            "count": pd.Series([1, None, 3, 4, None, 6], dtype="Int64"),
            "empty_count": pd.Series([None] * 6, dtype="Int64"),
            "when": pd.to_datetime(
                ["2024-01-01", None, "2024-03-01", "2024-04-01", None, "2024-06-01"]
            ),
            "amount": [1.5, np.nan, 3.0, -4.0, 5.0, 6.0],
            "kind": pd.Categorical(["x", "y", None, "x", "y", "x"]),
            "mixed": pd.Series(["a", 1, None, 2.5, "b", "c"], dtype=object),
            "arrow": pd.Series([1, 2, None, 4, 5, 6], dtype=pd.ArrowDtype(pa.int32())),
            "python_text": pd.Series(
                ["p", "q", None, "s", "t", "u"], dtype=pd.StringDtype("python")
            ),
        }
    )
    frame.index = [10, 11, 12, 13, 14, 15]
    return frame


@pytest.mark.parametrize("positions", [[5, 0, 3, 1, 4, 2], [2, 2, 0], []])
def test_take_rows_equals_dataframe_take(positions: list[int]) -> None:
    frame = every_kind_of_column()
    order = np.asarray(positions, dtype=np.int64)
    expected = frame.take(order).reset_index(drop=True)
    pd.testing.assert_frame_equal(take_rows(frame, order), expected, check_exact=True)
    twice = pd.concat([frame["text"], frame["amount"]], axis=1).set_axis(["a", "a"], axis=1)
    pd.testing.assert_frame_equal(take_rows(twice, order), twice.take(order).reset_index(drop=True))


def test_a_released_frame_gives_the_same_rows_and_lets_each_column_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`release`: the columns are popped out of the frame as they are copied, one after the
    other, each then held by its take alone, so that the old and the new orders never both live
    whole (the cleaning's peak). A weak reference to a column's data shows it gone once its copy
    is made, before the next column is taken."""
    frame = every_kind_of_column()
    order = np.asarray([5, 0, 3, 1, 4, 2], dtype=np.int64)
    given = frame.copy(deep=True)
    pd.testing.assert_frame_equal(take_rows(given, order, release=True), take_rows(frame, order))
    assert given.columns.empty and len(given) == len(frame)  # every column popped
    amount = np.array([1.5, np.nan, 3.0, -4.0, 5.0, 6.0])
    given = pd.DataFrame({"amount": amount, "text": list("abcdef")}, copy=False)
    data = weakref.ref(amount)
    del amount
    gone = []

    class Arrow:  # pyarrow, noting at each pa.array call whether the amounts' data is gone
        def __getattr__(self, name: str) -> object:
            return getattr(pa, name)

        def array(self, *args: object, **kwargs: object) -> object:
            gc.collect()
            gone.append(data() is None)
            return pa.array(*args, **kwargs)

    def slow_take(series: pd.Series, *args: object, **kwargs: object) -> pd.Series:
        time.sleep(0.2)  # a take running beside the next column's would be seen by it
        return series_take(series, *args, **kwargs)

    series_take = pd.Series.take
    monkeypatch.setattr(pd.Series, "take", slow_take)
    monkeypatch.setattr(order_sort, "pa", Arrow())
    taken = take_rows(given, order, release=True)
    assert gone == [False, True]  # the positions, then the text: the amounts went before it
    assert taken["amount"].tolist()[:2] == [6.0, 1.5]
    orders = pd.DataFrame({"customer_id": ["C2", "C1", None], "order_date": pd.to_datetime(
        ["2024-01-02", "2024-01-03", "2024-01-01"]), "amount": [2.0, 1.0, 3.0]})  # fmt: skip
    kept = orders.copy(deep=True)
    pd.testing.assert_frame_equal(in_customer_order(orders, release=True), in_customer_order(kept))
    assert orders.columns.empty

"""Tests for workbench.clv.summary_grouped: the one-pass summary of a log in customer order equals
the general path (factorize + sort) and is refused whenever the log is not in that order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.clv.test_summary import CAL_END, random_log
from workbench.cleaning.order_sort import in_customer_order, sorting_columns
from workbench.clv import summary as summary_module
from workbench.clv import summary_engine, summary_grouped
from workbench.clv.summary import calibration_holdout, summarize
from workbench.clv.summary_engine import summarize_auto, summarize_on_engine
from workbench.clv.summary_grouped import grouped_purchase_days


def general(monkeypatch: pytest.MonkeyPatch, call, *args, **kwargs):
    """``call`` with the one-pass path switched off: the reference."""
    with monkeypatch.context() as patch:
        patch.setattr(summary_module, "grouped_purchase_days", lambda *a: None)
        return call(*args, **kwargs)


def ordered(log: pd.DataFrame) -> pd.DataFrame:
    return log.sort_values(["customer_id", "order_date"], kind="stable").reset_index(drop=True)


def days(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def test_hand_checked_runs() -> None:
    ids = pd.Series(["A", "A", "A", "A", "B", "C", "C"], dtype="str")
    day = days([0, 0, 7, 14, 3, 5, 5])
    values = np.array([10.0, 5.0, 20.0, 30.0, 99.0, 1.0, 2.0])
    (starts, uniques), first_days, totals = grouped_purchase_days(ids, day, values)
    assert list(uniques) == ["A", "B", "C"]
    assert list(starts) == [0, 3, 4]  # each customer's first purchase day
    assert list(first_days) == [0, 7, 14, 3, 5]
    assert list(totals) == [15.0, 20.0, 30.0, 99.0, 3.0]  # same-day orders summed


def test_runs_out_of_id_order_are_put_in_order() -> None:
    ids = pd.Series(["C", "C", "A", "B", "B", "B"], dtype="str")
    day = days([4, 9, 1, 2, 2, 6])
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    (starts, uniques), first_days, totals = grouped_purchase_days(ids, day, values)
    assert list(uniques) == ["A", "B", "C"]
    assert list(starts) == [0, 1, 3]
    assert list(first_days) == [1, 2, 6, 4, 9]
    assert list(totals) == [3.0, 9.0, 6.0, 1.0, 2.0]
    numeric = grouped_purchase_days(pd.Series([7, 7, 3]), days([0, 5, 2]), np.ones(3))
    assert list(numeric[0][1]) == [3, 7] and list(numeric[1]) == [2, 0, 5]


@pytest.mark.parametrize(
    ("ids", "day", "why"),
    [
        (["A", "B", "A"], [0, 1, 2], "A in two runs"),
        (["A", "A", "B"], [5, 4, 0], "a day goes backwards within A"),
        (["B", "B", "A", "C", "B"], [0, 1, 2, 3, 4], "B in two runs, out of id order"),
        ([1, 1, 2, 1], [0, 1, 0, 3], "numeric id 1 in two runs"),
    ],
)
def test_out_of_order_logs_are_refused(ids: list, day: list[int], why: str) -> None:
    series = pd.Series(ids, dtype="str" if isinstance(ids[0], str) else "int64")
    got = grouped_purchase_days(series, days(day), np.ones(len(day)))
    assert got is None, why


@pytest.mark.parametrize("numeric", [False, True])
def test_a_log_in_date_order_is_refused_before_any_sort(
    monkeypatch: pytest.MonkeyPatch, numeric: bool
) -> None:
    log = random_log(4).sort_values("order_date", kind="stable").reset_index(drop=True)
    if numeric:
        log["customer_id"] = log["customer_id"].str[1:].astype("int64")

    def no_sort(run_ids):
        raise AssertionError("the runs of a log in date order were sorted")

    monkeypatch.setattr(summary_grouped, "_argsort", no_sort)
    day = log["order_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    assert grouped_purchase_days(log["customer_id"], day, np.ones(len(log))) is None


@pytest.mark.parametrize("prefix", [2, 3, 5, 1 << 17])
def test_a_customer_in_two_runs_is_found_beyond_the_hashed_prefix(
    monkeypatch: pytest.MonkeyPatch, prefix: int
) -> None:
    monkeypatch.setattr(summary_grouped, "PREFIX", prefix)
    ids = pd.Series(["D", "D", "B", "C", "A", "B"], dtype="str")  # B again only at the end
    with monkeypatch.context() as patch:  # found by hashing, not by sorting the runs
        patch.setattr(summary_grouped, "_argsort", lambda run_ids: pytest.fail("runs sorted"))
        assert grouped_purchase_days(ids, days([0, 1, 0, 0, 0, 9]), np.ones(6)) is None
        few_runs = pd.Series(["B", "B", "B", "A", "A", "A", "B", "B"], dtype="str")  # 3 runs
        assert grouped_purchase_days(few_runs, days([0, 1, 2, 0, 1, 2, 3, 4]), np.ones(8)) is None
    distinct = pd.Series(["D", "D", "B", "C", "A", "E"], dtype="str")
    (starts, uniques), _, _ = grouped_purchase_days(distinct, days([0, 1, 0, 0, 0, 9]), np.ones(6))
    assert list(uniques) == ["A", "B", "C", "D", "E"] and list(starts) == [0, 1, 2, 3, 5]


def test_mixed_object_ids_are_left_to_the_general_path() -> None:
    ids = pd.Series(["A", 1, "B"], dtype=object)
    assert grouped_purchase_days(ids, days([0, 0, 0]), np.ones(3)) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("end", [None, "2024-03-31"])
@pytest.mark.parametrize("numeric", [False, True])
def test_random_logs_in_customer_order_equal_the_general_path(
    monkeypatch: pytest.MonkeyPatch, seed: int, end: str | None, numeric: bool
) -> None:
    log = random_log(seed)
    log.loc[log.sample(frac=0.05, random_state=seed).index, "amount"] = np.nan
    if numeric:
        log["customer_id"] = log["customer_id"].str[1:].astype("int64")
    log = ordered(log) if seed != 3 else _shuffled_runs(ordered(log), seed)
    values = log["order_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    assert grouped_purchase_days(log["customer_id"], values, np.ones(len(log))) is not None
    expected = general(monkeypatch, summarize, log, observation_end=end)
    pd.testing.assert_frame_equal(summarize(log, observation_end=end), expected)
    pd.testing.assert_frame_equal(
        summarize(log.sample(frac=1.0, random_state=seed)), summarize(log)
    )


def test_calibration_holdout_in_customer_order(monkeypatch: pytest.MonkeyPatch) -> None:
    log = ordered(random_log(11))
    expected = general(monkeypatch, calibration_holdout, log, "2024-06-30", "2024-12-31")
    pd.testing.assert_frame_equal(calibration_holdout(log, "2024-06-30", "2024-12-31"), expected)


def test_cdnow_master_log_takes_the_one_pass(
    monkeypatch: pytest.MonkeyPatch, cdnow_raw: pd.DataFrame
) -> None:
    calls = []
    real = summary_module.grouped_purchase_days
    monkeypatch.setattr(
        summary_module, "grouped_purchase_days", lambda *a: calls.append(real(*a)) or calls[-1]
    )
    got = summarize(cdnow_raw, observation_end=CAL_END)
    assert calls and calls[0] is not None  # CDNOW's log is by customer (master id), then date
    monkeypatch.setattr(summary_module, "grouped_purchase_days", lambda *a: None)
    pd.testing.assert_frame_equal(got, summarize(cdnow_raw, observation_end=CAL_END))
    assert len(got) == 2357 and got.loc[4, "frequency"] == 2.0  # the 1/10 sample's customers


def _shuffled_runs(log: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The customers' runs in a random order, each run kept whole and in time order."""
    customers = log["customer_id"].unique()
    shuffled = np.random.default_rng(seed).permutation(customers)
    rank = pd.Series(np.arange(len(shuffled)), index=shuffled)
    position = rank.loc[log["customer_id"]].to_numpy()
    return log.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)


def write_orders(log: pd.DataFrame, path: Path, declare: bool) -> Path:
    columns = sorting_columns(log) if declare else None
    log.to_parquet(path, index=False, sorting_columns=columns)
    return path


def test_a_declared_file_is_read_by_pandas_and_equals_duckdb(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log = in_customer_order(random_log(5))
    path = write_orders(log, tmp_path / "orders.parquet", declare=True)
    expected = summarize_on_engine(path)
    monkeypatch.setattr(summary_engine, "summarize_on_engine", _no_engine)
    pd.testing.assert_frame_equal(summarize_auto(path), expected, rtol=1e-9)


def test_an_undeclared_file_goes_to_duckdb(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = write_orders(in_customer_order(random_log(5)), tmp_path / "orders.parquet", False)
    assert not summary_engine._declared_customer_order(path, "customer_id")
    monkeypatch.setattr(summary_engine, "summarize_on_engine", _no_engine)
    with pytest.raises(AssertionError, match="DuckDB"):
        summarize_auto(path)


def test_a_file_that_lies_about_its_order_is_still_right(tmp_path: Path) -> None:
    log = in_customer_order(random_log(9))
    lying = log.sample(frac=1.0, random_state=1).reset_index(drop=True)
    path = tmp_path / "orders.parquet"
    lying.to_parquet(path, index=False, sorting_columns=sorting_columns(log))
    assert summary_engine._declared_customer_order(path, "customer_id")
    pd.testing.assert_frame_equal(summarize_auto(path), summarize(log))


def _no_engine(*args: object, **kwargs: object) -> None:
    raise AssertionError("DuckDB was asked")

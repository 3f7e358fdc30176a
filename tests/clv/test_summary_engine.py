"""Tests for workbench.clv.summary_engine: DuckDB gives the pandas summary, from frames and files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.clv.test_summary import CAL_END, random_log, tiny
from workbench.cleaning.cache import CACHE_DIR, load_clean
from workbench.clv import summary_engine
from workbench.clv.summary import summarize
from workbench.clv.summary_engine import summarize_auto, summarize_on_engine
from workbench.core.errors import WorkbenchError

RTOL = 1e-9  # only float rounding: DuckDB sums in another order


def same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left, right, rtol=RTOL)


def test_hand_checked_on_the_engine() -> None:
    summary = summarize_on_engine(tiny(), observation_end="2024-01-22")
    a, b = summary.loc["A"], summary.loc["B"]
    assert (a["frequency"], a["recency"], a["T"]) == (2.0, 2.0, 3.0)
    assert a["monetary_value"] == 25.0  # repeats 20 and 30; day 0 (10 + 5) is the first purchase
    assert a["days_since_last"] == 7.0
    assert (b["frequency"], b["recency"], b["monetary_value"]) == (0.0, 0.0, 0.0)
    assert b["T"] == pytest.approx(18 / 7)
    assert list(summary.index) == ["A", "B"] and summary.index.name == "customer_id"


@pytest.mark.parametrize("end", [None, CAL_END, "1997-01-15"])
@pytest.mark.parametrize("amount", ["amount", None])
def test_cdnow_equals_pandas(cdnow_raw: pd.DataFrame, end: str | None, amount: str | None) -> None:
    expected = summarize(cdnow_raw, amount=amount, observation_end=end)
    got = summarize_on_engine(cdnow_raw, amount=amount, observation_end=end)
    same(expected, got)
    if end == CAL_END and amount:  # counted another way: distinct (customer, day) - customers
        calibration = cdnow_raw[cdnow_raw["order_date"] <= CAL_END]
        days = calibration.drop_duplicates(["customer_id", "order_date"])
        assert len(got) == 2357 and got["frequency"].sum() == len(days) - 2357 == 2457
        assert got.loc[4, "frequency"] == 2.0


def test_cdnow_parquet_csv_and_units(cdnow_raw: pd.DataFrame, tmp_path: Path) -> None:
    expected = summarize(cdnow_raw, observation_end=CAL_END, unit_days=1.0)
    cdnow_raw.to_parquet(tmp_path / "orders.parquet", index=False)
    cdnow_raw.to_csv(tmp_path / "orders.csv", index=False)
    parts = tmp_path / "dataset"  # a folder of Parquet files, as a partitioned export writes
    parts.mkdir()
    half = len(cdnow_raw) // 2
    cdnow_raw.iloc[:half].to_parquet(parts / "part-0.parquet", index=False)
    cdnow_raw.iloc[half:].to_parquet(parts / "part-1.parquet", index=False)
    for path in (tmp_path / "orders.parquet", tmp_path / "orders.csv", parts):
        same(expected, summarize_on_engine(path, observation_end=CAL_END, unit_days=1.0))


def test_random_log_with_times_and_same_day_repeats() -> None:
    log = random_log()
    same(summarize(log), summarize_on_engine(log))
    same(summarize(log, observation_end="2024-03-01"), summarize_on_engine(log, "customer_id",
         "order_date", "amount", "2024-03-01"))  # fmt: skip


def test_missing_amounts_count_as_zero_and_tz_aware_frames() -> None:
    log = random_log(seed=3)
    log.loc[::17, "amount"] = np.nan
    log["order_date"] = pd.to_datetime(log["order_date"]).dt.tz_localize("Asia/Shanghai")
    same(summarize(log), summarize_on_engine(log))


def test_demo_cache_parquet_equals_pandas(demo_dir: Path) -> None:
    """The engine reads the cleaned cache's orders file directly: the same as pandas on the frame."""
    orders = load_clean(demo_dir).tables["orders"]
    files = sorted((demo_dir / CACHE_DIR).glob("*/table-orders.parquet"))
    assert files, "load_clean writes the cache"
    expected = summarize(orders)
    got = summarize_on_engine(files[-1], memory_limit="200MB", temp_directory=demo_dir / "spill")
    same(expected, got)
    assert len(got) == orders["customer_id"].nunique()
    assert got["frequency"].sum() == pytest.approx(
        orders.assign(day=orders["order_date"].dt.floor("D"))
        .drop_duplicates(["customer_id", "day"])
        .shape[0]
        - len(got)
    )


def test_auto_picks_the_engine_by_size(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    log = random_log()
    called: list[str] = []
    real = summary_engine.summarize_on_engine

    def spy(*args: object, **kwargs: object) -> pd.DataFrame:
        called.append("engine")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(summary_engine, "summarize_on_engine", spy)
    small = summarize_auto(log)  # 5,000 orders < ENGINE_MIN_ROWS: pandas
    assert called == []
    big = summarize_auto(log, min_engine_rows=len(log), threads=1)
    assert called == ["engine"]
    same(small, big)
    log.to_parquet(tmp_path / "log.parquet")
    same(small, summarize_auto(tmp_path / "log.parquet"))  # files always go to DuckDB
    assert called == ["engine", "engine"]


def test_bad_input_gets_a_clear_message(tmp_path: Path) -> None:
    log = tiny()
    with pytest.raises(WorkbenchError, match="missing column"):
        summarize_on_engine(log, amount="value")
    with pytest.raises(WorkbenchError, match="no customer_id"):
        summarize_on_engine(log.assign(customer_id=["A", None, "A", "A", "B"]))
    with pytest.raises(WorkbenchError, match="without a date"):
        summarize_on_engine(log.assign(order_date=log["order_date"].where(log.index != 2)))
    with pytest.raises(WorkbenchError, match="unit_days"):
        summarize_on_engine(log, unit_days=0)
    with pytest.raises(WorkbenchError, match="no order log"):
        summarize_on_engine(tmp_path / "nothing.parquet")

"""Tests for workbench.clv.summary_spark: Spark (local mode) gives DuckDB's summary, to rtol 1e-9.

One local session for the module. Without Java or pyspark the Spark tests skip, except under CI
(env CI, set by .ci/run, which installs Debian's openjdk-17-jre-headless), where they fail.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.clv.test_summary import CAL_END, random_log, tiny
from workbench.cleaning.cache import CACHE_DIR, load_clean
from workbench.clv.summary_engine import summarize_on_engine
from workbench.clv.summary_spark import spark_session, summarize_on_spark
from workbench.core.errors import WorkbenchError

RTOL = 1e-9  # only float rounding: Spark sums in another order
ROOT = Path(__file__).resolve().parents[2]


def same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left, right, rtol=RTOL)


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    """A local[2] session for the module (skipped locally, failed under CI, without Java)."""
    missing = [
        what
        for what, there in (
            ("java", shutil.which("java")),
            ("pyspark", importlib.util.find_spec("pyspark")),
        )
        if there is None
    ]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(
                f"CI needs {missing} (.ci/run installs Java, requirements.lock pins pyspark)"
            )
        pytest.skip(f"no {missing} (apt-get install openjdk-17-jre-headless; pip install .[spark])")
    with spark_session("local[2]") as session:
        yield session


def test_importing_the_front_door_does_not_start_or_import_spark() -> None:
    code = (
        "import sys, workbench.models; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'py4j')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_hand_checked_on_spark(spark: object) -> None:
    summary = summarize_on_spark(tiny(), observation_end="2024-01-22", spark=spark)
    a, b = summary.loc["A"], summary.loc["B"]
    assert (a["frequency"], a["recency"], a["T"]) == (2.0, 2.0, 3.0)
    assert a["monetary_value"] == 25.0  # repeats 20 and 30; day 0 (10 + 5) is the first purchase
    assert a["days_since_last"] == 7.0
    assert (b["frequency"], b["recency"], b["monetary_value"]) == (0.0, 0.0, 0.0)
    assert b["T"] == pytest.approx(18 / 7)
    assert b["days_since_last"] == 18.0
    assert list(summary.index) == ["A", "B"] and summary.index.name == "customer_id"
    same(summarize_on_engine(tiny()), summarize_on_spark(tiny()))  # the active session
    assert summarize_on_spark(tiny(), spark=spark).loc["A", "T"] == 2.0  # end: last day, 14


@pytest.mark.parametrize("end", [None, CAL_END])
@pytest.mark.parametrize("amount", ["amount", None])
def test_cdnow_equals_duckdb(
    spark: object, cdnow_raw: pd.DataFrame, end: str | None, amount: str | None
) -> None:
    got = summarize_on_spark(cdnow_raw, amount=amount, observation_end=end, spark=spark)
    same(summarize_on_engine(cdnow_raw, amount=amount, observation_end=end), got)
    if end == CAL_END and amount:  # counted another way: distinct (customer, day) - customers
        assert len(got) == 2357 and got["frequency"].sum() == 2457
        assert got.loc[4, "frequency"] == 2.0
        assert got.index.dtype == np.int64


def test_cdnow_parquet_folder_and_csv(
    spark: object, cdnow_raw: pd.DataFrame, tmp_path: Path
) -> None:
    cdnow_raw.to_parquet(tmp_path / "orders.parquet", index=False)
    cdnow_raw.to_csv(tmp_path / "orders.csv", index=False)
    parts = tmp_path / "dataset"  # a folder of Parquet files, as a partitioned export writes
    parts.mkdir()
    half = len(cdnow_raw) // 2
    cdnow_raw.iloc[:half].to_parquet(parts / "part-0.parquet", index=False)
    cdnow_raw.iloc[half:].to_parquet(parts / "part-1.parquet", index=False)
    for path in (tmp_path / "orders.parquet", tmp_path / "orders.csv", parts):
        expected = summarize_on_engine(path, observation_end=CAL_END, unit_days=1.0)
        got = summarize_on_spark(path, observation_end=CAL_END, unit_days=1.0, spark=spark)
        same(expected, got)
        assert got["T"].max() == 272.0  # 1997-01-01 → 1997-09-30 in days
        assert got.index.dtype == np.int64  # integer ids, also from the CSV


def test_demo_cache_parquet_equals_duckdb(spark: object, demo_dir: Path) -> None:
    """The cleaned cache's orders (nanosecond timestamps) read by Spark: DuckDB's summary."""
    orders = load_clean(demo_dir).tables["orders"]
    files = sorted((demo_dir / CACHE_DIR).glob("*/table-orders.parquet"))
    assert files, "load_clean writes the cache"
    got = summarize_on_spark(files[-1], spark=spark)
    same(summarize_on_engine(files[-1]), got)
    same(summarize_on_engine(orders), summarize_on_spark(orders, spark=spark))
    assert len(got) == orders["customer_id"].nunique()


def test_times_same_day_repeats_and_time_zones_do_not_shift_days(
    spark: object, tmp_path: Path
) -> None:
    log = random_log(seed=3)
    log.loc[::17, "amount"] = np.nan  # missing amounts count as zero
    log.to_parquet(tmp_path / "log.parquet", index=False)
    aware = log.assign(order_date=log["order_date"].dt.tz_localize("America/Bogota"))  # UTC-5
    expected = summarize_on_engine(log, observation_end="2024-03-01")
    conf = spark.conf  # type: ignore[attr-defined]
    zone = conf.get("spark.sql.session.timeZone")
    try:
        conf.set("spark.sql.session.timeZone", "Asia/Shanghai")  # UTC+8: 16:00 UTC is tomorrow
        for source in (log, aware, tmp_path / "log.parquet"):
            got = summarize_on_spark(source, observation_end="2024-03-01", spark=spark)
            same(expected, got)
    finally:
        conf.set("spark.sql.session.timeZone", zone)
    assert expected["frequency"].sum() < len(log)  # same-day repeats collapsed


def test_bad_input_gets_duckdbs_messages(spark: object, tmp_path: Path) -> None:
    log = tiny()
    with pytest.raises(WorkbenchError, match=r"missing column\(s\) \['value'\]"):
        summarize_on_spark(log, amount="value", spark=spark)
    log.to_parquet(tmp_path / "tiny.parquet", index=False)
    with pytest.raises(WorkbenchError, match=r"missing column\(s\) \['value'\]"):
        summarize_on_spark(tmp_path / "tiny.parquet", amount="value", spark=spark)
    with pytest.raises(WorkbenchError, match="no customer_id"):
        summarize_on_spark(log.assign(customer_id=["A", None, "A", "A", "B"]), spark=spark)
    with pytest.raises(WorkbenchError, match="without a date for 1 customer"):
        undated = log.assign(order_date=log["order_date"].where(log.index != 2))
        summarize_on_spark(undated, spark=spark)
    with pytest.raises(WorkbenchError, match="unit_days"):
        summarize_on_spark(log, unit_days=0, spark=spark)
    with pytest.raises(WorkbenchError, match="no order log"):
        summarize_on_spark(tmp_path / "nothing.parquet", spark=spark)
    aware = log.assign(order_date=log["order_date"].dt.tz_localize("Asia/Shanghai"))
    aware.to_parquet(tmp_path / "aware.parquet", index=False)
    with pytest.raises(WorkbenchError, match="time-zone-aware"):
        summarize_on_spark(tmp_path / "aware.parquet", spark=spark)
    with pytest.raises(WorkbenchError, match="Spark could not summarise"):
        summarize_on_spark(log.assign(order_date="2024-13-45"), spark=spark)

"""Tests for workbench.clv.summary: hand-checked fixtures and equality with lifetimes' utilities."""

from __future__ import annotations

import warnings
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from tests.extracts.order_lines_fixture import load_order_lines
from workbench.clv.purchase import BGNBD  # noqa: F401  imports lifetimes with the warning filters kept
from workbench.clv.summary import calibration_holdout, compress, summarize
from workbench.core.errors import WorkbenchError
from workbench.extracts.order_lines import order_totals

CAL_END, HOLDOUT_END = "1997-09-30", "1998-06-30"
with warnings.catch_warnings():  # lifetimes changes the process's warning filters on import
    from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

LIFETIMES_COLUMNS = ["frequency", "recency", "T", "monetary_value"]


def cdnow_sample() -> pd.DataFrame:
    """The raw CDNOW 1/10 sample shipped with lifetimes (2,357 customers, 6,919 orders)."""
    path = files("lifetimes") / "datasets" / "CDNOW_sample.txt"
    names = ["customer_id", "master_id", "order_date", "cds", "amount"]
    raw = pd.read_csv(path, sep=r"\s+", header=None, names=names)
    raw["order_date"] = pd.to_datetime(raw["order_date"].astype(str), format="%Y%m%d")
    return raw


def random_log(seed: int = 7, n: int = 5000, with_times: bool = True) -> pd.DataFrame:
    """Random orders of 300 customers over two years, with many same-day repeats."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 730, n)
    seconds = rng.integers(0, 86400, n) if with_times else np.zeros(n, dtype=int)
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(days, "D") + pd.to_timedelta(seconds, "s")
    customers = np.char.add("C", rng.integers(0, 300, n).astype(str))
    repeat = rng.random(n) < 0.2  # same customer, same day as the previous row
    customers[1:][repeat[1:]] = customers[:-1][repeat[1:]]
    dates = dates.to_numpy().copy()
    dates[1:][repeat[1:]] = dates[:-1][repeat[1:]]
    amount = rng.gamma(2.0, 300.0, n).round(2)
    return pd.DataFrame({"customer_id": customers, "order_date": dates, "amount": amount})


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return cdnow_sample()


def tiny() -> pd.DataFrame:
    """A: day 0 (10 + 5 same day), day 7 (20), day 14 (30); B: day 3 only; end day 21."""
    day0 = pd.Timestamp("2024-01-01")
    rows = [("A", 0, 10.0), ("A", 0, 5.0), ("A", 7, 20.0), ("A", 14, 30.0), ("B", 3, 99.0)]
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "order_date": [day0 + pd.Timedelta(days=r[1]) for r in rows],
            "amount": [r[2] for r in rows],
        }
    )


def test_summarize_hand_checked() -> None:
    summary = summarize(tiny(), observation_end="2024-01-22")
    a, b = summary.loc["A"], summary.loc["B"]
    assert (a["frequency"], a["recency"], a["T"]) == (2.0, 2.0, 3.0)
    assert a["monetary_value"] == 25.0  # repeats 20 and 30; day 0 (10 + 5) is the first purchase
    assert a["days_since_last"] == 7.0  # not recency: that is first -> last purchase
    assert (b["frequency"], b["recency"], b["monetary_value"]) == (0.0, 0.0, 0.0)
    assert b["T"] == pytest.approx(18 / 7)
    assert summary.index.name == "customer_id"


def test_summarize_units_end_and_no_amount() -> None:
    summary = summarize(tiny(), amount=None, observation_end="2024-01-10", unit_days=1.0)
    assert "monetary_value" not in summary.columns
    assert summary.loc["A", "frequency"] == 1.0  # the day-14 order is after the end
    assert summary.loc["A", "recency"] == 7.0
    assert summary.loc["A", "T"] == 9.0
    default_end = summarize(tiny())  # ends at the last order's day
    assert default_end.loc["A", "T"] == 2.0


def test_an_order_without_an_amount_is_a_purchase_worth_nothing() -> None:
    log = tiny()
    log.loc[log["amount"] == 20.0, "amount"] = np.nan  # A's second purchase day
    a = summarize(log, observation_end="2024-01-22").loc["A"]
    assert a["frequency"] == 2.0 and a["monetary_value"] == 15.0  # (0 + 30) / 2


def test_time_zone_aware_dates() -> None:
    log = tiny()
    log["order_date"] = log["order_date"].dt.tz_localize("Asia/Shanghai")
    pd.testing.assert_frame_equal(
        summarize(log, observation_end="2024-01-22"),
        summarize(tiny(), observation_end="2024-01-22"),
    )


def test_same_day_raise_and_bad_input() -> None:
    with pytest.raises(WorkbenchError, match="same day"):
        summarize(tiny(), same_day="raise")
    later = summarize(tiny().iloc[1:], same_day="raise", observation_end="2024-01-10")
    assert later.loc["A", "frequency"] == 1.0  # orders after the end do not trip the check
    with pytest.raises(WorkbenchError, match="missing column"):
        summarize(tiny().drop(columns="amount"))
    bad = tiny()
    bad.loc[0, "customer_id"] = None
    with pytest.raises(WorkbenchError, match="without customer_id"):
        summarize(bad)


def test_cdnow_summary_equals_lifetimes(cdnow: pd.DataFrame) -> None:
    ours = summarize(cdnow, observation_end=CAL_END)
    theirs = summary_data_from_transaction_data(
        cdnow, "customer_id", "order_date", "amount", observation_period_end=CAL_END,
        freq="D", freq_multiplier=7,
    )  # fmt: skip
    pd.testing.assert_frame_equal(ours[LIFETIMES_COLUMNS], theirs)
    assert len(ours) == 2357
    assert ours["frequency"].sum() == 2457
    assert (ours["frequency"] > 0).sum() == 946


def test_random_log_summary_equals_lifetimes() -> None:
    log = random_log()
    end = "2024-10-15"  # orders after it are dropped
    ours = summarize(log, observation_end=end, unit_days=7.0)
    theirs = summary_data_from_transaction_data(
        log, "customer_id", "order_date", "amount", observation_period_end=end,
        freq="D", freq_multiplier=7,
    )  # fmt: skip
    pd.testing.assert_frame_equal(ours[LIFETIMES_COLUMNS], theirs)
    assert (ours["frequency"] <= ours["recency"] * 7).all()  # the same-day rule holds


def test_calibration_holdout_equals_lifetimes(cdnow: pd.DataFrame) -> None:
    ours = calibration_holdout(cdnow, CAL_END, HOLDOUT_END)
    theirs = calibration_and_holdout_data(
        cdnow, "customer_id", "order_date", CAL_END, HOLDOUT_END, freq="D", freq_multiplier=7,
        monetary_value_col="amount",
    )  # fmt: skip
    assert list(ours.columns) == list(theirs.columns)
    # lifetimes averages raw holdout orders; ours sums same-day orders first (the same-day rule)
    same = ["monetary_value_holdout"]
    pd.testing.assert_frame_equal(ours.drop(columns=same), theirs.drop(columns=same))
    assert ours["duration_holdout"].iloc[0] == 39.0
    assert ours["frequency_holdout"].sum() == 1882


def test_calibration_holdout_random_log_and_without_amount() -> None:
    log = random_log(seed=3, with_times=False)
    cal_end, end = "2023-12-31", "2024-12-30"
    ours = calibration_holdout(log, cal_end, end, amount=None)
    theirs = calibration_and_holdout_data(
        log, "customer_id", "order_date", cal_end, end, freq="D", freq_multiplier=7,
        monetary_value_col="amount",
    )  # fmt: skip
    # lifetimes' frequency_holdout is int64 when no customer lacks holdout purchases; ours is float
    pd.testing.assert_frame_equal(ours, theirs[list(ours.columns)], check_dtype=False)
    assert ours["frequency_holdout"].dtype == float


def test_calibration_holdout_hand_checked() -> None:
    log = tiny()
    extra = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "C"],
            "order_date": pd.to_datetime(["2024-02-01", "2024-02-01", "2024-02-05", "2024-02-02"]),
            "amount": [1.0, 3.0, 8.0, 50.0],
        }
    )
    log = pd.concat([log, extra], ignore_index=True)
    result = calibration_holdout(log, "2024-01-21", "2024-02-11", unit_days=7.0)
    assert list(result.index) == ["A", "B"]  # C first bought in the holdout
    assert result.loc["A", "frequency_holdout"] == 2.0  # two purchase days
    assert result.loc["A", "monetary_value_holdout"] == 6.0  # (1 + 3) and 8
    assert result.loc["B", "frequency_holdout"] == 0.0
    assert result["duration_holdout"].iloc[0] == 3.0
    with pytest.raises(WorkbenchError, match="must be after"):
        calibration_holdout(log, "2024-02-11", "2024-01-21")


def test_compress(cdnow: pd.DataFrame) -> None:
    summary = summarize(cdnow, observation_end=CAL_END)
    distinct, weights = compress(summary)
    assert list(distinct.columns) == ["frequency", "recency", "T"]
    assert weights.sum() == len(summary)
    assert not distinct.duplicated().any()
    assert len(distinct) < len(summary)


def test_order_lines_and_their_orders_give_one_summary(tmp_path) -> None:
    lines = load_order_lines(tmp_path)  # tests/extracts/order_lines_fixture.py
    totals = order_totals(lines)
    purchases = totals[totals["amount"] > 0]  # returns left out per order
    bought = lines[lines["order_id"].isin(purchases["order_id"])]
    summary = summarize(bought, observation_end="2010-12-31")
    pd.testing.assert_frame_equal(summary, summarize(purchases, observation_end="2010-12-31"))
    # 17850 bought on 12-01 (77.98 + 22.20) and 12-02 (11.10); 13047 on 12-01 only
    a, b = summary.loc["17850"], summary.loc["13047"]
    assert (a["frequency"], a["recency"], a["T"]) == (1.0, 1 / 7, 30 / 7)
    assert a["monetary_value"] == pytest.approx(11.10)
    assert (b["frequency"], b["monetary_value"], b["T"]) == (0.0, 0.0, 30 / 7)

"""The churn order and interaction features on DuckDB equal the pandas ones, which equal the
pandas code before it was made faster (kept here as the reference), and hand-checked numbers."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import workbench.churn.features as features
from churn.synthetic import crm
from workbench.churn.definition import purchases_of
from workbench.churn.features import build_features, feature_spec
from workbench.core.errors import WorkbenchError

CUTOFF = pd.Timestamp("2024-10-01")  # 90 days before: 2024-07-03; 180: 2024-04-04; 365: 2023-10-02
ORDER_COLUMNS = list(features.ORDER_FEATURES)


def _lines() -> pd.DataFrame:
    """Order lines: several lines per order, same-day orders, returns, a zero-sum order, a line
    without an amount, orders after the cutoff, a customer not asked for (D)."""
    rows = [  # order, customer, date, amount
        ("O1", "A", "2023-09-01", 100.0), ("O1", "A", "2023-09-01", 50.0),
        ("O2", "A", "2024-05-10", 200.0), ("O2", "A", "2024-05-10", 100.0),
        ("O2", "A", "2024-05-10", 0.0),
        ("O3", "A", "2024-08-20", 400.0),
        ("O4", "A", "2024-08-20", 250.0), ("O4", "A", "2024-08-20", 50.0),  # same day as O3
        ("C9001", "A", "2024-09-01", -80.0),  # a return: not an order, one negative line
        ("O5", "A", "2024-10-05", 999.0),  # after the cutoff
        ("O7", "B", "2023-01-15", 80.0),
        ("O8", "B", "2024-06-01", 120.0),
        ("O6", "B", "2024-09-10", 500.0), ("O6", "B", "2024-09-10", -100.0),  # a returned line
        ("O11", "D", "2024-09-01", 777.0),  # D is not asked for
        ("O12", "E", "2024-09-15", 30.0), ("O12", "E", "2024-09-15", -30.0),  # sums to 0
        ("O9", "F", "2024-02-29 18:00", 60.0), ("O9", "F", "2024-02-29 08:00", np.nan),
        ("O13", "F", "2024-10-01", 5.0),  # on the cutoff day: after it
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount"])
    frame["order_date"] = pd.to_datetime(frame["order_date"], format="ISO8601")
    return frame


def _interactions() -> pd.DataFrame:
    rows = [  # customer, date, channel, type, satisfaction
        ("A", "2023-12-15", "电话", "咨询", 5), ("A", "2024-08-01", "微信", "投诉", 2),
        ("A", "2024-09-20", "电话", "投诉", 1), ("A", "2024-10-05", "电话", "投诉", 1),
        ("B", "2024-06-01", "电话", "咨询", None), ("B", "2022-06-01", "邮件", "咨询", 3),
        ("D", "2024-09-01", "电话", "投诉", 1),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["customer_id", "interaction_date", "channel", "type",
                                        "satisfaction"])  # fmt: skip
    frame["interaction_date"] = pd.to_datetime(frame["interaction_date"])
    frame["satisfaction"] = frame["satisfaction"].astype("Int64")
    return frame


def _data(orders: pd.DataFrame | None = None) -> SimpleNamespace:
    customers = pd.DataFrame({"customer_id": list("ABCDEF"), "region": ["华东"] * 6})
    return SimpleNamespace(tables={"customers": customers,
                                   "orders": _lines() if orders is None else orders,
                                   "interactions": _interactions()})  # fmt: skip


IDS = pd.Index(["A", "B", "C", "E", "F"], name="customer_id")  # C buys nothing; D not asked


@pytest.fixture(scope="module", params=["pandas", "duckdb"])
def hand(request) -> pd.DataFrame:
    data = _data()
    return build_features(data, IDS, CUTOFF, feature_spec(data), engine=request.param)


def test_order_features_by_hand(hand):
    a, b = hand.loc["A"], hand.loc["B"]
    # A bought on 2023-09-01 (150), 2024-05-10 (300) and 2024-08-20 (400 + 300, two orders)
    assert a["days_since_last_order"] == 42 and a["tenure_days"] == 396
    assert a["purchase_days"] == 3 and a["orders_last_90d"] == 2 and a["orders_prev_90d"] == 1
    assert a["revenue_last_90d"] == 700 and a["revenue_prev_90d"] == 300
    assert a["revenue_365d"] == 1000 and a["revenue_total"] == 1150
    assert a["mean_order_value"] == 1150 / 4  # four orders, not eight lines
    assert a["usual_gap_days"] == 354 / 2 and a["gap_ratio"] == 42 / 177  # 354 days, 2 gaps
    assert a["returns_365d"] == 1  # the return C9001; O5 after the cutoff is not read
    # B: 2023-01-15 (80), 2024-06-01 (120), 2024-09-10 (500 − 100 on one order)
    assert b["days_since_last_order"] == 21 and b["tenure_days"] == 625
    assert b["revenue_last_90d"] == 400 and b["revenue_365d"] == 520 and b["revenue_total"] == 600
    assert b["usual_gap_days"] == 604 / 2 and b["returns_365d"] == 1  # the returned line


def test_customers_without_purchases_and_single_purchases(hand):
    c, e, f = hand.loc["C"], hand.loc["E"], hand.loc["F"]
    assert np.isnan(c["days_since_last_order"]) and c["revenue_total"] == 0
    assert c["purchase_days"] == 0 and np.isnan(c["mean_order_value"])
    assert np.isnan(e["days_since_last_order"]) and e["returns_365d"] == 1  # O12 sums to 0
    # F bought on 2024-02-29 (lines at 18:00 and 08:00; one without an amount): 214 days before
    assert f["days_since_last_order"] == 214 and f["revenue_total"] == 60
    assert f["purchase_days"] == 1 and np.isnan(f["usual_gap_days"])
    assert "D" not in hand.index and list(hand.index) == list(IDS)


def test_interaction_features_by_hand(hand):
    a, b = hand.loc["A"], hand.loc["B"]
    assert a["interactions_90d"] == 2 and a["complaints_90d"] == 2 and a["complaints_365d"] == 2
    assert a["days_since_interaction"] == 11 and a["channel:电话"] == 2 and a["type:投诉"] == 2
    assert a["satisfaction_180d"] == 1.5 and a["satisfaction_change"] == 1.5 - 5
    assert b["days_since_interaction"] == 122 and np.isnan(b["satisfaction_180d"])
    assert b["channel:邮件"] == 0 and b["type:咨询"] == 1  # the e-mail of 2022: over a year ago
    assert np.isnan(hand.loc["C", "days_since_interaction"])


def _reference_orders(ids: pd.Index, orders: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """The order features as `features._order_features` computed them before the numpy pass."""
    day = pd.Timedelta(days=1)
    out = pd.DataFrame(index=ids)
    before = orders[(orders["order_date"] < cutoff).to_numpy(bool)]
    purchases = purchases_of(before)
    purchases = purchases[purchases["customer_id"].isin(ids).to_numpy(bool)]
    ids_, dates, amount = purchases["customer_id"], purchases["order_date"], purchases["amount"]

    def count(who, mask):
        return who[np.asarray(mask, bool)].value_counts().reindex(ids, fill_value=0).to_numpy(float)

    by = purchases.groupby("customer_id")
    first, last = by["order_date"].min().reindex(ids), by["order_date"].max().reindex(ids)
    days = dates.dt.normalize().groupby(ids_).nunique().reindex(ids, fill_value=0)
    last_90 = (dates >= cutoff - 90 * day).to_numpy()
    prev_90 = ((dates >= cutoff - 180 * day) & (dates < cutoff - 90 * day)).to_numpy()
    year = (dates >= cutoff - 365 * day).to_numpy()
    out["days_since_last_order"] = (cutoff - last).dt.days.astype(float)
    out["purchase_days"] = days.to_numpy(float)
    out["orders_last_90d"] = count(ids_, last_90)
    out["orders_prev_90d"] = count(ids_, prev_90)
    out["orders_trend"] = out["orders_last_90d"] - out["orders_prev_90d"]
    for name, mask in (("revenue_last_90d", last_90), ("revenue_prev_90d", prev_90),
                       ("revenue_365d", year), ("revenue_total", None)):  # fmt: skip
        chosen = amount if mask is None else amount[mask]
        out[name] = chosen.groupby(ids_[chosen.index]).sum().reindex(ids, fill_value=0.0)
    out["mean_order_value"] = by["amount"].mean().reindex(ids).astype(float)
    out["tenure_days"] = (cutoff - first).dt.days.astype(float)
    span = (last - first).dt.days.astype(float)
    out["usual_gap_days"] = (span / (out["purchase_days"] - 1)).where(out["purchase_days"] >= 2)
    out["gap_ratio"] = out["days_since_last_order"] / out["usual_gap_days"].clip(lower=1)
    lines = before[before["customer_id"].isin(ids).to_numpy(bool)]
    returned = (lines["amount"] < 0) & (lines["order_date"] >= cutoff - 365 * day)
    out["returns_365d"] = count(lines["customer_id"], returned)
    return out[ORDER_COLUMNS]


def _assert_same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left, right, check_exact=False, rtol=1e-9, check_names=False)


def test_the_numpy_pass_equals_the_former_pandas_code_on_the_hand_fixture(hand):
    data = _data()
    _assert_same(hand[ORDER_COLUMNS], _reference_orders(IDS, data.tables["orders"], CUTOFF))


@pytest.fixture(scope="module")
def synthetic() -> SimpleNamespace:
    data = crm(customers=300, seed=5)
    orders = data.tables["orders"]
    # every third order written as two lines (the second one cent), a few returns
    extra = orders.iloc[::3].assign(amount=0.01)
    returns = orders.iloc[5::40].assign(amount=-25.0, order_id=lambda f: "C" + f["order_id"])
    data.tables["orders"] = pd.concat([orders, extra, returns], ignore_index=True)
    return data


@pytest.mark.parametrize("cutoff", ["2023-03-01", "2024-07-01", "2025-02-01"])
def test_engines_equal_the_former_code_on_a_synthetic_crm(synthetic, cutoff):
    cutoff = pd.Timestamp(cutoff)
    spec = feature_spec(synthetic)
    ids = pd.Index(synthetic.tables["customers"]["customer_id"].iloc[::2], name="customer_id")
    on_pandas = build_features(synthetic, ids, cutoff, spec, engine="pandas")
    on_duckdb = build_features(synthetic, ids, cutoff, spec, engine="duckdb")
    _assert_same(on_duckdb, on_pandas)
    reference = _reference_orders(ids, synthetic.tables["orders"], cutoff)
    _assert_same(on_pandas[ORDER_COLUMNS], reference)
    assert on_pandas["orders_last_90d"].sum() > 0 and on_pandas["returns_365d"].sum() > 0


@pytest.mark.slow  # cleaning the demo data takes ~15 s (cached for the rest of the suite)
def test_engines_agree_on_the_cleaned_demo_data(demo_dir: Path):
    from workbench.io import load_clean

    data = load_clean(demo_dir)
    spec = feature_spec(data)
    ids = pd.Index(data.tables["customers"]["customer_id"], name="customer_id")
    for cutoff in (pd.Timestamp("2024-07-01"), pd.Timestamp("2024-12-01")):
        on_pandas = build_features(data, ids, cutoff, spec, engine="pandas")
        _assert_same(build_features(data, ids, cutoff, spec, engine="duckdb"), on_pandas)
        reference = _reference_orders(ids, data.tables["orders"], cutoff)
        _assert_same(on_pandas[ORDER_COLUMNS], reference)
        assert on_pandas["revenue_365d"].gt(0).sum() > 50


def test_repeated_ids_give_one_row_each():
    data = _data()
    ids = pd.Index(["B", "A", "B"], name="customer_id")
    for engine in ("pandas", "duckdb"):
        f = build_features(data, ids, CUTOFF, feature_spec(data), engine=engine)
        assert list(f["revenue_total"]) == [600, 1150, 600]


def test_auto_goes_to_duckdb_from_the_threshold(monkeypatch):
    data = _data()
    calls = []
    real = features.order_aggregates

    def spy(*args, **kwargs):
        calls.append(len(args[1]))
        return real(*args, **kwargs)

    monkeypatch.setattr(features, "order_aggregates", spy)
    spec = feature_spec(data)
    build_features(data, IDS, CUTOFF, spec)  # 20 rows: far below the threshold
    assert calls == []
    monkeypatch.setattr(features, "ENGINE_MIN_ROWS", len(data.tables["orders"]))
    build_features(data, IDS, CUTOFF, spec)
    assert calls == [len(data.tables["orders"])]
    with pytest.raises(WorkbenchError, match="engine"):
        build_features(data, IDS, CUTOFF, spec, engine="spark")


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_an_order_is_dated_by_its_first_line(engine):
    """F's order O9 has lines at 18:00 (first) and 08:00: from 18:00 to a cutoff at noon on
    2024-09-30 is 213 days and 18 hours (from 08:00 it would be 214 days)."""
    data = _data()
    cutoff = pd.Timestamp("2024-09-30 12:00")
    f = build_features(data, pd.Index(["F"]), cutoff, feature_spec(data), engine=engine)
    assert f.loc["F", "days_since_last_order"] == 213

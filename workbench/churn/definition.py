"""Who churned, as of a snapshot: by behaviour or by the CRM's own label.

- Behaviour: the population is the customers *active* at the snapshot (a purchase in the
  ``active_days`` before it); churned = no purchase in the ``window_days`` from it (the window
  starts on the snapshot day). A window not complete in the data gives no label.
- Status: the CRM's label (status 流失客户). With a churn date, the population is the customers
  known before the snapshot and not churned before it, and churned = the date falls in the
  window; without one, the label is the current status (undated, cross-sectional).

Purchases are orders with amount > 0, an order's amount the sum of its lines (`purchases_of`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.core.errors import WorkbenchError
from workbench.core.periods import period_bounds
from workbench.extracts.order_lines import order_totals


def purchases_of(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders summed over their lines, amount > 0: what churn and CLV count as purchases."""
    if orders.empty:
        return orders.loc[:, ["customer_id", "order_date", "amount"]]
    totals = order_totals(orders)
    return totals[totals["amount"] > 0]


def window_end(snapshot: pd.Timestamp, window_days: int) -> pd.Timestamp:
    """First day after the label window starting at ``snapshot``."""
    return pd.Timestamp(snapshot) + pd.Timedelta(days=window_days)


def behavioural_labels(
    purchases: pd.DataFrame, snapshot: pd.Timestamp, window_days: int = 90, active_days: int = 365
) -> pd.Series:
    """churned (bool) per customer active at ``snapshot`` (index customer_id): no purchase in
    [snapshot, snapshot + window_days)."""
    snapshot = pd.Timestamp(snapshot)
    dates, ids = purchases["order_date"], purchases["customer_id"]
    recent = (dates < snapshot) & (dates >= snapshot - pd.Timedelta(days=active_days))
    active = pd.Index(pd.unique(ids[recent]), name="customer_id")
    inside = (dates >= snapshot) & (dates < window_end(snapshot, window_days))
    bought = pd.Index(pd.unique(ids[inside]))
    return pd.Series(~active.isin(bought), index=active, name="churned")


def status_labels(
    customers: pd.DataFrame,
    snapshot: pd.Timestamp | None,
    window_days: int,
    status_value: str = "流失客户",
    date_column: str | None = None,
) -> pd.Series:
    """churned (bool) per customer by the CRM's label; dated (``date_column``) at ``snapshot``,
    or undated (``snapshot`` None: everyone, labelled by the current status)."""
    if "status" not in customers.columns:
        raise WorkbenchError("churn by status needs the customers' 状态 (status) column")
    labelled = customers["status"].eq(status_value).fillna(False).to_numpy(bool)
    ids = pd.Index(customers["customer_id"], name="customer_id")
    if date_column is None or snapshot is None:
        return pd.Series(labelled, index=ids, name="churned")
    if date_column not in customers.columns:
        raise WorkbenchError(f"status_date_column {date_column!r} is not a column of customers")
    date = pd.to_datetime(customers[date_column], errors="coerce").to_numpy()
    snapshot = pd.Timestamp(snapshot)
    known = _known_before(customers, snapshot)
    before = labelled & (date < snapshot.to_datetime64())
    within = labelled & (date >= snapshot.to_datetime64())
    within &= date < window_end(snapshot, window_days).to_datetime64()
    keep = known & ~before
    return pd.Series(within[keep], index=ids[keep], name="churned")


def _known_before(customers: pd.DataFrame, snapshot: pd.Timestamp) -> np.ndarray:
    """Customers whose first contact or deal (when recorded) is before the snapshot."""
    known = np.ones(len(customers), dtype=bool)
    for column in ("first_contact_date", "first_deal_date"):
        if column in customers.columns:
            date = customers[column]
            known &= ~(date.notna() & (date >= snapshot)).to_numpy(bool)
    return known


def behavioural_churn_rate(
    purchases: pd.DataFrame,
    periods: list[str],
    window_days: int = 90,
    active_days: int = 365,
    data_end: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Per period (months 2024-11, quarters 2024Q4 or years 2024): customers active at its
    snapshot, how many churned (no purchase in the ``window_days`` from it) and the share. The
    snapshot is the period's start, or, for a period shorter than the window (a month), the day
    ``window_days`` before its end, so the window always ends by the period's end (a quarter's
    and a year's are as before: from their first day). NaN where the window passes ``data_end``
    (the first day after the data; default the day after the last purchase given: pass it
    when ``purchases`` is one region's, whose last purchase may be earlier than the data's)."""
    if data_end is None:
        last = purchases["order_date"].max() if len(purchases) else pd.NaT
        data_end = last + pd.Timedelta(days=1) if pd.notna(last) else pd.NaT
    data_end = pd.Timestamp(data_end)
    rows = []
    for period in periods:
        start, end = period_bounds(period)
        snapshot = min(start, end - pd.Timedelta(days=window_days))
        labels = behavioural_labels(purchases, snapshot, window_days, active_days)
        complete = pd.notna(data_end) and window_end(snapshot, window_days) <= data_end
        churned = int(labels.sum()) if complete else np.nan
        rate = churned / len(labels) if complete and len(labels) else np.nan
        rows.append({"period": period, "active": len(labels), "churned": churned,
                     "churn_rate": rate})  # fmt: skip
    return pd.DataFrame(rows, columns=["period", "active", "churned", "churn_rate"])

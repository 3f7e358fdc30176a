"""Customer profile (客户画像) of one region and period (a month 2024-11, a quarter 2024Q4 or a
year 2024): who the customers are, what they buy, how they are followed up, and how the period
compares with the previous period of its kind and with the same period a year before.

Definitions (also in docs/glossary.md):
- orders: an order's lines count once (`workbench.extracts.order_lines.order_totals`); returns
  (退货 / 冲销: negative orders marked as returns) are not orders.
- revenue = the sum of every line in the period: returns are netted in their own period.
- 客单价 average order value = revenue ÷ orders placed in the period.
- 复购率 repurchase rate = customers with purchases on ≥ 2 distinct days in the period ÷
  customers with ≥ 1 purchase in the period.
- 新成交客户 new customers = customers whose first deal date falls in the period.

Frames in, frames out, no words: a missing value is the key `MISSING`, a folded tail `OTHER`,
and `workbench.profiling.tables` turns them (and the KPI keys) into the report's language.
"""

from __future__ import annotations

import pandas as pd

from workbench.core.periods import (
    in_period,
    parse_period,
    period_bounds,
    period_kind,
    period_text,
    previous_period,
    year_ago,
)
from workbench.extracts.order_lines import order_totals
from workbench.extracts.schema import ALL_REGIONS

SILENT_DAYS = 90
MISSING = "to_complete"  # the key of missing values (待补充), a label key
OTHER = "other"  # the key of the folded tail (其他), a label key
KPIS = (
    "customers", "new_customers", "buyers", "orders", "revenue", "returns", "aov",
    "repurchase_rate", "followups_per_customer", "complaints", "satisfaction", "silent_customers",
)  # fmt: skip


def customers_of_region(customers: pd.DataFrame, region: str) -> pd.DataFrame:
    """The region's customers; 全国 / all means every customer."""
    if region == ALL_REGIONS:
        return customers
    return customers[customers["region"] == region]


def distribution(values: pd.Series, top: int | None = None) -> pd.DataFrame:
    """Counts and shares of each value (label, count, share), largest first.

    Missing values count under the key `MISSING` (待补充: never dropped); with `top`, the rest
    under `OTHER` (其他).
    """
    counts = values.astype("str").fillna(MISSING).value_counts()  # a categorical's too
    if top is not None and len(counts) > top:
        head = counts.iloc[:top]
        counts = pd.concat([head, pd.Series({OTHER: counts.iloc[top:].sum()})])
    frame = counts.rename_axis("label").reset_index(name="count")
    frame["share"] = frame["count"] / frame["count"].sum() if len(frame) else 0.0
    return frame


def order_kpis(orders: pd.DataFrame, customer_ids: pd.Series, period: str) -> dict[str, float]:
    """Orders, buyers, revenue (net of returns), average order value, repurchase rate and returns
    (the amount of the period's returns, ≤ 0) in one period; `orders` may be order lines."""
    mine = orders[
        orders["customer_id"].isin(customer_ids) & in_period(orders["order_date"], period)
    ]
    totals = order_totals(mine)
    placed = totals[~totals["is_return"]]
    buyers = placed["customer_id"].nunique()
    purchase_days = placed["order_date"].dt.normalize().groupby(placed["customer_id"]).nunique()
    revenue = float(mine["amount"].sum())
    return {
        "orders": len(placed),
        "buyers": buyers,
        "revenue": revenue,
        "aov": revenue / len(placed) if len(placed) else float("nan"),
        "repurchase_rate": float((purchase_days >= 2).sum() / buyers) if buyers else float("nan"),
        "returns": float(totals.loc[totals["is_return"], "amount"].sum()),
    }


def revenue_by_customer(orders: pd.DataFrame, customer_ids: pd.Series, period: str) -> pd.DataFrame:
    """Per customer with orders or returns in the period: orders, gross (their amount), returns
    (the amount returned, ≤ 0) and revenue = gross + returns; most revenue first."""
    mine = orders[
        orders["customer_id"].isin(customer_ids) & in_period(orders["order_date"], period)
    ]
    totals = order_totals(mine)
    returned = totals["is_return"]
    frame = pd.DataFrame({
        "customer_id": totals["customer_id"],
        "orders": (~returned).astype("int64"),
        "gross": totals["amount"].where(~returned, 0.0),
        "returns": totals["amount"].where(returned, 0.0),
        "revenue": totals["amount"],
    })  # fmt: skip
    out = frame.groupby("customer_id", sort=True).sum().reset_index()
    return out.sort_values("revenue", ascending=False, kind="stable", ignore_index=True)


def interaction_kpis(
    interactions: pd.DataFrame, customer_ids: pd.Series, period: str
) -> dict[str, float]:
    """Follow-ups per customer, complaints, satisfaction and customers not contacted in 90 days."""
    mine = interactions[interactions["customer_id"].isin(customer_ids)]
    _, end = period_bounds(period)
    in_q = mine[in_period(mine["interaction_date"], period)]
    last_contact = (
        mine.loc[mine["interaction_date"] < end].groupby("customer_id")["interaction_date"].max()
    )
    recent = last_contact >= end - pd.Timedelta(days=SILENT_DAYS)
    n_customers = customer_ids.nunique()
    return {
        "followups_per_customer": len(in_q) / n_customers if n_customers else float("nan"),
        "complaints": int((in_q["type"] == "投诉").sum()),
        "satisfaction": float(pd.to_numeric(in_q["satisfaction"]).astype("float64").mean()),
        "silent_customers": int(n_customers - recent.sum()),
    }


def period_kpis(
    customers: pd.DataFrame, orders: pd.DataFrame, interactions: pd.DataFrame, period: str
) -> dict[str, float]:
    """Every headline KPI of a customer set for one period."""
    _, end = period_bounds(period)
    known = customers[
        customers["first_contact_date"].isna() | (customers["first_contact_date"] < end)
    ]
    ids = known["customer_id"]
    return {
        "customers": len(known),
        "new_customers": int(in_period(customers["first_deal_date"], period).sum()),
        **order_kpis(orders, ids, period),
        **interaction_kpis(interactions, ids, period),
    }


def kpi_comparison(
    customers: pd.DataFrame, orders: pd.DataFrame, interactions: pd.DataFrame, period: str
) -> pd.DataFrame:
    """KPIs of the period next to the previous period of its kind (环比: 2024-10 for 2024-11) and
    the same period a year before (同比: 2023-11), with the relative changes.

    One row per KPI, in the order of `KPIS`: key, current, previous, change, year_ago,
    year_change (a change is NaN where the earlier figure is 0 or missing).
    """
    value = parse_period(period)
    now = period_kpis(customers, orders, interactions, period_text(value))
    before = period_kpis(customers, orders, interactions, period_text(previous_period(value)))
    then = period_kpis(customers, orders, interactions, period_text(year_ago(value)))
    rows = []
    for key in KPIS:
        rows.append({
            "key": key, "current": now[key],
            "previous": before[key], "change": _change(now[key], before[key]),
            "year_ago": then[key], "year_change": _change(now[key], then[key]),
        })  # fmt: skip
    return pd.DataFrame(rows)


def _change(now: float, before: float) -> float:
    """(now − before) ÷ before; NaN when before is 0 or missing."""
    return (now - before) / before if before and not pd.isna(before) else float("nan")


def revenue_shares(
    orders: pd.DataFrame, customer_ids: pd.Series, period: str, by: str = "product_category"
) -> pd.DataFrame:
    """Revenue per product (category) in the period: label, revenue, share; largest first."""
    mine = orders[
        orders["customer_id"].isin(customer_ids) & in_period(orders["order_date"], period)
    ]
    labels = mine[by].astype("str").fillna(MISSING)  # an event log's categories: categoricals
    revenue = mine.groupby(labels)["amount"].sum().sort_values(ascending=False)
    frame = revenue.rename_axis("label").reset_index(name="revenue")
    total = frame["revenue"].sum()
    frame["share"] = frame["revenue"] / total if total else 0.0
    return frame


def channel_mix(interactions: pd.DataFrame, customer_ids: pd.Series, period: str) -> pd.DataFrame:
    """Follow-ups by channel (电话, 微信 …) in the period, as a distribution."""
    mine = interactions[
        interactions["customer_id"].isin(customer_ids)
        & in_period(interactions["interaction_date"], period)
    ]
    return distribution(mine["channel"])


TREND_LENGTH = {"month": 12, "quarter": 8, "year": 3}  # periods shown by `period_trend`


def period_trend(
    orders: pd.DataFrame, customer_ids: pd.Series, period: str, periods: int | None = None
) -> pd.DataFrame:
    """Revenue (net of returns), orders and buyers (returns are not orders) for the `periods`
    periods of the report's kind ending with `period` (by default 12 months, 8 quarters or 3
    years); column `period` holds each one's text (2024-11, 2024Q4, 2024)."""
    last = parse_period(period)
    count = periods or TREND_LENGTH[period_kind(last)]
    shown = pd.period_range(end=last, periods=count, freq=last.freq)
    mine = orders[orders["customer_id"].isin(customer_ids) & orders["order_date"].notna()]
    totals = order_totals(mine)  # an order's lines share its day, so its period
    when = totals["order_date"].dt.to_period(last.freq)
    placed = ~totals["is_return"]
    by_period = pd.DataFrame({
        "revenue": totals["amount"].groupby(when).sum(),
        "orders": placed.groupby(when).sum(),
        "buyers": totals["customer_id"].where(placed).groupby(when).nunique(),
    })  # fmt: skip
    frame = by_period.reindex(shown, fill_value=0).rename_axis("when").reset_index()
    frame.insert(0, "period", [period_text(p) for p in frame["when"]])
    return frame.drop(columns="when")

"""Customer profile (客户画像) of one region and quarter: who the customers are, what they buy,
how they are followed up, and how the quarter compares with the previous one.

Definitions (also in the README glossary):
- 客单价 average order value = revenue ÷ orders placed in the quarter.
- 复购率 repurchase rate = customers with purchases on ≥ 2 distinct days in the quarter ÷
  customers with ≥ 1 purchase in the quarter.
- 新成交客户 new customers = customers whose first deal date falls in the quarter.
"""

from __future__ import annotations

import pandas as pd

from workbench.core.labels import t
from workbench.core.periods import in_quarter, parse_quarter, quarter_bounds, quarter_label
from workbench.extracts.schema import ALL_REGIONS

SILENT_DAYS = 90


def customers_of_region(customers: pd.DataFrame, region: str) -> pd.DataFrame:
    """The region's customers; 全国 / all means every customer."""
    if region == ALL_REGIONS:
        return customers
    return customers[customers["region"] == region]


def distribution(
    values: pd.Series, top: int | None = None, lang: str = "zh", missing_label: str | None = None
) -> pd.DataFrame:
    """Counts and shares of each value (label, count, share), largest first.

    Missing values count as 待补充 (they are never dropped); with `top`, the rest is 其他.
    """
    missing = missing_label or t("to_complete", lang)
    counts = values.fillna(missing).astype("str").value_counts()
    if top is not None and len(counts) > top:
        head = counts.iloc[:top]
        counts = pd.concat([head, pd.Series({t("other", lang): counts.iloc[top:].sum()})])
    frame = counts.rename_axis("label").reset_index(name="count")
    frame["share"] = frame["count"] / frame["count"].sum() if len(frame) else 0.0
    return frame


def order_kpis(orders: pd.DataFrame, customer_ids: pd.Series, quarter: str) -> dict[str, float]:
    """Orders, buyers, revenue, average order value and repurchase rate in one quarter."""
    mine = orders[
        orders["customer_id"].isin(customer_ids) & in_quarter(orders["order_date"], quarter)
    ]
    buyers = mine["customer_id"].nunique()
    purchase_days = mine.groupby("customer_id")["order_date"].nunique()
    revenue = float(mine["amount"].sum())
    return {
        "orders": len(mine),
        "buyers": buyers,
        "revenue": revenue,
        "aov": revenue / len(mine) if len(mine) else float("nan"),
        "repurchase_rate": float((purchase_days >= 2).sum() / buyers) if buyers else float("nan"),
    }


def interaction_kpis(
    interactions: pd.DataFrame, customer_ids: pd.Series, quarter: str
) -> dict[str, float]:
    """Follow-ups per customer, complaints, satisfaction and customers not contacted in 90 days."""
    mine = interactions[interactions["customer_id"].isin(customer_ids)]
    _, end = quarter_bounds(quarter)
    in_q = mine[in_quarter(mine["interaction_date"], quarter)]
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


def quarter_kpis(
    customers: pd.DataFrame, orders: pd.DataFrame, interactions: pd.DataFrame, quarter: str
) -> dict[str, float]:
    """Every headline KPI of a customer set for one quarter."""
    _, end = quarter_bounds(quarter)
    known = customers[
        customers["first_contact_date"].isna() | (customers["first_contact_date"] < end)
    ]
    ids = known["customer_id"]
    return {
        "customers": len(known),
        "new_customers": int(in_quarter(customers["first_deal_date"], quarter).sum()),
        **order_kpis(orders, ids, quarter),
        **interaction_kpis(interactions, ids, quarter),
    }


_KPI_ROWS = (
    ("customers", "kpi_customers", "{:,.0f}"),
    ("new_customers", "kpi_new_customers", "{:,.0f}"),
    ("buyers", "kpi_buyers", "{:,.0f}"),
    ("orders", "kpi_orders", "{:,.0f}"),
    ("revenue", "kpi_revenue", "{:,.0f}"),
    ("aov", "kpi_aov", "{:,.0f}"),
    ("repurchase_rate", "kpi_repurchase", "{:.1%}"),
    ("followups_per_customer", "kpi_followups", "{:.2f}"),
    ("complaints", "kpi_complaints", "{:,.0f}"),
    ("satisfaction", "kpi_satisfaction", "{:.2f}"),
    ("silent_customers", "kpi_silent", "{:,.0f}"),
)


def kpi_comparison(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    interactions: pd.DataFrame,
    quarter: str,
    lang: str = "zh",
) -> pd.DataFrame:
    """KPIs of the quarter next to the previous quarter, with the relative change (环比).

    Numeric columns: key, current, previous, change; `metric` is the display label.
    """
    period = parse_quarter(quarter)
    now = quarter_kpis(customers, orders, interactions, str(period))
    before = quarter_kpis(customers, orders, interactions, str(period - 1))
    rows = []
    for key, label, fmt in _KPI_ROWS:
        change = (now[key] - before[key]) / before[key] if before[key] else float("nan")
        rows.append(
            {"key": key, "metric": t(label, lang), "current": now[key], "previous": before[key],
             "change": change, "format": fmt}
        )  # fmt: skip
    return pd.DataFrame(rows)


def format_kpis(kpis: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The KPI comparison as display strings, with the column headers in `lang`."""

    def fmt(row: pd.Series, col: str) -> str:
        return "–" if pd.isna(row[col]) else row["format"].format(row[col])

    return pd.DataFrame(
        {
            t("metric", lang): kpis["metric"],
            t("current", lang): kpis.apply(fmt, axis=1, col="current"),
            t("previous", lang): kpis.apply(fmt, axis=1, col="previous"),
            t("change", lang): kpis["change"].map(lambda c: "–" if pd.isna(c) else f"{c:+.1%}"),
        }
    )


def revenue_shares(
    orders: pd.DataFrame, customer_ids: pd.Series, quarter: str, by: str = "product_category"
) -> pd.DataFrame:
    """Revenue per product (category) in the quarter: label, revenue, share; largest first."""
    mine = orders[
        orders["customer_id"].isin(customer_ids) & in_quarter(orders["order_date"], quarter)
    ]
    revenue = mine.groupby(mine[by].fillna("待补充"))["amount"].sum().sort_values(ascending=False)
    frame = revenue.rename_axis("label").reset_index(name="revenue")
    total = frame["revenue"].sum()
    frame["share"] = frame["revenue"] / total if total else 0.0
    return frame


def channel_mix(
    interactions: pd.DataFrame, customer_ids: pd.Series, quarter: str, lang: str = "zh"
) -> pd.DataFrame:
    """Follow-ups by channel (电话, 微信 …) in the quarter, as a distribution."""
    mine = interactions[
        interactions["customer_id"].isin(customer_ids)
        & in_quarter(interactions["interaction_date"], quarter)
    ]
    return distribution(mine["channel"], lang=lang)


def quarterly_trend(
    orders: pd.DataFrame, customer_ids: pd.Series, quarter: str, quarters: int = 8
) -> pd.DataFrame:
    """Revenue, orders and buyers for the `quarters` quarters ending with `quarter`."""
    last = parse_quarter(quarter)
    periods = pd.period_range(end=last, periods=quarters, freq="Q")
    mine = orders[orders["customer_id"].isin(customer_ids) & orders["order_date"].notna()]
    by_quarter = mine.groupby(mine["order_date"].dt.to_period("Q")).agg(
        revenue=("amount", "sum"), orders=("order_id", "size"), buyers=("customer_id", "nunique")
    )
    frame = by_quarter.reindex(periods, fill_value=0).rename_axis("period").reset_index()
    frame.insert(0, "quarter", frame["period"].astype("str"))
    return frame.drop(columns="period")


def report_title(region: str, quarter: str, lang: str = "zh") -> str:
    """「2024年Q4华东区域客户画像分析报告」 (or its English form)."""
    name = t("all_regions", lang) if region == ALL_REGIONS else region
    return t("profiling_title", lang, period=quarter_label(quarter, lang), region=name)


def summary_points(kpis: pd.DataFrame, lang: str = "zh") -> list[str]:
    """Three to five one-line conclusions for the report's summary, from the KPI comparison."""
    k = kpis.set_index("key")

    def change(key: str) -> str:
        c = k.loc[key, "change"]
        return "–" if pd.isna(c) else f"{c:+.1%}"

    if lang == "zh":
        points = [
            f"本季度销售额 {k.loc['revenue', 'current'] / 1e4:,.1f} 万元，环比 {change('revenue')}；"
            f"下单客户 {k.loc['buyers', 'current']:,.0f} 家，环比 {change('buyers')}。",
            f"客单价 {k.loc['aov', 'current']:,.0f} 元（环比 {change('aov')}），"
            f"复购率 {k.loc['repurchase_rate', 'current']:.1%}。",
            f"新成交客户 {k.loc['new_customers', 'current']:,.0f} 家，环比 {change('new_customers')}。",
            f"投诉 {k.loc['complaints', 'current']:,.0f} 次（环比 {change('complaints')}），"
            f"{k.loc['silent_customers', 'current']:,.0f} 家客户超过 {SILENT_DAYS} 天未跟进。",
        ]
    else:
        points = [
            f"Revenue {k.loc['revenue', 'current']:,.0f} CNY ({change('revenue')} QoQ); "
            f"{k.loc['buyers', 'current']:,.0f} buying customers ({change('buyers')}).",
            f"Average order value {k.loc['aov', 'current']:,.0f} CNY ({change('aov')}), "
            f"repurchase rate {k.loc['repurchase_rate', 'current']:.1%}.",
            f"{k.loc['new_customers', 'current']:,.0f} new customers ({change('new_customers')}).",
            f"{k.loc['complaints', 'current']:,.0f} complaints ({change('complaints')}); "
            f"{k.loc['silent_customers', 'current']:,.0f} customers without follow-up "
            f"for {SILENT_DAYS} days.",
        ]
    return points

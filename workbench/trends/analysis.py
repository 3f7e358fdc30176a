"""The trends report of one region and period (a month, a quarter or a year): growth and churn
period over period (of the report's kind) for every region side by side, anomalies (`workbench.trends.anomalies`) and acquisition cohorts
(`workbench.trends.cohorts`), in one call.

Definitions (also in docs/glossary.md):
- purchases: orders with amount > 0, an order's amount the sum of its lines
  (`workbench.churn.definition.purchases_of`), as in the value analyses; returns are left out.
- 新增购买客户 new buyers of a period: customers whose first purchase in the extracts falls in it
  (from the orders, so a missing 首次合作时间 does not hide them).
- revenue: the sum of the period's purchases; buyers: customers with a purchase in it.
- churn rate: `workbench.churn.definition.behavioural_churn_rate` (no purchase in the
  ``window_days`` from the period's start among those active in the ``active_days`` before).
- *_qoq (环比): (this period − the previous one of its kind) ÷ previous, NaN when the previous
  is 0 — month on month for a monthly report; *_yoy (同比) the same against the same period a
  year before; churn_rate_change: this period's rate − the previous one (points).
- The anomaly rules (`workbench.trends.anomalies`) count their history in periods of the
  report's kind too; cohorts keep their own period (params/trends.yml) and end with the report's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.churn.definition import behavioural_churn_rate, purchases_of
from workbench.cleaning.privacy import display_names
from workbench.core.periods import parse_period, period_bounds, period_kind, period_text
from workbench.extracts.schema import ALL_REGIONS, REGIONS
from workbench.profiling.analysis import customers_of_region
from workbench.trends.anomalies import complaint_counts, complaint_rises, order_drops
from workbench.trends.cohorts import acquisition_cohorts
from workbench.trends.params import ChurnParams, TrendParams

GROWTH_COLUMNS = (
    "region", "period", "new_buyers", "buyers", "revenue", "active", "churned", "churn_rate",
    "new_buyers_qoq", "new_buyers_yoy", "revenue_qoq", "revenue_yoy", "churn_rate_change",
)  # fmt: skip
COMPANY = ALL_REGIONS  # the row of every region together
SCOPES: tuple[str, ...] = (*REGIONS, COMPANY)


PER_YEAR = {"month": 12, "quarter": 4, "year": 1}  # periods of a kind in a year (同比 lag)


def growth_by_period(
    purchases: pd.DataFrame, period: str, periods: int = 8, churn: ChurnParams | None = None
) -> pd.DataFrame:
    """New buyers, buyers, revenue and behavioural churn of one set of customers' `purchases`
    for the `periods` periods of the report's kind (months, quarters or years) ending with
    `period`, with their changes on the previous period (环比) and a year before (同比)."""
    churn = churn or ChurnParams()
    last = parse_period(period)
    lag = PER_YEAR[period_kind(last)]
    span = pd.period_range(end=last, periods=periods + lag, freq=last.freq)
    _, as_of = period_bounds(last)
    mine = purchases[purchases["order_date"] < as_of]
    when = mine["order_date"].dt.to_period(last.freq)
    first = when.groupby(mine["customer_id"]).min()
    frame = pd.DataFrame({
        "new_buyers": first.value_counts(),
        "buyers": mine["customer_id"].groupby(when).nunique(),
        "revenue": mine["amount"].groupby(when).sum(),
    }).reindex(span).fillna(0.0)  # fmt: skip
    frame = frame.astype({"new_buyers": "int64", "buyers": "int64", "revenue": "float64"})
    for column in ("new_buyers", "revenue"):
        frame[f"{column}_qoq"] = _change(frame[column], 1)
        frame[f"{column}_yoy"] = _change(frame[column], lag)
    shown = frame.iloc[lag:].copy()
    labels = [period_text(p) for p in shown.index]
    rates = behavioural_churn_rate(mine, labels, churn.window_days, churn.active_days, as_of)
    rates = rates.set_index("period").reindex(labels)
    shown.index = labels
    shown[["active", "churned", "churn_rate"]] = rates[["active", "churned", "churn_rate"]]
    shown["churn_rate_change"] = shown["churn_rate"].diff()
    return shown.rename_axis("period").reset_index()


def _change(values: pd.Series, lag: int) -> pd.Series:
    before = values.shift(lag)
    return (values - before) / before.where(before != 0)


def region_growth(
    customers: pd.DataFrame,
    purchases: pd.DataFrame,
    period: str,
    params: TrendParams | None = None,
) -> pd.DataFrame:
    """`growth_by_period` of every region and of 全国, stacked: GROWTH_COLUMNS."""
    params = params or TrendParams()
    frames = []
    for scope in SCOPES:
        ids = customers_of_region(customers, scope)["customer_id"]
        mine = purchases[purchases["customer_id"].isin(ids)]
        growth = growth_by_period(mine, period, params.growth.quarters, params.churn)
        frames.append(growth.assign(region=scope))
    return pd.concat(frames, ignore_index=True)[list(GROWTH_COLUMNS)]


def region_comparison(growth: pd.DataFrame, period: str) -> pd.DataFrame:
    """The regions side by side in `period`: one row per region (and 全国) of `region_growth`."""
    now = growth[growth["period"] == period_text(parse_period(period))]
    return now.drop(columns="period").reset_index(drop=True)


@dataclass(frozen=True)
class TrendReport:
    """Everything the trends report shows for one region and period (see `analyse_trends`)."""

    region: str
    period: str
    as_of: pd.Timestamp
    customers: int  # customers of the region
    buyers: int  # of them, with a purchase before as_of
    growth: pd.DataFrame  # GROWTH_COLUMNS, every region and 全国, growth.quarters periods each
    comparison: pd.DataFrame  # the regions side by side in the period
    order_drops: pd.DataFrame  # the region's customers evaluated (anomalies.order_drops)
    complaint_counts: pd.DataFrame  # regions × periods (anomalies.complaint_counts)
    complaint_rises: pd.DataFrame  # per region (anomalies.complaint_rises)
    cohorts: pd.DataFrame  # cohorts.acquisition_cohorts of the region

    @property
    def region_growth(self) -> pd.DataFrame:
        """The report's region's rows of `growth`."""
        return self.growth[self.growth["region"] == self.region].reset_index(drop=True)

    @property
    def drops(self) -> pd.DataFrame:
        """The customers flagged with a sudden drop in their orders."""
        return self.order_drops[self.order_drops["flagged"]].reset_index(drop=True)


def analyse_trends(data: object, region: str, period: str, params: TrendParams | None = None
                   ) -> TrendReport:  # fmt: skip
    """The trends report of `region` (or 全国) for `period` (2024-11, 2024Q4 or 2024) from cleaned
    extracts; a missing interactions extract leaves the complaint figures empty (`trend_gaps`)."""
    params = params or TrendParams()
    period = period_text(parse_period(period))
    _, as_of = period_bounds(period)
    purchases = purchases_of(data.orders)
    growth = region_growth(data.customers, purchases, period, params)
    customers = customers_of_region(data.customers, region)
    mine = purchases[purchases["customer_id"].isin(customers["customer_id"])]
    drops = order_drops(mine[mine["order_date"] < as_of], period, params.order_drop)
    drops = drops.merge(who(customers), on="customer_id", how="left")
    rule = params.complaint_rise
    counts = complaint_counts(data.interactions, data.customers, period,
                              max(params.growth.quarters, rule.history_quarters + 1))  # fmt: skip
    return TrendReport(
        region=region,
        period=period,
        as_of=as_of,
        customers=len(customers),
        buyers=int(mine.loc[mine["order_date"] < as_of, "customer_id"].nunique()),
        growth=growth,
        comparison=region_comparison(growth, period),
        order_drops=drops,
        complaint_counts=counts,
        complaint_rises=complaint_rises(data.interactions, data.customers, period, rule),
        cohorts=acquisition_cohorts(mine, period, params.cohorts),
    )


def who(customers: pd.DataFrame) -> pd.DataFrame:
    """customer_id, the display name (individuals masked) and the owner, for customer lists."""
    owner = customers["owner"] if "owner" in customers else pd.Series(np.nan, customers.index)
    return pd.DataFrame({"customer_id": customers["customer_id"],
                         "customer": display_names(customers), "owner": owner})  # fmt: skip

"""The trends report of one region and quarter: growth and churn quarter over quarter for every
region side by side, anomalies (`workbench.trends.anomalies`) and acquisition cohorts
(`workbench.trends.cohorts`), in one call.

Definitions (also in docs/glossary.md):
- purchases: orders with amount > 0, an order's amount the sum of its lines
  (`workbench.churn.definition.purchases_of`), as in the value analyses; returns are left out.
- 新增购买客户 new buyers of a quarter: customers whose first purchase in the extracts falls in it
  (from the orders, so a missing 首次合作时间 does not hide them).
- revenue: the sum of the quarter's purchases; buyers: customers with a purchase in it.
- churn rate: `workbench.churn.definition.behavioural_churn_rate` (no purchase in the
  ``window_days`` from the quarter's start among those active in the ``active_days`` before).
- *_qoq: (this quarter − previous) ÷ previous, NaN when the previous is 0; *_yoy the same against
  the quarter a year before; churn_rate_change: this quarter's rate − the previous one (points).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.churn.definition import behavioural_churn_rate, purchases_of
from workbench.cleaning.privacy import display_names
from workbench.core.periods import parse_quarter, quarter_bounds
from workbench.extracts.schema import ALL_REGIONS, REGIONS
from workbench.profiling.analysis import customers_of_region
from workbench.trends.anomalies import complaint_counts, complaint_rises, order_drops
from workbench.trends.cohorts import acquisition_cohorts
from workbench.trends.params import ChurnParams, TrendParams

GROWTH_COLUMNS = (
    "region", "quarter", "new_buyers", "buyers", "revenue", "active", "churned", "churn_rate",
    "new_buyers_qoq", "new_buyers_yoy", "revenue_qoq", "revenue_yoy", "churn_rate_change",
)  # fmt: skip
COMPANY = ALL_REGIONS  # the row of every region together
SCOPES: tuple[str, ...] = (*REGIONS, COMPANY)


def growth_by_quarter(
    purchases: pd.DataFrame, quarter: str, quarters: int = 8, churn: ChurnParams | None = None
) -> pd.DataFrame:
    """New buyers, buyers, revenue and behavioural churn of one set of customers' `purchases`
    for the `quarters` quarters ending with `quarter`, with their QoQ and YoY changes."""
    churn = churn or ChurnParams()
    periods = pd.period_range(end=parse_quarter(quarter), periods=quarters + 4, freq="Q")
    _, as_of = quarter_bounds(quarter)
    mine = purchases[purchases["order_date"] < as_of]
    period = mine["order_date"].dt.to_period("Q")
    first = period.groupby(mine["customer_id"]).min()
    frame = pd.DataFrame({
        "new_buyers": first.value_counts(),
        "buyers": mine["customer_id"].groupby(period).nunique(),
        "revenue": mine["amount"].groupby(period).sum(),
    }).reindex(periods).fillna(0.0)  # fmt: skip
    frame = frame.astype({"new_buyers": "int64", "buyers": "int64", "revenue": "float64"})
    for column in ("new_buyers", "revenue"):
        frame[f"{column}_qoq"] = _change(frame[column], 1)
        frame[f"{column}_yoy"] = _change(frame[column], 4)
    shown = frame.iloc[4:].copy()
    labels = [str(p) for p in shown.index]
    rates = behavioural_churn_rate(mine, labels, churn.window_days, churn.active_days, as_of)
    rates = rates.set_index("quarter").reindex(labels)
    shown.index = labels
    shown[["active", "churned", "churn_rate"]] = rates[["active", "churned", "churn_rate"]]
    shown["churn_rate_change"] = shown["churn_rate"].diff()
    return shown.rename_axis("quarter").reset_index()


def _change(values: pd.Series, lag: int) -> pd.Series:
    before = values.shift(lag)
    return (values - before) / before.where(before != 0)


def region_growth(
    customers: pd.DataFrame,
    purchases: pd.DataFrame,
    quarter: str,
    params: TrendParams | None = None,
) -> pd.DataFrame:
    """`growth_by_quarter` of every region and of 全国, stacked: GROWTH_COLUMNS."""
    params = params or TrendParams()
    frames = []
    for scope in SCOPES:
        ids = customers_of_region(customers, scope)["customer_id"]
        mine = purchases[purchases["customer_id"].isin(ids)]
        growth = growth_by_quarter(mine, quarter, params.growth.quarters, params.churn)
        frames.append(growth.assign(region=scope))
    return pd.concat(frames, ignore_index=True)[list(GROWTH_COLUMNS)]


def region_comparison(growth: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """The regions side by side in `quarter`: one row per region (and 全国) of `region_growth`."""
    now = growth[growth["quarter"] == str(parse_quarter(quarter))]
    return now.drop(columns="quarter").reset_index(drop=True)


@dataclass(frozen=True)
class TrendReport:
    """Everything the trends report shows for one region and quarter (see `analyse_trends`)."""

    region: str
    quarter: str
    as_of: pd.Timestamp
    customers: int  # customers of the region
    buyers: int  # of them, with a purchase before as_of
    growth: pd.DataFrame  # GROWTH_COLUMNS, every region and 全国, growth.quarters quarters each
    comparison: pd.DataFrame  # the regions side by side in the quarter
    order_drops: pd.DataFrame  # the region's customers evaluated (anomalies.order_drops)
    complaint_counts: pd.DataFrame  # regions × quarters (anomalies.complaint_counts)
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


def analyse_trends(data: object, region: str, quarter: str, params: TrendParams | None = None
                   ) -> TrendReport:  # fmt: skip
    """The trends report of `region` (or 全国) for `quarter` from cleaned extracts; a missing
    interactions extract leaves the complaint figures empty (see `trend_gaps`)."""
    params = params or TrendParams()
    _, as_of = quarter_bounds(quarter)
    purchases = purchases_of(data.orders)
    growth = region_growth(data.customers, purchases, quarter, params)
    customers = customers_of_region(data.customers, region)
    mine = purchases[purchases["customer_id"].isin(customers["customer_id"])]
    drops = order_drops(mine[mine["order_date"] < as_of], quarter, params.order_drop)
    drops = drops.merge(who(customers), on="customer_id", how="left")
    rule = params.complaint_rise
    counts = complaint_counts(data.interactions, data.customers, quarter,
                              max(params.growth.quarters, rule.history_quarters + 1))  # fmt: skip
    return TrendReport(
        region=region,
        quarter=str(parse_quarter(quarter)),
        as_of=as_of,
        customers=len(customers),
        buyers=int(mine.loc[mine["order_date"] < as_of, "customer_id"].nunique()),
        growth=growth,
        comparison=region_comparison(growth, quarter),
        order_drops=drops,
        complaint_counts=counts,
        complaint_rises=complaint_rises(data.interactions, data.customers, quarter, rule),
        cohorts=acquisition_cohorts(mine, quarter, params.cohorts),
    )


def who(customers: pd.DataFrame) -> pd.DataFrame:
    """customer_id, the display name (individuals masked) and the owner, for customer lists."""
    owner = customers["owner"] if "owner" in customers else pd.Series(np.nan, customers.index)
    return pd.DataFrame({"customer_id": customers["customer_id"],
                         "customer": display_names(customers), "owner": owner})  # fmt: skip

"""The customer-value report of one region and period (a month, a quarter or a year): RFM
classes, ABC, amount tiers, tags, CLV and who to follow up, assembled from `rfm`, `segments` and `clv_fit` in one call.

Purchases are orders with amount > 0, an order's amount the sum of its lines (`order_totals`):
returns and corrections (amount ≤ 0) are left out of every value figure and counted in
``excluded_orders``. The cut-off
``as_of`` is the first day after the period (exclusive), so "last 12 months" ends with the
period; the class moves compare its end with the previous period's end (of the same kind).
Customers are shown by a display name: enterprises by name, individuals masked (张**).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.cleaning.privacy import display_names
from workbench.clv.fit import PREDICTION_COLUMNS, ClvFit, fit_clv, repeat_buyers
from workbench.core.audiences import company_data
from workbench.core.errors import WorkbenchError
from workbench.core.periods import parse_period, period_bounds, period_text
from workbench.extracts.loader import TableAccess
from workbench.extracts.order_lines import order_totals
from workbench.profiling.analysis import customers_of_region
from workbench.value.classes import EXTRACTS, ClassViews, class_views, with_class_columns
from workbench.value.params import HIGH, ValueParams
from workbench.value.rfm import rfm_scores, rfm_table, value_classes
from workbench.value.segments import (
    abc_classes,
    amount_tiers,
    class_migration,
    segment_summary,
    tags,
)

CHURN_RISK = "高流失风险"
# Follow-up priorities, checked in this order; a customer gets the first that applies.
FOLLOW_UP_RULES: tuple[tuple[str, str], ...] = (
    ("retain", "高流失风险 and (高价值客户, or ABC class A or B)"),
    ("lead", "重点跟进: a lead viewing many pages or asking for prices"),
    ("repurchase", "近3个月未复购 and ABC class A or B"),
)
CUSTOMER_COLUMNS = (
    "customer_id", "customer", "customer_type", "owner", "city", "status", "first_purchase",
    "last_purchase", "recency_days", "frequency", "orders", "monetary", "r_score", "f_score",
    "m_score", "value_class", "revenue_12m", "abc_class", "amount_tier", *PREDICTION_COLUMNS,
    "tags", "rfm_class", "weighted_score", "weighted_class", "playbook",
)  # fmt: skip


@dataclass(frozen=True)
class ValueReport:
    """Everything the value report shows for one region and period (see `analyse_value`)."""

    region: str
    period: str
    as_of: pd.Timestamp
    customers: pd.DataFrame  # CUSTOMER_COLUMNS, one row per customer of the region
    scores: pd.DataFrame  # rfm_scores + value_class of the buyers
    abc: pd.DataFrame  # abc_classes: revenue, cum_share, abc_class, largest first
    segments: dict[str, pd.DataFrame]  # value_class / abc_class / amount_tier → segment_summary
    migration: pd.DataFrame  # ABC class at the start of the period (rows) → at its end
    tags: pd.DataFrame  # customer_id, tag (long)
    clv: ClvFit | None
    clv_scope: str  # "region", "company", or "none" (too few purchases to fit)
    excluded_orders: int
    classes: ClassViews  # weighted score, agreement with RFM, moves since the previous period's end

    def follow_up(self, top: int | None = None) -> pd.DataFrame:
        """Customers to follow up, most urgent first (see `follow_up_list`)."""
        return follow_up_list(self.customers, top)


def analyse_value(
    data: TableAccess,
    region: str,
    period: str,
    params: ValueParams | None = None,
    churn_tags: pd.DataFrame | None = None,
) -> ValueReport:
    """The value report of ``region`` (or 全国) for ``period`` (2024-11, 2024Q4 or 2024) from
    cleaned extracts.

    ``churn_tags`` (customer_id, tag: the churn report's `ChurnReport.tags()`): when given, the
    高流失风险 tag, and so the follow-up list's retain priority, is the churn model's (band 高)
    instead of the silence rule of params/value.yml.
    """
    params = params or ValueParams()
    period = period_text(parse_period(period))
    start, as_of = period_bounds(period)
    customers = customers_of_region(data.customers, region)
    ids = customers["customer_id"]
    orders = order_totals(data.orders)  # order lines summed: the models see orders
    all_purchases = orders[orders["amount"] > 0]
    excluded = int((orders["customer_id"].isin(ids) & ~(orders["amount"] > 0)).sum())
    purchases = all_purchases[all_purchases["customer_id"].isin(ids)]
    table = rfm_table(purchases, as_of, params.rfm.window_days)
    scores = value_classes(rfm_scores(table, params.rfm.bins), params)
    abc = abc_classes(purchases, as_of, params.abc)
    before = abc_classes(purchases, start, params.abc)
    tiers = amount_tiers(purchases, as_of, params.amount_tiers)
    tagged = tags(customers, purchases, data.interactions, as_of, params)
    if churn_tags is not None:
        tagged = _with_churn_risk(tagged, churn_tags, ids)
    # an owner's view (workbench.core.audiences): the CLV model is the region's, fitted on all
    # its customers; only the owner's are predicted
    region_ids = customers_of_region(company_data(data).customers, region)["customer_id"]
    region_purchases = all_purchases[all_purchases["customer_id"].isin(region_ids)]
    clv, scope = _clv(purchases, all_purchases, as_of, params, region_purchases)
    extracts = {name: _optional(data, name) for name in EXTRACTS}
    revenue = abc.set_index("customer_id")["revenue"]
    views = class_views(customers, purchases, extracts, period, scores, revenue, params)
    frame = _customer_table(customers, purchases, as_of, scores, abc, tiers, tagged, clv)
    frame = with_class_columns(frame, views, params)[list(CUSTOMER_COLUMNS)]
    segments = {
        column: segment_summary(source, purchases, by=column, as_of=as_of,
                                window_months=params.abc.window_months)
        for column, source in (("value_class", views.in_use(scores)), ("abc_class", abc),
                               ("amount_tier", tiers))
    }  # fmt: skip
    return ValueReport(
        region=region,
        period=period,
        as_of=as_of,
        customers=frame,
        scores=scores,
        abc=abc,
        segments=segments,
        migration=class_migration(before, abc, "abc_class"),
        tags=tagged,
        clv=clv,
        clv_scope=scope,
        excluded_orders=excluded,
        classes=views,
    )


def _optional(data: TableAccess, name: str) -> pd.DataFrame | None:
    """The extract ``name``, or None when the data set has none."""
    try:
        return getattr(data, name)
    except (AttributeError, KeyError):
        return None


def _with_churn_risk(
    tagged: pd.DataFrame, churn_tags: pd.DataFrame, ids: pd.Series
) -> pd.DataFrame:
    """The tags with 高流失风险 taken from the churn model instead of the silence rule."""
    model = churn_tags[(churn_tags["tag"] == CHURN_RISK) & churn_tags["customer_id"].isin(ids)]
    kept = tagged[tagged["tag"].astype(str) != CHURN_RISK]
    added = pd.DataFrame({"customer_id": model["customer_id"].to_numpy(),
                          "tag": pd.Categorical([CHURN_RISK] * len(model),
                                                categories=tagged["tag"].cat.categories)})  # fmt: skip
    merged = pd.concat([kept, added], ignore_index=True)
    return merged.sort_values(["customer_id", "tag"], ignore_index=True)


def _clv(
    purchases: pd.DataFrame,
    company: pd.DataFrame,
    as_of: pd.Timestamp,
    params: ValueParams,
    region: pd.DataFrame | None = None,
) -> tuple[ClvFit | None, str]:
    """CLV of the customers of ``purchases``, fitted on the ``region``'s purchases (default:
    ``purchases``), or company-wide when the region has too few repeat buyers."""
    customers = pd.Index(pd.unique(purchases.loc[purchases["order_date"] < as_of, "customer_id"]))
    region = purchases if region is None else region
    if repeat_buyers(region, as_of) >= params.clv.min_repeat_buyers:
        return fit_clv(region, as_of, params.clv, customers, scope="region"), "region"
    if repeat_buyers(company, as_of) >= params.clv.min_repeat_buyers:
        return fit_clv(company, as_of, params.clv, customers, scope="company"), "company"
    return None, "none"


def _customer_table(
    customers: pd.DataFrame,
    purchases: pd.DataFrame,
    as_of: pd.Timestamp,
    scores: pd.DataFrame,
    abc: pd.DataFrame,
    tiers: pd.DataFrame,
    tagged: pd.DataFrame,
    clv: ClvFit | None,
) -> pd.DataFrame:
    """One row per customer of the region with every class, score, prediction and tag."""
    out = customers[["customer_id", "customer_type", "owner", "city", "status"]].copy()
    out.insert(1, "customer", display_names(customers))
    before = purchases[purchases["order_date"] < as_of]
    dates = before.groupby("customer_id")["order_date"]
    # reindex, not map: pandas cannot map an empty region's ids through dates
    out["first_purchase"] = dates.min().reindex(out["customer_id"]).to_numpy()
    out["last_purchase"] = dates.max().reindex(out["customer_id"]).to_numpy()
    out = out.merge(scores.drop(columns=["mean_order_value", "tenure_days", "rfm_total"]),
                    on="customer_id", how="left")  # fmt: skip
    out = out.merge(abc[["customer_id", "revenue", "abc_class"]].rename(
        columns={"revenue": "revenue_12m"}), on="customer_id", how="left")  # fmt: skip
    out = out.merge(tiers[["customer_id", "amount_tier"]], on="customer_id", how="left")
    if clv is not None:
        out = out.merge(clv.predictions, left_on="customer_id", right_index=True, how="left")
    else:  # no frame to merge: an empty one's index is not text, and a region may be empty
        out = out.assign(**dict.fromkeys(PREDICTION_COLUMNS, np.nan))
    joined = tagged["tag"].astype("str").groupby(tagged["customer_id"]).agg("、".join)
    out["tags"] = out["customer_id"].map(joined).astype(object).fillna("")  # none: float NaNs
    return out[list(CUSTOMER_COLUMNS[:-4])].reset_index(drop=True)


def follow_up_list(customers: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """Customers to follow up with a priority (FOLLOW_UP_RULES, first match) and the reason:
    priority order first, then the larger CLV (or 12-month revenue) first."""
    has = {tag: customers["tags"].str.contains(tag, regex=False) for tag in
           ("高流失风险", "高价值客户", "重点跟进", "近3个月未复购")}  # fmt: skip
    abc = customers["abc_class"].astype("object")
    valuable = has["高价值客户"] | abc.isin(["A", "B"])
    conditions = [
        has["高流失风险"] & valuable,
        has["重点跟进"],
        has["近3个月未复购"] & abc.isin(["A", "B"]),
    ]
    keys = [key for key, _ in FOLLOW_UP_RULES]
    priority = np.select(conditions, range(1, len(keys) + 1), default=0)
    out = customers.assign(priority=priority, action=np.select(conditions, keys, default=""))
    out = out[out["priority"] > 0]
    worth = out["clv"].fillna(out["revenue_12m"]).fillna(0.0)
    out = out.assign(_worth=worth).sort_values(["priority", "_worth"], ascending=[True, False])
    out = out.drop(columns="_worth").reset_index(drop=True)
    return out.head(top) if top is not None else out


def clv_ranking(customers: pd.DataFrame, top: int = 20) -> pd.DataFrame:
    """The ``top`` customers by CLV, with their classes, P(alive) and expected purchases."""
    if customers["clv"].notna().sum() == 0:
        raise WorkbenchError("no CLV figures: too few purchases to fit the models")
    return customers.dropna(subset=["clv"]).nlargest(top, "clv").reset_index(drop=True)


def high_value_share(report: ValueReport) -> float:
    """Share of the 12-month revenue made by the 高价值 class."""
    table = report.segments["value_class"].set_index("class")
    return float(table.loc[HIGH, "revenue_share"]) if HIGH in table.index else 0.0

"""Customer segments beyond RFM: ABC classes by revenue share, amount tiers by yearly amount,
follow-up tags (近3个月未复购, 高价值客户, 高流失风险, 重点跟进) and a per-class summary.

`as_of` is the exclusive cut-off everywhere (orders dated before it count), as in `workbench.value.rfm`.
Thresholds come from params/value.yml (`workbench.value.params`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.core.errors import ParameterError
from workbench.value.params import (
    HIGH,
    AbcParams,
    TagParams,
    Tier,
    TierParams,
    ValueParams,
    check_shares,
    check_tiers,
)
from workbench.value.rfm import orders_before, rfm_classes, rfm_scores, rfm_table, value_classes

ABC_CLASSES: tuple[str, ...] = ("A", "B", "C")
CLASS_COLUMNS: tuple[str, ...] = ("value_class", "abc_class", "amount_tier")
NEW = "新增"  # class_migration: a customer not in the earlier classification
_EPS = 1e-9  # relative tolerance of the cumulative-share comparison (float sums)


def _revenue(
    orders: pd.DataFrame,
    as_of: pd.Timestamp | str,
    window_months: int | None,
    customers: pd.Series | None,
    name: str,
) -> pd.Series:
    """Revenue per customer in [as_of − window_months calendar months, as_of) (None: all history):
    every customer with an order before as_of, or listed in `customers`, appears (0 if none).
    """
    as_of = pd.Timestamp(as_of)
    before = orders_before(orders, as_of)
    if window_months is None:
        mine = before
    else:
        mine = before[before["order_date"] >= as_of - pd.DateOffset(months=window_months)]
    revenue = mine.groupby("customer_id")["amount"].sum().astype("float64")
    ids = pd.Index(pd.unique(before["customer_id"].dropna()))
    if customers is not None:
        ids = ids.union(pd.Index(pd.unique(customers.dropna())))
    revenue = revenue.reindex(ids.union(revenue.index), fill_value=0.0)
    return revenue.rename_axis("customer_id").rename(name)


def abc_classes(
    orders: pd.DataFrame,
    as_of: pd.Timestamp | str,
    shares: AbcParams | Sequence[float] = (0.2, 0.5, 0.3),
    window_months: int | None = None,
    customers: pd.Series | None = None,
) -> pd.DataFrame:
    """A / B / C by cumulative share of the last-12-month revenue: customer_id, revenue,
    cum_share, abc_class; largest revenue first.

    Customers are sorted by revenue (descending; equal revenue by customer_id, so ties are split
    deterministically). A customer is A while the revenue of the customers before it is still
    below share A of the total — the boundary customer that reaches the share is A — then B up to
    A + B, then C. Revenue ≤ 0 (nothing in the window, or listed in `customers` without orders)
    is always C. The window is `window_months` (default 12, or that of AbcParams).
    """
    if isinstance(shares, AbcParams):
        window_months = window_months or shares.window_months
        shares = shares.shares
    a, b, _ = check_shares(tuple(shares))
    revenue = _revenue(orders, as_of, window_months or 12, customers, "revenue")
    frame = revenue.reset_index().sort_values(
        ["revenue", "customer_id"], ascending=[False, True], kind="stable", ignore_index=True
    )
    positive = frame["revenue"].clip(lower=0).to_numpy()
    total = positive.sum()
    cumulative = np.cumsum(positive)
    before = cumulative - positive
    tol = _EPS * total
    labels = np.select(
        [
            (positive > 0) & (before < a * total - tol),
            (positive > 0) & (before < (a + b) * total - tol),
        ],
        ["A", "B"],
        default="C",
    )
    frame["cum_share"] = cumulative / total if total > 0 else 0.0
    frame["abc_class"] = pd.Categorical(labels, categories=list(ABC_CLASSES))
    return frame


def amount_tiers(
    orders: pd.DataFrame,
    as_of: pd.Timestamp | str,
    tiers: TierParams | Sequence[Tier] | None = None,
    window_months: int | None = None,
    customers: pd.Series | None = None,
) -> pd.DataFrame:
    """The tier of each customer's yearly amount (revenue of the last window_months, default 12):
    customer_id, yearly_amount, amount_tier. A customer gets the highest tier whose min it
    reaches (≥); amounts below 0 fall in the lowest tier.
    """
    if isinstance(tiers, TierParams):
        window_months = window_months or tiers.window_months
        tiers = tiers.tiers
    tiers = check_tiers(tuple(tiers) if tiers is not None else TierParams().tiers)
    revenue = _revenue(orders, as_of, window_months or 12, customers, "yearly_amount")
    ascending = tiers[::-1]
    mins = np.array([t.min for t in ascending], dtype="float64")
    position = np.searchsorted(mins, revenue.to_numpy(), side="right") - 1
    labels = np.array([t.label for t in ascending], dtype=object)[np.clip(position, 0, None)]
    frame = revenue.reset_index()
    frame["amount_tier"] = pd.Categorical(labels, categories=[t.label for t in tiers])
    return frame


def _member(values: pd.Series | pd.Index, pool: pd.Series | pd.Index) -> np.ndarray:
    """values.isin(pool) through a hash index: pandas' isin on arrow strings loops in Python."""
    return pd.Index(pool).unique().get_indexer(values) >= 0


# --- tags -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TagInput:
    """What every tag rule may look at, computed once."""

    customers: pd.DataFrame
    orders: pd.DataFrame  # orders before as_of
    interactions: pd.DataFrame
    rfm: pd.DataFrame  # rfm_table over all history before as_of, indexed by customer_id
    as_of: pd.Timestamp
    params: ValueParams


def _no_repurchase(data: _TagInput) -> pd.Index:
    """近3个月未复购: a repeat buyer (≥ repeat_min_days distinct purchase days) whose last purchase
    is more than no_repurchase_days (90) before as_of."""
    p, rfm = data.params.tags, data.rfm
    hit = (rfm["frequency"] >= p.repeat_min_days) & (rfm["recency_days"] > p.no_repurchase_days)
    return rfm.index[hit]


def _high_value(data: _TagInput) -> pd.Index:
    """高价值客户: RFM value class 高价值 (rules and bins of params/value.yml)."""
    p = data.params
    if p.rfm.window_days is None:  # the all-history table is already there
        classes = value_classes(rfm_scores(data.rfm.reset_index(), p.rfm.bins), p)
    else:
        classes = rfm_classes(data.orders, data.as_of, p.rfm.bins, p.rfm.window_days, p)
    return pd.Index(classes.loc[classes["value_class"] == HIGH, "customer_id"])


def _churn_risk(data: _TagInput) -> pd.Index:
    """高流失风险: a repeat buyer silent for more than churn_gap_factor × their own mean gap
    between purchase days, and for at least churn_min_days."""
    p, rfm = data.params.tags, data.rfm
    repeat = rfm[rfm["frequency"] >= p.repeat_min_days]
    mean_gap = (repeat["tenure_days"] - repeat["recency_days"]) / (repeat["frequency"] - 1)
    hit = (repeat["recency_days"] > p.churn_gap_factor * mean_gap) & (
        repeat["recency_days"] >= p.churn_min_days
    )
    return repeat.index[hit]


def _follow_up(data: _TagInput) -> pd.Index:
    """重点跟进: see `follow_up_leads`."""
    return follow_up_leads(
        data.customers, data.orders, data.interactions, data.as_of, data.params.tags
    )


def follow_up_leads(
    customers: pd.DataFrame,
    purchases: pd.DataFrame,
    interactions: pd.DataFrame,
    as_of: pd.Timestamp | str,
    params: TagParams | None = None,
) -> pd.Index:
    """重点跟进 (the one definition, also used by the funnel report): a lead (status in
    lead_statuses, or no purchase before as_of) whose interactions in the last
    follow_up_window_days view ≥ follow_up_min_pages pages in total or ask a question of a type in
    follow_up_question_types (价格 …). `purchases`: orders with amount > 0."""
    p, inter, as_of = params or TagParams(), interactions, pd.Timestamp(as_of).normalize()
    bought = purchases.loc[purchases["order_date"] < as_of, "customer_id"]
    is_lead = ~_member(customers["customer_id"], bought)
    if "status" in customers:
        is_lead |= customers["status"].isin(p.lead_statuses).to_numpy(dtype=bool)
    leads = customers.loc[is_lead, "customer_id"]
    start = as_of - pd.Timedelta(days=p.follow_up_window_days)
    dates = inter["interaction_date"]
    recent = inter[_member(inter["customer_id"], leads) & (dates >= start) & (dates < as_of)]
    hot = pd.Series(False, index=pd.Index(pd.unique(recent["customer_id"])))
    if "pages_viewed" in recent:
        pages = pd.to_numeric(recent["pages_viewed"]).groupby(recent["customer_id"]).sum()
        hot |= (pages >= p.follow_up_min_pages).reindex(hot.index, fill_value=False)
    if "question_type" in recent:
        asked = recent["question_type"].isin(p.follow_up_question_types)
        hot |= asked.groupby(recent["customer_id"]).any().reindex(hot.index, fill_value=False)
    return hot.index[hot.to_numpy(dtype=bool)]


TAGS: dict[str, Callable[[_TagInput], pd.Index]] = {
    "近3个月未复购": _no_repurchase,
    "高价值客户": _high_value,
    "高流失风险": _churn_risk,
    "重点跟进": _follow_up,
}


def tags(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    interactions: pd.DataFrame,
    as_of: pd.Timestamp | str,
    params: ValueParams | None = None,
) -> pd.DataFrame:
    """Tags as a long table (customer_id, tag), one row per customer and tag it carries.

    Each tag's rule is the docstring of its function in `TAGS`; only customers listed in
    `customers` are tagged.
    """
    params = params or ValueParams()
    as_of = pd.Timestamp(as_of).normalize()
    mine = orders_before(orders, as_of)
    data = _TagInput(
        customers=customers,
        orders=mine,
        interactions=interactions,
        rfm=rfm_table(mine, as_of).set_index("customer_id"),
        as_of=as_of,
        params=params,
    )
    known = customers["customer_id"]
    parts = [
        pd.DataFrame({"customer_id": ids[_member(ids, known)], "tag": label})
        for label, rule in TAGS.items()
        if len(ids := pd.Index(rule(data)))
    ]
    if not parts:
        frame = pd.DataFrame({"customer_id": known.iloc[:0], "tag": pd.Series([], dtype=object)})
    else:
        frame = pd.concat(parts, ignore_index=True)
    frame["tag"] = pd.Categorical(frame["tag"], categories=list(TAGS))
    return frame.sort_values(["customer_id", "tag"], ignore_index=True)


def segment_summary(
    classes: pd.DataFrame,
    orders: pd.DataFrame,
    by: str | None = None,
    as_of: pd.Timestamp | str | None = None,
    window_months: int | None = None,
) -> pd.DataFrame:
    """Customers and revenue per class: class, customers, customer_share, revenue, revenue_share.

    `classes` has customer_id and a class column (`by`, or the one of value_class / abc_class /
    amount_tier present); revenue is of the given orders (before as_of, within the last
    window_months, if given). Every category appears, also empty ones.
    """
    if by is None:
        present = [c for c in CLASS_COLUMNS if c in classes]
        if len(present) != 1:
            raise ParameterError(
                f"segment_summary: say which class column to use (by=), found {present}"
            )
        by = present[0]
    if as_of is not None:
        revenue = _revenue(orders, as_of, window_months, None, "revenue")
    else:
        revenue = orders.groupby("customer_id")["amount"].sum()
    per_customer = classes[["customer_id", by]].assign(
        revenue=classes["customer_id"].map(revenue).fillna(0.0).astype("float64")
    )
    summary = per_customer.groupby(by, observed=False, sort=True).agg(
        customers=("customer_id", "size"), revenue=("revenue", "sum")
    )
    n, total = summary["customers"].sum(), summary["revenue"].sum()
    summary["customer_share"] = summary["customers"] / n if n else 0.0
    summary["revenue_share"] = summary["revenue"] / total if total else 0.0
    out = summary.rename_axis("class").reset_index()
    return out[["class", "customers", "customer_share", "revenue", "revenue_share"]]


def class_migration(
    before: pd.DataFrame, after: pd.DataFrame, column: str, weights: pd.Series | None = None
) -> pd.DataFrame:
    """Customers per (class before → class after): rows the earlier class, or "新增" for customers
    first classified later; columns the later class. Every customer of `after` is counted once;
    with `weights` (customer_id → a number, e.g. 12-month revenue) their weights are summed."""
    joined = after[["customer_id", column]].merge(
        before[["customer_id", column]], on="customer_id", how="left", suffixes=("", "_before")
    )
    order = list(after[column].cat.categories)
    rows = joined[f"{column}_before"].astype("object").fillna(NEW)
    cols = joined[column].astype("object")
    if weights is None:
        table = pd.crosstab(rows, cols)
    else:
        values = joined["customer_id"].map(weights).fillna(0.0).astype("float64")
        table = pd.crosstab(rows, cols, values=values, aggfunc="sum").fillna(0.0)
    return table.reindex(index=[*order, NEW], columns=order, fill_value=0).rename_axis(
        index=f"{column}_before", columns=column
    )

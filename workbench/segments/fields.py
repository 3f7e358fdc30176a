"""The per-customer fields saved segments filter on (docs/segments.md), one row per customer of
a region, built from the value analysis (`workbench.value.analysis.analyse_value`) and the
extracts as of the value report's cut-off ``as_of`` (exclusive: the day after the report's period).

Days are counted as RFM's recency is: from the day of the event to as_of, so an event the day
before as_of is 1 day ago and "in the last 90 days" means ≤ 90. The 12-month figures cover
[as_of − 12 calendar months, as_of). A field without data is missing (NaN), never 0: a customer
who never bought has no AOV; without an interactions extract nobody has interaction figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.churn.definition import purchases_of
from workbench.extracts.schema import REGIONS
from workbench.profiling.gaps import has_values, table_gap
from workbench.trends.anomalies import complaints
from workbench.value.analysis import ValueReport
from workbench.value.params import VALUE_CLASSES
from workbench.value.segments import ABC_CLASSES, TAGS

RECENT_DAYS = 90  # interactions_90d, complaints_90d
MONTHS = 12  # orders_12m, revenue_12m, aov
LIST_SEPARATORS = r"[、,，;；/|]"  # between the values of a multi-valued cell (preferences, tags)


@dataclass(frozen=True)
class Field:
    """A field segments may use: its kind (number, category, list), what it means, the values a
    category may take when the workbench computes them (None: any), and the extract column it
    needs (a segment on it is not listed without that data)."""

    kind: str
    doc: str
    values: tuple[str, ...] | None = None
    needs: tuple[str, str] | None = None


_INTERACTIONS = ("interactions", "interaction_date")
FIELDS: dict[str, Field] = {
    "customer_type": Field("category", "企业 or 个人", ("企业", "个人")),
    "region": Field("category", "区域", REGIONS),
    "province": Field("category", "所在省份"),
    "city": Field("category", "所在城市"),
    "industry": Field("category", "所属行业 (GB/T 4754)"),
    "size": Field("category", "企业规模 (小型 / 中型 / 大型)"),
    "status": Field("category", "客户状态 (潜在客户 / 成交客户 / 流失客户)"),
    "owner": Field("category", "负责人"),
    "source_channel": Field("category", "来源渠道"),
    "preferences": Field("list", "需求偏好, several values"),
    "tags": Field("list", "the value report's tags", tuple(TAGS)),
    "value_class": Field("category", "RFM value class", VALUE_CLASSES),
    "abc_class": Field("category", "ABC class by 12-month revenue", ABC_CLASSES),
    "amount_tier": Field("category", "amount tier (labels of params/value.yml)"),
    "orders": Field("number", "purchases before as_of"),
    "monetary": Field("number", "amount of every purchase before as_of (元)"),
    "orders_12m": Field("number", "purchases in the last 12 months"),
    "revenue_12m": Field("number", "amount of the purchases in the last 12 months (元)"),
    "aov": Field("number", "客单价: revenue_12m ÷ orders_12m (元); missing without purchases"),
    "days_since_first_purchase": Field("number", "days from the first purchase to as_of"),
    "days_since_last_purchase": Field("number", "days from the last purchase to as_of (R)"),
    "p_alive": Field("number", "P(alive) of the CLV model"),
    "clv": Field("number", "CLV over the next 12 months (元)"),
    "last_interaction_days": Field(
        "number", "days from the last interaction to as_of", needs=_INTERACTIONS
    ),
    "interactions_90d": Field("number", "interactions in the last 90 days", needs=_INTERACTIONS),
    "complaints_90d": Field(
        "number", "complaints (投诉) in the last 90 days", needs=("interactions", "type")
    ),
}
FIELD_COLUMNS = ("customer_id", "customer", *FIELDS)


def customer_fields(data: object, value: ValueReport) -> pd.DataFrame:
    """FIELD_COLUMNS for every customer of the value report's region, as of its cut-off."""
    as_of = value.as_of
    out = value.customers.rename(columns={"recency_days": "days_since_last_purchase"})
    extra = ["region", "province", "industry", "size", "source_channel", "preferences"]
    source = data.customers.reindex(columns=["customer_id", *extra])
    out = out.merge(source.drop_duplicates("customer_id"), on="customer_id", how="left")
    out["days_since_first_purchase"] = (as_of - out["first_purchase"]).dt.days
    purchases = purchases_of(data.orders)
    start = as_of - pd.DateOffset(months=MONTHS)
    recent = purchases[(purchases["order_date"] >= start) & (purchases["order_date"] < as_of)]
    by_customer = recent.groupby("customer_id")["amount"]
    out["orders_12m"] = out["customer_id"].map(by_customer.size()).fillna(0).astype("int64")
    out["revenue_12m"] = out["customer_id"].map(by_customer.sum()).fillna(0.0).astype("float64")
    out["aov"] = out["revenue_12m"] / out["orders_12m"].where(out["orders_12m"] > 0)
    out = out.assign(**_interaction_fields(data, out["customer_id"], as_of))
    for column in ("value_class", "abc_class", "amount_tier"):
        out[column] = out[column].astype("object")
    return out.reindex(columns=list(FIELD_COLUMNS)).reset_index(drop=True)


def _interaction_fields(data: object, ids: pd.Series, as_of: pd.Timestamp) -> dict[str, pd.Series]:
    """last_interaction_days, interactions_90d, complaints_90d (NaN without the data)."""
    missing = pd.Series(np.nan, index=ids.index, dtype="float64")
    if table_gap(data, *_INTERACTIONS) is not None:
        return dict.fromkeys(("last_interaction_days", "interactions_90d", "complaints_90d"),
                             missing)  # fmt: skip
    inter = data.interactions
    before = inter[inter["customer_id"].isin(ids) & (inter["interaction_date"] < as_of)]
    last = before.groupby("customer_id")["interaction_date"].max()
    recent = before[before["interaction_date"] >= as_of - pd.Timedelta(days=RECENT_DAYS)]
    fields = {
        # reindex, not map: an empty ids Series maps to a datetime Series that as_of − x keeps
        "last_interaction_days": _days_since(last.reindex(ids.to_numpy()), as_of, ids.index),
        "interactions_90d": ids.map(recent["customer_id"].value_counts()).fillna(0.0),
        "complaints_90d": missing,
    }
    if has_values(inter, "type"):
        found = complaints(recent)["customer_id"].value_counts()
        fields["complaints_90d"] = ids.map(found).fillna(0.0)
    return {k: v.astype("float64").set_axis(ids.index) for k, v in fields.items()}


def _days_since(dates: pd.Series, as_of: pd.Timestamp, index: pd.Index) -> pd.Series:
    """Days from each date to as_of (NaN where there is none), on ``index``."""
    days = (as_of - pd.to_datetime(dates.to_numpy())).days.astype("float64")
    return pd.Series(np.asarray(days), index=index, dtype="float64")


def split_values(values: pd.Series) -> pd.Series:
    """A multi-valued column (性价比、数据安全) as lists of its values ([] when missing)."""
    text = values.astype("object").where(values.notna(), "")
    return (
        text.astype("str")
        .str.split(LIST_SEPARATORS)
        .map(lambda parts: [p.strip() for p in parts if p.strip()])
    )

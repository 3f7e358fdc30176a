"""Churn features of each customer as of a cutoff, from data dated before it only.

Every table is optional beyond customers: a feature whose table or column is missing is not
built (`feature_spec` decides once, from the data, which features exist, and a saved model keeps
its spec so a new snapshot gets the same columns). Customer status is never a feature: under the
behaviour definition it is written from the very silence the label measures. Everything is a
groupby over masks: no per-customer Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.churn.definition import purchases_of
from workbench.core.errors import WorkbenchError

DAY = pd.Timedelta(days=1)
COMPLAINT = "投诉"
OPEN_REQUIREMENT = ("待处理", "处理中")
REJECTED_REQUIREMENT = "无法满足"
ATTRIBUTES = ("customer_type", "industry_section", "size", "region", "source_channel",
              "decision_role")  # fmt: skip
ORDER_FEATURES = (
    "days_since_last_order", "purchase_days", "orders_last_90d", "orders_prev_90d",
    "orders_trend", "revenue_last_90d", "revenue_prev_90d", "revenue_365d", "revenue_total",
    "mean_order_value", "tenure_days", "usual_gap_days", "gap_ratio", "returns_365d",
)  # fmt: skip
INTERACTION_FEATURES = ("interactions_90d", "days_since_interaction", "complaints_90d",
                        "complaints_365d")  # fmt: skip
SATISFACTION_FEATURES = ("satisfaction_180d", "satisfaction_change")
REQUIREMENT_FEATURES = ("requirements_365d", "open_requirements", "overdue_requirements",
                        "rejected_requirements_365d")  # fmt: skip
CUSTOMER_FEATURES = ("contact_age_days", "deal_age_days", "owner_load")
MISSING = "（空）"  # a category not recorded: a value of its own, not dropped
MAX_CATEGORIES = 6  # channel and type counts: the most frequent values only


@dataclass(frozen=True)
class FeatureSpec:
    """Which features exist: numeric and categorical names, and the channel/type values counted."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    channels: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]


def feature_spec(data: object, extra: tuple[str, ...] = ()) -> FeatureSpec:
    """The features the data can give: per table and column present; ``extra`` customer columns
    the schema does not know (numbers stay numbers, anything else is a category)."""
    tables = data.tables
    customers = tables["customers"]
    numeric: list[str] = [c for c in CUSTOMER_FEATURES if _has(customers, _CUSTOMER_SOURCE[c])]
    categorical = [c for c in ATTRIBUTES if c in customers.columns]
    missing = [c for c in extra if c not in customers.columns]
    if missing:
        raise WorkbenchError(f"extra_features: no column {missing} in customers; "
                             f"its columns are {list(customers.columns)}")  # fmt: skip
    for column in extra:
        numeric_column = pd.api.types.is_numeric_dtype(customers[column])
        (numeric if numeric_column else categorical).append(column)
    channels: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    if _rows(tables, "orders"):
        numeric[:0] = ORDER_FEATURES
    interactions = tables.get("interactions")
    if _rows(tables, "interactions"):
        numeric += INTERACTION_FEATURES
        if "satisfaction" in interactions.columns:
            numeric += SATISFACTION_FEATURES
        channels = _top_values(interactions, "channel")
        types = _top_values(interactions, "type")
        numeric += [f"channel:{c}" for c in channels] + [f"type:{t}" for t in types]
    requirements = tables.get("requirements")
    if _rows(tables, "requirements") and "status" in requirements.columns:
        numeric += REQUIREMENT_FEATURES
    if _rows(tables, "opportunities"):
        numeric.append("open_leads")
        categorical.append("funnel_stage")
    return FeatureSpec(tuple(numeric), tuple(categorical), channels, types)


_CUSTOMER_SOURCE = {"contact_age_days": "first_contact_date", "deal_age_days": "first_deal_date",
                    "owner_load": "owner"}  # fmt: skip


def _has(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and frame[column].notna().any()


def _rows(tables: dict[str, pd.DataFrame], name: str) -> bool:
    return name in tables and len(tables[name]) > 0


def _top_values(frame: pd.DataFrame, column: str) -> tuple[str, ...]:
    if column not in frame.columns:
        return ()
    counts = frame[column].dropna().astype(str).value_counts()
    return tuple(counts.index[:MAX_CATEGORIES])


def build_features(
    data: object, ids: pd.Index, cutoff: pd.Timestamp, spec: FeatureSpec
) -> pd.DataFrame:
    """One row per customer of ``ids`` (index customer_id), the ``spec`` columns, as of
    ``cutoff``: only rows dated before it are read."""
    cutoff = pd.Timestamp(cutoff)
    ids = pd.Index(ids, name="customer_id")
    out = pd.DataFrame(index=ids)
    tables = data.tables
    _customer_features(out, tables["customers"], cutoff, spec)
    if "days_since_last_order" in spec.numeric:
        _order_features(out, tables["orders"], cutoff)
    if "interactions_90d" in spec.numeric:
        _interaction_features(out, tables["interactions"], cutoff, spec)
    if "open_requirements" in spec.numeric:
        _requirement_features(out, tables["requirements"], cutoff)
    if "funnel_stage" in spec.categorical:
        _funnel_features(out, tables["opportunities"], cutoff)
    for column in spec.categorical:
        out[column] = out[column].astype("object").where(out[column].notna(), MISSING).astype(str)
    return out[spec.columns]


def _before(frame: pd.DataFrame, date: str, ids: pd.Index, cutoff: pd.Timestamp) -> pd.DataFrame:
    keep = (frame[date] < cutoff) & frame["customer_id"].isin(ids)
    return frame.loc[keep.to_numpy(bool)]


def _count(out: pd.DataFrame, ids: pd.Series, mask: pd.Series | np.ndarray) -> np.ndarray:
    """Rows per customer of ``out`` where ``mask`` holds (0 when none)."""
    counts = ids[np.asarray(mask, bool)].value_counts()
    return counts.reindex(out.index, fill_value=0).to_numpy(float)


def _customer_features(
    out: pd.DataFrame, customers: pd.DataFrame, cutoff: pd.Timestamp, spec: FeatureSpec
) -> None:
    rows = customers.drop_duplicates("customer_id").set_index("customer_id").reindex(out.index)
    for column in spec.categorical:
        if column in rows.columns:
            out[column] = rows[column]
    for column in spec.numeric:
        if column in rows.columns:  # extra numeric features
            out[column] = pd.to_numeric(rows[column], errors="coerce").astype(float)
    for feature, source in (("contact_age_days", "first_contact_date"),
                            ("deal_age_days", "first_deal_date")):  # fmt: skip
        if feature in spec.numeric:
            date = rows[source].where(rows[source] < cutoff)
            out[feature] = (cutoff - date).dt.days.astype(float)
    if "owner_load" in spec.numeric:
        known = customers
        if "first_contact_date" in customers.columns:
            known = customers[~(customers["first_contact_date"] >= cutoff).to_numpy(bool)]
        load = known.groupby("owner").size()
        out["owner_load"] = rows["owner"].map(load).astype(float).fillna(0.0).to_numpy()


def _order_features(out: pd.DataFrame, orders: pd.DataFrame, cutoff: pd.Timestamp) -> None:
    before = orders[(orders["order_date"] < cutoff).to_numpy(bool)]
    purchases = _before(purchases_of(before), "order_date", out.index, cutoff)
    ids, dates, amount = purchases["customer_id"], purchases["order_date"], purchases["amount"]
    by = purchases.groupby("customer_id")
    first = by["order_date"].min().reindex(out.index)
    last = by["order_date"].max().reindex(out.index)
    days = dates.dt.normalize().groupby(ids).nunique().reindex(out.index, fill_value=0)
    last_90 = (dates >= cutoff - 90 * DAY).to_numpy()
    prev_90 = ((dates >= cutoff - 180 * DAY) & (dates < cutoff - 90 * DAY)).to_numpy()
    year = (dates >= cutoff - 365 * DAY).to_numpy()
    out["days_since_last_order"] = (cutoff - last).dt.days.astype(float)
    out["purchase_days"] = days.to_numpy(float)
    out["orders_last_90d"] = _count(out, ids, last_90)
    out["orders_prev_90d"] = _count(out, ids, prev_90)
    out["orders_trend"] = out["orders_last_90d"] - out["orders_prev_90d"]
    for name, mask in (("revenue_last_90d", last_90), ("revenue_prev_90d", prev_90),
                       ("revenue_365d", year), ("revenue_total", None)):  # fmt: skip
        chosen = amount if mask is None else amount[mask]
        out[name] = chosen.groupby(ids[chosen.index]).sum().reindex(out.index, fill_value=0.0)
    out["mean_order_value"] = by["amount"].mean().reindex(out.index).astype(float)
    out["tenure_days"] = (cutoff - first).dt.days.astype(float)
    span = (last - first).dt.days.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = span / (out["purchase_days"] - 1)
    out["usual_gap_days"] = gap.where(out["purchase_days"] >= 2)
    out["gap_ratio"] = out["days_since_last_order"] / out["usual_gap_days"].clip(lower=1)
    returns = _before(before, "order_date", out.index, cutoff)
    returned = (returns["amount"] < 0) & (returns["order_date"] >= cutoff - 365 * DAY)
    out["returns_365d"] = _count(out, returns["customer_id"], returned)


def _interaction_features(
    out: pd.DataFrame, interactions: pd.DataFrame, cutoff: pd.Timestamp, spec: FeatureSpec
) -> None:
    rows = _before(interactions, "interaction_date", out.index, cutoff)
    ids, dates = rows["customer_id"], rows["interaction_date"]
    year = (dates >= cutoff - 365 * DAY).to_numpy()
    last_90 = (dates >= cutoff - 90 * DAY).to_numpy()
    kind = rows["type"].astype("object") if "type" in rows.columns else pd.Series(None, rows.index)
    complaint = (kind == COMPLAINT).to_numpy()
    out["interactions_90d"] = _count(out, ids, last_90)
    last = dates.groupby(ids).max().reindex(out.index)
    out["days_since_interaction"] = (cutoff - last).dt.days.astype(float)
    out["complaints_90d"] = _count(out, ids, complaint & last_90)
    out["complaints_365d"] = _count(out, ids, complaint & year)
    for channel in spec.channels:
        out[f"channel:{channel}"] = _count(out, ids, (rows["channel"] == channel).to_numpy() & year)
    for value in spec.types:
        out[f"type:{value}"] = _count(out, ids, (kind == value).to_numpy() & year)
    if "satisfaction_180d" in spec.numeric:
        score = pd.to_numeric(rows["satisfaction"], errors="coerce").astype(float)
        recent = (dates >= cutoff - 180 * DAY).to_numpy()
        earlier = (~recent) & year
        now = score[recent].groupby(ids[recent]).mean().reindex(out.index)
        then = score[earlier].groupby(ids[earlier]).mean().reindex(out.index)
        out["satisfaction_180d"] = now.to_numpy(float)
        out["satisfaction_change"] = (now - then).to_numpy(float)


def _requirement_features(
    out: pd.DataFrame, requirements: pd.DataFrame, cutoff: pd.Timestamp
) -> None:
    rows = _before(requirements, "created_date", out.index, cutoff)
    ids, status = rows["customer_id"], rows["status"].astype("object")
    resolved = rows["resolved_date"] if "resolved_date" in rows.columns else None
    # open at the cutoff: not resolved before it (a resolution date after the cutoff is the
    # future); without resolution dates, the status says (which may be later than the cutoff)
    if resolved is not None and resolved.notna().any():
        still_open = ~(resolved < cutoff).to_numpy(bool) & (status != REJECTED_REQUIREMENT)
    else:
        still_open = status.isin(OPEN_REQUIREMENT).to_numpy()
    due = rows["due_date"] if "due_date" in rows.columns else pd.Series(pd.NaT, rows.index)
    overdue = np.asarray(still_open, bool) & (due < cutoff).to_numpy(bool)
    year = (rows["created_date"] >= cutoff - 365 * DAY).to_numpy()
    out["requirements_365d"] = _count(out, ids, year)
    out["open_requirements"] = _count(out, ids, still_open)
    out["overdue_requirements"] = _count(out, ids, overdue)
    rejected = (status == REJECTED_REQUIREMENT).to_numpy() & year
    out["rejected_requirements_365d"] = _count(out, ids, rejected)


STAGE_DATES = (("won_date", "成交"), ("lost_date", "流失"), ("proposal_date", "方案洽谈"),
               ("intent_date", "意向客户"))  # fmt: skip


def _funnel_features(out: pd.DataFrame, leads: pd.DataFrame, cutoff: pd.Timestamp) -> None:
    """The stage of each customer's latest lead as of the cutoff, from the stage dates (the
    `stage` column is today's stage: read only when no stage date is recorded), open leads."""
    rows = _before(leads, "created_date", out.index, cutoff)
    stage = pd.Series("潜在线索", index=rows.index, dtype=object)
    dated = [(c, s) for c, s in STAGE_DATES if c in rows.columns]
    if not dated and "stage" in rows.columns:
        stage = rows["stage"].astype("object")
    for column, name in reversed(dated):  # later stages overwrite earlier ones
        stage = stage.mask((rows[column] < cutoff).to_numpy(bool), name)
    latest = rows.assign(_stage=stage).sort_values("created_date").groupby("customer_id").last()
    out["funnel_stage"] = latest["_stage"].reindex(out.index)
    open_lead = ~stage.isin(["成交", "流失"]).to_numpy()
    out["open_leads"] = _count(out, rows["customer_id"], open_lead)

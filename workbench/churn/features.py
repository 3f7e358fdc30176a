"""Churn features of each customer as of a cutoff, from data dated before it only.

Every table is optional beyond customers: a feature whose table or column is missing is not
built (`feature_spec` decides once, from the data, which features exist, and a saved model keeps
its spec so a new snapshot gets the same columns). Customer status is never a feature: under the
behaviour definition it is written from the very silence the label measures. No per-customer
Python: customers are matched to integer positions once (one hash pass, not an ``isin`` over the
text of every row) and counted and summed with ``np.bincount``; on large order and interaction
tables the same totals come from DuckDB (`features_engine`, ``engine=``), identical either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.churn.features_engine import (
    ENGINE_MIN_ROWS,
    ENGINES,
    interaction_aggregates,
    order_aggregates,
)
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
    data: object, ids: pd.Index, cutoff: pd.Timestamp, spec: FeatureSpec, engine: str = "auto"
) -> pd.DataFrame:
    """One row per customer of ``ids`` (index customer_id), the ``spec`` columns, as of
    ``cutoff``: only rows dated before it are read. ``engine``: the order and interaction
    features on "pandas" (numpy), "duckdb", or "auto" (DuckDB from ``ENGINE_MIN_ROWS`` rows)."""
    cutoff = pd.Timestamp(cutoff)
    ids = pd.Index(ids, name="customer_id")
    out = pd.DataFrame(index=ids)
    tables = data.tables
    _customer_features(out, tables["customers"], cutoff, spec)
    if "days_since_last_order" in spec.numeric:
        _order_features(out, tables["orders"], cutoff, engine)
    if "interactions_90d" in spec.numeric:
        _interaction_features(out, tables["interactions"], cutoff, spec, engine)
    if "open_requirements" in spec.numeric:
        _requirement_features(out, tables["requirements"], cutoff)
    if "funnel_stage" in spec.categorical:
        _funnel_features(out, tables["opportunities"], cutoff)
    for column in spec.categorical:
        out[column] = out[column].astype("object").where(out[column].notna(), MISSING).astype(str)
    return out[spec.columns]


def _before(frame: pd.DataFrame, date: str, ids: pd.Index, cutoff: pd.Timestamp) -> pd.DataFrame:
    """The rows of customers ``ids`` dated before ``cutoff``."""
    known = _positions(ids.unique(), frame["customer_id"]) >= 0  # faster than isin on text
    return frame.loc[(frame[date] < cutoff).to_numpy(bool) & known]


def _count(out: pd.DataFrame, ids: pd.Series, mask: pd.Series | np.ndarray) -> np.ndarray:
    """Rows per customer of ``out`` where ``mask`` holds (0 when none)."""
    unique = out.index.unique()
    pos = _positions(unique, ids)[np.asarray(mask, bool)]
    counts = np.bincount(pos[pos >= 0], minlength=len(unique)).astype(float)
    return counts if out.index.is_unique else counts[unique.get_indexer(out.index)]


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


def _order_features(
    out: pd.DataFrame, orders: pd.DataFrame, cutoff: pd.Timestamp, engine: str = "pandas"
) -> None:
    ids = out.index.unique()
    if _on_engine(engine, len(orders)):
        totals = order_aggregates(ids, orders, cutoff)
    else:
        totals = _order_aggregates(ids, orders, cutoff)
    if not out.index.is_unique:  # one row per id given, repeats included
        totals = {k: v[ids.get_indexer(out.index)] for k, v in totals.items()}
    out["days_since_last_order"] = _days(cutoff.to_datetime64(), totals["last"])
    out["purchase_days"] = totals["purchase_days"]
    for name in ("orders_last_90d", "orders_prev_90d", "revenue_last_90d", "revenue_prev_90d",
                 "revenue_365d", "revenue_total", "returns_365d"):  # fmt: skip
        out[name] = totals[name]
    out["orders_trend"] = out["orders_last_90d"] - out["orders_prev_90d"]
    bought = totals["purchases"] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out["mean_order_value"] = np.where(bought, totals["revenue_total"] / totals["purchases"],
                                           np.nan)  # fmt: skip
        out["tenure_days"] = _days(cutoff.to_datetime64(), totals["first"])
        span = _days(totals["last"], totals["first"])
        days = totals["purchase_days"]
        out["usual_gap_days"] = np.where(days >= 2, span / (days - 1), np.nan)
    out["gap_ratio"] = out["days_since_last_order"] / out["usual_gap_days"].clip(lower=1)


def _order_aggregates(
    ids: pd.Index, orders: pd.DataFrame, cutoff: pd.Timestamp
) -> dict[str, np.ndarray]:
    """Per customer of ``ids`` (unique), in their order: the totals the order features read
    (`features_engine.ORDER_TOTALS`), by numpy over integer positions. An order's amount is the
    sum of its lines, its date its first line's (`purchases_of`); a purchase is an order with
    amount > 0; returns count negative lines. The lines of an order share its customer (the
    cleaning's rule), so only the lines of ``ids`` are summed."""
    n = len(ids)
    cut = cutoff.to_datetime64()
    rows, pos, dates = _rows_before(ids, orders, "order_date", cut)
    amount = orders["amount"].to_numpy(dtype=float, na_value=np.nan)[rows]
    returned = (amount < 0) & (dates >= cut - _DAYS_365)  # lines, as written
    returns = np.bincount(pos[returned], minlength=n).astype(float)
    if "order_id" in orders.columns:  # lines → orders, in the order of their first lines
        order, numbers = pd.factorize(orders["order_id"].take(rows))
        unnumbered = int((order < 0).sum())
        if len(numbers) + unnumbered < len(rows) or unnumbered > 1:  # not unique: sum lines
            lined = order >= 0  # as `order_totals`: lines without a number are dropped then
            order = order[lined]
            first = _first_positions(order)
            pos, dates = pos[lined][first], dates[lined][first]
            amount = np.bincount(order, weights=np.nan_to_num(amount[lined]),
                                 minlength=len(numbers))  # fmt: skip
    buy = amount > 0
    pos, dates, amount = pos[buy], dates[buy], amount[buy]
    day = dates.astype("datetime64[D]").view("int64")  # the calendar day (floor)
    span = int(day.max() - day.min()) + 1 if len(day) else 1
    pairs = pd.unique(pos * span + (day - day.min() if len(day) else day))  # (customer, day)
    last_90 = dates >= cut - _DAYS_90
    prev_90 = (dates >= cut - _DAYS_180) & ~last_90
    year = dates >= cut - _DAYS_365
    return {
        "first": _latest(pos, dates, n, earliest=True),
        "last": _latest(pos, dates, n),
        "purchases": np.bincount(pos, minlength=n).astype(float),
        "purchase_days": np.bincount(pairs // span, minlength=n).astype(float),
        "orders_last_90d": _bincount(pos, last_90, n),
        "orders_prev_90d": _bincount(pos, prev_90, n),
        "revenue_last_90d": _bincount(pos, last_90, n, amount),
        "revenue_prev_90d": _bincount(pos, prev_90, n, amount),
        "revenue_365d": _bincount(pos, year, n, amount),
        "revenue_total": np.bincount(pos, weights=amount, minlength=n),
        "returns_365d": returns,
    }


def _interaction_features(
    out: pd.DataFrame,
    interactions: pd.DataFrame,
    cutoff: pd.Timestamp,
    spec: FeatureSpec,
    engine: str = "pandas",
) -> None:
    ids = out.index.unique()
    if _on_engine(engine, len(interactions)):
        totals = interaction_aggregates(ids, interactions, cutoff, spec)
    else:
        totals = _interaction_aggregates(ids, interactions, cutoff, spec)
    if not out.index.is_unique:
        totals = {k: v[ids.get_indexer(out.index)] for k, v in totals.items()}
    out["days_since_interaction"] = _days(cutoff.to_datetime64(), totals.pop("last"))
    if "satisfaction_180d" in spec.numeric:
        with np.errstate(divide="ignore", invalid="ignore"):
            now = totals.pop("satisfaction_sum_180d") / totals.pop("satisfaction_n_180d")
            then = totals.pop("satisfaction_sum_before") / totals.pop("satisfaction_n_before")
        out["satisfaction_180d"] = now
        out["satisfaction_change"] = now - then
    for name, values in totals.items():
        out[name] = values


def _interaction_aggregates(
    ids: pd.Index, interactions: pd.DataFrame, cutoff: pd.Timestamp, spec: FeatureSpec
) -> dict[str, np.ndarray]:
    """Per customer of ``ids`` (unique): the last interaction, the counts of the interaction
    features and the satisfaction sums and counts (the means' parts), by numpy."""
    n = len(ids)
    cut = cutoff.to_datetime64()
    rows, pos, dates = _rows_before(ids, interactions, "interaction_date", cut)
    year = dates >= cut - _DAYS_365
    last_90 = dates >= cut - _DAYS_90
    kinds = _value_masks(interactions, "type", (COMPLAINT, *spec.types), rows)
    complaint = kinds[COMPLAINT]
    totals = {
        "last": _latest(pos, dates, n),
        "interactions_90d": _bincount(pos, last_90, n),
        "complaints_90d": _bincount(pos, complaint & last_90, n),
        "complaints_365d": _bincount(pos, complaint & year, n),
    }
    if spec.channels:
        channels = _value_masks(interactions, "channel", spec.channels, rows)
        for channel in spec.channels:
            totals[f"channel:{channel}"] = _bincount(pos, channels[channel] & year, n)
    for value in spec.types:
        totals[f"type:{value}"] = _bincount(pos, kinds[value] & year, n)
    if "satisfaction_180d" in spec.numeric:
        score = pd.to_numeric(interactions["satisfaction"], errors="coerce")
        score = score.to_numpy(dtype=float, na_value=np.nan)[rows]
        rated = ~np.isnan(score)
        recent = dates >= cut - _DAYS_180
        for name, mask in (("180d", recent), ("before", ~recent & year)):
            totals[f"satisfaction_sum_{name}"] = _bincount(pos, mask & rated, n, score)
            totals[f"satisfaction_n_{name}"] = _bincount(pos, mask & rated, n)
    return totals


_DAYS_90, _DAYS_180, _DAYS_365 = (np.timedelta64(d, "D") for d in (90, 180, 365))


def _on_engine(engine: str, rows: int) -> bool:
    """Whether a table of ``rows`` rows goes to DuckDB under ``engine``."""
    if engine not in ENGINES:
        raise WorkbenchError(f"engine must be one of {ENGINES}, not {engine!r}")
    return engine == "duckdb" or (engine == "auto" and rows >= ENGINE_MIN_ROWS)


def _rows_before(
    ids: pd.Index, frame: pd.DataFrame, date: str, cut: np.datetime64
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of ``frame`` of a customer in ``ids`` dated before ``cut``: their row numbers,
    their customers' positions in ``ids`` and their dates."""
    pos = _positions(ids, frame["customer_id"])
    dates = frame[date].to_numpy()
    rows = np.flatnonzero((pos >= 0) & (dates < cut))
    return rows, pos[rows], dates[rows]


def _positions(ids: pd.Index, values: pd.Series) -> np.ndarray:
    """The position in ``ids`` (unique) of each value, -1 where absent: one hash pass over the
    column, then a look-up of its distinct values only (not an ``isin`` over every row)."""
    codes, uniques = pd.factorize(values)
    where = ids.get_indexer(uniques)
    return np.append(where, -1)[codes]  # code -1 (missing) → the appended -1


def _first_positions(codes: np.ndarray) -> np.ndarray:
    """For codes numbered in order of first appearance (`pd.factorize`), each code's first row."""
    seen = np.maximum.accumulate(codes)
    return np.flatnonzero(np.diff(seen, prepend=-1) > 0)


def _latest(pos: np.ndarray, dates: np.ndarray, n: int, earliest: bool = False) -> np.ndarray:
    """Per position 0..n-1, the latest (or earliest) of its ``dates``; NaT where it has none."""
    stamps = dates.view("int64")
    found = np.full(n, np.iinfo(np.int64).max if earliest else np.iinfo(np.int64).min)
    (np.minimum if earliest else np.maximum).at(found, pos, stamps)
    found = found.view(dates.dtype)
    found[np.bincount(pos, minlength=n) == 0] = np.datetime64("NaT")
    return found


def _bincount(
    pos: np.ndarray, mask: np.ndarray, n: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Per position 0..n-1: the rows where ``mask`` holds, counted or their ``weights`` summed."""
    chosen = None if weights is None else weights[mask]
    return np.bincount(pos[mask], weights=chosen, minlength=n).astype(float)


def _value_masks(
    frame: pd.DataFrame, column: str, values: tuple[str, ...], rows: np.ndarray
) -> dict[str, np.ndarray]:
    """Per value, whether each of ``rows`` has it in ``column`` (never, when the column is
    absent): one factorization of the column, then integer comparisons."""
    if column not in frame.columns:
        return {value: np.zeros(len(rows), bool) for value in values}
    codes, uniques = pd.factorize(frame[column])
    codes = codes[rows]
    found = pd.Index(uniques).get_indexer(pd.Index(list(values), dtype=object))
    return {v: codes == c if c >= 0 else np.zeros(len(rows), bool)
            for v, c in zip(values, found, strict=True)}  # fmt: skip


def _days(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """Whole days (floor) from ``earlier`` to ``later`` as float, NaN where either is NaT."""
    delta = np.asarray(later - earlier)
    out = np.full(delta.shape, np.nan)
    known = ~np.isnat(delta)
    out[known] = delta[known] // np.timedelta64(1, "D")
    return out


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

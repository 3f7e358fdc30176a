"""The weighted value score: an alternative to the RFM rules for the four value classes.

Each factor is a number in 0–1 per customer of the region (docs/glossary.md):
- industry_potential (行业潜力): `industry_scores` of the customer's industry section (the
  industry_section column without its letter code, else the part of `industry` before "-");
  `industry_default` for other or missing industries.
- decision_influence (决策影响力): `role_scores` of decision_role (决策者/影响者/使用者), else
  `role_default`.
- willingness (合作意愿): the mean of what is available among interactions in the last
  `willingness_days` days ÷ `interactions_cap` (at most 1), requirements raised in those days ÷
  `requirements_cap` (at most 1) and the best `stage_scores` of the leads created in those days.
- revenue_pct, frequency_pct, recency_pct: percentiles (rank "max" ÷ buyers) among the region's
  buyers of the 12-month revenue, of frequency (purchase days) and of recency (recent = high);
  customers without a purchase get 0.

score = Σ weight × factor ÷ Σ weight of the factors available: a factor whose column or extract
is missing is left out (`left_out`) and the others' weights renormalised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.value.params import HIGH, LOW, MID, POTENTIAL, VALUE_CLASSES
from workbench.value.rfm import rfm_table
from workbench.value.weighted_params import FACTORS, PROSPECT_FACTORS, WeightedParams

# The order in which classes are "adjacent" for the agreement with RFM (one step apart).
CLASS_ORDER: tuple[str, ...] = (HIGH, MID, POTENTIAL, LOW)


@dataclass(frozen=True)
class WeightedScores:
    """`table`: customer_id, the factors used, score, prospect, value_class (one row per
    customer); `weights`: the renormalised weights used; `left_out`: (factor, what is missing)."""

    table: pd.DataFrame
    weights: dict[str, float]
    left_out: tuple[tuple[str, str], ...]


def weighted_scores(
    customers: pd.DataFrame,
    purchases: pd.DataFrame,
    revenue_12m: pd.Series,
    as_of: pd.Timestamp,
    params: WeightedParams,
    extracts: dict[str, pd.DataFrame | None],
) -> WeightedScores:
    """The weighted score and class of every customer in ``customers`` at ``as_of``.

    ``purchases``: orders with amount > 0; ``revenue_12m``: customer_id → revenue of the last 12
    months; ``extracts``: interactions, requirements, opportunities (None when absent).
    """
    ids = customers["customer_id"].reset_index(drop=True)
    factors: dict[str, pd.Series] = {}
    left_out: list[tuple[str, str]] = []
    industry = _industry(customers)
    if industry is None:
        left_out.append(("industry_potential", "customers.industry"))
    else:
        factors["industry_potential"] = _lookup(industry, params.industry_scores,
                                                params.industry_default)  # fmt: skip
    if "decision_role" in customers:
        factors["decision_influence"] = _lookup(customers["decision_role"], params.role_scores,
                                                params.role_default)  # fmt: skip
    else:
        left_out.append(("decision_influence", "customers.decision_role"))
    parts, missing = _willingness_parts(ids, as_of, params, extracts)
    left_out += [("willingness", name) for name in missing]
    if parts:
        factors["willingness"] = pd.concat(parts, axis=1).mean(axis=1)
    factors.update(_value_percentiles(ids, purchases, revenue_12m, as_of))
    table = pd.DataFrame({"customer_id": ids})
    for name in FACTORS:
        if name in factors:
            table[name] = pd.Series(factors[name]).to_numpy(dtype="float64")
    used = {f: params.weights[f] for f in FACTORS if f in factors and params.weights[f] > 0}
    table["score"] = _weighted_mean(table, used)
    table["prospect"] = _weighted_mean(table, {f: w for f, w in used.items()
                                               if f in PROSPECT_FACTORS})  # fmt: skip
    table["value_class"] = weighted_classes(table["score"], table["prospect"], params)
    total = sum(used.values())
    weights = {f: w / total for f, w in used.items()} if total else {}
    return WeightedScores(table, weights, tuple(left_out))


def weighted_classes(score: pd.Series, prospect: pd.Series, params: WeightedParams) -> pd.Series:
    """高价值 score ≥ high_min; 中价值 ≥ mid_min; 潜在价值 prospect ≥ potential_min; else 低价值."""
    labels = np.select(
        [score >= params.high_min, score >= params.mid_min,
         prospect.fillna(-1) >= params.potential_min],
        [HIGH, MID, POTENTIAL], default=LOW,
    )  # fmt: skip
    return pd.Series(pd.Categorical(labels, categories=list(VALUE_CLASSES)), index=score.index)


def class_agreement(first: pd.Series, second: pd.Series) -> tuple[pd.DataFrame, float, float]:
    """Crosstab of two classifications of the same customers (rows ``first``), the share in the
    same class and the share in the same or an adjacent class (one step apart in CLASS_ORDER)."""
    both = pd.concat([first.rename("first"), second.rename("second")], axis=1).dropna()
    table = pd.crosstab(both["first"].astype(object), both["second"].astype(object))
    table = table.reindex(index=list(VALUE_CLASSES), columns=list(VALUE_CLASSES), fill_value=0)
    if both.empty:
        return table, 0.0, 0.0
    rank = {name: i for i, name in enumerate(CLASS_ORDER)}
    gap = (both["first"].astype(object).map(rank) - both["second"].astype(object).map(rank)).abs()
    return table, float((gap == 0).mean()), float((gap <= 1).mean())


def _industry(customers: pd.DataFrame) -> pd.Series | None:
    """The industry section's name per customer (None when the extract has no industry)."""
    if "industry_section" in customers:
        return (
            customers["industry_section"].astype("string").str.replace(r"^[A-Z]\s+", "", regex=True)
        )
    if "industry" in customers:
        return customers["industry"].astype("string").str.split("-").str[0]
    return None


def _lookup(values: pd.Series, scores: dict[str, float], default: float) -> pd.Series:
    mapped = values.astype("object").map(scores)
    return mapped.fillna(default).astype("float64").reset_index(drop=True)


def _willingness_parts(
    ids: pd.Series,
    as_of: pd.Timestamp,
    params: WeightedParams,
    extracts: dict[str, pd.DataFrame | None],
) -> tuple[list[pd.Series], list[str]]:
    """The normalised parts of 合作意愿 that the extracts allow, and the ones they do not."""
    start = as_of - pd.Timedelta(days=params.willingness_days)
    parts, missing = [], []
    for name, column, cap in (("interactions", "interaction_date", params.interactions_cap),
                              ("requirements", "created_date", params.requirements_cap)):  # fmt: skip
        frame = extracts.get(name)
        if frame is None or column not in frame:
            missing.append(name)
            continue
        recent = frame[(frame[column] >= start) & (frame[column] < as_of)]
        counts = recent.groupby("customer_id").size().reindex(ids, fill_value=0)
        parts.append((counts / cap).clip(upper=1.0).reset_index(drop=True))
    leads = extracts.get("opportunities")
    if leads is None or not {"created_date", "stage"} <= set(leads.columns):
        missing.append("opportunities")
    else:
        recent = leads[(leads["created_date"] >= start) & (leads["created_date"] < as_of)]
        stage = recent["stage"].astype("object").map(params.stage_scores).fillna(0.0)
        best = stage.groupby(recent["customer_id"]).max().reindex(ids, fill_value=0.0)
        parts.append(best.astype("float64").reset_index(drop=True))
    return parts, missing


def _value_percentiles(
    ids: pd.Series, purchases: pd.DataFrame, revenue_12m: pd.Series, as_of: pd.Timestamp
) -> dict[str, pd.Series]:
    """Percentiles among the buyers (rank "max" ÷ buyers) of revenue, frequency and recency."""
    rfm = rfm_table(purchases[purchases["customer_id"].isin(ids)], as_of).set_index("customer_id")
    if rfm.empty:
        return {name: pd.Series(0.0, index=ids.index) for name in FACTORS[3:]}
    revenue = revenue_12m.reindex(rfm.index, fill_value=0.0)
    ranks = {
        "revenue_pct": revenue.rank(method="max", pct=True),
        "frequency_pct": rfm["frequency"].rank(method="max", pct=True),
        "recency_pct": rfm["recency_days"].rank(method="max", ascending=False, pct=True),
    }
    return {name: r.reindex(ids, fill_value=0.0).reset_index(drop=True)
            for name, r in ranks.items()}  # fmt: skip


def _weighted_mean(table: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    total = sum(weights.values())
    if not total:
        return pd.Series(np.nan, index=table.index)
    return sum(table[f] * w for f, w in weights.items()) / total

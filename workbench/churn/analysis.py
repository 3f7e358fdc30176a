"""The churn report of one region and period (a month, a quarter or a year): `analyse_churn`.

The model is fitted company-wide (`fit_churn`) and cached beside the cleaned data, keyed by the
data digest, the parameters and the period's end, so the seven regions of a run train it
once. The region's customers are scored as of the period's end: probability, band 低/中/高,
value at risk = probability × CLV (12 months, company-wide fit), the factors raising and lowering
each risk, and the tags 高流失风险 (band 高) and 重点跟进 (band 中 or 高 with a value at risk among
the top ``follow_up_share`` of the scored customers'). Without a model (too little history, too
few churners) the recency rule scores instead, and the report says why.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.churn.definition import behavioural_churn_rate, purchases_of
from workbench.churn.explain import contributions, top_factors
from workbench.churn.features import build_features, feature_spec
from workbench.churn.model import single_threaded
from workbench.churn.params import ChurnParams
from workbench.churn.training import ChurnFit, ChurnModel, data_digest, fit_churn, probability_bands
from workbench.cleaning.privacy import display_names
from workbench.clv.fit import company_clv
from workbench.core.audiences import company_data
from workbench.core.periods import parse_period, period_bounds, period_kind, period_text
from workbench.profiling.analysis import customers_of_region
from workbench.value.params import ClvParams

HIGH_RISK, FOLLOW_UP = "高流失风险", "重点跟进"
TREND_LENGTH = {"month": 12, "quarter": 8, "year": 3}  # periods of the churn-rate trend
CUSTOMER_COLUMNS = ("customer_id", "customer", "customer_type", "owner", "churn_probability",
                    "band", "clv", "value_at_risk", "days_since_last_order", "tags")  # fmt: skip


@dataclass(frozen=True)
class ChurnReport:
    """Everything the churn report shows for one region and period (2024-11, 2024Q4, 2024)."""

    region: str
    period: str
    as_of: pd.Timestamp
    params: ChurnParams
    fit: ChurnFit
    customers: pd.DataFrame  # CUSTOMER_COLUMNS, riskiest first
    factors: pd.DataFrame  # customer_id, direction, rank, feature, effect, value
    trend: pd.DataFrame  # period, active, churned, churn_rate (the region; periods of its kind)
    scored_by: str  # "model" or "recency_rule" (no model: see fit.unavailable) or "none"

    @property
    def at_risk(self) -> pd.DataFrame:
        """Customers of band 中 or 高, largest value at risk first (probability when no CLV)."""
        risky = self.customers[self.customers["band"].isin(["中", "高"])]
        order = risky["value_at_risk"].fillna(-1.0) * 1e6 + risky["churn_probability"]
        return risky.loc[order.sort_values(ascending=False).index].reset_index(drop=True)

    def tags(self) -> pd.DataFrame:
        """Long customer_id, tag: what the value report's follow-up list reads."""
        long = self.customers[["customer_id", "tags"]].assign(
            tag=self.customers["tags"].str.split("、")
        )
        long = long.explode("tag")
        return long.loc[long["tag"].fillna("") != "", ["customer_id", "tag"]].reset_index(drop=True)


def analyse_churn(
    data: object,
    region: str,
    period: str,
    params: ChurnParams | None = None,
    clv_params: ClvParams | None = None,
    cache_dir: str | Path | None = None,
) -> ChurnReport:
    """The churn report of ``region`` (or 全国) for ``period`` from cleaned extracts: scored as of
    the period's end, with the churn rate of the last periods of its kind (TREND_LENGTH)."""
    params = params or ChurnParams()
    period = period_text(parse_period(period))
    _, as_of = period_bounds(period)
    company = company_data(data)  # an owner's view: the model and CLV still use everybody
    fit = cached_fit(company, as_of, params, cache_dir)
    customers = customers_of_region(data.tables["customers"], region)
    ids = pd.Index(customers["customer_id"], name="customer_id")
    with single_threaded():
        scores, factors, scored_by = _scores(company, fit, ids, as_of, params)
    clv = _clv(company, as_of, clv_params, scores.index)
    frame = _customer_table(customers, scores, clv, params)
    orders = data.tables.get("orders")
    trend = pd.DataFrame(columns=["period", "active", "churned", "churn_rate"])
    if not params.by_status and orders is not None and len(orders):
        purchases = purchases_of(orders)
        mine = purchases[purchases["customer_id"].isin(ids) & (purchases["order_date"] < as_of)]
        last, count = parse_period(period), TREND_LENGTH[period_kind(period)]
        periods = [period_text(last - k) for k in range(count - 1, -1, -1)]
        trend = behavioural_churn_rate(mine, periods, params.window_days, params.active_days,
                                       as_of)  # fmt: skip
    return ChurnReport(region, period, as_of, params, fit, frame, factors, trend, scored_by)


def _scores(
    data: object, fit: ChurnFit, ids: pd.Index, as_of: pd.Timestamp, params: ChurnParams
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Probability (and the features shown) of the region's population; factors per customer."""
    empty_factors = pd.DataFrame(columns=["customer_id", "direction", "rank", "feature",
                                          "effect", "value"])  # fmt: skip
    if fit.model is None and fit.rule is None:
        return (
            pd.DataFrame(columns=["churn_probability", "days_since_last_order"]),
            empty_factors,
            "none",
        )
    if fit.model is not None:
        model = fit.model
        population = model.population(data, as_of)
        features = model.features(data, as_of, population[population.isin(ids)])
        probability = model.estimator.predict_proba(features)[:, 1] if len(features) else []
        # factors for the customers at risk (band 中 or 高): the ones anyone reads about; the
        # others' would cost one prediction per feature for nothing (benchmarks/RESULTS.md)
        risky = features[np.asarray(probability, float) >= params.band_medium]
        effects = contributions(model.estimator, risky, model.reference) if len(risky) else None
        factors = top_factors(effects, params.top_factors) if effects is not None else empty_factors
        if len(factors):
            values = features.astype(object).stack(future_stack=True)  # (customer, feature)
            where = pd.MultiIndex.from_arrays([factors["customer_id"], factors["feature"]])
            factors["value"] = values.reindex(where).to_numpy()
        else:
            factors = empty_factors
        scored_by = "model"
    else:
        spec = feature_spec(data, params.extra_features)
        population = ChurnModel(None, spec, params, {}, "", ()).population(data, as_of)
        features = build_features(data, population[population.isin(ids)], as_of, spec)
        probability = fit.rule.probability(features)
        factors, scored_by = empty_factors, "recency_rule"
    shown = features.get("days_since_last_order", pd.Series(np.nan, index=features.index))
    scores = pd.DataFrame({"churn_probability": np.asarray(probability, float),
                           "days_since_last_order": shown.to_numpy(float)}, index=features.index)  # fmt: skip
    return scores, factors, scored_by


def _clv(data: object, as_of: pd.Timestamp, params: ClvParams | None, ids: pd.Index) -> pd.Series:
    """12-month CLV of ``ids``, fitted company-wide (`company_clv`); NaN without orders."""
    orders = data.tables.get("orders")
    if orders is None or orders.empty:
        return pd.Series(np.nan, index=ids, name="clv")
    return company_clv(purchases_of(orders), as_of, params, ids)


def _customer_table(
    customers: pd.DataFrame, scores: pd.DataFrame, clv: pd.Series, params: ChurnParams
) -> pd.DataFrame:
    rows = customers.drop_duplicates("customer_id").set_index("customer_id").reindex(scores.index)
    out = pd.DataFrame(index=scores.index)
    out["customer"] = display_names(rows.reset_index()).to_numpy() if len(rows) else []
    for column in ("customer_type", "owner"):
        out[column] = rows[column] if column in rows.columns else None
    out["churn_probability"] = scores["churn_probability"]
    out["band"] = probability_bands(out["churn_probability"], params)
    out["clv"] = clv.reindex(out.index).to_numpy(float)
    out["value_at_risk"] = out["churn_probability"] * out["clv"]
    out["days_since_last_order"] = scores["days_since_last_order"]
    out["tags"] = _tags(out, params)
    out = out.reset_index().sort_values("churn_probability", ascending=False, kind="stable")
    return out[list(CUSTOMER_COLUMNS)].reset_index(drop=True)


def _tags(frame: pd.DataFrame, params: ChurnParams) -> pd.Series:
    """高流失风险 for band 高; 重点跟进 for band 中/高 with value at risk in the top share."""
    high = frame["band"].eq("高").to_numpy()
    risky = frame["band"].isin(["中", "高"]).to_numpy()
    worth = frame["value_at_risk"]
    follow = np.zeros(len(frame), bool)
    if worth.notna().any():
        threshold = worth.quantile(1 - params.follow_up_share)
        follow = risky & (worth >= threshold).to_numpy()
    tags = np.where(high, HIGH_RISK, "")
    both = np.where(high & follow, "、", "")
    return pd.Series(np.char.add(np.char.add(tags.astype(str), both), np.where(follow, FOLLOW_UP, "")),
                     index=frame.index)  # fmt: skip


def cache_key(data: object, as_of: pd.Timestamp, params: ChurnParams) -> str:
    """The data digest + parameters + period end + the code of the churn model."""
    code = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for file in [*sorted(package.glob("*.py")), package.parent / "clv" / "purchase.py"]:
        code.update(file.read_bytes())
    parts = [data_digest(data), str(as_of), json.dumps(asdict(params), sort_keys=True, default=str),
             code.hexdigest()]  # fmt: skip
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def cached_fit(
    data: object, as_of: pd.Timestamp, params: ChurnParams, cache_dir: str | Path | None
) -> ChurnFit:
    """`fit_churn`, read from ``cache_dir`` when the same data, parameters and code were fitted
    before (written atomically: parallel reports may race); no cache_dir: always fitted."""
    if cache_dir is None:
        return fit_churn(data, as_of, params)
    path = Path(cache_dir) / f"churn-{cache_key(data, as_of, params)}.pkl"
    if path.is_file():
        return pickle.loads(path.read_bytes())
    fit = fit_churn(data, as_of, params)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(handle, "wb") as stream:
        pickle.dump(fit, stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(scratch, path)
    return fit

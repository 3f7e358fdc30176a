"""Fitting CLV for a report: validate on a holdout, then refit on all history and predict.

One call turns a transaction log into what the value report shows: the model-selection table and
the holdout check (calibration up to ``holdout_months`` before the cut-off, holdout after it),
then the chosen purchase model and Gamma-Gamma refitted on everything before the cut-off, and per
customer P(alive), expected purchases, expected spend and discounted CLV over the horizon.
Fits run on the distinct rows with counts as weights (``clv_data.compress``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from workbench.clv.matrix import expected_purchases_matrix, p_alive_matrix
from workbench.clv.purchase import (
    PurchaseModel,
    compare_models,
    fit_frame,
    holdout_by_frequency,
    purchase_model,
)
from workbench.clv.spend import CLV, GammaGamma, MeanSpend
from workbench.clv.summary import calibration_holdout, compress, summarize
from workbench.core.errors import WorkbenchError
from workbench.value.params import ClvParams

UNIT_DAYS = 7.0  # the models count time in weeks of 7 days
DAYS_PER_MONTH = 365.25 / 12
PREDICTION_COLUMNS = ("p_alive", "expected_purchases", "expected_spend", "clv")


@dataclass(frozen=True)
class ClvFit:
    """What the CLV section of a report needs, from one `fit_clv` call.

    - ``predictions``: per customer (index customer_id) p_alive, expected_purchases (over the
      horizon), expected_spend (元 per purchase), clv (元, discounted).
    - ``summary``: frequency / recency / T / monetary_value (weeks) on all history.
    - ``model``: the fitted CLV (purchase and spend model); ``models``: the selection table on the
      calibration period; ``calibration``: predicted vs actual holdout purchases by frequency;
      ``holdout``: the total-error figures; ``spend_frequency_corr``: the Gamma-Gamma assumption
      check (near 0 is good); ``gamma_gamma``: the Gamma-Gamma fit, also when it did not apply
      and ``model`` uses MeanSpend instead; ``model_name``: the purchase model used (the
      configured one unless it did not converge); ``notes``: why a fallback was taken;
      ``scope``: the transactions the models were fitted on.
    """

    predictions: pd.DataFrame
    summary: pd.DataFrame
    model: CLV
    models: pd.DataFrame
    calibration: pd.DataFrame
    holdout: dict[str, float]
    spend_frequency_corr: float
    gamma_gamma: GammaGamma
    model_name: str
    notes: tuple[str, ...]
    scope: str


def fit_clv(
    purchases: pd.DataFrame,
    as_of: pd.Timestamp | str,
    params: ClvParams | None = None,
    customers: pd.Index | None = None,
    scope: str = "region",
) -> ClvFit:
    """Validate, fit and predict on ``purchases`` (customer_id, order_date, amount > 0) before
    ``as_of`` (exclusive); predictions for ``customers`` (default: everyone with a purchase).
    """
    params = params or ClvParams()
    as_of = pd.Timestamp(as_of).normalize()
    last_day = as_of - pd.Timedelta(days=1)
    before = purchases[purchases["order_date"] < as_of]
    if (before["amount"] <= 0).any():
        raise WorkbenchError("fit_clv needs purchases with amount > 0 (returns left out first)")
    cal_end = as_of - pd.DateOffset(months=params.holdout_months) - pd.Timedelta(days=1)
    cal = before[before["order_date"] <= cal_end]
    if cal.empty or cal["customer_id"].nunique() < 2:
        raise WorkbenchError(
            f"no purchases before {cal_end:%Y-%m-%d}: cannot validate the CLV model on a "
            f"{params.holdout_months}-month holdout"
        )
    cal_holdout = calibration_holdout(before, cal_end, last_day, unit_days=UNIT_DAYS)
    names = tuple(dict.fromkeys((params.model, *params.compare_models)))
    models, fitted = compare_models(cal_holdout, cal_holdout, names)
    order = [params.model] + [m for m in models.index if m != params.model]
    converged = [m for m in order if m in fitted]
    if not converged:
        raise WorkbenchError(f"no purchase model converged ({', '.join(order)}): "
                             + "; ".join(models["note"].dropna()))  # fmt: skip
    checked = converged[0]  # the holdout check is of this model
    notes = [_not_converged(m, models.loc[m, "note"]) for m in order[: order.index(checked)]]
    top = int(np.clip(cal_holdout["frequency_cal"].quantile(0.8), 7, 12))  # last bucket: 7+ … 12+
    calibration = holdout_by_frequency(fitted[checked], cal_holdout, max_frequency=top)

    summary = summarize(before, observation_end=last_day, unit_days=UNIT_DAYS)
    purchase, name = _fit_first(fit_frame(summary), converged, notes)
    gamma_gamma, spend = _fit_spend(summary, notes)
    model = CLV(purchase, spend)
    predictions = predict(model, summary, params)
    if customers is not None:
        predictions = predictions.reindex(pd.Index(customers, name="customer_id"))
    repeat = summary[summary["frequency"] > 0]
    corr = float(repeat["frequency"].corr(repeat["monetary_value"])) if len(repeat) > 2 else np.nan
    return ClvFit(
        predictions=predictions,
        summary=summary,
        model=model,
        models=models,
        calibration=calibration,
        holdout=_holdout_errors(models.loc[checked]),
        spend_frequency_corr=corr,
        gamma_gamma=gamma_gamma,
        model_name=name,
        notes=tuple(notes),
        scope=scope,
    )


def predict(model: CLV, summary: pd.DataFrame, params: ClvParams) -> pd.DataFrame:
    """P(alive), expected purchases and spend, and CLV over ``params.horizon_months``."""
    weeks = params.horizon_months * DAYS_PER_MONTH / UNIT_DAYS
    purchase, spend = model.models()
    frame = pd.DataFrame(
        {
            "p_alive": purchase.p_alive(summary),
            "expected_purchases": purchase.expected_purchases(weeks, summary),
            "expected_spend": spend.expected_spend(summary),
            "clv": model.customer_lifetime_value(
                summary, params.horizon_months, params.discount_rate, UNIT_DAYS
            ),
        }
    )
    return frame.rename_axis("customer_id")


def company_clv(
    purchases: pd.DataFrame, as_of: pd.Timestamp | str, params: ClvParams | None, ids: pd.Index
) -> pd.Series:
    """12-month CLV of ``ids`` from one fit on all ``purchases`` (amount > 0), the configured
    model with BG/NBD and MBG/NBD as fallbacks; NaN where it cannot be fitted. For the churn
    report's value at risk and the summary's expected value per region: the model-selection
    table belongs to the value report, and Pareto/NBD's Nelder-Mead fit can take minutes."""
    empty = pd.Series(np.nan, index=pd.Index(ids, name="customer_id"), name="clv")
    if purchases.empty or len(ids) == 0:
        return empty
    params = params or ClvParams()
    models = tuple(dict.fromkeys((params.model, "bgnbd", "mbgnbd")))
    try:
        fit = fit_clv(purchases, as_of, replace(params, compare_models=models), ids, "company")
    except WorkbenchError:
        return empty
    return fit.predictions["clv"].reindex(empty.index).rename("clv")


def repeat_buyers(purchases: pd.DataFrame, as_of: pd.Timestamp | str) -> int:
    """Customers with purchases on two or more distinct days before ``as_of``."""
    before = purchases[purchases["order_date"] < pd.Timestamp(as_of)]
    days = before["order_date"].dt.normalize()
    return int((days.groupby(before["customer_id"]).nunique() >= 2).sum())


def _not_converged(name: str, why: str) -> str:
    return f"{name}: {why}; the next model by BIC is used"


def _fit_first(
    frame: pd.DataFrame, names: list[str], notes: list[str]
) -> tuple[PurchaseModel, str]:
    """The first of ``names`` whose fit converges (on compressed rows), noting the ones that fail:
    BG/NBD cannot converge on data without any sign of dropout, Pareto/NBD then usually can."""
    distinct, weights = compress(frame)
    for name in names:
        try:
            model = purchase_model(name).fit(distinct, weights)
        except WorkbenchError as exc:
            notes.append(_not_converged(name, str(exc)))
            continue
        notes.extend(_degenerate_dropout(name, model.params_))
        return model, name
    raise WorkbenchError(f"no purchase model converged ({', '.join(names)}): " + "; ".join(notes))


DEGENERATE_BETA = 1e3  # a and b both above: the dropout Beta is all but a single value


def _degenerate_dropout(name: str, params: dict[str, float]) -> list[str]:
    """A note when a BG/NBD-type fit sits at its boundary (a, b → ∞): every customer then has
    one dropout probability a/(a+b), the data showing no spread in it (often no dropout at all:
    purchases at random days). The fit is usable, but its P(alive) says little; whether the
    optimiser stops there or reports no convergence depends on the CPU's floating point."""
    a, b = params.get("a"), params.get("b")
    if a is None or b is None or min(a, b) <= DEGENERATE_BETA:
        return []
    return [f"{name}: the dropout Beta is degenerate (a = {a:.3g}, b = {b:.3g}): every customer "
            f"has the same dropout chance per purchase, {a / (a + b):.3%}; the data show no "
            "spread in dropout, so P(alive) tells customers apart by little"]  # fmt: skip


def _fit_spend(
    summary: pd.DataFrame, notes: list[str]
) -> tuple[GammaGamma, GammaGamma | MeanSpend]:
    """Gamma-Gamma on compressed rows, and the spend model to use: Gamma-Gamma itself, or
    MeanSpend where Gamma-Gamma does not apply (q ≤ 1) or does not converge even with a small
    penalty (then the returned Gamma-Gamma is unfitted)."""
    rows = compress(summary, ("frequency", "monetary_value"))
    gamma_gamma = GammaGamma()
    for penalty in (0.0, 0.001):
        try:
            gamma_gamma = GammaGamma(penalizer_coef=penalty).fit(*rows)
            break
        except WorkbenchError as exc:
            failure = str(exc)
    else:
        notes.append(f"gammagamma: {failure}; each repeat buyer's own mean purchase value is used "
                     "instead (MeanSpend)")  # fmt: skip
        return gamma_gamma, MeanSpend().fit(*rows)
    if gamma_gamma.applies:
        return gamma_gamma, gamma_gamma
    notes.append(
        f"gammagamma: q = {gamma_gamma.params_['q']:.2f} ≤ 1 (spend too heavy-tailed for a finite "
        "mean); each repeat buyer's own mean purchase value is used instead (MeanSpend)"
    )
    return gamma_gamma, MeanSpend().fit(*rows)


def _holdout_errors(row: pd.Series) -> dict[str, float]:
    """The checked model's holdout figures (its model-selection row) and their relative error."""
    predicted, actual = float(row["holdout_predicted"]), float(row["holdout_actual"])
    return {
        "customers": float(row["n_customers"]),
        "holdout_weeks": float(row["holdout_weeks"]),
        "predicted": predicted,
        "actual": actual,
        "error": predicted / actual - 1 if actual else np.nan,
        "mae": float(row["holdout_mae"]),
    }


def matrices(fit: ClvFit, months: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Expected purchases in the next ``months`` and P(alive) by frequency × recency, for a
    customer of the median age (T) — lifetimes draws the oldest, whose grid is mostly empty —
    and frequency up to its 99th percentile (outliers would shrink the grid to a corner)."""
    purchase, _ = fit.model.models()
    if fit.summary.empty:
        return pd.DataFrame(), pd.DataFrame()
    top = int(np.ceil(fit.summary["frequency"].quantile(0.99)))
    age = max(1, int(np.floor(fit.summary["T"].median())))
    weeks = months * DAYS_PER_MONTH / UNIT_DAYS
    expected = expected_purchases_matrix(purchase, weeks, age, top, age)
    alive = p_alive_matrix(purchase, age, top, age)
    return expected, alive

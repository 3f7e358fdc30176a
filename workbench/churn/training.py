"""Train, validate and grade the churn model company-wide, in one call: `fit_churn`.

The model learns from every region's customers (a region alone has too few churners) on the
stacked training cutoffs, is compared with its baselines on the validation cutoff, then refitted
on training + validation to score the customers as of the period's end. Too little history or
too few churners is not an error: the fit says why (``unavailable``) and keeps the recency rule,
which the report shows instead, never a constant prediction.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn

from workbench.churn.baselines import RecencyRule, bgnbd_no_purchase, fit_recency_rule
from workbench.churn.definition import purchases_of, status_labels
from workbench.churn.evaluation import calibration_table, comparison, grade
from workbench.churn.explain import importance, reference_values
from workbench.churn.features import FeatureSpec, build_features, feature_spec
from workbench.churn.model import (
    churn_probability,
    gradient_boosting,
    logistic_regression,
    single_threaded,
)
from workbench.churn.params import ChurnParams
from workbench.churn.snapshots import Cutoffs, plan_cutoffs, random_split, snapshot, stacked
from workbench.core.errors import WorkbenchError

MODEL, RULE, LOGISTIC, BGNBD_SCORE = "model", "recency_rule", "logistic", "bgnbd"
VALIDATION_SHARE = 0.25  # the cross-sectional fallback's random holdout


@dataclass
class ChurnModel:
    """A fitted churn pipeline with what it needs to score a new snapshot: its feature spec,
    parameters, reference values (for the factors), the data digest and cutoffs it saw."""

    estimator: object
    spec: FeatureSpec
    params: ChurnParams
    reference: dict[str, object]
    digest: str
    trained_on: tuple[pd.Timestamp, ...]

    def population(self, data: object, as_of: pd.Timestamp) -> pd.Index:
        """Who can churn at ``as_of``: active buyers (behaviour), or customers known and not
        yet labelled churned (status)."""
        customers = data.tables["customers"]
        if self.params.by_status:
            labels = status_labels(customers, as_of, self.params.window_days,
                                   self.params.status_value, self.params.status_date_column)  # fmt: skip
            if self.params.status_date_column is None:
                return labels.index[~labels.to_numpy(bool)]
            return labels.index
        purchases = purchases_of(data.tables["orders"])
        dates = purchases["order_date"]
        recent = (dates < as_of) & (dates >= as_of - pd.Timedelta(days=self.params.active_days))
        return pd.Index(pd.unique(purchases.loc[recent, "customer_id"]), name="customer_id")

    def features(self, data: object, as_of: pd.Timestamp, ids: pd.Index | None = None):
        """The model's features of ``ids`` (default: the population) as of ``as_of``."""
        ids = self.population(data, as_of) if ids is None else ids
        return build_features(data, ids, as_of, self.spec)

    def score(self, data: object, as_of: pd.Timestamp | str) -> pd.Series:
        """P(churn in the window from ``as_of``) of each customer of the population."""
        return churn_probability(self.estimator, self.features(data, pd.Timestamp(as_of)))

    def save(self, path: str | Path) -> Path:
        """Pickle the model with its spec, parameters and digest (scikit-learn's own way)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"model": self, "sklearn": sklearn.__version__}
        path.write_bytes(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        return path


def load_churn_model(path: str | Path) -> ChurnModel:
    """A model saved by `ChurnModel.save` (only load files you wrote: pickle runs code)."""
    payload = pickle.loads(Path(path).read_bytes())
    if payload.get("sklearn") != sklearn.__version__:
        raise WorkbenchError(f"{path}: saved with scikit-learn {payload.get('sklearn')}, this is "
                             f"{sklearn.__version__}: train it again")  # fmt: skip
    return payload["model"]


@dataclass
class ChurnFit:
    """The company-wide churn fit: the final model, how it did against the baselines on the
    validation cutoff, its grade, calibration and drivers; or why there is no model."""

    cutoffs: Cutoffs
    mode: str  # "snapshots" (time split) or "cross_section" (undated status, random split)
    model: ChurnModel | None
    rule: RecencyRule | None
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)
    grade: str | None = None
    calibration: pd.DataFrame = field(default_factory=pd.DataFrame)
    importance: pd.DataFrame = field(default_factory=pd.DataFrame)
    counts: dict[str, int] = field(default_factory=dict)  # rows and churners per part
    unavailable: str | None = None  # why there is no model: no_orders, short_history, few_churners
    notes: tuple[str, ...] = ()


def data_digest(data: object) -> str:
    """A hash of every table's content: which data a model was trained on."""
    digest = hashlib.sha256()
    for name in sorted(data.tables):
        frame = data.tables[name]
        digest.update(f"{name}:{list(frame.columns)}".encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy())
    return digest.hexdigest()[:24]


def fit_churn(
    data: object, as_of: pd.Timestamp | str, params: ChurnParams | None = None
) -> ChurnFit:
    """Train on the cutoffs before ``as_of``, validate, grade, refit (see the module doc)."""
    with single_threaded():
        return _fit_churn(data, as_of, params)


def _fit_churn(data: object, as_of: pd.Timestamp | str, params: ChurnParams | None) -> ChurnFit:
    params = params or ChurnParams()
    as_of = pd.Timestamp(as_of)
    orders = data.tables.get("orders")
    purchases = purchases_of(orders) if orders is not None and len(orders) else None
    if purchases is not None:
        purchases = purchases[purchases["order_date"] < as_of]
    if not params.by_status and (purchases is None or purchases.empty):
        return ChurnFit(Cutoffs((), None, as_of), "snapshots", None, None, unavailable="no_orders")
    if params.by_status and "status" not in data.tables["customers"].columns:
        raise WorkbenchError("churn by status needs the customers' 状态 (status) column")
    spec = feature_spec(data, params.extra_features)
    if params.by_status and params.status_date_column is None:
        whole = snapshot(data, purchases, as_of, spec, params, label_cutoff=None)
        training, validation = random_split(whole, VALIDATION_SHARE, params.random_state)
        cutoffs, mode = Cutoffs((), None, as_of), "cross_section"
    else:
        cutoffs = plan_cutoffs(as_of, params, _first_date(data, purchases))
        mode = "snapshots"
        if cutoffs.validation is None or not cutoffs.training:
            return ChurnFit(cutoffs, mode, None, None, unavailable="short_history")
        training = stacked(data, purchases, cutoffs.training, spec, params)
        validation = snapshot(data, purchases, cutoffs.validation, spec, params,
                              cutoffs.validation)  # fmt: skip
    counts = _counts(training, validation)
    rule = fit_recency_rule(training, params.window_days) if len(training) else None
    if min(counts.values()) < params.min_churners:
        return ChurnFit(cutoffs, mode, None, rule, counts=counts, unavailable="few_churners")
    x_train, y_train = training[spec.columns], training["churned"].to_numpy(bool)
    x_valid, y_valid = validation[spec.columns], validation["churned"].to_numpy(bool)
    model = gradient_boosting(spec, params).fit(x_train, y_train)
    scores = {MODEL: churn_probability(model, x_valid).to_numpy(),
              RULE: rule.probability(x_valid),
              LOGISTIC: churn_probability(logistic_regression(spec, params).fit(x_train, y_train),
                                          x_valid).to_numpy()}  # fmt: skip
    notes: list[str] = []
    if not params.by_status:
        try:
            bgnbd = bgnbd_no_purchase(purchases, cutoffs.validation, params.window_days,
                                      x_valid.index)  # fmt: skip
            scores[BGNBD_SCORE] = bgnbd.fillna(bgnbd.mean()).to_numpy()
        except WorkbenchError:
            notes.append("bgnbd_failed")
    table = comparison(y_valid, scores)
    both = pd.concat([training, validation])
    final = gradient_boosting(spec, params).fit(both[spec.columns], both["churned"].to_numpy(bool))
    trained_on = (*cutoffs.training, cutoffs.validation) if mode == "snapshots" else (as_of,)
    return ChurnFit(
        cutoffs=cutoffs,
        mode=mode,
        model=ChurnModel(
            final,
            spec,
            params,
            reference_values(both, spec),
            data_digest(data),
            tuple(c for c in trained_on if c is not None),
        ),
        rule=rule,
        comparison=table,
        grade=grade(table.loc[MODEL, "pr_auc"], table.loc[RULE, "pr_auc"], params),
        calibration=calibration_table(y_valid, scores[MODEL]),
        importance=importance(model, x_valid, y_valid, params.random_state),
        counts=counts,
        notes=tuple(notes),
    )


def _first_date(data: object, purchases: pd.DataFrame | None) -> pd.Timestamp:
    """The earliest date the history can start from (first purchase, else first contact)."""
    if purchases is not None and len(purchases):
        return purchases["order_date"].min()
    customers = data.tables["customers"]
    for column in ("first_contact_date", "first_deal_date"):
        if column in customers.columns and customers[column].notna().any():
            return customers[column].min()
    return pd.Timestamp.max.normalize()


def _counts(training: pd.DataFrame, validation: pd.DataFrame) -> dict[str, int]:
    y_train = training["churned"].to_numpy(bool)
    y_valid = validation["churned"].to_numpy(bool)
    return {
        "training_churners": int(y_train.sum()),
        "training_stayers": int((~y_train).sum()),
        "validation_churners": int(y_valid.sum()),
        "validation_stayers": int((~y_valid).sum()),
    }


def probability_bands(probability: pd.Series, params: ChurnParams) -> pd.Series:
    """低 / 中 / 高 by the band thresholds."""
    p = probability.to_numpy(float)
    bands = np.select([p >= params.band_high, p >= params.band_medium], ["高", "中"], "低")
    return pd.Series(bands, index=probability.index, name="band")

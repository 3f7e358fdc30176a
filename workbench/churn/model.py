"""The churn classifier and its logistic baseline, as scikit-learn pipelines.

Both take the feature frame of `workbench.churn.features` as it is: a ColumnTransformer encodes
the categories (ordinal codes the gradient boosting treats as categorical; one-hot for the
logistic regression, which also imputes and scales the numbers). Churners are the minority: both
weight the classes ("balanced"), then probabilities are calibrated (3-fold isotonic or sigmoid)
so a 0.3 reads as 30%. The random state is fixed: the same data gives the same model.

`single_threaded` runs fits and predictions on one thread: a quarterly run executes notebooks
in parallel on every core, and OpenMP's threads then spin against each other (measured on 2
cores under load: a fit took 150 s with 2 threads, 42 s with 1).
"""

from __future__ import annotations

import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from workbench.churn.features import FeatureSpec
from workbench.churn.params import ChurnParams


def gradient_boosting(spec: FeatureSpec, params: ChurnParams) -> CalibratedClassifierCV:
    """ColumnTransformer + HistGradientBoostingClassifier (class-balanced), calibrated."""
    encode = ColumnTransformer(
        [("categories", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                       encoded_missing_value=-1), list(spec.categorical)),
         ("numbers", "passthrough", list(spec.numeric))],
        verbose_feature_names_out=False,
    )  # fmt: skip
    n_categories = len(spec.categorical)
    classifier = HistGradientBoostingClassifier(
        learning_rate=0.1,
        max_iter=200,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        categorical_features=list(range(n_categories)) or None,
        class_weight="balanced",
        early_stopping=True,
        validation_fraction=0.15,
        n_iter_no_change=10,
        random_state=params.random_state,
    )
    return _calibrated(Pipeline([("encode", encode), ("model", classifier)]), params)


def logistic_regression(spec: FeatureSpec, params: ChurnParams) -> CalibratedClassifierCV:
    """The linear baseline on the same features: impute, scale, one-hot, class-balanced."""
    numbers = Pipeline([("impute", SimpleImputer(strategy="median", add_indicator=True)),
                        ("scale", StandardScaler())])  # fmt: skip
    encode = ColumnTransformer(
        [("numbers", numbers, list(spec.numeric)),
         ("categories", OneHotEncoder(handle_unknown="ignore", min_frequency=10),
          list(spec.categorical))],
    )  # fmt: skip
    classifier = LogisticRegression(class_weight="balanced", max_iter=2000, C=0.5)
    return _calibrated(Pipeline([("encode", encode), ("model", classifier)]), params)


def _calibrated(pipeline: Pipeline, params: ChurnParams) -> CalibratedClassifierCV:
    # ensemble=False: one pipeline refitted on all rows, calibrated on 3-fold predictions; a
    # third of the scoring cost of averaging three (the factors score every feature swapped)
    return CalibratedClassifierCV(pipeline, method=params.calibration, cv=3, ensemble=False)


def churn_probability(model: CalibratedClassifierCV, features: pd.DataFrame) -> pd.Series:
    """P(churn) of each row of ``features`` (same index)."""
    if features.empty:
        return pd.Series([], index=features.index, name="churn_probability", dtype=float)
    probability = model.predict_proba(features)[:, 1]
    return pd.Series(probability, index=features.index, name="churn_probability")


def single_threaded() -> threadpool_limits:
    """A context in which scikit-learn's OpenMP and BLAS use one thread (see the module doc)."""
    return threadpool_limits(limits=1)

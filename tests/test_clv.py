"""Tests for workbench.clv against the published CDNOW estimates, starting from the raw log.

Published values: BG/NBD and Pareto/NBD from Fader, Hardie and Lee (2005), Marketing Science
24(2); Gamma-Gamma from Fader, Hardie and Lee (2005), JMR 42(4) / Fader and Hardie (2013). All
are reproduced on the 2,357-customer CDNOW 1/10 sample, calibration 1997-01-01..1997-09-30,
weeks of 7 days, same-day orders collapsed, to the rounding of the published digits.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from test_clv_data import CAL_END, HOLDOUT_END, cdnow_sample

from workbench.clv import (
    BGNBD,
    CLV,
    MBGNBD,
    GammaGamma,
    ParetoNBD,
    holdout_by_frequency,
    model_selection,
    purchase_model,
)
from workbench.clv_data import calibration_holdout, compress, summarize
from workbench.errors import WorkbenchError


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return cdnow_sample()


@pytest.fixture(scope="module")
def summary(raw: pd.DataFrame) -> pd.DataFrame:
    return summarize(raw, observation_end=CAL_END)


@pytest.fixture(scope="module")
def bgnbd(summary: pd.DataFrame) -> BGNBD:
    return BGNBD().fit(summary)


@pytest.fixture(scope="module")
def gamma_gamma(summary: pd.DataFrame) -> GammaGamma:
    return GammaGamma().fit(summary)


def published(value: float, estimate: float) -> bool:
    """Whether ``estimate`` rounds to the published ``value`` (half a unit of its last digit)."""
    decimals = len(repr(value).split(".")[1])
    return abs(estimate - value) <= 0.5 * 10.0**-decimals


def test_bgnbd_reproduces_fader_hardie_lee(bgnbd: BGNBD) -> None:
    expected = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
    for name, value in expected.items():
        assert bgnbd.params_[name] == pytest.approx(value, rel=1e-3), name
    assert bgnbd.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert bgnbd.n_customers_ == 2357


def test_paretonbd_reproduces_published(summary: pd.DataFrame) -> None:
    model = ParetoNBD().fit(summary)
    expected = {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67}
    for name, value in expected.items():
        assert published(value, model.params_[name]), (name, model.params_[name])
    assert model.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)


def test_gamma_gamma_reproduces_published(gamma_gamma: GammaGamma) -> None:
    expected = {"p": 6.25, "q": 3.74, "v": 15.44}  # v is γ in the papers
    for name, value in expected.items():
        assert published(value, gamma_gamma.params_[name]), (name, gamma_gamma.params_[name])
    assert gamma_gamma.n_customers_ == 946  # repeat buyers only


@pytest.mark.parametrize("model", [BGNBD, MBGNBD, ParetoNBD])
def test_compressed_fit_same_parameters(summary: pd.DataFrame, model: type) -> None:
    full = model().fit(summary)
    distinct, weights = compress(summary)
    compressed = model().fit(distinct, weights)
    assert len(distinct) < len(summary)
    for name, value in full.params_.items():
        assert compressed.params_[name] == pytest.approx(value, rel=1e-4), name
    assert compressed.log_likelihood_ == pytest.approx(full.log_likelihood_, rel=1e-8)
    assert compressed.n_customers_ == full.n_customers_


def test_gamma_gamma_needs_positive_spend(summary: pd.DataFrame) -> None:
    bad = summary.copy()
    bad.loc[bad["frequency"] > 0, "monetary_value"] = bad["monetary_value"].where(
        bad.index != 4, 0.0
    )
    with pytest.raises(WorkbenchError, match="1 repeat buyers have monetary_value <= 0"):
        GammaGamma().fit(bad)


def test_gamma_gamma_compressed(summary: pd.DataFrame, gamma_gamma: GammaGamma) -> None:
    distinct, weights = compress(summary, ("frequency", "monetary_value"))
    compressed = GammaGamma().fit(distinct, weights)
    for name, value in gamma_gamma.params_.items():
        assert compressed.params_[name] == pytest.approx(value, rel=1e-4), name


def test_sklearn_contract_and_pickle(summary: pd.DataFrame, bgnbd: BGNBD) -> None:
    model = BGNBD(penalizer_coef=0.0)
    assert model.get_params() == {"penalizer_coef": 0.0}
    assert not hasattr(model, "params_")
    with pytest.raises(WorkbenchError, match="not fitted"):
        model.p_alive(summary)
    assert model.fit(summary) is model
    restored = pickle.loads(pickle.dumps(bgnbd))
    assert restored.params_ == bgnbd.params_
    pd.testing.assert_series_equal(restored.p_alive(summary), bgnbd.p_alive(summary))
    assert isinstance(purchase_model("ParetoNBD"), ParetoNBD)
    with pytest.raises(WorkbenchError, match="unknown model"):
        purchase_model("nope")


def test_warning_filters_restored(summary: pd.DataFrame) -> None:
    before = list(warnings.filters)
    ParetoNBD().fit(summary.head(300))
    GammaGamma().fit(summary)
    assert list(warnings.filters) == before


def test_import_keeps_warning_filters() -> None:
    code = (
        "import warnings; import workbench.clv; "
        "assert not [f for f in warnings.filters if f[0] == 'ignore' and f[2] is FutureWarning]"
    )
    subprocess.run([sys.executable, "-W", "default", "-c", code], check=True)


def test_predictions(summary: pd.DataFrame, bgnbd: BGNBD) -> None:
    alive = bgnbd.p_alive(summary)
    assert alive.between(0, 1).all()
    assert (alive[summary["frequency"] == 0] == 1.0).all()  # BG/NBD: no repeat, no dropout yet
    # customer 4 of the sample: x=2, t_x=30.43, T=38.86 weeks; Fader, Hardie and Lee's note
    # "Implementing the BG/NBD Model in Excel" gives E[Y(39) | x, t_x, T] = 1.226
    expected = bgnbd.expected_purchases(39, summary)
    assert expected.index.equals(summary.index)
    assert expected.loc[4] == pytest.approx(1.226, abs=5e-4)
    assert (expected >= 0).all()
    new = bgnbd.expected_purchases_new(np.array([13.0, 39.0, 78.0]))
    assert np.all(np.diff(new) > 0)


def test_clv_matches_lifetimes(
    summary: pd.DataFrame, bgnbd: BGNBD, gamma_gamma: GammaGamma
) -> None:
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    ours = CLV(bgnbd, gamma_gamma).customer_lifetime_value(summary, months=12, discount_rate=0.01)
    with warnings.catch_warnings():
        bg = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
        repeat = summary[summary["frequency"] > 0]
        gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
        theirs = gg.customer_lifetime_value(
            bg, summary["frequency"], summary["recency"], summary["T"],
            summary["monetary_value"], time=12, discount_rate=0.01, freq="W",
        )  # fmt: skip
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-6)
    fitted = CLV().fit(summary)
    assert fitted.purchase_model_.params_ == pytest.approx(bgnbd.params_)
    unfitted = MBGNBD(penalizer_coef=0.001)
    refit = CLV(unfitted, GammaGamma()).fit(summary)
    assert not hasattr(unfitted, "params_"), "fit must not change the models passed in"
    assert isinstance(refit.purchase_model_, MBGNBD)
    assert refit.purchase_model_.penalizer_coef == 0.001
    with pytest.raises(WorkbenchError, match="unit_days"):
        fitted.customer_lifetime_value(summary, unit_days=3.0)


@pytest.fixture(scope="module")
def cal_holdout(raw: pd.DataFrame) -> pd.DataFrame:
    return calibration_holdout(raw, CAL_END, HOLDOUT_END)


def test_holdout_by_frequency(cal_holdout: pd.DataFrame) -> None:
    model = BGNBD().fit(cal_holdout.rename(columns=lambda c: c.removesuffix("_cal")))
    table = holdout_by_frequency(model, cal_holdout)
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].sum() == 2357
    actual = (table["actual"] * table["customers"]).sum()
    predicted = (table["predicted"] * table["customers"]).sum()
    assert actual == 1882
    # measured: BG/NBD predicts 1,653 repeat purchase days in weeks 40-78, 12% under the actual
    assert predicted == pytest.approx(1653.4, abs=0.5)
    assert (predicted - actual) / actual == pytest.approx(-0.1215, abs=5e-4)
    # buyers with more calibration purchases buy more in the holdout, and the model sees it
    assert table["predicted"].is_monotonic_increasing


def test_model_selection(cal_holdout: pd.DataFrame) -> None:
    table = model_selection(cal_holdout, cal_holdout)
    assert set(table.index) == {"bgnbd", "mbgnbd", "paretonbd"}
    assert table["bic"].is_monotonic_increasing
    assert table.loc["bgnbd", "log_likelihood"] == pytest.approx(-9582.43, abs=0.01)
    assert table.loc["bgnbd", "aic"] == pytest.approx(8 + 2 * 9582.43, abs=0.02)
    assert (table["holdout_actual"] == 1882).all()
    assert table["holdout_mae"].between(0.5, 1.0).all()
    plain = model_selection(summarize(cdnow_sample(), observation_end=CAL_END))
    assert "holdout_mae" not in plain.columns

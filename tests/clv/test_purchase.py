"""Tests for workbench.clv.purchase against the published CDNOW estimates, starting from the cdnow_raw log.

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

from clv.test_summary import CAL_END, HOLDOUT_END, cdnow_sample
from workbench.clv.purchase import (
    BGNBD,
    MBGNBD,
    ParetoNBD,
    holdout_by_frequency,
    model_selection,
    purchase_model,
)
from workbench.clv.spend import CLV, GammaGamma, MeanSpend
from workbench.clv.summary import calibration_holdout, compress, summarize
from workbench.core.errors import WorkbenchError


@pytest.fixture(scope="module")
def gamma_gamma(cdnow_summary: pd.DataFrame) -> GammaGamma:
    return GammaGamma().fit(cdnow_summary)


def published(value: float, estimate: float) -> bool:
    """Whether ``estimate`` rounds to the published ``value`` (half a unit of its last digit)."""
    decimals = len(repr(value).split(".")[1])
    return abs(estimate - value) <= 0.5 * 10.0**-decimals


def test_bgnbd_reproduces_fader_hardie_lee(cdnow_bgnbd: BGNBD) -> None:
    expected = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
    for name, value in expected.items():
        assert cdnow_bgnbd.params_[name] == pytest.approx(value, rel=1e-3), name
    assert cdnow_bgnbd.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert cdnow_bgnbd.n_customers_ == 2357


def test_paretonbd_reproduces_published(cdnow_summary: pd.DataFrame) -> None:
    model = ParetoNBD().fit(cdnow_summary)
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
def test_compressed_fit_same_parameters(cdnow_summary: pd.DataFrame, model: type) -> None:
    full = model().fit(cdnow_summary)
    distinct, weights = compress(cdnow_summary)
    compressed = model().fit(distinct, weights)
    assert len(distinct) < len(cdnow_summary)
    for name, value in full.params_.items():
        assert compressed.params_[name] == pytest.approx(value, rel=1e-4), name
    assert compressed.log_likelihood_ == pytest.approx(full.log_likelihood_, rel=1e-8)
    assert compressed.n_customers_ == full.n_customers_


def test_gamma_gamma_needs_positive_spend(cdnow_summary: pd.DataFrame) -> None:
    bad = cdnow_summary.copy()
    bad.loc[bad["frequency"] > 0, "monetary_value"] = bad["monetary_value"].where(
        bad.index != 4, 0.0
    )
    with pytest.raises(WorkbenchError, match="1 repeat buyers have monetary_value <= 0"):
        GammaGamma().fit(bad)


def test_gamma_gamma_compressed(cdnow_summary: pd.DataFrame, gamma_gamma: GammaGamma) -> None:
    distinct, weights = compress(cdnow_summary, ("frequency", "monetary_value"))
    compressed = GammaGamma().fit(distinct, weights)
    for name, value in gamma_gamma.params_.items():
        assert compressed.params_[name] == pytest.approx(value, rel=1e-4), name


def test_sklearn_contract_and_pickle(cdnow_summary: pd.DataFrame, cdnow_bgnbd: BGNBD) -> None:
    model = BGNBD(penalizer_coef=0.0)
    assert model.get_params() == {"penalizer_coef": 0.0}
    assert not hasattr(model, "params_")
    with pytest.raises(WorkbenchError, match="not fitted"):
        model.p_alive(cdnow_summary)
    assert model.fit(cdnow_summary) is model
    restored = pickle.loads(pickle.dumps(cdnow_bgnbd))
    assert restored.params_ == cdnow_bgnbd.params_
    pd.testing.assert_series_equal(
        restored.p_alive(cdnow_summary), cdnow_bgnbd.p_alive(cdnow_summary)
    )
    assert isinstance(purchase_model("ParetoNBD"), ParetoNBD)
    with pytest.raises(WorkbenchError, match="unknown model"):
        purchase_model("nope")


def test_warning_filters_restored(cdnow_summary: pd.DataFrame) -> None:
    before = list(warnings.filters)
    ParetoNBD().fit(cdnow_summary.head(300))
    GammaGamma().fit(cdnow_summary)
    assert list(warnings.filters) == before


def test_import_keeps_warning_filters() -> None:
    code = (
        "import warnings; import workbench.clv.purchase; "
        "assert not [f for f in warnings.filters if f[0] == 'ignore' and f[2] is FutureWarning]"
    )
    subprocess.run([sys.executable, "-W", "default", "-c", code], check=True)


def test_predictions(cdnow_summary: pd.DataFrame, cdnow_bgnbd: BGNBD) -> None:
    alive = cdnow_bgnbd.p_alive(cdnow_summary)
    assert alive.between(0, 1).all()
    assert (
        alive[cdnow_summary["frequency"] == 0] == 1.0
    ).all()  # BG/NBD: no repeat, no dropout yet
    # customer 4 of the sample: x=2, t_x=30.43, T=38.86 weeks; Fader, Hardie and Lee's note
    # "Implementing the BG/NBD Model in Excel" gives E[Y(39) | x, t_x, T] = 1.226
    expected = cdnow_bgnbd.expected_purchases(39, cdnow_summary)
    assert expected.index.equals(cdnow_summary.index)
    assert expected.loc[4] == pytest.approx(1.226, abs=5e-4)
    assert (expected >= 0).all()
    new = cdnow_bgnbd.expected_purchases_new(np.array([13.0, 39.0, 78.0]))
    assert np.all(np.diff(new) > 0)


def test_clv_matches_lifetimes(
    cdnow_summary: pd.DataFrame, cdnow_bgnbd: BGNBD, gamma_gamma: GammaGamma
) -> None:
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    ours = CLV(cdnow_bgnbd, gamma_gamma).customer_lifetime_value(
        cdnow_summary, months=12, discount_rate=0.01
    )
    with warnings.catch_warnings():
        bg = BetaGeoFitter().fit(
            cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"]
        )
        repeat = cdnow_summary[cdnow_summary["frequency"] > 0]
        gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
        theirs = gg.customer_lifetime_value(
            bg, cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"],
            cdnow_summary["monetary_value"], time=12, discount_rate=0.01, freq="W",
        )  # fmt: skip
    # the fits agree to 1e-6 (test_gradients); a customer worth 1.6e-7 $ differs by 2e-13 $
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-6, atol=1e-9)
    fitted = CLV().fit(cdnow_summary)
    assert fitted.purchase_model_.params_ == pytest.approx(cdnow_bgnbd.params_)
    unfitted = MBGNBD(penalizer_coef=0.001)
    refit = CLV(unfitted, GammaGamma()).fit(cdnow_summary)
    assert not hasattr(unfitted, "params_"), "fit must not change the models passed in"
    assert isinstance(refit.purchase_model_, MBGNBD)
    assert refit.purchase_model_.penalizer_coef == 0.001
    with pytest.raises(WorkbenchError, match="unit_days"):
        fitted.customer_lifetime_value(cdnow_summary, unit_days=3.0)


@pytest.fixture(scope="module")
def cal_holdout(cdnow_raw: pd.DataFrame) -> pd.DataFrame:
    return calibration_holdout(cdnow_raw, CAL_END, HOLDOUT_END)


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


def test_mean_spend_by_hand() -> None:
    spends = pd.DataFrame({"frequency": [0.0, 2.0, 1.0], "monetary_value": [0.0, 100.0, 40.0]},
                           index=["a", "b", "c"])  # fmt: skip
    model = MeanSpend().fit(spends)
    assert model.params_ == {"mean": pytest.approx((2 * 100 + 40) / 3)}  # per repeat purchase
    assert model.expected_spend(spends).tolist() == [pytest.approx(80.0), 100.0, 40.0]
    distinct = MeanSpend().fit(spends.iloc[1:], weights=np.array([3, 1]))
    assert distinct.params_["mean"] == pytest.approx((3 * 200 + 40) / 7)
    with pytest.raises(WorkbenchError, match="repeat purchase"):
        MeanSpend().fit(spends.iloc[:1])


def test_clv_with_mean_spend_is_purchases_times_spend(
    cdnow_summary: pd.DataFrame, cdnow_bgnbd: BGNBD
) -> None:
    spend = MeanSpend().fit(cdnow_summary)
    ours = CLV(cdnow_bgnbd, spend).customer_lifetime_value(
        cdnow_summary, months=1, discount_rate=0.0
    )
    # lifetimes counts a month as 4.345 weeks
    expected = cdnow_bgnbd.expected_purchases(4.345, cdnow_summary) * spend.expected_spend(
        cdnow_summary
    )
    np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy(), rtol=1e-9)


def test_precision_loss_is_retried_quietly(
    cdnow_summary: pd.DataFrame, monkeypatch, capsys
) -> None:
    """MBG/NBD still runs lifetimes' BFGS: its "precision loss" at the optimum is retried."""
    from lifetimes import ModifiedBetaGeoFitter
    from lifetimes.utils import ConvergenceError

    import workbench.clv.purchase as purchase

    original, tolerances = ModifiedBetaGeoFitter.fit, []

    def flaky(self, *args, tol=1e-7, **kwargs):
        tolerances.append(tol)
        if tol < 1e-6:
            print("lifetimes prints the optimiser output here")
            raise ConvergenceError("precision loss")
        return original(self, *args, tol=tol, **kwargs)

    monkeypatch.setattr(ModifiedBetaGeoFitter, "fit", flaky)
    model = MBGNBD().fit(cdnow_summary)
    assert tolerances == [1e-7, 1e-6]
    assert model.params_["r"] == pytest.approx(0.5248, rel=1e-3)  # MBG/NBD on CDNOW
    assert "lifetimes prints" not in capsys.readouterr().out

    def stuck(*args, **kwargs):
        raise WorkbenchError("the optimiser stopped away from an optimum")

    monkeypatch.setattr(purchase, "minimize_log_params", stuck)
    with pytest.raises(WorkbenchError, match="BGNBD did not converge on 2357 customers"):
        BGNBD().fit(cdnow_summary)
    table = model_selection(cdnow_summary, models=("bgnbd", "paretonbd"))
    assert table.index.tolist() == ["paretonbd", "bgnbd"]  # the failed model last, with why
    assert "did not converge" in table.loc["bgnbd", "note"]
    assert np.isnan(table.loc["bgnbd", "bic"])

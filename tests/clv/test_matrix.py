"""Frequency × recency matrices of the CLV purchase models, on the CDNOW sample (see test_purchase)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from clv.test_summary import CAL_END, HOLDOUT_END, cdnow_sample
from workbench.clv.matrix import expected_purchases_matrix, p_alive_matrix
from workbench.clv.purchase import BGNBD, ParetoNBD
from workbench.clv.summary import calibration_holdout
from workbench.core.errors import WorkbenchError

with warnings.catch_warnings():  # lifetimes changes the process's warning filters on import
    from lifetimes import BetaGeoFitter, ParetoNBDFitter


def _lifetimes(model: BGNBD | ParetoNBD, fitter: type) -> object:
    """A lifetimes fitter carrying the model's parameters, to compare cells with."""
    reference = fitter()
    reference.params_ = pd.Series(model.params_)[list(model.param_names)]
    return reference


def test_shape_and_defaults_from_summary(cdnow_summary: pd.DataFrame, cdnow_bgnbd: BGNBD) -> None:
    # CDNOW calibration: largest frequency 29, largest T 38.86 weeks → recency 0..38, T = 38
    matrix = expected_purchases_matrix(cdnow_bgnbd, 10, summary=cdnow_summary)
    assert matrix.shape == (30, 39)
    assert matrix.index.name == "frequency" and matrix.columns.name == "recency"
    assert list(matrix.index) == list(range(30)) and list(matrix.columns) == list(range(39))
    assert matrix.attrs == {"T": 38.0, "t": 10.0}
    alive = p_alive_matrix(cdnow_bgnbd, summary=cdnow_summary)
    assert alive.shape == (30, 39) and alive.attrs == {"T": 38.0}


def test_impossible_cells_are_nan(cdnow_summary: pd.DataFrame, cdnow_bgnbd: BGNBD) -> None:
    # frequency 0 ⇔ one purchase day ⇔ recency 0; recency cannot exceed the age T
    alive = p_alive_matrix(cdnow_bgnbd, T=20, max_frequency=4, max_recency=25)
    assert alive.loc[0, 0] == 1.0  # BG/NBD: a customer without repeat purchases has not dropped
    assert alive.loc[0, 1:].isna().all()
    assert alive.loc[1:, 0].isna().all()
    assert alive.loc[:, 21:].isna().all().all()
    assert alive.loc[1:, 1:20].notna().all().all()


def test_p_alive_rises_with_recency(cdnow_summary: pd.DataFrame, cdnow_bgnbd: BGNBD) -> None:
    # same number of repeat purchases, the later the last one, the likelier still alive
    alive = p_alive_matrix(cdnow_bgnbd, summary=cdnow_summary)
    for frequency in range(1, 30):
        row = alive.loc[frequency, 1:].to_numpy()
        assert (np.diff(row) > 0).all(), frequency
        assert ((row > 0) & (row < 1)).all()


def test_cells_equal_lifetimes(cdnow_bgnbd: BGNBD) -> None:
    reference = _lifetimes(cdnow_bgnbd, BetaGeoFitter)
    expected = expected_purchases_matrix(cdnow_bgnbd, 10, T=38, max_frequency=29, max_recency=38)
    alive = p_alive_matrix(cdnow_bgnbd, T=38, max_frequency=29, max_recency=38)
    for frequency, recency in [(3, 20), (1, 1), (29, 38), (12, 5), (0, 0)]:
        assert expected.loc[frequency, recency] == pytest.approx(
            reference.conditional_expected_number_of_purchases_up_to_time(
                10, frequency, recency, 38
            ),
            abs=1e-9,
        )
        assert alive.loc[frequency, recency] == pytest.approx(
            reference.conditional_probability_alive(frequency, recency, 38), abs=1e-9
        )


def test_pareto_nbd_cells_equal_lifetimes() -> None:
    model = ParetoNBD()
    model.params_ = {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67}  # published CDNOW
    reference = _lifetimes(model, ParetoNBDFitter)
    expected = expected_purchases_matrix(model, 39, T=30.5, max_frequency=6, max_recency=30)
    alive = p_alive_matrix(model, T=30.5, max_frequency=6, max_recency=30)
    for frequency, recency in [(2, 10), (6, 30), (0, 0)]:
        assert expected.loc[frequency, recency] == pytest.approx(
            reference.conditional_expected_number_of_purchases_up_to_time(
                39, frequency, recency, 30.5
            ),
            abs=1e-9,
        )
        assert alive.loc[frequency, recency] == pytest.approx(
            reference.conditional_probability_alive(frequency, recency, 30.5), abs=1e-9
        )


def test_same_as_model_on_hand_made_customers(cdnow_bgnbd: BGNBD) -> None:
    customers = pd.DataFrame({"frequency": [0.0, 2.0, 5.0], "recency": [0.0, 7.0, 12.0], "T": 12.0})
    expected = expected_purchases_matrix(cdnow_bgnbd, 52, T=12, max_frequency=5, max_recency=12)
    cells = [expected.loc[0, 0], expected.loc[2, 7], expected.loc[5, 12]]
    np.testing.assert_allclose(cells, cdnow_bgnbd.expected_purchases(52, customers), rtol=1e-12)


def test_calibration_columns_and_errors(cdnow_bgnbd: BGNBD) -> None:
    cal = calibration_holdout(cdnow_sample(), CAL_END, HOLDOUT_END)  # *_cal columns
    assert p_alive_matrix(cdnow_bgnbd, summary=cal).shape == (30, 39)
    with pytest.raises(WorkbenchError, match="pass max_frequency and max_recency"):
        p_alive_matrix(cdnow_bgnbd)
    with pytest.raises(WorkbenchError, match="summary is empty"):
        p_alive_matrix(cdnow_bgnbd, summary=cal.iloc[:0])
    with pytest.raises(WorkbenchError, match=">= 0"):
        p_alive_matrix(cdnow_bgnbd, max_frequency=-1, max_recency=3)
    one = expected_purchases_matrix(cdnow_bgnbd, 1, max_frequency=0, max_recency=0)
    assert one.shape == (1, 1) and one.attrs["T"] == 0.0

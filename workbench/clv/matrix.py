"""Frequency × recency matrices of a fitted purchase model: expected purchases and P(alive).

What lifetimes' ``plot_frequency_recency_matrix`` / ``plot_probability_alive_matrix`` draw, as
DataFrames: rows are frequency 0..max_frequency (index "frequency"), columns recency
0..max_recency in whole units (columns "recency"), every cell a hypothetical customer of age T.
Both call the model's own vectorised methods once on the whole grid.

Impossible cells are NaN (see ``workbench.clv.summary`` for the definitions): frequency 0 means one
purchase day, so recency is 0; frequency > 0 means recency > 0; and recency cannot exceed T.
Cells with frequency > recency × days-per-unit (more repeat days than days elapsed) are kept: the
matrix does not know the unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.clv.purchase import PurchaseModel
from workbench.core.errors import WorkbenchError


def expected_purchases_matrix(
    model: PurchaseModel,
    t: float,
    T: float | None = None,
    max_frequency: int | None = None,
    max_recency: int | None = None,
    summary: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Expected repeat purchases in the next ``t`` units by frequency (rows) and recency (columns).

    Limits default to the ``summary``'s largest frequency and floor of its largest T (as lifetimes);
    ``T`` (the customers' age) defaults to max_recency. Impossible cells are NaN.
    """
    grid, shape = _grid(T, max_frequency, max_recency, summary)
    values = model.expected_purchases(t, grid[_possible(grid)])
    return _matrix(values, grid, shape, t=float(t))


def p_alive_matrix(
    model: PurchaseModel,
    T: float | None = None,
    max_frequency: int | None = None,
    max_recency: int | None = None,
    summary: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Probability of being alive at age ``T`` by frequency (rows) and recency (columns).

    Same grid, defaults and NaN cells as ``expected_purchases_matrix``.
    """
    grid, shape = _grid(T, max_frequency, max_recency, summary)
    return _matrix(model.p_alive(grid[_possible(grid)]), grid, shape)


def _grid(
    T: float | None,
    max_frequency: int | None,
    max_recency: int | None,
    summary: pd.DataFrame | None,
) -> tuple[pd.DataFrame, tuple[int, int]]:
    """Frequency, recency and T of each cell (frequency-major) and the matrix shape."""
    if max_frequency is None:
        max_frequency = int(_column_max(summary, "frequency"))
    if max_recency is None:
        max_recency = int(np.floor(_column_max(summary, "T")))
    if max_frequency < 0 or max_recency < 0:
        limits = f"{max_frequency}, {max_recency}"
        raise WorkbenchError(f"max_frequency and max_recency must be >= 0, got {limits}")
    frequency, recency = np.meshgrid(
        np.arange(max_frequency + 1, dtype=float),
        np.arange(max_recency + 1, dtype=float),
        indexing="ij",
    )
    age = float(max_recency if T is None else T)
    grid = pd.DataFrame({"frequency": frequency.ravel(), "recency": recency.ravel(), "T": age})
    return grid, frequency.shape


def _column_max(summary: pd.DataFrame | None, name: str) -> float:
    """Largest value of ``name`` (or ``name_cal``) in the summary, for a default grid limit."""
    if summary is None:
        raise WorkbenchError("pass max_frequency and max_recency, or a summary to take them from")
    column = name if name in summary.columns else f"{name}_cal"
    if column not in summary.columns:
        raise WorkbenchError(f"summary needs column {name!r} (or {name}_cal)")
    if not summary[column].notna().any():
        raise WorkbenchError("the summary is empty: pass max_frequency and max_recency")
    return float(summary[column].max())


def _possible(grid: pd.DataFrame) -> pd.Series:
    """Cells a real customer can be in: recency 0 exactly when frequency is 0, and recency <= T."""
    frequency, recency = grid["frequency"], grid["recency"]
    return ((frequency == 0) == (recency == 0)) & (recency <= grid["T"])


def _matrix(
    values: pd.Series, grid: pd.DataFrame, shape: tuple[int, int], **attrs: float
) -> pd.DataFrame:
    """Model values of the possible cells as a frequency × recency frame, the others NaN; the age
    T (and horizon t) in ``attrs`` for the plots' labels."""
    cells = values.reindex(grid.index).to_numpy(dtype=float).reshape(shape)
    rows, columns = shape
    matrix = pd.DataFrame(
        cells,
        index=pd.RangeIndex(rows, name="frequency"),
        columns=pd.RangeIndex(columns, name="recency"),
    )
    matrix.attrs.update(T=float(grid["T"].iat[0]), **attrs)
    return matrix

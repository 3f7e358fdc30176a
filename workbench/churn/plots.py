"""Churn charts: churn rate by period, calibration, drivers, risk bands.

Each ``plot_*`` takes an optional Axes and returns the Axes it drew on; words come from
``workbench.core.labels`` (``lang``); an empty input draws an Axes saying 无数据 / No data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from workbench.core.charts import axes_or_new, no_data
from workbench.core.labels import t
from workbench.core.periods import period_label

BAND_COLORS = {"低": "#5b9bd5", "中": "#f4b183", "高": "#c00000"}


def plot_churn_trend(trend: pd.DataFrame, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Churn rate by period (period, churn_rate); periods whose window is open are gaps."""
    ax = axes_or_new(ax)
    title = t("churn_trend_title", lang)
    if trend.empty or trend["churn_rate"].notna().sum() == 0:
        return no_data(ax, lang, title)
    labels = [period_label(p, lang) for p in trend["period"]]
    ax.plot(range(len(labels)), trend["churn_rate"].to_numpy(float), marker="o", color="#c00000")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=title, ylabel=t("churn_col_churn_rate", lang), ylim=(0, None))
    return ax


def plot_calibration(calibration: pd.DataFrame, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Observed churn rate against the mean predicted probability per bin; the diagonal is
    perfect calibration."""
    ax = axes_or_new(ax, (5, 5))
    title = t("churn_calibration_title", lang)
    if calibration.empty:
        return no_data(ax, lang, title)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    ax.plot(calibration["predicted"], calibration["observed"], marker="o", color="#1f4e78")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=title, xlabel=t("churn_calibration_predicted", lang),
           ylabel=t("churn_calibration_observed", lang), xlim=(0, 1), ylim=(0, 1))  # fmt: skip
    return ax


def plot_importance(table: pd.DataFrame, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Horizontal bars of a localized importance table (feature name, importance), largest on
    top (`workbench.churn.tables.importance_table`)."""
    ax = axes_or_new(ax, (7, 4.5))
    title = t("churn_importance_title", lang)
    if table.empty:
        return no_data(ax, lang, title)
    names, values = table.iloc[:, 0].astype(str), table.iloc[:, 1].to_numpy(float)
    ax.barh(np.arange(len(names))[::-1], values, color="#1f4e78")
    ax.set_yticks(np.arange(len(names))[::-1], names)
    ax.set(title=title, xlabel=table.columns[1])
    return ax


def plot_risk_bands(customers: pd.DataFrame, lang: str = "zh", ax: Axes | None = None) -> Axes:
    """Customers per risk band 低 / 中 / 高."""
    ax = axes_or_new(ax, (5, 4))
    title = t("churn_bands_title", lang)
    if customers.empty:
        return no_data(ax, lang, title)
    counts = customers["band"].value_counts().reindex(list(BAND_COLORS), fill_value=0)
    labels = [t(f"churn_band_{b}", lang) for b in counts.index]
    bars = ax.bar(labels, counts.to_numpy(), color=[BAND_COLORS[b] for b in counts.index])
    ax.bar_label(bars, fmt="{:,.0f}")
    ax.set(title=title, ylabel=t("churn_col_customers", lang), xlabel=t("churn_band", lang))
    return ax

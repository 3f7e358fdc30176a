"""Trend charts: a measure of every region period by period, the regions side by side, the
cohort retention heatmap and a region's complaints against its own history.

Each ``plot_*`` takes an optional Axes and returns the Axes it drew on; labels come from
``workbench.core.labels`` in ``lang``. An empty input draws 无数据 / No data instead of failing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from workbench.core.charts import axes_or_new, no_data
from workbench.core.labels import t
from workbench.trends.analysis import COMPANY

_SHARES = ("churn_rate", "new_buyers_qoq", "new_buyers_yoy", "revenue_qoq", "revenue_yoy",
           "churn_rate_change")  # fmt: skip
_THOUSANDS = FuncFormatter(lambda v, _: f"{v:,.0f}")


def _axis_format(ax: Axes, column: str, axis: str = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(1.0) if column in _SHARES else _THOUSANDS)


def plot_region_trend(
    growth: pd.DataFrame, column: str, highlight: str | None = None, lang: str = "zh",
    title: str = "", ax: Axes | None = None,
) -> Axes:  # fmt: skip
    """One line per region (全国 left out) of ``column`` of `region_growth` over the periods;
    the `highlight` region drawn thick, the others thin."""
    ax = axes_or_new(ax, (8, 4))
    regions = growth[growth["region"] != COMPANY]
    if regions.empty or regions[column].isna().all():
        return no_data(ax, lang, title)
    table = regions.pivot(index="period", columns="region", values=column)
    order = list(dict.fromkeys(regions["region"]))
    for region, color in zip(order, sns.color_palette("tab10", len(order)), strict=True):
        bold = region == highlight
        ax.plot(table.index, table[region].to_numpy(dtype=float), marker="o" if bold else None,
                lw=3 if bold else 1.2, alpha=1 if bold else 0.6, color=color, label=region)  # fmt: skip
    _axis_format(ax, column)
    ax.tick_params(axis="x", rotation=45)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set(title=title, xlabel=t("tr_when", lang), ylabel=t(f"tr_{column}", lang))
    return ax


def plot_region_comparison(
    comparison: pd.DataFrame, column: str, highlight: str | None = None, lang: str = "zh",
    title: str = "", ax: Axes | None = None,
) -> Axes:  # fmt: skip
    """Horizontal bars of ``column`` per region in the period (`region_comparison`), 全国 as a
    dashed line, the `highlight` region darker; values labelled."""
    ax = axes_or_new(ax, (6, 4))
    regions = comparison[comparison["region"] != COMPANY]
    values = regions[column].to_numpy(dtype=float)
    if regions.empty or np.isnan(values).all():
        return no_data(ax, lang, title)
    shown = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    colors = ["#1f4e78" if r == highlight else "#9dc3e6" for r in regions["region"]]
    bars = ax.barh(regions["region"].tolist(), shown, color=colors)
    share = column in _SHARES
    labels = ["–" if not np.isfinite(v) else (f"{v:+.1%}" if share and column != "churn_rate"
              else f"{v:.1%}" if share else f"{v:,.0f}") for v in values]  # fmt: skip
    ax.bar_label(bars, labels=labels, padding=3, fontsize=9)
    company = comparison.loc[comparison["region"] == COMPANY, column]
    if len(company) and np.isfinite(company.iloc[0]):
        ax.axvline(company.iloc[0], ls="--", color="grey", lw=1, label=t("all_regions", lang))
        ax.legend(loc="lower right", frameon=False)
    ax.axvline(0, color="black", lw=0.8)
    ax.invert_yaxis()
    _axis_format(ax, column, "x")
    ax.set(title=title, xlabel=t(f"tr_{column}", lang), ylabel="")
    return ax


def plot_retention_heatmap(
    matrix: pd.DataFrame, sizes: pd.Series | None = None, by: str = "customers",
    lang: str = "zh", title: str = "", ax: Axes | None = None,
) -> Axes:  # fmt: skip
    """Cohorts (rows, oldest on top) × periods after acquisition of `retention_matrix`, in %,
    annotated; unobserved cells blank. `sizes` (customers per cohort) label the rows."""
    ax = axes_or_new(ax, (9, 0.45 * len(matrix) + 1.5))
    if matrix.empty or matrix.isna().all().all():
        return no_data(ax, lang, title)
    values = matrix.to_numpy(dtype=float)
    labels = [[("" if np.isnan(v) else f"{v:.0%}") for v in row] for row in values]
    rows = [t("tp_cohort_size", lang, cohort=c, n=int(sizes[c])) if sizes is not None else c
            for c in matrix.index]  # fmt: skip
    grid = pd.DataFrame(values, index=rows, columns=matrix.columns)
    top = 1.0 if by == "customers" else max(1.0, float(np.nanquantile(values, 0.95)))
    sns.heatmap(grid, annot=labels, fmt="", cmap="YlGnBu", vmin=0, vmax=top, linewidths=0.5,
                linecolor="white", cbar_kws={"format": PercentFormatter(1.0)}, ax=ax)  # fmt: skip
    ax.grid(False)
    ax.tick_params(axis="y", rotation=0)
    key = "tp_retention_customers" if by == "customers" else "tp_retention_revenue"
    ax.set(title=title or t(key, lang), xlabel=t("tp_period_x", lang), ylabel="")
    return ax


def plot_complaints(
    counts: pd.DataFrame, rises: pd.DataFrame, region: str, z_threshold: float = 3.5,
    lang: str = "zh", title: str = "", ax: Axes | None = None,
) -> Axes:  # fmt: skip
    """A region's complaints per period (`complaint_counts`) with the band median ± z_threshold
    × scale of its history (`complaint_rises`); the last period marked when flagged."""
    ax = axes_or_new(ax, (8, 3.5))
    if region not in counts.index or counts.loc[region].isna().all():
        return no_data(ax, lang, title)
    series = counts.loc[region]
    x = [str(q) for q in series.index]
    ax.plot(x, series.to_numpy(dtype=float), marker="o", color="#4c72b0", label=region)
    score = rises.set_index("region").loc[region]
    if np.isfinite(score["median"]):
        low = max(score["median"] - z_threshold * score["scale"], 0)
        high = score["median"] + z_threshold * score["scale"]
        ax.axhspan(low, high, color="grey", alpha=0.15, label=t("tp_median_band", lang))
        ax.axhline(score["median"], color="grey", lw=1, ls="--")
    if bool(score["flagged"]):
        ax.scatter([x[-1]], [series.iloc[-1]], s=120, color="crimson", zorder=3,
                   label=t("tp_flagged", lang))  # fmt: skip
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", rotation=45)
    ax.legend(loc="upper left", frameon=False)
    ax.set(title=title, xlabel=t("tr_when", lang), ylabel=t("tp_complaints_y", lang))
    return ax

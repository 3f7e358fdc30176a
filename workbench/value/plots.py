"""Customer-value charts: RFM grid, segment shares, Pareto (ABC) curve, CLV model matrices,
holdout calibration and the CLV distribution.

Each ``plot_*`` takes an optional Axes and returns the Axes it drew on; built-in labels are in
Simplified Chinese (``lang="zh"``) or English (``lang="en"``) from ``workbench.core.labels``. An empty
input draws an empty Axes saying 无数据 / No data instead of failing. Call
``workbench.core.charts.use_report_style()`` first so Chinese labels render.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from workbench.core.charts import axes_or_new, no_data
from workbench.core.errors import ParameterError
from workbench.core.labels import t

IMPOSSIBLE_COLOR = "#dddddd"  # NaN cells of the CLV matrices
_THOUSANDS = FuncFormatter(lambda v, _: f"{v:,.0f}")


# --- RFM and segments -------------------------------------------------------------------------


def rfm_grid(
    scores: pd.DataFrame, value: Literal["customers", "monetary"] = "customers", bins: int = 5
) -> pd.DataFrame:
    """R score (rows, best first) × F score (columns) table of customer counts or mean monetary;
    what ``plot_rfm_heatmap`` draws. Empty cells are 0 customers or NaN monetary."""
    levels = range(1, bins + 1)
    groups = scores.groupby(["r_score", "f_score"])
    if value == "customers":
        cells = groups.size().unstack(fill_value=0)
        return cells.reindex(index=levels[::-1], columns=levels, fill_value=0)
    if value == "monetary":
        cells = groups["monetary"].mean().unstack()
        return cells.reindex(index=levels[::-1], columns=levels)
    raise ParameterError(f"value must be 'customers' or 'monetary', got {value!r}")


def plot_rfm_heatmap(
    scores: pd.DataFrame,
    value: Literal["customers", "monetary"] = "customers",
    bins: int | None = None,
    lang: str = "zh",
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of R score (rows, 5 on top) × F score of ``rfm.rfm_scores`` output: customers per
    cell or their mean monetary, annotated. ``bins`` defaults to the largest score present."""
    ax = axes_or_new(ax, (6.5, 5))
    if scores.empty:
        return no_data(ax, lang, title)
    bins = bins or int(max(scores["r_score"].max(), scores["f_score"].max()))
    grid = rfm_grid(scores, value, bins)
    labels = grid.map(lambda v: "" if pd.isna(v) else f"{v:,.0f}").to_numpy()
    bar = t("customers", lang) if value == "customers" else t("vp_mean_monetary", lang)
    sns.heatmap(
        grid,
        annot=labels,
        fmt="",
        cmap="YlGnBu",
        linewidths=0.5,
        linecolor="white",
        cbar_kws={"label": bar, "format": _THOUSANDS},
        ax=ax,
    )
    ax.grid(False)
    ax.tick_params(axis="y", rotation=0)
    ax.set(title=title, xlabel=t("vp_f_score", lang), ylabel=t("vp_r_score", lang))
    return ax


def plot_segment_value(
    summary: pd.DataFrame, lang: str = "zh", title: str = "", ax: Axes | None = None
) -> Axes:
    """Customer share vs revenue share per class of ``segments.segment_summary`` output, as paired
    horizontal bars in the summary's row order (first on top), labelled in percent."""
    ax = axes_or_new(ax, (7, max(3.0, 0.8 * len(summary) + 1)))
    if summary.empty:
        return no_data(ax, lang, title)
    y, height = np.arange(len(summary)), 0.38
    colors = sns.color_palette("Set2", 2)
    pairs = (("customer_share", "vp_customer_share", -1), ("revenue_share", "vp_revenue_share", 1))
    for (column, key, side), color in zip(pairs, colors, strict=True):
        shares = summary[column].to_numpy(dtype=float)
        bars = ax.barh(y + side * height / 2, shares, height, label=t(key, lang), color=color)
        ax.bar_label(bars, labels=[f"{s:.1%}" for s in shares], padding=3, fontsize=9)
    top = float(summary[["customer_share", "revenue_share"]].to_numpy().max())
    ax.set_xlim(0, max(top, 0.01) * 1.18)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_yticks(y, summary["class"].astype(str).tolist())
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=2, frameon=False)
    ax.set(title=title, xlabel="", ylabel="")
    return ax


def plot_pareto_curve(
    abc: pd.DataFrame,
    shares: Sequence[float] = (0.2, 0.5, 0.3),
    lang: str = "zh",
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Cumulative revenue share vs cumulative share of customers of ``segments.abc_classes``
    output (largest revenue first), from the origin; A/B/C bands shaded, counted in the legend.
    ``shares`` are those the classes were made with (drawn as the ABC revenue limits)."""
    ax = axes_or_new(ax, (8, 4.5))
    if abc.empty:
        return no_data(ax, lang, title)
    n = len(abc)
    x = np.arange(n + 1) / n
    y = np.concatenate([[0.0], abc["cum_share"].to_numpy(dtype=float)])
    handles = [ax.plot(x, y, color="#1b7837", lw=2, label=t("vp_pareto_curve", lang))[0]]
    handles += ax.plot(
        [0, 1], [0, 1], ls="--", color="grey", lw=1, label=t("vp_pareto_equal", lang)
    )
    cuts = np.cumsum(shares)[:-1]
    for cut in cuts:
        ax.axhline(cut, ls=":", color="dimgrey", lw=1)
    cut_text = t("list_sep", lang).join(f"{c:.0%}" for c in cuts)
    label = t("vp_pareto_cuts", lang, cuts=cut_text)
    handles.append(Line2D([], [], ls=":", color="dimgrey", label=label))
    handles += _abc_bands(ax, abc["abc_class"].astype(str).to_numpy(), lang)
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1.02),
        title=title,
        xlabel=t("vp_pareto_x", lang),
        ylabel=t("vp_pareto_y", lang),
    )
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
    return ax


def _abc_bands(ax: Axes, classes: np.ndarray, lang: str) -> list[Patch]:
    """Shade the run of customers of each class (contiguous: sorted by revenue); legend patches
    saying how many customers each holds and their share."""
    n, start, handles = len(classes), 0, []
    for abc, color in zip("ABC", sns.color_palette("Set2", 3), strict=True):
        count = int(np.sum(classes == abc))
        if count == 0:
            continue
        x0, x1 = start / n, (start + count) / n
        ax.axvspan(x0, x1, color=color, alpha=0.25, lw=0)
        if x1 - x0 > 0.03:
            ax.text((x0 + x1) / 2, 0.02, abc, ha="center", va="bottom", fontsize=11)
        label = t("vp_pareto_band", lang, abc=abc, n=count, share=count / n)
        handles.append(Patch(color=color, alpha=0.5, label=label))
        start += count
    return handles


# --- CLV models --------------------------------------------------------------------------------


def _unit(unit_days: float, lang: str) -> str:
    """The summary's time unit as words: weeks (7 days), days (1) or units of N days."""
    if unit_days == 7:
        return t("vp_unit_weeks", lang)
    if unit_days == 1:
        return t("vp_unit_days", lang)
    return t("vp_unit_other", lang, days=unit_days)


def _plot_matrix(
    matrix: pd.DataFrame,
    bar_label: str,
    unit_days: float,
    lang: str,
    title: str,
    ax: Axes | None,
    **image: object,
) -> Axes:
    """A frequency (y, high on top) × recency (x) heatmap of a ``clv_matrix`` frame; NaN cells
    (impossible combinations) grey, at most ~10 integer ticks per axis."""
    ax = axes_or_new(ax, (7.5, 5.5))
    if matrix.empty or matrix.isna().all().all():
        return no_data(ax, lang, title)
    cmap = plt.get_cmap("viridis").with_extremes(bad=IMPOSSIBLE_COLOR)
    rows, columns = matrix.index, matrix.columns
    extent = (columns[0] - 0.5, columns[-1] + 0.5, rows[0] - 0.5, rows[-1] + 0.5)
    picture = ax.imshow(
        matrix.to_numpy(dtype=float),
        origin="lower",
        aspect="auto",
        cmap=cmap,
        interpolation="nearest",
        extent=extent,
        **image,
    )
    ax.figure.colorbar(picture, ax=ax, label=bar_label)
    ax.grid(False)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(nbins=10, integer=True))
    unit = _unit(unit_days, lang)
    xlabel = t("vp_recency", lang, unit=unit)
    if "T" in matrix.attrs:
        xlabel += t("vp_age", lang, T=matrix.attrs["T"], unit=unit)
    ax.set(title=title, xlabel=xlabel, ylabel=t("vp_frequency", lang))
    if matrix.isna().any().any():
        grey = Patch(facecolor=IMPOSSIBLE_COLOR, edgecolor="grey", label=t("vp_impossible", lang))
        ax.legend(handles=[grey], loc="upper left", fontsize=8)
    return ax


def plot_expected_purchases_matrix(
    matrix: pd.DataFrame,
    unit_days: float = 7.0,
    lang: str = "zh",
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of ``clv_matrix.expected_purchases_matrix``: expected purchases in the next t
    units by frequency and recency (``unit_days``: days per unit of the summary, for labels)."""
    horizon = matrix.attrs.get("t")
    if horizon is None:
        label = t("vp_expected", lang)
    else:
        label = t("vp_expected_next", lang, t=horizon, unit=_unit(unit_days, lang))
    return _plot_matrix(matrix, label, unit_days, lang, title, ax, vmin=0)


def plot_p_alive_matrix(
    matrix: pd.DataFrame,
    unit_days: float = 7.0,
    lang: str = "zh",
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of ``clv_matrix.p_alive_matrix``: probability alive by frequency and recency,
    on a fixed 0–1 colour scale so models and data sets compare."""
    return _plot_matrix(matrix, t("vp_p_alive", lang), unit_days, lang, title, ax, vmin=0, vmax=1)


def plot_calibration(
    table: pd.DataFrame, lang: str = "zh", title: str = "", ax: Axes | None = None
) -> Axes:
    """Actual vs predicted mean holdout purchases per calibration-frequency bucket
    (``clv.holdout_by_frequency`` output); tick labels give each bucket's customer count."""
    ax = axes_or_new(ax, (7, 4))
    if table.empty:
        return no_data(ax, lang, title)
    x = np.arange(len(table))
    ax.plot(x, table["actual"].to_numpy(dtype=float), marker="o", label=t("vp_actual", lang))
    ax.plot(
        x,
        table["predicted"].to_numpy(dtype=float),
        marker="s",
        ls="--",
        label=t("vp_predicted", lang),
    )
    ticks = [
        t("vp_calib_tick", lang, f=str(f), n=int(n))
        for f, n in zip(table.index, table["customers"], strict=True)
    ]
    ax.set_xticks(x, ticks, fontsize=9 if len(ticks) <= 9 else 7)  # 12+ buckets stay legible
    ax.set_ylim(bottom=0)
    ax.legend()
    ax.set(title=title, xlabel=t("vp_calib_x", lang), ylabel=t("vp_calib_y", lang))
    return ax


def plot_clv_distribution(
    clv: pd.Series,
    clip_quantile: float | None = 0.99,
    top_share: float = 0.2,
    bins: int = 50,
    lang: str = "zh",
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Histogram of customers' CLV (yuan) with the median and top-``top_share`` threshold marked.

    Heavy right tails: values above the ``clip_quantile`` quantile are counted in the last bar
    and the x label says how many and from where (None: no clipping). NaN values are left out.
    """
    ax = axes_or_new(ax, (7, 4))
    values = clv.dropna().to_numpy(dtype=float)
    if len(values) == 0:
        return no_data(ax, lang, title)
    median, threshold = np.median(values), np.quantile(values, 1 - top_share)
    xlabel = t("vp_clv", lang)
    cut = np.quantile(values, clip_quantile) if clip_quantile is not None else np.inf
    if over := int(np.sum(values > cut)):
        values = np.minimum(values, cut)
        xlabel = t("vp_clv_clipped", lang, q=100 * clip_quantile, cut=cut, n=over)
    ax.hist(values, bins=bins, color=sns.color_palette("Set2")[0], edgecolor="white")
    ax.axvline(median, color="#4c72b0", ls="--", label=t("vp_clv_median", lang, v=median))
    top_label = t("vp_clv_top", lang, share=top_share, v=threshold)
    ax.axvline(threshold, color="crimson", label=top_label)
    ax.xaxis.set_major_formatter(_THOUSANDS)
    ax.legend()
    ax.set(title=title, xlabel=xlabel, ylabel=t("customers", lang))
    return ax

"""Funnel charts: the funnel itself (leads per stage, conversion beside each step), loss reasons
and days in stage.

Each ``plot_*`` takes an optional Axes and returns the Axes it drew on; labels come from
``workbench.core.labels`` in ``lang``. An empty input draws an Axes saying 无数据 / No data.
Call ``workbench.core.charts.use_report_style()`` first so Chinese labels render.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from workbench.core.charts import axes_or_new, no_data
from workbench.core.labels import t
from workbench.funnel.stages import STAGES
from workbench.funnel.tables import reason_name, stage_name


def plot_funnel(
    funnel: pd.DataFrame,
    convention: str = "reached",
    lang: str = "zh",
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """The funnel of `metrics.funnel_table` under ``convention``: one centred bar per stage
    (潜在线索 on top) labelled with its leads, the conversion from the stage before between bars,
    the weakest stage in a warm colour."""
    ax = axes_or_new(ax, (8, 4.5))
    rows = funnel.set_index("stage").reindex(list(STAGES))
    counts = rows[convention].astype("float64").to_numpy()
    if funnel.empty or np.isnan(counts).all() or np.nansum(counts) == 0:
        return no_data(ax, lang, title)
    counts = np.nan_to_num(counts)
    y = np.arange(len(STAGES))
    base, warm = sns.color_palette("Set2", 2)[0], sns.color_palette("Set2", 2)[1]
    weakest = rows["weakest"].fillna(False).astype(bool).to_numpy()
    colors = [warm if w else base for w in weakest]
    ax.barh(y, counts, left=-counts / 2, color=colors, height=0.7)
    for i, count in enumerate(counts):
        ax.text(0, i, f"{count:,.0f}", ha="center", va="center", fontsize=11)
    conversion = rows[f"{convention}_conversion"].to_numpy(dtype="float64")
    for i in range(1, len(STAGES)):
        if not np.isnan(conversion[i]):
            ax.text(counts.max() * 0.52, i - 0.5, f"↓ {conversion[i]:.1%}", ha="left",
                    va="center", fontsize=9, color="dimgray")  # fmt: skip
    ax.set_yticks(y, [stage_name(s, lang) for s in STAGES])
    ax.invert_yaxis()
    ax.set_xlim(-counts.max() * 0.55, counts.max() * 0.8)
    ax.set_xticks([])
    ax.grid(False)
    ax.set(title=title, xlabel=t("fn_axis_leads", lang))
    return ax


def plot_loss_reasons(
    reasons: pd.DataFrame, lang: str = "zh", title: str = "", ax: Axes | None = None
) -> Axes:
    """Share of the lost leads per reason (`metrics.loss_reasons`), largest on top, in percent."""
    ax = axes_or_new(ax, (7, max(3.0, 0.5 * len(reasons) + 1)))
    if reasons.empty:
        return no_data(ax, lang, title)
    shares = reasons["share"].to_numpy(dtype="float64")
    y = np.arange(len(reasons))
    bars = ax.barh(y, shares, color=sns.color_palette("Set2", 3)[2])
    ax.bar_label(bars, labels=[f"{s:.1%}" for s in shares], padding=3, fontsize=9)
    ax.set_yticks(y, [reason_name(r, lang) for r in reasons["reason"]])
    ax.invert_yaxis()
    ax.set_xlim(0, max(float(shares.max()), 0.01) * 1.2)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(axis="y", visible=False)
    ax.set(title=title, xlabel=t("fn_axis_share", lang))
    return ax


def plot_stage_days(
    days: pd.DataFrame, lang: str = "zh", title: str = "", ax: Axes | None = None
) -> Axes:
    """Mean and median days in each stage (`metrics.stage_days`, the cycle left out), paired."""
    ax = axes_or_new(ax, (7, 4))
    days = days[days["stage"] != "cycle"]
    if days.empty or days[["mean_days", "median_days"]].isna().all().all():
        return no_data(ax, lang, title)
    x, width = np.arange(len(days)), 0.38
    colors = sns.color_palette("Set2", 2)
    for (column, key, side), color in zip((("mean_days", "fn_mean", -1),
                                           ("median_days", "fn_median", 1)), colors, strict=True):  # fmt: skip
        values = days[column].to_numpy(dtype="float64")
        bars = ax.bar(x + side * width / 2, np.nan_to_num(values), width, label=t(key, lang),
                      color=color)  # fmt: skip
        ax.bar_label(bars, labels=["" if np.isnan(v) else f"{v:.1f}" for v in values],
                     padding=2, fontsize=9)  # fmt: skip
    ax.set_xticks(x, [stage_name(s, lang) for s in days["stage"]])
    ax.legend()
    ax.set(title=title, ylabel=t("fn_axis_days", lang))
    return ax

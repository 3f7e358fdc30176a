"""Requirement charts: shares of one dimension, the value × urgency quadrants, time to resolve
per quadrant against its target, and keyword themes.

Each ``plot_*`` takes an optional Axes and returns the Axes it drew on; labels come from
``workbench.core.labels`` in ``lang`` (vocabulary values too: 功能需求 → Functional). An empty
input draws 无数据 / No data instead of failing. Call
``workbench.core.charts.use_report_style()`` first so Chinese labels render.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.ticker import PercentFormatter

from workbench.core.charts import axes_or_new, no_data
from workbench.core.labels import t
from workbench.requirements.tables import value_text

QUADRANT_COLORS = {"Q1": "#d9534f", "Q2": "#f0ad4e", "Q3": "#5bc0de", "Q4": "#bbbbbb"}
# Where each quadrant sits: (column, row) with urgent on the left and high value on top.
QUADRANT_CELLS = {"Q1": (0, 1), "Q2": (1, 1), "Q3": (0, 0), "Q4": (1, 0)}


def plot_shares(
    shares: pd.DataFrame, lang: str = "zh", title: str = "", ax: Axes | None = None
) -> Axes:
    """Horizontal bars of `analysis.shares` output (label, count, share), largest on top,
    labelled with the share and the count."""
    ax = axes_or_new(ax, (6, max(2.5, 0.5 * len(shares) + 1)))
    if shares.empty or shares["count"].sum() == 0:
        return no_data(ax, lang, title)
    y = np.arange(len(shares))
    values = shares["share"].to_numpy(dtype=float)
    bars = ax.barh(y, values, color=sns.color_palette("Set2", len(shares)))
    texts = [f"{s:.1%} ({n:,})" for s, n in zip(values, shares["count"], strict=True)]
    ax.bar_label(bars, labels=texts, padding=3, fontsize=9)
    ax.set_yticks(y, [str(value_text(v, lang)) for v in shares["label"]])
    ax.invert_yaxis()
    ax.set_xlim(0, max(values.max(), 0.01) * 1.3)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(axis="y", visible=False)
    ax.set(title=title, xlabel=t("rqp_share", lang))
    return ax


def plot_quadrants(
    quadrants: pd.DataFrame, lang: str = "zh", title: str = "", ax: Axes | None = None
) -> Axes:
    """The 2 × 2 matrix of `analysis.quadrant_counts`: urgent on the left, high value on top,
    each cell with its name, requirements and share."""
    ax = axes_or_new(ax, (7, 5.5))
    if quadrants.empty or quadrants["requirements"].sum() == 0:
        return no_data(ax, lang, title)
    for row in quadrants.itertuples():
        x, y = QUADRANT_CELLS[row.quadrant]
        ax.add_patch(Rectangle((x, y), 1, 1, facecolor=QUADRANT_COLORS[row.quadrant],
                               alpha=0.35, edgecolor="white", linewidth=3))  # fmt: skip
        text = t("rqp_cell", lang, name=value_text(row.quadrant, lang), n=row.requirements,
                 share=row.share)  # fmt: skip
        ax.text(x + 0.5, y + 0.5, text, ha="center", va="center", fontsize=10, wrap=True)
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    ax.set_xticks([0.5, 1.5], [t("rqp_urgent", lang), t("rqp_not_urgent", lang)])
    ax.set_yticks([0.5, 1.5], [t("rqp_low_value", lang), t("rqp_high_value", lang)])
    ax.grid(False)
    ax.set(title=title)
    return ax


def plot_service_levels(
    service: pd.DataFrame, lang: str = "zh", title: str = "", ax: Axes | None = None
) -> Axes:
    """Median days to resolve per quadrant (bars) against the quadrant's target (a marker), from
    `analysis.service_levels`; a quadrant with nothing resolved shows only its target."""
    ax = axes_or_new(ax, (7, 4))
    if service.empty or service["resolved"].sum() == 0:
        return no_data(ax, lang, title)
    x = np.arange(len(service))
    median = service["median_days"].to_numpy(dtype=float)
    colors = [QUADRANT_COLORS[q] for q in service["quadrant"]]
    bars = ax.bar(x, np.nan_to_num(median), color=colors, alpha=0.8, label=t("rqp_median", lang))
    ax.bar_label(bars, labels=["" if np.isnan(m) else f"{m:.1f}" for m in median], padding=2)
    ax.scatter(x, service["target_days"], marker="_", s=900, color="black", zorder=3,
               label=t("rqp_target", lang))  # fmt: skip
    ax.set_xticks(x, [str(value_text(q, lang)).split(" ")[0] for q in service["quadrant"]])
    ax.set(title=title, ylabel=t("rqp_days", lang))
    ax.legend(loc="upper left", frameon=False)
    ax.grid(axis="x", visible=False)
    return ax


def plot_themes(
    themes: pd.DataFrame, lang: str = "zh", title: str = "", ax: Axes | None = None
) -> Axes:
    """Horizontal bars of the requirements mentioning each keyword of `themes.themes` output,
    in its order (highest TF-IDF score on top)."""
    ax = axes_or_new(ax, (6, max(2.5, 0.4 * len(themes) + 1)))
    if themes.empty:
        return no_data(ax, lang, title)
    y = np.arange(len(themes))
    bars = ax.barh(y, themes["mentions"].to_numpy(dtype=float), color=sns.color_palette()[0])
    ax.bar_label(bars, labels=[f"{n:,}" for n in themes["mentions"]], padding=3, fontsize=9)
    ax.set_yticks(y, themes["keyword"].astype(str).tolist())
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set(title=title, xlabel=t("rqp_mentions", lang))
    return ax

"""Customer-profile charts: shares as a pie or bars, the largest values, a trend over periods.

Each `plot_*` takes an optional Axes and returns the Axes it drew on; titles and axis labels are
given by the caller (from `workbench.core.labels`).
"""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from workbench.core.charts import axes_or_new


def plot_share_pie(dist: pd.DataFrame, title: str = "", ax: Axes | None = None) -> Axes:
    """Pie of a distribution (columns label, count); small slices are expected to be merged."""
    ax = axes_or_new(ax, (6, 6))
    colors = sns.color_palette("Set2", len(dist))
    ax.pie(
        dist["count"], labels=dist["label"], autopct="%1.1f%%", startangle=90,
        counterclock=False, colors=colors, wedgeprops={"linewidth": 1, "edgecolor": "white"},
    )  # fmt: skip
    ax.set_title(title)
    ax.axis("equal")
    return ax


def plot_top_bar(
    dist: pd.DataFrame, title: str = "", xlabel: str = "", ax: Axes | None = None
) -> Axes:
    """Horizontal bars of a distribution (columns label, count, share), largest on top."""
    ax = axes_or_new(ax)
    sns.barplot(data=dist, y="label", x="count", hue="label", legend=False, ax=ax, orient="h")
    for container, share in zip(ax.containers, dist["share"], strict=False):
        ax.bar_label(container, labels=[f"{share:.1%}"], padding=3, fontsize=9)
    ax.set(title=title, xlabel=xlabel, ylabel="")
    return ax


def plot_trend(
    trend: pd.DataFrame, value: str, title: str = "", ylabel: str = "", ax: Axes | None = None
) -> Axes:
    """Line over periods (column 'period' as text) with the last point highlighted."""
    ax = axes_or_new(ax, (8, 3.5))
    sns.lineplot(data=trend, x="period", y=value, marker="o", ax=ax)
    last = trend.iloc[-1]
    ax.scatter([last["period"]], [last[value]], s=90, color="crimson", zorder=5)
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    return ax


def plot_share_bars(
    shares: pd.DataFrame, title: str = "", xlabel: str = "", ax: Axes | None = None
) -> Axes:
    """Bars of shares in percent (columns label, share), e.g. revenue by product category."""
    ax = axes_or_new(ax)
    sns.barplot(data=shares, y="label", x="share", hue="label", legend=False, ax=ax, orient="h")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=title, xlabel=xlabel, ylabel="")
    return ax

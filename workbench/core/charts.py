"""Charts for the reports: each `plot_*` takes an optional Axes and returns the Axes it drew on.

`use_report_style()` registers the bundled Noto Sans CJK SC font (from the mplfonts wheel) so
Chinese labels render as real glyphs on machines with no CJK font installed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"


@cache
def cjk_font_name() -> str:
    """Register the bundled CJK font with matplotlib once; return its family name."""
    path = Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_report_style() -> None:
    """Seaborn theme with the CJK font first, so 中文 labels and minus signs render."""
    sns.set_theme(style="whitegrid", palette="Set2", font=cjk_font_name())
    plt.rcParams["font.sans-serif"] = [cjk_font_name(), "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["figure.dpi"] = 110


def axes_or_new(ax: Axes | None, size: tuple[float, float] = (7, 4)) -> Axes:
    """The Axes to draw on: the one given, or a new figure of `size` inches (the plot_* contract)."""
    return ax if ax is not None else plt.subplots(figsize=size)[1]


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
    """Line over quarters (column 'quarter' as text) with the last point highlighted."""
    ax = axes_or_new(ax, (8, 3.5))
    sns.lineplot(data=trend, x="quarter", y=value, marker="o", ax=ax)
    last = trend.iloc[-1]
    ax.scatter([last["quarter"]], [last[value]], s=90, color="crimson", zorder=5)
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


def plot_completeness(table: pd.DataFrame, title: str = "", ax: Axes | None = None) -> Axes:
    """Completeness per key field (columns field_zh, completeness, target) against the target line."""
    ax = axes_or_new(ax)
    colors = ["#66c2a5" if ok else "#fc8d62" for ok in table["completeness"] >= table["target"]]
    ax.barh(table["field_zh"], table["completeness"], color=colors)
    target = float(table["target"].iloc[0]) if len(table) else 0.9
    ax.axvline(target, color="crimson", linestyle="--", linewidth=1.5)
    ax.text(target, -0.6, f" {target:.0%}", color="crimson", va="top")
    for y, share in enumerate(table["completeness"]):
        ax.text(min(share, 1.0) + 0.01, y, f"{share:.1%}", va="center", fontsize=9)
    ax.set_xlim(0, 1.12)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.invert_yaxis()
    ax.set(title=title, xlabel="", ylabel="")
    return ax


def plot_rule_counts(issues: pd.DataFrame, title: str = "", ax: Axes | None = None) -> Axes:
    """Horizontal bars of how many cells/rows each rule touched (columns label, kind, count)."""
    ax = axes_or_new(ax, (8, max(3.0, 0.32 * len(issues))))
    sns.barplot(data=issues, y="label", x="count", hue="kind", ax=ax, orient="h", dodge=False)
    ax.set(title=title, xlabel="", ylabel="")
    ax.legend(title="")
    return ax

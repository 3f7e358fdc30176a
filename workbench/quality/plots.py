"""Data-quality charts: completeness of key fields against the target, and counts per rule.

Each `plot_*` takes an optional Axes and returns the Axes it drew on.
"""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from workbench.core.charts import axes_or_new


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

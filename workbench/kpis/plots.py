"""KPI charts: one KPI over the trend's periods, for a region and 全国, with its level target.

Each ``plot_*`` takes an optional Axes and returns the Axes it drew on; labels come from
``workbench.core.labels`` in ``lang``. No data draws 无数据 / No data instead of failing.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from workbench.core.charts import axes_or_new
from workbench.core.labels import t
from workbench.kpis.analysis import SCOPES

ALL_REGIONS = SCOPES[-1]  # 全国


def plot_kpi_trend(
    trend: pd.DataFrame, kpi: str, region: str = ALL_REGIONS, level: float | None = None,
    lang: str = "zh", ax: Axes | None = None,
) -> Axes:  # fmt: skip
    """``kpi`` of `KpiReport.trend` period by period for `region` (thick) and 全国 (dashed);
    `level`, a level target, drawn as a grey line."""
    ax = axes_or_new(ax, (6, 3.5))
    title = t(f"kp_{kpi}", lang)
    mine = trend[trend["kpi"] == kpi]
    if mine.empty or mine["value"].isna().all():
        ax.text(0.5, 0.5, t("vp_no_data", lang), transform=ax.transAxes, ha="center",
                va="center", fontsize=12, color="grey")  # fmt: skip
        ax.set(title=title, xticks=[], yticks=[])
        return ax
    shown = [region] if region == ALL_REGIONS else [region, ALL_REGIONS]
    for scope in shown:
        rows = mine[mine["region"] == scope]
        name = t("all_regions", lang) if scope == ALL_REGIONS else scope
        ax.plot(rows["period"], rows["value"], marker="o", label=name,
                linewidth=2.5 if scope == region else 1.2,
                linestyle="-" if scope == region else "--")  # fmt: skip
    if level is not None:
        ax.axhline(level, color="grey", linestyle=":", label=t("kp_target", lang))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.tick_params(axis="x", labelrotation=45)
    ax.set(title=title, xlabel="", ylabel="")
    ax.legend(fontsize=8)
    return ax

"""The customer profile as readers see it: the title, the KPI table, the summary sentences and the
distributions' keys (待补充, 其他) as words, in the report's language (`workbench.core.labels`).
"""

from __future__ import annotations

import pandas as pd

from workbench.core.labels import t
from workbench.core.periods import quarter_label
from workbench.extracts.schema import ALL_REGIONS
from workbench.profiling.analysis import MISSING, OTHER, SILENT_DAYS

# How each KPI of `analysis.kpi_comparison` is shown; its label is ``kpi_<key>``.
KPI_FORMATS: dict[str, str] = {
    "customers": "{:,.0f}",
    "new_customers": "{:,.0f}",
    "buyers": "{:,.0f}",
    "orders": "{:,.0f}",
    "revenue": "{:,.0f}",
    "aov": "{:,.0f}",
    "repurchase_rate": "{:.1%}",
    "followups_per_customer": "{:.2f}",
    "complaints": "{:,.0f}",
    "satisfaction": "{:.2f}",
    "silent_customers": "{:,.0f}",
}
SUMMARY_POINTS = (
    "profile_point_revenue",
    "profile_point_aov",
    "profile_point_new_customers",
    "profile_point_complaints",
)


def report_title(region: str, quarter: str, lang: str = "zh") -> str:
    """「2024年Q4华东区域客户画像分析报告」 (or its English form)."""
    name = t("all_regions", lang) if region == ALL_REGIONS else region
    return t("profiling_title", lang, period=quarter_label(quarter, lang), region=name)


def localize(dist: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A distribution (or revenue shares) with the keys of missing values and of the folded tail
    as words in `lang` (待补充, 其他); the values themselves are shown as written."""
    words = {key: t(key, lang) for key in (MISSING, OTHER)}
    return dist.assign(label=dist["label"].map(lambda label: words.get(label, label)))


def format_kpis(kpis: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The KPI comparison as display strings, with the metric names and headers in `lang`."""
    formats = kpis["key"].map(KPI_FORMATS)

    def shown(column: str) -> list[str]:
        return [
            "–" if pd.isna(value) else fmt.format(value)
            for value, fmt in zip(kpis[column], formats, strict=True)
        ]

    return pd.DataFrame(
        {
            t("metric", lang): [t(f"kpi_{key}", lang) for key in kpis["key"]],
            t("current", lang): shown("current"),
            t("previous", lang): shown("previous"),
            t("change", lang): kpis["change"].map(_change).tolist(),
        }
    )


def summary_points(kpis: pd.DataFrame, lang: str = "zh") -> list[str]:
    """Four one-line conclusions for the report's summary, from the KPI comparison."""
    k = kpis.set_index("key")
    fields: dict[str, object] = {
        **k["current"].to_dict(),
        **{f"{key}_change": _change(change) for key, change in k["change"].items()},
        "revenue_wan": k.loc["revenue", "current"] / 1e4,
        "days": SILENT_DAYS,
    }
    return [t(point, lang, **fields) for point in SUMMARY_POINTS]


def _change(change: float) -> str:
    """A relative change as +1.2%, or – when there is none (no previous value)."""
    return "–" if pd.isna(change) else f"{change:+.1%}"

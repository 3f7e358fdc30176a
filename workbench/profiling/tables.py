"""The customer profile as readers see it: the title, the KPI table, the summary sentences, the
distributions' keys (待补充, 其他) and what the data cannot show (`workbench.profiling.gaps`) as
words, in the report's language (`workbench.core.labels`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from workbench.core.labels import t
from workbench.core.periods import period_kind, period_label, year_ago
from workbench.extracts.schema import ALL_REGIONS, TABLES
from workbench.profiling.analysis import MISSING, OTHER, SILENT_DAYS
from workbench.profiling.gaps import Gap

# How each KPI of `analysis.kpi_comparison` is shown; its label is ``kpi_<key>``.
KPI_FORMATS: dict[str, str] = {
    "customers": "{:,.0f}",
    "new_customers": "{:,.0f}",
    "buyers": "{:,.0f}",
    "orders": "{:,.0f}",
    "revenue": "{:,.0f}",
    "returns": "{:,.0f}",
    "aov": "{:,.0f}",
    "repurchase_rate": "{:.1%}",
    "followups_per_customer": "{:.2f}",
    "complaints": "{:,.0f}",
    "satisfaction": "{:.2f}",
    "silent_customers": "{:,.0f}",
}
# The summary's sentences and the KPIs each one states.
SUMMARY_POINTS: dict[str, tuple[str, ...]] = {
    "profile_point_revenue": ("revenue", "buyers"),
    "profile_point_year_ago": ("revenue",),
    "profile_point_aov": ("aov", "repurchase_rate"),
    "profile_point_new_customers": ("new_customers",),
    "profile_point_complaints": ("complaints", "silent_customers"),
}


def report_title(region: str, period: str, lang: str = "zh") -> str:
    """「2024年Q4华东区域客户画像分析报告」 (2024年11月…, 2024年…; or its English form)."""
    name = t("all_regions", lang) if region == ALL_REGIONS else region
    return t("profiling_title", lang, period=period_label(period, lang), region=name)


def localize(dist: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A distribution (or revenue shares) with the keys of missing values and of the folded tail
    as words in `lang` (待补充, 其他); the values themselves are shown as written."""
    words = {key: t(key, lang) for key in (MISSING, OTHER)}
    return dist.assign(label=dist["label"].map(lambda label: words.get(label, label)))


def format_kpis(
    kpis: pd.DataFrame, period: str, lang: str = "zh", gaps: Mapping[str, Gap] | None = None
) -> pd.DataFrame:
    """The KPI comparison of `period` as display strings, with the metric names and headers in
    `lang` (本月/上月, 本季度/上季度, 本年/上年, then 去年同期 and 同比 for a month or a quarter); a
    KPI the data cannot give (`gaps`: kpi_<key>, or kpis for all) shows –."""
    kind = period_kind(period)
    kpis = _without_gaps(kpis, gaps or {})
    formats = kpis["key"].map(KPI_FORMATS)

    def shown(column: str) -> list[str]:
        return [
            "–" if pd.isna(value) else fmt.format(value)
            for value, fmt in zip(kpis[column], formats, strict=True)
        ]

    columns = {
        t("metric", lang): [t(f"kpi_{key}", lang) for key in kpis["key"]],
        t(f"per_this_{kind}", lang): shown("current"),
        t(f"per_previous_{kind}", lang): shown("previous"),
        t(f"per_change_{kind}", lang): kpis["change"].map(_change).tolist(),
    }
    if kind != "year":  # a year's previous period is already the year before
        columns[t("per_year_ago", lang)] = shown("year_ago")
        columns[t("per_year_change", lang)] = kpis["year_change"].map(_change).tolist()
    return pd.DataFrame(columns)


def summary_points(
    kpis: pd.DataFrame, period: str, lang: str = "zh", gaps: Mapping[str, Gap] | None = None
) -> list[str]:
    """Four or five one-line conclusions for the report's summary, from the KPI comparison of
    `period` (环比 against the previous period of its kind, 同比 for a month or a quarter); a
    sentence whose KPIs the data cannot give is left out, and what is missing is said, with why."""
    kind = period_kind(period)
    gaps = gaps or {}
    if "kpis" in gaps:
        return gap_sentences(gaps, lang, ("kpis",))
    k = kpis.set_index("key")
    fields: dict[str, object] = {
        **k["current"].to_dict(),
        **{f"{key}_change": _change(change) for key, change in k["change"].items()},
        "revenue_wan": k.loc["revenue", "current"] / 1e4,
        "revenue_year_change": _change(k.loc["revenue", "year_change"]),
        "year_ago": period_label(year_ago(period), lang),
        "this": t(f"per_this_{kind}", lang),
        "vs": t(f"per_vs_{kind}", lang),
        "days": SILENT_DAYS,
    }
    points = [
        t(point, lang, **fields)
        for point, keys in SUMMARY_POINTS.items()
        if not any(f"kpi_{key}" in gaps for key in keys)
        and (kind != "year" or point != "profile_point_year_ago")
    ]
    return points + gap_sentences(gaps, lang, [f"kpi_{key}" for key in kpis["key"]])


def gap_sentences(
    gaps: Mapping[str, Gap], lang: str = "zh", parts: Iterable[str] | None = None
) -> list[str]:
    """「无法展示X、Y，因为Z。」 for the `parts` in `gaps` (all by default), one sentence per
    reason, in the order of `parts`."""
    grouped: dict[Gap, list[str]] = {}
    for part in gaps if parts is None else parts:
        if part in gaps:
            grouped.setdefault(gaps[part], []).append(part)
    sep = t("list_sep", lang)
    return [
        t(
            "gap_sentence",
            lang,
            what=sep.join(_part(p, lang) for p in named),
            why=gap_reason(g, lang),
        )
        for g, named in grouped.items()
    ]


def gap_note(gaps: Mapping[str, Gap], part: str, lang: str = "zh") -> str:
    """The sentence saying why `part` is not shown ('' when it is)."""
    return "".join(gap_sentences(gaps, lang, (part,)))


def gap_reason(gap: Gap, lang: str = "zh") -> str:
    """Why, in words: 数据中没有跟进记录文件 / the extracts include no interactions file …"""
    table = TABLES.get(gap.table)
    columns = t("list_sep", lang).join(
        t("column_name", lang, zh=table.column(c).zh if table else c, name=c) for c in gap.columns
    )
    name = t("table_name", lang, zh=table.zh, name=table.name) if table else ""
    return t(f"gap_{gap.reason}", lang, table=name, columns=columns)


def _part(part: str, lang: str) -> str:
    """A report part's name: a KPI by its label (kpi_<key>), any other part by part_<name>."""
    return t(part if part.startswith("kpi_") else f"part_{part}", lang)


def _without_gaps(kpis: pd.DataFrame, gaps: Mapping[str, Gap]) -> pd.DataFrame:
    """The KPI table with the figures of KPIs the data cannot give set to missing."""
    blank = kpis["key"].map(lambda key: "kpis" in gaps or f"kpi_{key}" in gaps).astype(bool)
    figures = ("current", "previous", "change", "year_ago", "year_change")
    return kpis.assign(**{c: kpis[c].mask(blank) for c in figures if c in kpis})


def _change(change: float) -> str:
    """A relative change as +1.2%, or – when there is none (no previous value)."""
    return "–" if pd.isna(change) else f"{change:+.1%}"

"""The KPIs and the management summary as readers see them: localized tables, conclusion
sentences from the figures, links to the region reports, the workbook.

Words come from `workbench.core.labels` (``kp_*``); nothing here branches on the language.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler

from workbench.core.labels import is_label, t
from workbench.core.periods import period_label
from workbench.extracts.schema import ALL_REGIONS, REGIONS
from workbench.kpis.analysis import KPIS, LOWER_IS_BETTER, MISSED, NO_DATA, KpiReport
from workbench.kpis.params import KpiParams
from workbench.reports.excel import MONEY, SHARE, write_workbook
from workbench.reports.registry import REPORTS
from workbench.reports.safe_html import escape_markdown, markdown_link, styled_table

_SHARES = ("current", "comparison", "revenue_qoq", "revenue_yoy", "churn_rate", "win_rate",
           "resolution_rate", "completeness", "value", "change")  # fmt: skip
_FORMATS = {**dict.fromkeys(_SHARES, ("{:.1%}", SHARE)), "revenue": ("{:,.0f}", MONEY),
            "expected_value": ("{:,.0f}", MONEY),
            "revenue_qoq": ("{:+.1%}", SHARE), "revenue_yoy": ("{:+.1%}", SHARE),
            "change": ("{:+.1%}", SHARE), "complaint_z": ("{:+.1f}", "0.0"),
            "complaints": ("{:,.0f}", "#,##0")}  # fmt: skip


def report_title(period: str, lang: str = "zh") -> str:
    """「2024年Q4管理层摘要」 (2024年11月…, 2024年…; or its English form)."""
    return t("summary_title", lang, period=period_label(period, lang))


def region_name(region: str, lang: str = "zh") -> str:
    """A region as shown: the seven stay Chinese, 全国 is translated."""
    return t("all_regions", lang) if region == ALL_REGIONS else region


def no_clv_note(lang: str = "zh") -> str:
    """Where the expected value per region comes from (one company-wide CLV model)."""
    return t("kp_no_clv", lang)


def _share(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.1%}"


def target_text(kpi: str, kind: str, value: float, lang: str = "zh") -> str:
    """A target in words: ≥ 90%, 较对比期 ≥ +10% …"""
    side = "lower" if kpi in LOWER_IS_BETTER else "higher"
    return t(f"kp_target_{kind}_{side}", lang, value=value, points=value * 100)


def comparison_note(report: KpiReport, params: KpiParams, lang: str = "zh") -> str:
    """Which period the KPIs are compared with, and that the targets apply unchanged."""
    return t("kp_comparison_note", lang, period=period_label(report.period, lang),
             comparison=t(f"kp_compare_{params.compare_with}", lang),
             comparison_period=period_label(report.comparison_period, lang))  # fmt: skip


def kpi_frame(report: KpiReport, region: str = ALL_REGIONS, lang: str = "zh") -> pd.DataFrame:
    """One row per KPI of `region`: KPI, this period, comparison, change, target, status."""
    rows = report.table[report.table["region"] == region]
    return pd.DataFrame({
        "kpi": [t(f"kp_{k}", lang) for k in rows["kpi"]],
        "current": rows["current"].to_numpy(),
        "comparison": rows["comparison"].to_numpy(),
        "change": rows["change"].to_numpy(),
        "target": [target_text(k, kind, v, lang)
                   for k, kind, v in zip(rows["kpi"], rows["kind"], rows["target"], strict=True)],
        "status": [t(f"kp_status_{s}", lang) for s in rows["status"]],
    })  # fmt: skip


def status_matrix(report: KpiReport, lang: str = "zh") -> pd.DataFrame:
    """Regions (rows, 全国 last) × KPIs (columns): each status in words."""
    table = report.table.pivot(index="region", columns="kpi", values="status")
    table = table.reindex(index=[*REGIONS, ALL_REGIONS], columns=list(KPIS))
    out = table.map(lambda s: t(f"kp_status_{s}", lang)).reset_index()
    out["region"] = out["region"].map(lambda r: region_name(r, lang))
    return out.rename(columns={"region": t("kp_col_region", lang),
                               **{k: t(f"kp_{k}", lang) for k in KPIS}})  # fmt: skip


def localize(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Headers in `lang`; regions, KPIs, measures and flags as words."""
    out = frame.copy()
    if "region" in out:
        out["region"] = out["region"].map(lambda r: region_name(r, lang))
    if "kpi" in out and out["kpi"].map(lambda k: is_label(f"kp_{k}")).all():
        out["kpi"] = out["kpi"].map(lambda k: t(f"kp_{k}", lang))
    if "measure" in out:
        out["measure"] = out["measure"].map(lambda m: t(f"kp_measure_{m}", lang))
    if "complaint_rise" in out:
        out["complaint_rise"] = out["complaint_rise"].map(
            lambda hit: t("flag_yes" if hit else "flag_no", lang))  # fmt: skip
    return out.rename(columns={c: t(f"kp_col_{c}", lang) for c in out.columns
                               if is_label(f"kp_col_{c}")})  # fmt: skip


def shown(frame: pd.DataFrame, lang: str = "zh") -> Styler:
    """A localized table for the notebook, escaped: shares in %, money with separators."""
    formats = {t(f"kp_col_{c}", lang): fmt for c, (fmt, _) in _FORMATS.items() if c in frame}
    if "measure" in frame:  # changes: relative, churn's in points (both shown as %)
        formats[t("kp_col_change", lang)] = "{:+.1%}"
    return styled_table(localize(frame, lang), formats)


def conclusions(report: KpiReport, overview: pd.DataFrame, anomalies: pd.DataFrame,
                lang: str = "zh") -> list[str]:  # fmt: skip
    """The summary's sentences, every number from the figures: KPIs met, each KPI of 全国,
    the growth extremes, the highest churn, complaints and order drops."""
    counts = report.counts()
    points = [t("kp_point_counts", lang, total=sum(counts.values()), **counts)]
    for row in report.company().itertuples():
        key = {MISSED: "kp_point_missed", NO_DATA: "kp_point_no_data"}.get(
            row.status, "kp_point_met"
        )
        points.append(t(key, lang, kpi=t(f"kp_{row.kpi}", lang), current=_share(row.current),
                        comparison=_share(row.comparison),
                        target=target_text(row.kpi, row.kind, row.target, lang)))  # fmt: skip
    regions = overview[overview["region"] != ALL_REGIONS]
    growth = regions.dropna(subset=["revenue_yoy"])
    if len(growth) >= 2:
        best = growth.loc[growth["revenue_yoy"].idxmax()]
        worst = growth.loc[growth["revenue_yoy"].idxmin()]
        points.append(t("kp_point_growth", lang, best=best["region"], worst=worst["region"],
                        best_change=f"{best['revenue_yoy']:+.1%}",
                        worst_change=f"{worst['revenue_yoy']:+.1%}"))  # fmt: skip
    churn = regions.dropna(subset=["churn_rate"])
    company = overview.loc[overview["region"] == ALL_REGIONS, "churn_rate"]
    if len(churn) and len(company) and pd.notna(company.iloc[0]):
        top = churn.loc[churn["churn_rate"].idxmax()]
        points.append(t("kp_point_churn", lang, region=top["region"], rate=top["churn_rate"],
                        company=company.iloc[0]))  # fmt: skip
    risen = anomalies[(anomalies["region"] != ALL_REGIONS) & anomalies["complaint_rise"]]
    if len(risen):
        names = t("list_sep", lang).join(risen["region"])
        points.append(t("kp_point_complaints", lang, regions=names))
    else:
        points.append(t("kp_point_no_complaints", lang))
    drops = anomalies[anomalies["region"] != ALL_REGIONS]
    total = int(anomalies.loc[anomalies["region"] == ALL_REGIONS, "order_drops"].sum())
    if total and len(drops):
        most = drops.loc[drops["order_drops"].idxmax()]
        points.append(t("kp_point_drops", lang, count=total, region=most["region"],
                        region_count=int(most["order_drops"])))  # fmt: skip
    return points


def report_links(lang: str = "zh", regions: tuple[str, ...] = REGIONS) -> str:
    """Markdown lines linking each region's reports (``../<region>/<name>.html``, relative)."""
    names = [r for r in REPORTS.values() if r.scope == "region"]
    lines = []
    for region in regions:
        links = " · ".join(markdown_link(r.title(lang), f"../{region}/{r.name}.html")
                           for r in names)  # fmt: skip
        lines.append(f"- {escape_markdown(region)}：{links}")
    return "\n".join(lines)


def write_summary_workbook(path: str | Path, report: KpiReport, frames: Mapping[str, pd.DataFrame],
                           lang: str = "zh") -> Path:  # fmt: skip
    """summary.xlsx: the KPIs (every region), the trend, and the summary's `frames` (regions,
    movements, anomalies; keyed by sheet key), headers in `lang`."""
    kpis = localize(report.table.assign(kind=[
        target_text(k, kind, v, lang)
        for k, kind, v in zip(report.table["kpi"], report.table["kind"], report.table["target"],
                              strict=True)
    ], status=[t(f"kp_status_{s}", lang) for s in report.table["status"]]).drop(columns="target")
        .rename(columns={"kind": "target"}), lang)  # fmt: skip
    sheets = {t("kp_sheet_kpis", lang): kpis,
              t("kp_sheet_trend", lang): localize(report.trend, lang)}  # fmt: skip
    sheets |= {t(f"kp_sheet_{key}", lang): localize(frame, lang) for key, frame in frames.items()}
    formats = {t(f"kp_col_{c}", lang): excel for c, (_, excel) in _FORMATS.items()}
    notes = {t("kp_note_title", lang): report_title(report.period, lang),
             t("kp_note_definitions", lang): t("kp_definitions", lang)}  # fmt: skip
    return write_workbook(path, sheets, formats, notes)

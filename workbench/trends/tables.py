"""The trends report as readers see it: localized tables, the summary points, the Excel workbook.

Words come from `workbench.core.labels` (headers ``tr_<column>``, sheets ``sheet_<name>``);
nothing here branches on the language. Customer lists show display names only (individuals
masked), never a phone, ID number or e-mail.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from workbench.core.labels import is_label, t
from workbench.core.periods import period_kind, period_label
from workbench.extracts.schema import ALL_REGIONS
from workbench.profiling.gaps import Gap
from workbench.profiling.tables import gap_sentences
from workbench.reports.excel import MONEY, SHARE, write_workbook
from workbench.reports.safe_html import styled_table
from workbench.trends.analysis import TrendReport
from workbench.trends.cohorts import cohort_sizes, retention_matrix
from workbench.trends.gaps import TREND_PARTS
from workbench.trends.params import TrendParams

COMPARISON_COLUMNS = ("region", "new_buyers", "new_buyers_qoq", "new_buyers_yoy", "revenue",
                      "revenue_qoq", "revenue_yoy", "churn_rate", "churn_rate_change")  # fmt: skip
GROWTH_COLUMNS = ("period", *COMPARISON_COLUMNS[1:3], "buyers", *COMPARISON_COLUMNS[4:])
DROP_COLUMNS = ("customer_id", "customer", "owner", "history", "median", "orders", "z", "change")
COMPLAINT_COLUMNS = ("region", "history", "median", "complaints", "z", "change", "flagged")
_SHARES = ("new_buyers_qoq", "new_buyers_yoy", "revenue_qoq", "revenue_yoy", "churn_rate",
           "change", "retention", "revenue_retention")  # fmt: skip
_FORMATS = {**dict.fromkeys(_SHARES, ("{:+.1%}", SHARE)), "churn_rate": ("{:.1%}", SHARE),
            "retention": ("{:.1%}", SHARE), "revenue_retention": ("{:.1%}", SHARE),
            "revenue": ("{:,.0f}", MONEY), "churn_rate_change": ("{:+.1%}", SHARE),
            "median": ("{:.1f}", "0.0"), "z": ("{:+.1f}", "0.0")}  # fmt: skip


def report_title(region: str, period: str, lang: str = "zh") -> str:
    """「2024年Q4华东区域趋势与群组分析报告」 (2024年11月…, 2024年…; or its English form)."""
    return t("trends_title", lang, period=period_label(period, lang), region=_region(region, lang))


def _region(region: str, lang: str) -> str:
    return t("all_regions", lang) if region == ALL_REGIONS else region


def localize(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The frame with headers in `lang`, 全国 and the anomaly flags as words."""
    out = frame.copy()
    if "region" in out:
        out["region"] = out["region"].map(lambda region: _region(region, lang))
    if "flagged" in out:
        out["flagged"] = out["flagged"].map(lambda hit: t("flag_yes" if hit else "flag_no", lang))
    key = {"period": "tr_when"} if "cohort" not in out else {}  # a cohort's period is its age k
    names = {c: key.get(c, f"tr_{c}") for c in out.columns}
    return out.rename(columns={c: t(k, lang) for c, k in names.items() if is_label(k)})


def shown(frame: pd.DataFrame, lang: str = "zh") -> Styler:
    """A localized table for the notebook, escaped: money with separators, changes in %."""
    formats = {t(f"tr_{c}", lang): fmt for c, (fmt, _) in _FORMATS.items() if c in frame}
    return styled_table(localize(frame, lang), formats)


def comparison_table(report: TrendReport) -> pd.DataFrame:
    """The regions (and 全国) side by side in the report's period."""
    return report.comparison[list(COMPARISON_COLUMNS)]


def growth_table(report: TrendReport) -> pd.DataFrame:
    """The report's region, period by period (of the report's kind)."""
    return report.region_growth[list(GROWTH_COLUMNS)]


def drops_table(report: TrendReport, top: int | None = None) -> pd.DataFrame:
    """The customers whose orders dropped (most unusual first)."""
    drops = report.drops[list(DROP_COLUMNS)]
    return drops.head(top) if top is not None else drops


def complaints_table(report: TrendReport) -> pd.DataFrame:
    """Each region's complaints this period against its own history."""
    return report.complaint_rises[list(COMPLAINT_COLUMNS)]


def cohort_table(report: TrendReport, by: str = "customers", lang: str = "zh") -> pd.DataFrame:
    """The retention matrix (cohorts × period) with the cohort's size in its label."""
    matrix = retention_matrix(report.cohorts, by)  # type: ignore[arg-type]
    sizes = cohort_sizes(report.cohorts)
    matrix.index = [t("tp_cohort_size", lang, cohort=c, n=int(sizes[c])) for c in matrix.index]
    return matrix.rename_axis(t("tr_cohort", lang)).rename(columns=str).reset_index()


def shown_cohorts(report: TrendReport, by: str = "customers", lang: str = "zh") -> Styler:
    """The retention matrix for the notebook, in %; unobserved periods as –."""
    table = cohort_table(report, by, lang)
    return styled_table(table, dict.fromkeys(table.columns[1:], "{:.0%}"))


def summary_points(
    report: TrendReport, lang: str = "zh", params: TrendParams | None = None,
    gaps: Mapping[str, Gap] | None = None,
) -> list[str]:  # fmt: skip
    """Four to six one-line conclusions, then what the data cannot show and why."""
    params, gaps = params or TrendParams(), gaps or {}
    points = []
    rows = report.comparison.set_index("region")
    if "growth" not in gaps and report.region in rows.index:
        row = rows.loc[report.region]
        kind = period_kind(report.period)
        points.append(t("trends_point_growth", lang, region=_region(report.region, lang),
                        this=t(f"per_this_{kind}", lang), vs=t(f"per_vs_{kind}", lang),
                        new_buyers=int(row["new_buyers"]), new_qoq=_pct(row["new_buyers_qoq"]),
                        new_yoy=_pct(row["new_buyers_yoy"]), revenue=row["revenue"],
                        revenue_wan=row["revenue"] / 1e4, revenue_qoq=_pct(row["revenue_qoq"]),
                        revenue_yoy=_pct(row["revenue_yoy"])))  # fmt: skip
        previous = row["churn_rate"] - row["churn_rate_change"]
        points.append(t("trends_point_churn", lang, rate=_pct(row["churn_rate"], False),
                        previous=_pct(previous, False), before=t(f"per_previous_{kind}", lang),
                        company=_pct(rows.loc[ALL_REGIONS, "churn_rate"], False)))  # fmt: skip
    regions = rows.drop(index=ALL_REGIONS)
    if "comparison" not in gaps and regions["revenue_yoy"].notna().any():
        best = regions["revenue_yoy"].idxmax()
        worst = regions["churn_rate"].idxmax() if regions["churn_rate"].notna().any() else None
        points.append(t("trends_point_leaders", lang, best=best,
                        best_yoy=_pct(regions.loc[best, "revenue_yoy"]), worst=worst or "–",
                        worst_rate=_pct(regions["churn_rate"].get(worst, np.nan), False)))  # fmt: skip
    if "order_drops" not in gaps:
        rule = params.order_drop
        points.append(t("trends_point_drops", lang, drops=len(report.drops),
                        z=rule.z_threshold, change=rule.min_change))  # fmt: skip
    if "complaints" not in gaps:
        risen = report.complaint_rises.loc[report.complaint_rises["flagged"], "region"]
        names = t("list_sep", lang).join(_region(r, lang) for r in risen)
        key = "trends_point_complaints" if len(risen) else "trends_point_no_complaints"
        points.append(t(key, lang, regions=names))
    if "cohorts" not in gaps:
        points += _cohort_point(report, lang)
    return points + gap_sentences(gaps, lang, TREND_PARTS)


def _cohort_point(report: TrendReport, lang: str) -> list[str]:
    """The retention of the latest cohort whose next period is observed."""
    nxt = report.cohorts[(report.cohorts["period"] == 1) & report.cohorts["retention"].notna()]
    if nxt.empty:
        return []
    last = nxt.iloc[-1]
    return [t("trends_point_cohort", lang, cohort=last["cohort"], customers=int(last["customers"]),
              retention=_pct(last["retention"], False))]  # fmt: skip


def _pct(value: float, signed: bool = True) -> str:
    """+12.3% (or 12.3%), – when there is no figure."""
    if pd.isna(value) or np.isinf(value):
        return "–"
    return f"{value:+.1%}" if signed else f"{value:.1%}"


def gap_note(gaps: Mapping[str, Gap], part: str, lang: str = "zh") -> str:
    """The sentence saying why `part` of the report (TREND_PARTS) is not shown ('' when it is)."""
    return "".join(gap_sentences(gaps, lang, (part,)))


def export_excel(
    report: TrendReport, path: str | Path, params: TrendParams | None = None, lang: str = "zh",
    gaps: Mapping[str, Gap] | None = None, extra: Mapping[str, pd.DataFrame] | None = None,
    extra_formats: Mapping[str, str] | None = None,
) -> Path:  # fmt: skip
    """The report's tables as one formatted workbook (notes first, with the rules and what the
    data cannot show), then `extra` sheets already localized (the saved segments' lists) with
    their Excel number formats."""
    params, gaps = params or TrendParams(), gaps or {}
    sheets = {
        "comparison": comparison_table(report),
        "growth": report.growth,
        "order_drops": report.order_drops,
        "complaints": complaints_table(report),
        "cohorts": report.cohorts,
    }
    out = {t(f"sheet_{name}", lang): localize(frame, lang) for name, frame in sheets.items()}
    out[t("sheet_retention", lang)] = cohort_table(report, "customers", lang)
    out[t("sheet_revenue_retention", lang)] = cohort_table(report, "revenue", lang)
    out.update(extra or {})
    formats = {**(extra_formats or {}), **{t(f"tr_{c}", lang): n for c, (_, n) in _FORMATS.items()}}
    notes = _notes(report, params, lang)
    for i, sentence in enumerate(gap_sentences(gaps, lang, TREND_PARTS), start=1):
        notes[t("note_gap", lang, i=i)] = sentence
    return write_workbook(path, out, formats, notes=notes)


def _notes(report: TrendReport, params: TrendParams, lang: str) -> dict[str, str]:
    """The workbook's first sheet: what, from which cut-off, with which rules."""
    drop, rise, cohorts = params.order_drop, params.complaint_rise, params.cohorts
    return {
        t("note_report", lang): report_title(report.region, report.period, lang),
        t("note_cut_off", lang): f"{report.as_of - pd.Timedelta(days=1):%Y-%m-%d}",
        t("note_customers", lang): f"{report.customers:,}",
        t("note_drop_rule", lang): t(
            "note_drop_rule_text",
            lang,
            history=drop.history_quarters,
            floor=drop.scale_floor,
            z=drop.z_threshold,
            change=drop.min_change,
            min_history=drop.min_history_quarters,
            median=drop.min_median,
        ),
        t("note_complaint_rule", lang): t(
            "note_complaint_rule_text",
            lang,
            history=rise.history_quarters,
            z=rise.z_threshold,
            change=rise.min_change,
            count=rise.min_count,
            floor=rise.scale_floor,
        ),
        t("note_cohorts", lang): t(
            "note_cohorts_text",
            lang,
            period=t(f"period_{cohorts.period}", lang),
            cohorts=cohorts.cohorts,
            periods=cohorts.periods,
        ),
    }

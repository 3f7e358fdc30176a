"""The funnel report as readers see it: stage names, localized tables, the summary points, the
Excel workbook. Words come from `workbench.core.labels` (headers ``fn_<column>``, stages
``fn_stage_<code>``, known loss reasons ``fn_reason_<key>``); nothing here branches on the
language. Customer lists show display names only (individuals masked) and no contact details.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler

from workbench.core.labels import is_label, t
from workbench.core.periods import period_label
from workbench.extracts.schema import ALL_REGIONS
from workbench.funnel.analysis import FunnelReport
from workbench.funnel.gaps import FUNNEL_PARTS
from workbench.funnel.metrics import RATE_METRICS
from workbench.funnel.params import FunnelParams
from workbench.funnel.stages import STAGES
from workbench.profiling.analysis import MISSING
from workbench.profiling.gaps import Gap
from workbench.profiling.tables import gap_sentences
from workbench.reports.excel import COUNT, DECIMAL, MONEY, SHARE, write_workbook
from workbench.reports.safe_html import styled_table

# The known loss reasons (the cleaning vocabulary's canonical values) and their label keys.
REASON_KEYS: dict[str, str] = {"价格偏高": "price", "竞品选择": "competitor", "需求变化": "needs",
                               "预算不足": "budget", "决策延迟": "delay"}  # fmt: skip
SHARE_COLUMNS = ("reached_conversion", "reached_overall", "in_order_conversion",
                 "in_order_overall", "share", "conversion", "win_rate")  # fmt: skip
COUNT_COLUMNS = ("in_stage", "reached", "in_order", "leads", "intent", "proposal", "won", "lost",
                 "pages_viewed", "price_questions")  # fmt: skip
DAY_COLUMNS = ("mean_days", "median_days")


def report_title(region: str, period: str, lang: str = "zh") -> str:
    """「2024年Q4华东区域销售漏斗分析报告」 (or its English form)."""
    name = t("all_regions", lang) if region == ALL_REGIONS else region
    return t("funnel_title", lang, period=period_label(period, lang), region=name)


def stage_name(code: object, lang: str = "zh") -> str:
    """潜在线索 / Lead … for a stage code (lead, intent, proposal, won, lost, cycle); '' for none."""
    return t(f"fn_stage_{code}", lang) if is_label(f"fn_stage_{code}") else ""


def reason_name(reason: object, lang: str = "zh") -> str:
    """A loss reason in ``lang``: the known ones translated, 待补充 for blank, others as written."""
    if reason == MISSING:
        return t(MISSING, lang)
    key = REASON_KEYS.get(str(reason))
    return t(f"fn_reason_{key}", lang) if key else str(reason)


def convention_name(convention: str, lang: str = "zh") -> str:
    """到达口径 / 逐级口径 (the reached / in-order convention)."""
    return t(f"fn_convention_{convention}", lang)


def localize(frame: pd.DataFrame, lang: str = "zh", group: str = "") -> pd.DataFrame:
    """The frame with stages, loss reasons, metrics and the weakest mark in words, headers in
    ``lang``; ``group`` (owner, the default, or region) names a `funnel_by` table's group."""
    out = frame.copy()
    for column in ("stage", "lead_stage"):
        if column in out:
            out[column] = out[column].map(lambda code: stage_name(code, lang))
    if "reason" in out:
        out["reason"] = out["reason"].map(lambda reason: reason_name(reason, lang))
    if "metric" in out:
        out["metric"] = out["metric"].map(lambda key: t(f"fn_metric_{key}", lang))
    if "weakest" in out:
        out["weakest"] = out["weakest"].map({True: t("fn_weakest_mark", lang), False: ""})
    if "group" in out:
        out["group"] = out["group"].map(lambda g: t(MISSING, lang) if g == MISSING else g)
        out = out.rename(columns={"group": group or "owner"})
    return out.rename(columns={c: t(f"fn_{c}", lang) for c in out.columns if _known(c)})


def shown(frame: pd.DataFrame, lang: str = "zh", group: str = "") -> Styler:
    """A localized table for the notebook, escaped: shares in %, counts and money as integers."""
    local = localize(frame, lang, group)
    formats = {t(f"fn_{c}", lang): f for c, f in _formats().items() if c in frame}
    if "metric" in frame:  # the period table: counts and rates in one column
        return styled_table(_quarter_text(frame, local, lang))
    return styled_table(local, formats)


def funnel_view(report: FunnelReport) -> pd.DataFrame:
    """The funnel table as shown: stages in order, the lost row last, both conventions."""
    return report.funnel.rename(columns={"current": "in_stage"})


def summary_points(
    report: FunnelReport,
    lang: str = "zh",
    params: FunnelParams | None = None,
    gaps: Mapping[str, Gap] | None = None,
) -> list[str]:
    """One-line conclusions: volume and overall conversion (saying the convention), win rate,
    the weakest stage, the main loss reason, the period comparison, the prospects; then the gaps."""
    params, gaps = params or FunnelParams(), gaps or {}
    points: list[str] = []
    leads = report.leads
    if "funnel_stages" not in gaps and len(leads):
        outcome = leads["outcome"].value_counts()
        won, lost = outcome.get("won", 0), outcome.get("lost", 0)
        points.append(t("fn_point_funnel", lang, leads=len(leads), won=won,
                        overall=report.figure("won", "overall"),
                        convention=convention_name(report.convention, lang)))  # fmt: skip
        if won + lost:
            points.append(t("fn_point_win_rate", lang, win_rate=report.win_rate, won=won,
                            lost=lost, open=outcome.get("open", 0)))  # fmt: skip
        points.append(_weakest_point(report, params, lang))
    if "funnel_reasons" not in gaps and len(report.reasons):
        top = report.reasons.iloc[0]
        points.append(t("fn_point_reason", lang, reason=reason_name(top["reason"], lang),
                        share=top["share"]))  # fmt: skip
    if "funnel_quarters" not in gaps and "funnel_stages" not in gaps:
        q = report.quarters.set_index("metric")
        points.append(t("fn_point_quarter", lang, leads=q.loc["leads", "current"],
                        previous=q.loc["leads", "previous"],
                        rate=_percent(q.loc["win_rate", "current"]),
                        previous_rate=_percent(q.loc["win_rate", "previous"])))  # fmt: skip
    if "leads" not in gaps:
        points.append(t("fn_point_follow_up", lang, customers=len(report.follow_up)))
    return points + gap_sentences(gaps, lang, FUNNEL_PARTS)


def convention_note(report: FunnelReport, lang: str = "zh") -> str:
    """Which convention the chart and summary use, and its rule, in one sentence."""
    return t("fn_convention_shown", lang, convention=convention_name(report.convention, lang),
             rule=t(f"fn_rule_{report.convention}", lang))  # fmt: skip


def rules_note(params: FunnelParams | None = None, lang: str = "zh") -> list[str]:
    """The documented rules: days in stage, the weakest stage, the period cohorts, 重点跟进."""
    p = params or FunnelParams()
    follow = p.follow_up
    return [
        t("fn_days_rule", lang),
        t("fn_weakest_rule", lang, min=p.weakest_min_leads),
        t("fn_cohort_rule", lang),
        t(
            "fn_follow_up_rule",
            lang,
            days=follow.window_days,
            pages=follow.min_pages,
            types=t("list_sep", lang).join(follow.question_types),
        ),
    ]


def export_excel(
    report: FunnelReport,
    path: str | Path,
    params: FunnelParams | None = None,
    lang: str = "zh",
    gaps: Mapping[str, Gap] | None = None,
) -> Path:
    """The report's tables as one formatted workbook: notes (rules, what the data cannot show),
    funnel, days in stage, loss reasons, by owner, by region, the period comparison, prospects."""
    params = params or FunnelParams()
    sheets = {
        "funnel": localize(funnel_view(report), lang),
        "stage_days": localize(report.days, lang),
        "loss_reasons": localize(report.reasons, lang),
        "by_owner": localize(report.by_owner, lang, "owner"),
        "by_region": localize(report.by_region, lang, "region"),
        "quarters": _quarter_text(report.quarters, localize(report.quarters, lang), lang),
        "prospects": localize(report.follow_up, lang),
    }
    sheets = {t(f"sheet_{name}", lang): frame for name, frame in sheets.items()}
    formats = {t(f"fn_{c}", lang): f for c, f in _formats(excel=True).items()}
    notes = {
        t("note_report", lang): report_title(report.region, report.period, lang),
        t("note_cut_off", lang): f"{report.as_of - pd.Timedelta(days=1):%Y-%m-%d}",
        t("note_funnel_period", lang): t("fn_period", lang, start=f"{report.window_start:%Y-%m-%d}",
                                         end=f"{report.as_of - pd.Timedelta(days=1):%Y-%m-%d}"),
        t("note_funnel_convention", lang): convention_note(report, lang),
        t("note_funnel_leads", lang): f"{len(report.leads):,}",
    }  # fmt: skip
    for i, rule in enumerate(rules_note(params, lang), start=1):
        notes[f"{t('fn_rule', lang)} {i}"] = rule
    for i, sentence in enumerate(gap_sentences(gaps or {}, lang, FUNNEL_PARTS), start=1):
        notes[t("note_gap", lang, i=i)] = sentence
    return write_workbook(path, sheets, formats, notes=notes)


def gap_note(gaps: Mapping[str, Gap], part: str, lang: str = "zh") -> str:
    """The sentence saying why `part` of the report (FUNNEL_PARTS) is not shown ('' when it is)."""
    return "".join(gap_sentences(gaps, lang, (part,)))


def _weakest_point(report: FunnelReport, params: FunnelParams, lang: str) -> str:
    if report.weakest is None:
        return t("fn_point_no_weakest", lang, min=params.weakest_min_leads)
    nxt = STAGES[STAGES.index(report.weakest) + 1]
    return t("fn_point_weakest", lang, stage=stage_name(report.weakest, lang),
             next=stage_name(nxt, lang), rate=report.figure(nxt, "conversion"))  # fmt: skip


def _quarter_text(frame: pd.DataFrame, local: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The period comparison as text: counts as integers, rates in %, changes relative or in points."""
    rate = frame["metric"].isin(RATE_METRICS).to_numpy()
    out = local.copy()
    for column in ("current", "previous"):
        out[t(f"fn_{column}", lang)] = [
            _percent(v) if r else ("–" if pd.isna(v) else f"{v:,.0f}")
            for v, r in zip(frame[column], rate, strict=True)
        ]
    out[t("fn_change", lang)] = [
        "–" if pd.isna(v) else (f"{v * 100:+.1f} pt" if r else f"{v:+.1%}")
        for v, r in zip(frame["change"], rate, strict=True)
    ]
    return out


def _percent(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.1%}"


def _known(column: object) -> bool:
    return is_label(f"fn_{column}")


def _formats(excel: bool = False) -> dict[str, str]:
    """Column → format, for the notebook (str.format) or for Excel (number format)."""
    table = ((SHARE_COLUMNS, "{:.1%}", SHARE), (COUNT_COLUMNS, "{:,.0f}", COUNT),
             (DAY_COLUMNS, "{:,.1f}", DECIMAL), (("expected_amount",), "{:,.0f}", MONEY),
             (("last_interaction",), "{:%Y-%m-%d}", None))  # fmt: skip
    return {c: (excel_fmt if excel else fmt) for columns, fmt, excel_fmt in table
            for c in columns if (excel_fmt if excel else fmt)}  # fmt: skip

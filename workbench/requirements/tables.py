"""The requirement report as readers see it: localized tables, summary points, the workbook.

Words come from `workbench.core.labels`: headers ``rq_<column>``, values of the CRM's vocabulary
and the analysis' codes ``rqv_<value>`` (功能需求 → Functional in English; a value the table does
not know stays as written), sentences as templates; nothing here branches on the language. Lists
show display names only (individuals masked) and descriptions with phones, IDs and e-mails
redacted (`workbench.requirements.prepare`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler

from workbench.core.labels import is_label, t
from workbench.core.periods import period_label
from workbench.extracts.schema import ALL_REGIONS
from workbench.profiling.gaps import Gap
from workbench.profiling.tables import gap_sentences
from workbench.reports.excel import SHARE, write_workbook
from workbench.reports.safe_html import styled_table
from workbench.requirements.analysis import DIMENSIONS, RequirementReport
from workbench.requirements.gaps import REQUIREMENT_PARTS
from workbench.requirements.params import QUADRANTS

TRANSLATED = ("label", "group", "by", "dimension", "category", "nature", "explicitness",
              "urgency", "priority", "status", "value_class", "quadrant", "reason", "industry",
              "region", "rejection_reason", "metric")  # fmt: skip
DETAIL_COLUMNS = ("req_id", "customer", "region", "industry", "value_class", "abc_class",
                  "quadrant", "category", "nature", "explicitness", "urgency", "priority",
                  "status", "owner", "created_date", "due_date", "resolved_date",
                  "days_to_resolve", "on_time", "within_target", "overdue", "satisfaction",
                  "rejection_reason", "description")  # fmt: skip
_FORMATS = (  # columns, notebook format, Excel number format
    (("share", "within_target", "on_time", "growth"), "{:.1%}", SHARE),
    (("mean_days", "median_days", "days_to_resolve", "days_overdue"), "{:,.1f}", "#,##0.0"),
    (("score",), "{:.3f}", "0.000"),
    (("created_date", "due_date", "resolved_date"), "{:%Y-%m-%d}", None),
)


def report_title(region: str, period: str, lang: str = "zh") -> str:
    """「2024年Q4华东区域需求分布分析报告」 (or its English form)."""
    name = t("all_regions", lang) if region == ALL_REGIONS else value_text(region, lang)
    return t("rq_title", lang, period=period_label(period, lang), region=name)


def value_text(value: object, lang: str = "zh") -> object:
    """A vocabulary value or code in ``lang`` (rqv_<value>); others unchanged."""
    if isinstance(value, bool):
        return t("rqv_yes" if value else "rqv_no", lang)
    key = f"rqv_{value}"
    return t(key, lang) if isinstance(value, str) and is_label(key) else value


def localize(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The frame with headers and vocabulary values in ``lang``."""
    out = frame.copy()
    for column in out.columns:
        if column in TRANSLATED or pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].astype("object").map(lambda v: value_text(v, lang))
    return out.rename(columns={c: t(f"rq_{c}", lang) for c in out.columns if _known(c)})


def shown(frame: pd.DataFrame, lang: str = "zh") -> Styler:
    """A localized table for the notebook, escaped: shares in %, days to one decimal."""
    formats = {t(f"rq_{c}", lang): f for c, f in _formats().items() if c in frame}
    return styled_table(localize(frame, lang), formats)


def breakdown_table(report: RequirementReport, by: str, dimension: str) -> pd.DataFrame:
    """Share of each ``dimension`` value (columns) within each ``by`` group (rows): group,
    requirements, then one share column per value, largest overall first."""
    rows = report.breakdown[(report.breakdown["by"] == by)
                            & (report.breakdown["dimension"] == dimension)]  # fmt: skip
    if rows.empty:
        return pd.DataFrame(columns=["group", "requirements"])
    table = rows.pivot_table(index="group", columns="label", values="share", fill_value=0.0)
    table = table[[c for c in report.shares[dimension]["label"] if c in table.columns]]
    sizes = rows.groupby("group")["count"].sum()
    table.insert(0, "requirements", sizes.reindex(table.index).astype("int64"))
    table = table.sort_values("requirements", ascending=False).rename_axis(columns=None)
    return table.reset_index()


def localize_breakdown(table: pd.DataFrame, lang: str = "zh") -> Styler:
    """`breakdown_table` for the notebook: value columns in ``lang``, shares in %."""
    shares = [c for c in table.columns if c not in ("group", "requirements")]
    renamed = table.rename(columns={c: value_text(c, lang) for c in shares})
    formats = {value_text(c, lang): "{:.1%}" for c in shares}
    return styled_table(localize(renamed, lang), formats)


def quadrant_table(report: RequirementReport) -> pd.DataFrame:
    """Per quadrant: requirements (the period's), share, and the service levels."""
    return report.quadrants.merge(report.service_levels, on="quadrant")


def resolution_table(report: RequirementReport) -> pd.DataFrame:
    """The resolution KPIs as rows: metric (a code, rqv_<metric>), value."""
    return pd.DataFrame({"metric": list(report.resolution),
                         "value": [float(v) for v in report.resolution.values()]})  # fmt: skip


def resolution_view(report: RequirementReport, lang: str = "zh") -> Styler:
    """`resolution_table` for the notebook: rates in %, means to one or two decimals, counts
    whole, – where there is nothing to measure."""
    table = resolution_table(report)
    table["value"] = [_kpi_text(m, v) for m, v in zip(table["metric"], table["value"], strict=True)]
    return styled_table(localize(table, lang))


def summary_points(
    report: RequirementReport, lang: str = "zh", gaps: Mapping[str, Gap] | None = None
) -> list[str]:
    """Three to six one-line conclusions for the top of the report, then what the data cannot
    show and why (`gaps`, from `requirement_gaps`)."""
    gaps = gaps or {}
    if "req_requirements" in gaps:
        return gap_sentences(gaps, lang, ("req_requirements",))
    k, points = report.resolution, []
    if k["requirements"]:
        top = report.shares["category"].iloc[0]
        points.append(t("rq_point_total", lang, requirements=k["requirements"],
                        category=value_text(top["label"], lang), share=top["share"]))  # fmt: skip
        q = report.quadrants.set_index("quadrant")["requirements"]
        q1_open = len(report.quadrant_list("Q1"))
        points.append(t("rq_point_quadrants", lang, q1=q["Q1"], q1_open=q1_open, q4=q["Q4"]))
        points.append(t("rq_point_resolution", lang, rate=k["resolution_rate"],
                        rejected=k["rejected"]))  # fmt: skip
    if k["resolved_in_quarter"]:
        on_time = k["on_time_rate"] if k["on_time_rate"] == k["on_time_rate"] else 0.0
        points.append(t("rq_point_days", lang, resolved=k["resolved_in_quarter"],
                        days=k["mean_days_to_resolve"], on_time=on_time))  # fmt: skip
    if k["rated"]:
        points.append(t("rq_point_satisfaction", lang, satisfaction=k["mean_satisfaction"],
                        follow_ups=len(report.follow_ups())))  # fmt: skip
    points.append(t("rq_point_overdue", lang, overdue=k["overdue"], open=k["open_at_end"]))
    if len(report.themes):
        words = t("list_sep", lang).join(report.themes["keyword"].head(5))
        points.append(t("rq_point_themes", lang, keywords=words))
    return points + gap_sentences(gaps, lang, REQUIREMENT_PARTS[1:])


def gap_note(gaps: Mapping[str, Gap], part: str, lang: str = "zh") -> str:
    """The sentence saying why `part` (REQUIREMENT_PARTS) is not shown ('' when it is)."""
    return "".join(gap_sentences(gaps, lang, (part,)))


def export_excel(
    report: RequirementReport,
    path: str | Path,
    lang: str = "zh",
    gaps: Mapping[str, Gap] | None = None,
) -> Path:
    """The report's tables as one formatted workbook: notes, shares, breakdowns, quadrants with
    service levels, the Q1 / Q4 / overdue / follow-up lists, 无法满足 reasons, themes, detail."""
    shares = pd.concat([report.shares[d].assign(dimension=d) for d in DIMENSIONS],
                       ignore_index=True)[["dimension", "label", "count", "share"]]  # fmt: skip
    by = [report.themes_by[k].rename(columns={k: "group"}).assign(by=k) for k in report.themes_by]
    sheets = {
        "shares": shares,
        "breakdown": report.breakdown,
        "quadrants": quadrant_table(report),
        "q1": report.quadrant_list("Q1"),
        "q4": report.quadrant_list("Q4"),
        "overdue": report.overdue(),
        "follow_ups": report.follow_ups(),
        "resolution": resolution_table(report),
        "rejections": report.rejections,
        "themes": report.themes,
        "themes_by": pd.concat(by, ignore_index=True),
        "rising": report.rising,
        "detail": report.requirements[list(DETAIL_COLUMNS)],
    }
    sheets = {t(f"rq_sheet_{k}", lang): localize(frame, lang) for k, frame in sheets.items()}
    formats = {t(f"rq_{c}", lang): f for c, f in _formats(excel=True).items()}
    notes = _notes(report, lang)
    for i, sentence in enumerate(gap_sentences(gaps or {}, lang, REQUIREMENT_PARTS), start=1):
        notes[t("note_gap", lang, i=i)] = sentence
    return write_workbook(path, sheets, formats, notes=notes)


def _notes(report: RequirementReport, lang: str) -> dict[str, str]:
    """The workbook's first sheet: what, when, with which definitions and targets."""
    p = report.params
    high = t("list_sep", lang).join(
        [str(value_text(c, lang)) for c in p.high_value.value_classes]
        + [f"ABC {c}" for c in p.high_value.abc_classes]
    )
    targets = "; ".join(f"{value_text(q, lang)} ≤ {getattr(p.target_days, q)}" for q in QUADRANTS)
    notes = {
        "rq_note_report": report_title(report.region, report.period, lang),
        "rq_note_cut_off": f"{report.as_of - pd.Timedelta(days=1):%Y-%m-%d}",
        "rq_note_high_value": high,
        "rq_note_urgent": t("list_sep", lang).join(str(value_text(u, lang)) for u in p.urgent),
        "rq_note_targets": targets,
        "rq_note_unsatisfied": f"≤ {p.unsatisfied_max}",
    }
    return {t(key, lang): text for key, text in notes.items()}


def _kpi_text(metric: str, value: float) -> str:
    if value != value:  # NaN: nothing resolved or rated
        return "–"
    if metric.endswith("_rate"):
        return f"{value:.1%}"
    if metric.startswith("mean_"):
        return f"{value:,.2f}" if metric.endswith("satisfaction") else f"{value:,.1f}"
    return f"{value:,.0f}"


def _known(column: object) -> bool:
    return is_label(f"rq_{column}")


def _formats(excel: bool = False) -> dict[str, str]:
    """Column → format, for the notebook (str.format) or for Excel (number format)."""
    return {
        column: fmt
        for columns, shown_fmt, number_format in _FORMATS
        if (fmt := number_format if excel else shown_fmt)
        for column in columns
    }

"""The churn report as readers see it: localized tables, sentences, factors in words, the
workbook with one sheet per owner. Every word comes from `workbench.core.labels`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.churn.analysis import ChurnReport
from workbench.churn.evaluation import METRICS
from workbench.churn.training import RULE
from workbench.core.labels import is_label, t
from workbench.core.periods import period_kind, period_label
from workbench.reports.excel import MONEY, PROBABILITY, write_workbook

ACTIONS = ("retain", "call", "care", "nurture")


def report_title(region: str, period: str, lang: str = "zh") -> str:
    """「2024年Q4华南区域客户流失预测报告」."""
    region_name = t("all_regions", lang) if region == "全国" else region
    return t("churn_title", lang, period=period_label(period, lang), region=region_name)


def definition_note(report: ChurnReport, lang: str = "zh") -> str:
    """Which churn definition the report uses, and the snapshots it was trained on."""
    p = report.params
    if not p.by_status:
        text = t("churn_definition_behaviour", lang, active=p.active_days, window=p.window_days)
    elif p.status_date_column:
        text = t("churn_definition_status_dated", lang, status=p.status_value,
                 column=p.status_date_column, window=p.window_days)  # fmt: skip
    else:
        text = t("churn_definition_status", lang, status=p.status_value)
    cut = report.fit.cutoffs
    if cut.validation is not None:
        days = t("list_sep", lang).join(f"{c:%Y-%m-%d}" for c in cut.training)
        text += " " + t("churn_snapshots", lang, training=days, validation=f"{cut.validation:%Y-%m-%d}",
                        scoring=f"{cut.scoring:%Y-%m-%d}")  # fmt: skip
    if report.fit.counts:
        text += " " + t("churn_counts", lang, **report.fit.counts)
    for note in report.fit.notes:
        text += " " + t(f"churn_note_{note}", lang)
    return text


def unavailable_note(report: ChurnReport, lang: str = "zh") -> str | None:
    """Why there is no model (and what scores instead), or None when there is one."""
    fit = report.fit
    if fit.unavailable is None:
        return None
    counts = fit.counts or {"training_churners": 0, "validation_churners": 0}
    window = fit.rule.window if fit.rule is not None else report.params.window_days
    return t(f"churn_unavailable_{fit.unavailable}", lang, window=window,
             minimum=report.params.min_churners, **counts)  # fmt: skip


def grade_note(report: ChurnReport, lang: str = "zh") -> str | None:
    """The grade (A/B/C) in a sentence with the PR-AUC gain over the recency rule."""
    fit = report.fit
    if fit.grade is None:
        return None
    gain = fit.comparison.loc["model", "pr_auc"] / fit.comparison.loc[RULE, "pr_auc"] - 1
    return t(f"churn_grade_{fit.grade}", lang, gain=gain)


def comparison_table(report: ChurnReport, lang: str = "zh") -> pd.DataFrame:
    """The model and its baselines on the validation snapshot, metrics as columns."""
    table = report.fit.comparison
    if table.empty:
        return table
    window = report.fit.rule.window if report.fit.rule is not None else report.params.window_days
    names = [t(f"churn_score_{name}", lang, window=window) for name in table.index]
    out = table.round(3).set_axis(names).rename_axis(t("churn_col_score", lang))
    return out.rename(columns={m: t(f"churn_col_{m}", lang) for m in METRICS}).reset_index()


def feature_name(feature: str, lang: str = "zh") -> str:
    """A feature's name in words (channel:电话 → 近一年电话跟进次数)."""
    kind, _, category = feature.partition(":")
    if category:
        return t(f"churn_feature_{kind}", lang, category=category)
    if is_label(f"churn_feature_{feature}"):
        return t(f"churn_feature_{feature}", lang)
    return t("churn_feature_extra", lang, category=feature)


def factor_words(feature: str, value: object, lang: str = "zh") -> str:
    """One factor in words with the customer's value (近90天投诉2次, 180天未下单)."""
    missing = value is None or (isinstance(value, float) and np.isnan(value))
    if missing:
        return t("churn_factor_missing", lang, feature=feature_name(feature, lang))
    if isinstance(value, str) and is_label(f"val_{value}"):  # a category value: 流失 → Lost
        value = t(f"val_{value}", lang)
    kind, _, category = feature.partition(":")
    if category:
        return t(f"churn_factor_{kind}", lang, category=category, value=value)
    if is_label(f"churn_factor_{feature}"):
        return t(f"churn_factor_{feature}", lang, value=value)
    return t("churn_factor_extra", lang, category=feature, value=value)


def reasons(report: ChurnReport, lang: str = "zh") -> pd.DataFrame:
    """Per customer the factors raising and lowering the risk in words (index customer_id)."""
    factors = report.factors
    if factors.empty:
        return pd.DataFrame(columns=["raising", "lowering"])
    words = [
        factor_words(f, v, lang) for f, v in zip(factors["feature"], factors["value"], strict=True)
    ]
    sep = t("list_sep", lang)
    joined = (
        factors.assign(words=words).groupby(["customer_id", "direction"])["words"].agg(sep.join)
    )
    wide = joined.unstack("direction").reindex(columns=["up", "down"])
    return wide.rename(columns={"up": "raising", "down": "lowering"}).fillna("")


def actions(customers: pd.DataFrame) -> pd.Series:
    """The suggested action's key per customer: retain (高 + 重点跟进), call (高), care
    (中 + 重点跟进), nurture (中); empty for band 低."""
    band, tags = customers["band"], customers["tags"].fillna("")
    follow = tags.str.contains("重点跟进", regex=False)
    keys = np.select([(band == "高") & follow, band == "高", (band == "中") & follow, band == "中"],
                     list(ACTIONS), "")  # fmt: skip
    return pd.Series(keys, index=customers.index)


def _translate_tags(tags: pd.Series, lang: str) -> pd.Series:
    sep = t("list_sep", lang)
    return tags.fillna("").map(
        lambda text: sep.join(t(f"churn_tag_{tag}", lang) for tag in text.split("、") if tag)
    )


def customer_table(
    report: ChurnReport, lang: str = "zh", top: int | None = None, at_risk: bool = True
) -> pd.DataFrame:
    """Customers (at risk only by default, largest value at risk first) with probability, band,
    CLV, value at risk, reasons in words, tags and the suggested action; localized columns."""
    frame = report.at_risk if at_risk else report.customers
    frame = frame.head(top) if top is not None else frame
    words = reasons(report, lang).reindex(frame["customer_id"])
    keys = actions(frame)
    out = pd.DataFrame({
        "customer_id": frame["customer_id"], "customer": frame["customer"],
        "owner": frame["owner"].fillna(t("churn_no_owner", lang)),
        "churn_probability": frame["churn_probability"],
        "band": frame["band"].map(lambda b: t(f"churn_band_{b}", lang)),
        "clv": frame["clv"], "value_at_risk": frame["value_at_risk"],
        "days_since_last_order": frame["days_since_last_order"],
        "raising": words["raising"].fillna("").to_numpy(),
        "lowering": words["lowering"].fillna("").to_numpy(),
        "tags": _translate_tags(frame["tags"], lang),
        "action": [t(f"churn_action_{k}", lang) if k else "" for k in keys],
    })  # fmt: skip
    names = {c: t(f"churn_col_{c}", lang) for c in out.columns if c not in ("raising", "lowering")}
    names |= {"raising": t("churn_col_raising", lang), "lowering": t("churn_col_lowering", lang)}
    return out.rename(columns=names).reset_index(drop=True)


def importance_table(report: ChurnReport, lang: str = "zh", top: int = 10) -> pd.DataFrame:
    """The ``top`` drivers by permutation importance, named in words."""
    table = report.fit.importance.head(top)
    return pd.DataFrame({
        t("churn_col_feature", lang): [feature_name(f, lang) for f in table.get("feature", [])],
        t("churn_col_importance", lang): table.get("importance", pd.Series(dtype=float)).round(4),
    })  # fmt: skip


def trend_table(report: ChurnReport, lang: str = "zh") -> pd.DataFrame:
    """Churn rate by period (the region's active customers at each period's start)."""
    trend = report.trend
    out = pd.DataFrame({
        "period": [period_label(p, lang) for p in trend["period"]],
        "active": trend["active"], "churned": trend["churned"], "churn_rate": trend["churn_rate"],
    })  # fmt: skip
    return out.rename(columns={c: t(f"churn_col_{c}", lang) for c in out.columns})


def summary_points(report: ChurnReport, lang: str = "zh") -> list[str]:
    """The report's conclusions, generated from the figures."""
    points = []
    trend = report.trend.dropna(subset=["churn_rate"])
    if len(trend):
        last = trend.iloc[-1]
        change = ""
        if len(trend) > 1:
            change = t("churn_summary_change", lang, previous=trend.iloc[-2]["churn_rate"],
                       before=period_label(trend.iloc[-2]["period"], lang))  # fmt: skip
        key = "churn_summary_rate" if last["period"] == report.period else "churn_summary_rate_open"
        points.append(t(key, lang, period=period_label(last["period"], lang),
                        this=t(f"per_this_{period_kind(report.period)}", lang),
                        active=int(last["active"]), churned=int(last["churned"]),
                        rate=last["churn_rate"], window=report.params.window_days, change=change))  # fmt: skip
    customers = report.customers
    if customers.empty:
        return [*points, t("churn_summary_none", lang)]
    high = customers[customers["band"] == "高"]
    points.append(t("churn_summary_scored", lang, scored=len(customers), high=len(high),
                    medium=int((customers["band"] == "中").sum()),
                    value=float(high["value_at_risk"].sum(skipna=True))))  # fmt: skip
    follow = int(customers["tags"].str.contains("重点跟进", regex=False).sum())
    points.append(t("churn_summary_follow_up", lang, follow=follow,
                    share=report.params.follow_up_share))  # fmt: skip
    for note in (grade_note(report, lang), unavailable_note(report, lang)):
        if note:
            points.append(note)
    if report.scored_by == "recency_rule":
        points.append(t("churn_scored_by_rule", lang))
    return points


def export_excel(report: ChurnReport, path: str | Path, lang: str = "zh") -> Path:
    """The workbook beside the report: the model comparison, every scored customer, and one
    sheet per owner with their at-risk customers, the reasons and a suggested action."""
    sheets = {t("churn_sheet_summary", lang): comparison_table(report, lang),
              t("churn_sheet_customers", lang): customer_table(report, lang, at_risk=False)}  # fmt: skip
    at_risk = customer_table(report, lang)
    owner_column = t("churn_col_owner", lang)
    for owner, rows in at_risk.groupby(owner_column, sort=True):
        sheets[t("churn_sheet_owner", lang, owner=owner)] = rows.reset_index(drop=True)
    formats = {t("churn_col_churn_probability", lang): PROBABILITY,
               t("churn_col_clv", lang): MONEY, t("churn_col_value_at_risk", lang): MONEY}  # fmt: skip
    return write_workbook(path, sheets, formats)


SHOWN_FORMATS = {"churn_probability": "{:.0%}", "clv": "{:,.0f}", "value_at_risk": "{:,.0f}",
                 "days_since_last_order": "{:.0f}", "churn_rate": "{:.1%}",
                 **dict.fromkeys(("roc_auc", "pr_auc", "brier", "lift_top10",
                                  "capture_top10"), "{:.3f}")}  # fmt: skip


def shown_formats(lang: str = "zh") -> dict[str, str]:
    """Localized column → display format, for `styled_table`."""
    return {t(f"churn_col_{c}", lang): f for c, f in SHOWN_FORMATS.items()}

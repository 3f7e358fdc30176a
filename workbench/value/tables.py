"""The value report as readers see it: localized tables, the summary points, the Excel workbook.

Column headers come from `i18n` (``vc_<column>``); every customer list shows display names only
(enterprises by name, individuals masked) and carries no phone, ID number or e-mail column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler

from workbench.clv.fit import matrices
from workbench.core.labels import LABELS, t
from workbench.core.periods import quarter_label
from workbench.extracts.schema import ALL_REGIONS
from workbench.reports.excel import MONEY, PROBABILITY, SHARE, write_workbook
from workbench.reports.safe_html import styled_table
from workbench.value.analysis import (
    FOLLOW_UP_RULES,
    ValueReport,
    clv_ranking,
    high_value_share,
)
from workbench.value.params import ValueParams

FOLLOW_UP_COLUMNS = (
    "priority", "action", "customer", "owner", "value_class", "abc_class", "last_purchase",
    "revenue_12m", "p_alive", "clv", "tags",
)  # fmt: skip
RANKING_COLUMNS = (
    "customer", "owner", "value_class", "abc_class", "amount_tier", "revenue_12m", "p_alive",
    "expected_purchases", "clv",
)  # fmt: skip
MONEY_COLUMNS = ("monetary", "revenue_12m", "revenue", "expected_spend", "clv")
SHARE_COLUMNS = ("customer_share", "revenue_share")
PROBABILITY_COLUMNS = ("p_alive", "expected_purchases", "actual", "predicted", "holdout_mae")
FIT_COLUMNS = ("log_likelihood", "aic", "bic", "holdout_predicted", "holdout_actual")


def report_title(region: str, quarter: str, lang: str = "zh") -> str:
    """「2024年Q4华东区域客户价值分析报告」 (or its English form)."""
    name = t("all_regions", lang) if region == ALL_REGIONS else region
    return t("value_title", lang, period=quarter_label(quarter, lang), region=name)


def localize(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The frame with headers in ``lang`` and action keys as their text."""
    out = frame.copy()
    if "action" in out:
        out["action"] = out["action"].map(lambda key: t(f"action_{key}", lang) if key else "")
    return out.rename(columns={c: t(f"vc_{c}", lang) for c in out.columns if _known(c)})


def shown(frame: pd.DataFrame, lang: str = "zh") -> Styler:
    """A localized table for the notebook, escaped: money with thousands separators, shares in %."""
    formats = {t(f"vc_{c}", lang): f for c, f in _formats().items() if c in frame}
    return styled_table(localize(frame, lang), formats)


def summary_points(
    report: ValueReport, lang: str = "zh", params: ValueParams | None = None
) -> list[str]:
    """Three to five one-line conclusions for the top of the report."""
    abc = report.segments["abc_class"].set_index("class")
    value = report.segments["value_class"].set_index("class")
    follow = report.follow_up()
    counts = follow["action"].value_counts()
    a_customers, a_share = abc.loc["A", "customers"], abc.loc["A", "revenue_share"]
    buyers = abc["customers"].sum()
    zh = lang == "zh"
    points = [
        f"A类客户 {a_customers:,} 家（占有消费客户的 {a_customers / max(buyers, 1):.1%}），"
        f"贡献近12个月销售额的 {a_share:.1%}。"
        if zh
        else f"{a_customers:,} A customers ({a_customers / max(buyers, 1):.1%} of buyers) make "
        f"{a_share:.1%} of the last 12 months' revenue.",
        f"高价值客户 {value.loc['高价值', 'customers']:,} 家，贡献近12个月销售额的 "
        f"{high_value_share(report):.1%}。"
        if zh
        else f"{value.loc['高价值', 'customers']:,} high-value customers make "
        f"{high_value_share(report):.1%} of the revenue.",
    ]
    if report.clv is not None:
        clv = report.customers["clv"].dropna()
        top = clv.nlargest(max(1, len(clv) // 5)).sum() / clv.sum() if clv.sum() > 0 else 0.0
        alive = report.customers["p_alive"].dropna()
        points.append(
            f"预计未来12个月客户价值合计 {clv.sum() / 1e4:,.0f} 万元，其中前20%客户占 {top:.1%}；"
            f"{(alive < 0.5).sum():,} 家客户仍活跃概率低于50%。"
            if zh
            else f"Expected value over the next 12 months: {clv.sum():,.0f} CNY, {top:.1%} of it "
            f"from the top 20% of customers; {(alive < 0.5).sum():,} customers are more likely "
            "gone than active."
        )
    alert = _holdout_alert(report, params or ValueParams(), lang)
    if alert:
        points.append(alert)
    points.append(
        f"建议跟进 {len(follow):,} 家：挽留回访 {counts.get('retain', 0):,}，"
        f"跟进报价 {counts.get('lead', 0):,}，复购提醒 {counts.get('repurchase', 0):,}。"
        if zh
        else f"{len(follow):,} customers to follow up: retain {counts.get('retain', 0):,}, "
        f"leads {counts.get('lead', 0):,}, repurchase {counts.get('repurchase', 0):,}."
    )
    return points


def _holdout_alert(report: ValueReport, params: ValueParams, lang: str) -> str | None:
    """A warning when the model missed the holdout by more than ``clv.holdout_alert``: the
    customers behave differently from before (more churn, or a revival) and CLV is optimistic
    (or pessimistic) by about as much."""
    if report.clv is None or not abs(report.clv.holdout["error"]) > params.clv.holdout_alert:
        return None
    error, months = report.clv.holdout["error"], params.clv.holdout_months
    if lang == "zh":
        way = "高估" if error > 0 else "低估"
        change = "流失加快或购买放缓" if error > 0 else "购买加快"
        return (f"注意：模型对最近 {months} 个月购买次数{way} {abs(error):.0%}，客户行为近期有变化"
                f"（{change}），CLV 可能同样{way}。")  # fmt: skip
    way = "over" if error > 0 else "under"
    return (f"Caution: the model {way}estimated the last {months} months' purchases by "
            f"{abs(error):.0%}; customers behave differently of late, and CLV is likely "
            f"{way}stated as well.")  # fmt: skip


def follow_up_table(report: ValueReport, top: int | None = None) -> pd.DataFrame:
    """The follow-up list with the columns a sales manager acts on."""
    return report.follow_up(top)[list(FOLLOW_UP_COLUMNS)]


def ranking_table(report: ValueReport, top: int = 20) -> pd.DataFrame:
    """The ``top`` customers by CLV (names masked for individuals)."""
    return clv_ranking(report.customers, top)[list(RANKING_COLUMNS)]


def model_table(report: ValueReport) -> pd.DataFrame:
    """The model-selection table: fit (log-likelihood, AIC, BIC) and holdout error, best first."""
    if report.clv is None:
        return pd.DataFrame()
    columns = ["log_likelihood", "aic", "bic", "holdout_predicted", "holdout_actual",
               "holdout_mae", "note"]  # fmt: skip
    table = report.clv.models.reindex(columns=columns).rename_axis("model").reset_index()
    return table.dropna(axis="columns", how="all")


def migration_table(report: ValueReport, lang: str = "zh") -> pd.DataFrame:
    """ABC class at the start of the quarter (rows) against its end (columns), in ``lang``."""
    table = report.migration.rename(index={"新增": t("new_class", lang)})
    return table.rename_axis(
        index=t("migration_before", lang), columns=t("migration_after", lang)
    ).reset_index()


def export_excel(
    report: ValueReport, path: str | Path, params: ValueParams | None = None, lang: str = "zh"
) -> Path:
    """The report's tables as one formatted workbook: notes, customers, segments, follow-up, CLV."""
    params = params or ValueParams()
    customers = report.customers.copy()
    for column in ("value_class", "abc_class", "amount_tier"):
        customers[column] = customers[column].astype("object").fillna(t("not_classified", lang))
    sheets = {
        _sheet("value_class", lang): report.segments["value_class"],
        _sheet("abc_class", lang): report.segments["abc_class"],
        _sheet("amount_tier", lang): report.segments["amount_tier"],
        _sheet("follow_up", lang): follow_up_table(report),
        _sheet("customers", lang): customers,
    }
    if report.clv is not None:
        sheets[_sheet("models", lang)] = model_table(report)
        sheets[_sheet("calibration", lang)] = report.clv.calibration.reset_index()
    sheets = {name: localize(frame, lang) for name, frame in sheets.items()}
    sheets[_sheet("migration", lang)] = migration_table(report, lang)
    formats = {t(f"vc_{c}", lang): f for c, f in _formats(excel=True).items()}
    return write_workbook(path, sheets, formats, notes=_notes(report, params, lang))


def _notes(report: ValueReport, params: ValueParams, lang: str) -> dict[str, str]:
    """The workbook's first sheet: what, when, from which cut-off, with which parameters."""
    clv = report.clv
    rules = "; ".join(f"{i}. {t(f'action_{key}', lang)}" for i, (key, _) in
                      enumerate(FOLLOW_UP_RULES, start=1))  # fmt: skip
    notes = {
        "报告" if lang == "zh" else "Report": report_title(report.region, report.quarter, lang),
        "截止日期"
        if lang == "zh"
        else "Cut-off": f"{report.as_of - pd.Timedelta(days=1):%Y-%m-%d}",
        "客户数" if lang == "zh" else "Customers": f"{len(report.customers):,}",
        "ABC 份额" if lang == "zh" else "ABC shares": " / ".join(
            f"{s:.0%}" for s in params.abc.shares
        ),
        "金额分级" if lang == "zh" else "Amount tiers": ", ".join(
            f"{tier.label} ≥ {tier.min:,.0f}" for tier in params.amount_tiers.tiers
        ),
        "跟进规则" if lang == "zh" else "Follow-up rules": rules,
        "未计入的订单（金额≤0）" if lang == "zh" else "Orders left out (amount ≤ 0)": str(
            report.excluded_orders
        ),
    }
    if clv is not None:
        spend, months, rate = (
            type(clv.model.models()[1]).__name__,
            params.clv.horizon_months,
            (params.clv.discount_rate),
        )
        notes["CLV 模型" if lang == "zh" else "CLV model"] = (
            f"{clv.model_name} + {spend}，{months} 个月，月折现率 {rate:.1%}，拟合范围 {clv.scope}"
            if lang == "zh"
            else f"{clv.model_name} + {spend}, {months} months, {rate:.1%} a month, "
            f"fitted on {clv.scope}"
        )
        for i, note in enumerate(clv.notes, start=1):
            notes[f"CLV note {i}"] = note
    return notes


SHEETS = {
    "value_class": ("价值分层", "Value classes"),
    "abc_class": ("ABC分类", "ABC classes"),
    "amount_tier": ("金额分级", "Amount tiers"),
    "follow_up": ("跟进名单", "Follow-up list"),
    "customers": ("客户价值明细", "Customers"),
    "models": ("CLV模型比较", "CLV models"),
    "calibration": ("CLV模型校验", "CLV holdout check"),
    "migration": ("ABC迁移", "ABC migration"),
}


def _sheet(key: str, lang: str) -> str:
    zh, en = SHEETS[key]
    return zh if lang == "zh" else en


def _known(column: object) -> bool:
    return f"vc_{column}" in LABELS


# Columns, their format in the notebook, their Excel number format (None: Excel's default).
_FORMATS = (
    (MONEY_COLUMNS, "{:,.0f}", MONEY),
    (SHARE_COLUMNS, "{:.1%}", SHARE),
    (PROBABILITY_COLUMNS, "{:.2f}", PROBABILITY),
    (FIT_COLUMNS, "{:,.1f}", None),
    (("first_purchase", "last_purchase"), "{:%Y-%m-%d}", None),  # dates: Excel formats them
)


def _formats(excel: bool = False) -> dict[str, str]:
    """Column → format, for the notebook (str.format) or for Excel (number format)."""
    return {
        column: fmt
        for columns, shown, number_format in _FORMATS
        if (fmt := number_format if excel else shown)
        for column in columns
    }


def clv_views(report: ValueReport, months: int = 3) -> dict[str, pd.DataFrame | pd.Series]:
    """What the CLV charts draw: calibration table, CLV values, expected-purchases and P(alive)
    matrices (next ``months``); empty ones when no CLV could be fitted, so charts say 无数据."""
    if report.clv is None:
        empty = pd.DataFrame()
        return {"calibration": empty, "clv": pd.Series(dtype=float), "expected": empty,
                "alive": empty}  # fmt: skip
    expected, alive = matrices(report.clv, months)
    return {"calibration": report.clv.calibration, "clv": report.customers["clv"].dropna(),
            "expected": expected, "alive": alive}  # fmt: skip


def clv_method_note(report: ValueReport, params: ValueParams, lang: str = "zh") -> str:
    """A short paragraph: which models, fitted on what, and how well they predicted the holdout."""
    clv = report.clv
    if clv is None:
        return ("本区域及全公司重复购买客户过少，未拟合 CLV 模型。" if lang == "zh" else
                "Too few repeat buyers in the region and the company to fit CLV models.")  # fmt: skip
    h = clv.holdout
    spend = type(clv.model.models()[1]).__name__
    scope = {"region": ("本区域", "this region's"), "company": ("全公司", "the whole company's")}
    where = scope[clv.scope][0 if lang == "zh" else 1]
    if lang == "zh":
        text = (
            f"购买模型 **{clv.model_name}**，金额模型 **{spend}**，基于{where}购买记录拟合。"
            f"持有期（最后 {params.clv.holdout_months} 个月，{h['customers']:,.0f} 位客户）"
            f"预测购买 {h['predicted']:,.0f} 次，实际 {h['actual']:,.0f} 次，"
            f"误差 {h['error']:+.1%}；人均绝对误差 {h['mae']:.2f} 次。"
            f"购买频次与金额的相关系数 {clv.spend_frequency_corr:+.2f}"
            "（Gamma-Gamma 假设两者独立，接近 0 为宜）。"
        )
    else:
        text = (
            f"Purchase model **{clv.model_name}**, spend model **{spend}**, fitted on {where} "
            f"purchases. On the holdout (the last {params.clv.holdout_months} months, "
            f"{h['customers']:,.0f} customers) it predicted {h['predicted']:,.0f} purchases "
            f"against {h['actual']:,.0f} actual ({h['error']:+.1%}); mean absolute error "
            f"{h['mae']:.2f} per customer. Correlation of purchase frequency and spend: "
            f"{clv.spend_frequency_corr:+.2f} (Gamma-Gamma assumes none)."
        )
    notes = "".join(f"\n- {note}" for note in clv.notes)
    return text + ("\n" + notes if notes else "")

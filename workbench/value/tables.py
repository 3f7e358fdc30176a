"""The value report as readers see it: localized tables, the summary points, the Excel workbook.

Words come from `workbench.core.labels`: column headers ``vc_<column>``, sheet names
``sheet_<name>``, sentences as templates; nothing here branches on the language. Every customer
list shows display names only (enterprises by name, individuals masked) and carries no phone, ID
number or e-mail column.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler

from workbench.clv.fit import matrices
from workbench.core.labels import is_label, t
from workbench.core.periods import period_label
from workbench.extracts.schema import ALL_REGIONS
from workbench.profiling.gaps import Gap
from workbench.profiling.tables import gap_sentences
from workbench.reports.excel import MONEY, PROBABILITY, SHARE, write_workbook
from workbench.reports.safe_html import styled_table
from workbench.value.analysis import (
    FOLLOW_UP_RULES,
    ValueReport,
    clv_ranking,
    high_value_share,
)
from workbench.value.class_tables import (  # noqa: F401 (the notebook's views)
    agreement_table,
    category_values,
    class_sentences,
    class_sheets,
    class_summary,
    fell_out_table,
    transition_tables,
    weights_table,
)
from workbench.value.gaps import VALUE_PARTS
from workbench.value.params import ValueParams

FOLLOW_UP_COLUMNS = (
    "priority", "action", "customer", "owner", "value_class", "abc_class", "last_purchase",
    "revenue_12m", "p_alive", "clv", "tags", "playbook",
)  # fmt: skip
RANKING_COLUMNS = (
    "customer", "owner", "value_class", "abc_class", "amount_tier", "revenue_12m", "p_alive",
    "expected_purchases", "clv",
)  # fmt: skip
MONEY_COLUMNS = ("monetary", "revenue_12m", "revenue", "expected_spend", "clv")
SHARE_COLUMNS = ("customer_share", "revenue_share", "weight")
PROBABILITY_COLUMNS = ("p_alive", "expected_purchases", "actual", "predicted", "holdout_mae")
FIT_COLUMNS = ("log_likelihood", "aic", "bic", "holdout_predicted", "holdout_actual")


def report_title(region: str, period: str, lang: str = "zh") -> str:
    """「2024年Q4华东区域客户价值分析报告」 (or its English form)."""
    name = t("all_regions", lang) if region == ALL_REGIONS else region
    return t("value_title", lang, period=period_label(period, lang), region=name)


def localize(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The frame with headers, category values and action keys in ``lang``."""
    out = category_values(frame, lang)
    if "action" in out:
        out["action"] = out["action"].map(lambda key: t(f"action_{key}", lang) if key else "")
    return out.rename(columns={c: t(f"vc_{c}", lang) for c in out.columns if _known(c)})


def shown(frame: pd.DataFrame, lang: str = "zh") -> Styler:
    """A localized table for the notebook, escaped: money with thousands separators, shares in %."""
    formats = {t(f"vc_{c}", lang): f for c, f in _formats().items() if c in frame}
    return styled_table(localize(frame, lang), formats)


def summary_points(
    report: ValueReport,
    lang: str = "zh",
    params: ValueParams | None = None,
    gaps: Mapping[str, Gap] | None = None,
) -> list[str]:
    """Three to five one-line conclusions for the top of the report, then what the data cannot
    show and why (`gaps`, from `value_gaps`)."""
    gaps = gaps or {}
    abc = report.segments["abc_class"].set_index("class")
    value = report.segments["value_class"].set_index("class")
    follow = report.follow_up()
    counts = follow["action"].value_counts()
    a_customers, a_share = abc.loc["A", "customers"], abc.loc["A", "revenue_share"]
    buyers = abc["customers"].sum()
    points = []
    if "abc" not in gaps:
        points += [
            t(
                "value_point_abc",
                lang,
                a_customers=a_customers,
                a_of_buyers=a_customers / max(buyers, 1),
                a_share=a_share,
            ),
            t(
                "value_point_high_value",
                lang,
                high_customers=value.loc["高价值", "customers"],
                high_share=high_value_share(report),
            ),
        ]
    if report.clv is not None:
        clv = report.customers["clv"].dropna()
        top = clv.nlargest(max(1, len(clv) // 5)).sum() / clv.sum() if clv.sum() > 0 else 0.0
        alive = report.customers["p_alive"].dropna()
        points.append(
            t(
                "value_point_clv",
                lang,
                clv=clv.sum(),
                clv_wan=clv.sum() / 1e4,
                top_share=top,
                at_risk=(alive < 0.5).sum(),
            )
        )
    alert = holdout_alert(report, params or ValueParams(), lang)
    if alert:
        points.append(alert)
    if len(report.customers):
        points.append(
            t(
                "value_point_follow_up",
                lang,
                customers=len(follow),
                retain=counts.get("retain", 0),
                lead=counts.get("lead", 0),
                repurchase=counts.get("repurchase", 0),
            )
        )
    return points + gap_sentences(gaps, lang, VALUE_PARTS)


def holdout_alert(report: ValueReport, params: ValueParams, lang: str = "zh") -> str | None:
    """A warning when the model missed the holdout by more than ``clv.holdout_alert``: the
    customers behave differently from before (more churn, or a revival) and CLV is optimistic
    (or pessimistic) by about as much."""
    if report.clv is None or not abs(report.clv.holdout["error"]) > params.clv.holdout_alert:
        return None
    error = report.clv.holdout["error"]
    way = "over" if error > 0 else "under"
    return t(
        "holdout_alert",
        lang,
        way=t(f"holdout_way_{way}", lang),
        change=t(f"holdout_change_{way}", lang),
        months=params.clv.holdout_months,
        error=abs(error),
    )


def follow_up_table(report: ValueReport, top: int | None = None) -> pd.DataFrame:
    """The follow-up list with the columns a sales manager acts on."""
    return report.follow_up(top)[list(FOLLOW_UP_COLUMNS)]


def ranking_table(report: ValueReport, top: int = 20) -> pd.DataFrame:
    """The ``top`` customers by CLV (names masked for individuals); none without CLV figures."""
    if report.clv is None:
        return pd.DataFrame(columns=list(RANKING_COLUMNS))
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
    """ABC class at the start of the period (rows) against its end (columns), in ``lang``."""
    table = report.migration.rename(index={"新增": t("new_class", lang)})
    return table.rename_axis(
        index=t("migration_before", lang), columns=t("migration_after", lang)
    ).reset_index()


def export_excel(
    report: ValueReport,
    path: str | Path,
    params: ValueParams | None = None,
    lang: str = "zh",
    gaps: Mapping[str, Gap] | None = None,
) -> Path:
    """The report's tables as one formatted workbook: notes (with what the data cannot show,
    `gaps`), customers, segments, follow-up, CLV."""
    params = params or ValueParams()
    customers = report.customers.copy()
    for column in ("value_class", "rfm_class", "weighted_class", "abc_class", "amount_tier"):
        customers[column] = customers[column].astype("object").fillna(t("not_classified", lang))
    sheets = {
        _sheet("value_class", lang): class_summary(report, params),
        _sheet("abc_class", lang): report.segments["abc_class"],
        _sheet("amount_tier", lang): report.segments["amount_tier"],
        _sheet("follow_up", lang): follow_up_table(report),
        _sheet("customers", lang): customers,
    }
    if report.clv is not None:
        sheets[_sheet("models", lang)] = model_table(report)
        sheets[_sheet("calibration", lang)] = report.clv.calibration.reset_index()
    sheets = {
        name: localize(frame, lang) for name, frame in (sheets | class_sheets(report, lang)).items()
    }
    sheets[_sheet("migration", lang)] = migration_table(report, lang)
    formats = {t(f"vc_{c}", lang): f for c, f in _formats(excel=True).items()}
    notes = _notes(report, params, lang)
    for i, sentence in enumerate(gap_sentences(gaps or {}, lang, VALUE_PARTS), start=1):
        notes[t("note_gap", lang, i=i)] = sentence
    return write_workbook(path, sheets, formats, notes=notes)


def _notes(report: ValueReport, params: ValueParams, lang: str) -> dict[str, str]:
    """The workbook's first sheet: what, when, from which cut-off, with which parameters."""
    clv = report.clv
    rules = "; ".join(f"{i}. {t(f'action_{key}', lang)}" for i, (key, _) in
                      enumerate(FOLLOW_UP_RULES, start=1))  # fmt: skip
    notes = {
        "note_report": report_title(report.region, report.period, lang),
        "note_cut_off": f"{report.as_of - pd.Timedelta(days=1):%Y-%m-%d}",
        "note_customers": f"{len(report.customers):,}",
        "note_abc_shares": " / ".join(f"{s:.0%}" for s in params.abc.shares),
        "note_amount_tiers": ", ".join(
            f"{tier.label} ≥ {tier.min:,.0f}" for tier in params.amount_tiers.tiers
        ),
        "note_follow_up_rules": rules,
        "note_excluded_orders": str(report.excluded_orders),
    }
    notes = {t(key, lang): text for key, text in notes.items()}
    if clv is not None:
        notes[t("note_clv_model", lang)] = t(
            "note_clv_model_text",
            lang,
            model=clv.model_name,
            spend=type(clv.model.models()[1]).__name__,
            months=params.clv.horizon_months,
            rate=params.clv.discount_rate,
            scope=clv.scope,
        )
        for i, note in enumerate(clv.notes, start=1):
            notes[t("note_clv_note", lang, i=i)] = note
    return notes


def _sheet(key: str, lang: str) -> str:
    return t(f"sheet_{key}", lang)


def _known(column: object) -> bool:
    return is_label(f"vc_{column}")


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
        return t("clv_none", lang)
    h = clv.holdout
    text = t(
        "clv_method",
        lang,
        model=clv.model_name,
        spend=type(clv.model.models()[1]).__name__,
        where=t(f"clv_scope_{clv.scope}", lang),
        months=params.clv.holdout_months,
        customers=h["customers"],
        predicted=h["predicted"],
        actual=h["actual"],
        error=h["error"],
        mae=h["mae"],
        corr=clv.spend_frequency_corr,
    )
    notes = "".join(f"\n- {note}" for note in clv.notes)
    return text + ("\n" + notes if notes else "")


def gap_note(gaps: Mapping[str, Gap], part: str, lang: str = "zh") -> str:
    """The sentence saying why `part` of the report (VALUE_PARTS) is not shown ('' when it is)."""
    return "".join(gap_sentences(gaps, lang, (part,)))

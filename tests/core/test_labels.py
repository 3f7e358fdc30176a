"""The label table: every key in both languages, every template filled by the fields its callers
pass, and no module outside the table branching on the language."""

from __future__ import annotations

import ast
from pathlib import Path
from string import Formatter

import pytest

from workbench.core.errors import ParameterError
from workbench.core.labels import LABELS, LANGS, is_label, t

PACKAGE = Path(__file__).resolve().parents[2] / "workbench"

# The fields each template's callers pass (workbench.*.tables, value.plots, core.periods), with
# values of the types they pass: a template that asks for another field fails here.
FIELDS: dict[str, dict[str, object]] = {
    "provenance_footer": {"started": "2025-01-05 08:30", "commit": "e2afd15c0a1b",
                          "data": "1a2b3c4d5e6f", "version": "0.1.0"},
    "wv_classes_by": {"method": "RFM"},
    "rerun_banner": {"region": "华南", "period": "2024年Q3", "changed": "top_n = 50"},
    "owner_scope": {"owner": "王磊", "customers": 42},
    "wv_agreement": {"customers": 10, "same": 0.5, "adjacent": 0.8},
    "wv_left_out": {"factor": "行业潜力", "missing": "customers.industry"},
    "wv_part_missing": {"factor": "合作意愿", "missing": "requirements"},
    "wv_fell_out": {"customers": 2, "previous": "2024年Q3", "current": "2024年Q4"},
    "wv_change": {"name": "R分", "before": 5, "after": 3},
    "churn_title": {"period": "2024年Q4", "region": "华东"},
    "churn_definition_behaviour": {"active": 365, "window": 90},
    "churn_definition_status_dated": {"column": "流失日期", "status": "流失客户", "window": 90},
    "churn_definition_status": {"status": "流失客户"},
    "churn_snapshots": {"scoring": "2025-01-01", "training": "2024-01-01", "validation": "2024-10-01"},
    "churn_counts": {"training_churners": 120, "training_stayers": 300, "validation_churners": 40, "validation_stayers": 90},
    "churn_score_recency_rule": {"window": 90},
    "churn_grade_A": {"gain": 0.25},
    "churn_grade_B": {"gain": 0.25},
    "churn_grade_C": {"gain": 0.25},
    "churn_unavailable_short_history": {"window": 90},
    "churn_unavailable_few_churners": {"minimum": 30, "training_churners": 120, "validation_churners": 40, "window": 90},
    "churn_summary_rate": {"active": 365, "change": "", "churned": 40, "period": "2024年Q4", "rate": 0.2, "window": 90, "this": "本季度"},
    "churn_summary_rate_open": {"change": "", "period": "2024年Q4", "rate": 0.2, "this": "本季度"},
    "churn_summary_change": {"previous": 0.18, "before": "上季度"},
    "churn_summary_scored": {"high": 20, "medium": 40, "scored": 300, "value": 1234.5},
    "churn_summary_follow_up": {"follow": 12, "share": 0.2},
    "churn_sheet_owner": {"owner": "王磊"},
    "churn_factor_days_since_last_order": {"value": 1234.5},
    "churn_factor_purchase_days": {"value": 1234.5},
    "churn_factor_orders_last_90d": {"value": 1234.5},
    "churn_factor_orders_prev_90d": {"value": 1234.5},
    "churn_factor_orders_trend": {"value": 1234.5},
    "churn_factor_revenue_last_90d": {"value": 1234.5},
    "churn_factor_revenue_prev_90d": {"value": 1234.5},
    "churn_factor_revenue_365d": {"value": 1234.5},
    "churn_factor_revenue_total": {"value": 1234.5},
    "churn_factor_mean_order_value": {"value": 1234.5},
    "churn_factor_tenure_days": {"value": 1234.5},
    "churn_factor_usual_gap_days": {"value": 1234.5},
    "churn_factor_gap_ratio": {"value": 1234.5},
    "churn_factor_returns_365d": {"value": 1234.5},
    "churn_factor_interactions_90d": {"value": 1234.5},
    "churn_factor_days_since_interaction": {"value": 1234.5},
    "churn_factor_complaints_90d": {"value": 1234.5},
    "churn_factor_complaints_365d": {"value": 1234.5},
    "churn_factor_satisfaction_180d": {"value": 1234.5},
    "churn_factor_satisfaction_change": {"value": 1234.5},
    "churn_factor_requirements_365d": {"value": 1234.5},
    "churn_factor_open_requirements": {"value": 1234.5},
    "churn_factor_overdue_requirements": {"value": 1234.5},
    "churn_factor_rejected_requirements_365d": {"value": 1234.5},
    "churn_factor_open_leads": {"value": 1234.5},
    "churn_factor_funnel_stage": {"value": "流失"},
    "churn_factor_contact_age_days": {"value": 1234.5},
    "churn_factor_deal_age_days": {"value": 1234.5},
    "churn_factor_owner_load": {"value": 1234.5},
    "churn_factor_customer_type": {"value": "流失"},
    "churn_factor_industry_section": {"value": "流失"},
    "churn_factor_size": {"value": "流失"},
    "churn_factor_region": {"value": "流失"},
    "churn_factor_source_channel": {"value": "流失"},
    "churn_factor_decision_role": {"value": "流失"},
    "churn_feature_channel": {"category": "电话"},
    "churn_factor_channel": {"category": "电话", "value": 1234.5},
    "churn_feature_type": {"category": "电话"},
    "churn_factor_type": {"category": "电话", "value": 1234.5},
    "churn_feature_extra": {"category": "电话"},
    "churn_factor_extra": {"category": "电话", "value": "流失"},
    "churn_factor_missing": {"feature": "满意度"},
    "quarter_label": {"year": 2024, "quarter": 4},
    "month_label": {"year": 2024, "month": 11, "month_name": "Nov"},
    "year_label": {"year": 2024},
    "summary_title": {"period": "2024年Q4"},
    "kp_comparison_note": {"comparison": "上一期", "comparison_period": "2024年Q3", "period": "2024年Q4"},
    "kp_target_level_higher": {"value": 0.9},
    "kp_target_level_lower": {"value": 0.9},
    "kp_target_change_higher": {"value": 0.1},
    "kp_target_change_lower": {"value": -0.05},
    "kp_target_points_higher": {"points": 2.0},
    "kp_target_points_lower": {"points": -2.0},
    "kp_point_counts": {"total": 5, "met": 2, "missed": 2, "no_data": 1},
    "kp_point_met": {"kpi": "数据完整性", "current": "91.0%", "comparison": "90.0%", "target": "≥ 90%"},
    "kp_point_missed": {"kpi": "数据完整性", "current": "91.0%", "comparison": "90.0%", "target": "≥ 90%"},
    "kp_point_no_data": {"kpi": "数据完整性"},
    "kp_point_growth": {"best": "华东", "best_change": "+34.5%", "worst": "华南", "worst_change": "-43.0%"},
    "kp_point_churn": {"region": "华南", "rate": 0.65, "company": 0.5},
    "kp_point_complaints": {"regions": "华东、华南"},
    "kp_point_drops": {"count": 96, "region": "华东", "region_count": 28},
    "profiling_title": {"period": "2024年Q4", "region": "华东"},
    "value_title": {"period": "2024年Q4", "region": "华东"},
    "quality_title": {"period": "2024 Q4"},
    "index_title": {"period": "2024年Q4"},
    "index_summary": {"reports": 15, "failed": 1, "ran": 4, "unchanged": 9, "no_data": 1},
    "profile_point_revenue": {"revenue": 643_000.0, "revenue_wan": 64.3, "this": "本月", "vs": "环比",
                              "revenue_change": "+1.2%", "buyers": 2.0, "buyers_change": "–"},
    "profile_point_year_ago": {"year_ago": "2023年11月", "revenue_year_change": "+3.0%"},
    "profile_point_aov": {"aov": 214_333.3, "aov_change": "–", "repurchase_rate": 0.5, "vs": "环比"},
    "profile_point_new_customers": {"new_customers": 9.0, "new_customers_change": "-10.0%",
                                    "vs": "环比"},
    "profile_point_complaints": {"complaints": 1.0, "complaints_change": "+0.0%",
                                 "silent_customers": 2.0, "days": 90, "vs": "环比"},
    "quality_merges": {"merged": 12, "survivors": 11},
    "quality_review": {"pairs": 9, "customers": 17, "file": "dedupe_decisions.csv"},
    "qc_sheet_named": {"sheet": "旧数据"},
    "load_issues_summary": {"issues": 15, "tables": 2, "missing": 7, "missing_columns": 3},
    "load_issues_unread": {"unread_sheets": 1},
    "note_decisions_text": {"file": "dedupe_decisions.csv"},
    "table_name": {"zh": "客户", "name": "customers"},
    "column_name": {"zh": "产品类别", "name": "product_category"},
    "gap_sentence": {"what": "跟进方式分布", "why": "数据中没有跟进记录文件"},
    "gap_no_table": {"table": "跟进记录"},
    "gap_empty_table": {"table": "跟进记录"},
    "gap_no_column": {"table": "交易记录", "columns": "产品类别"},
    "gap_none_in_quarter": {"table": "跟进记录"},
    "value_point_abc": {"a_customers": 1, "a_of_buyers": 0.333, "a_share": 0.997},
    "value_point_high_value": {"high_customers": 18, "high_share": 0.681},
    "value_point_clv": {"clv": 30_648_939.0, "clv_wan": 3_064.9, "top_share": 0.832,
                        "at_risk": 48},
    "value_point_follow_up": {"customers": 11, "retain": 8, "lead": 3, "repurchase": 0},
    "holdout_alert": {"way": "低估", "change": "购买加快", "months": 6, "error": 0.25},
    "clv_method": {"model": "bgnbd", "spend": "GammaGamma", "where": "本区域", "months": 6,
                   "customers": 85.0, "predicted": 142.0, "actual": 189.0, "error": -0.25,
                   "mae": 1.41, "corr": 0.03},
    "note_clv_model_text": {"model": "bgnbd", "spend": "MeanSpend", "months": 12, "rate": 0.01,
                            "scope": "region"},
    "note_clv_note": {"i": 1},
    "note_gap": {"i": 1},
    "vp_pareto_cuts": {"cuts": "20%、70%"},
    "vp_pareto_band": {"abc": "A", "n": 1_234, "share": 0.2},
    "vp_recency": {"unit": "周"},
    "vp_age": {"T": 38.0, "unit": "周"},
    "vp_unit_other": {"days": 30.0},
    "vp_expected_next": {"t": 13.0, "unit": "周"},
    "vp_calib_tick": {"f": "3", "n": 120},
    "vp_clv_clipped": {"q": 99.0, "cut": 1_234_567.0, "n": 4},
    "vp_clv_median": {"v": 12_345.0},
    "vp_clv_top": {"share": 0.2, "v": 45_678.0},
    "rq_title": {"period": "2024年Q4", "region": "华东"},
    "rq_point_total": {"requirements": 15, "category": "产品功能优化", "share": 0.267},
    "rq_point_quadrants": {"q1": 3, "q1_open": 1, "q4": 7},
    "rq_point_resolution": {"rate": 0.467, "rejected": 2},
    "rq_point_days": {"resolved": 8, "days": 27.9, "on_time": 0.5},
    "rq_point_satisfaction": {"satisfaction": 3.14, "follow_ups": 4},
    "rq_point_overdue": {"open": 7, "overdue": 4},
    "rq_point_themes": {"keywords": "报表、培训"},
    "rqp_cell": {"name": "Q1", "n": 3, "share": 0.2},
    # funnel (workbench.funnel.tables)
    "funnel_title": {"period": "2024年Q4", "region": "华东"},
    "fn_point_funnel": {"leads": 200, "won": 50, "overall": 0.25, "convention": "到达口径"},
    "fn_point_win_rate": {"win_rate": 0.333, "won": 50, "lost": 100, "open": 50},
    "fn_point_weakest": {"stage": "潜在线索", "next": "意向客户", "rate": 0.6},
    "fn_point_no_weakest": {"min": 10},
    "fn_point_reason": {"reason": "价格偏高", "share": 0.45},
    "fn_point_quarter": {"leads": 4.0, "previous": 2.0, "rate": "50.0%", "previous_rate": "–"},
    "fn_point_follow_up": {"customers": 3},
    "fn_convention_shown": {"convention": "到达口径", "rule": "线索曾进入某阶段即计入。"},
    "fn_weakest_rule": {"min": 10},
    "fn_follow_up_rule": {"days": 90, "pages": 10, "types": "价格"},
    "fn_period": {"start": "2024-01-01", "end": "2024-12-31"},
    # trends and segments
    "trends_title": {"period": "2024年Q4", "region": "华东"},
    "trends_point_growth": {"region": "华东", "new_buyers": 118, "new_qoq": "+11.3%",
                            "new_yoy": "–", "revenue": 1.6e8, "revenue_wan": 16_267.0,
                            "revenue_qoq": "+5.5%", "revenue_yoy": "+34.5%", "this": "本季度",
                            "vs": "环比"},
    "trends_point_churn": {"rate": "46.1%", "previous": "43.4%", "company": "49.5%",
                           "before": "上季度"},
    "trends_point_leaders": {"best": "东北", "best_yoy": "+45.0%", "worst": "华南",
                             "worst_rate": "65.4%"},
    "trends_point_drops": {"drops": 28, "z": 3.5, "change": 0.5},
    "trends_point_complaints": {"regions": "华东、华南"},
    "trends_point_cohort": {"cohort": "2024Q3", "customers": 106, "retention": "71.7%"},
    "tp_cohort_size": {"cohort": "2024Q3", "n": 106},
    "segment_name": {"zh": "大单A类", "en": "Large orders, class A"},
    "segment_gap": {"segment": "近3个月无跟进", "why": "数据中没有跟进记录文件"},
    "note_drop_rule_text": {"history": 8, "floor": 0.25, "z": 3.5, "change": 0.5,
                            "min_history": 4, "median": 1.0},
    "note_complaint_rule_text": {"history": 8, "z": 3.5, "change": 0.5, "count": 5,
                                 "floor": 1.0},
    "note_cohorts_text": {"period": "季度", "cohorts": 8, "periods": 8},
    "cl_problem_missing": {"field": "职位"},
    "cl_problem_check": {"rule": "电话号码无效", "message": "不是有效的手机或座机号码"},
    "cl_reject_unknown_field": {"field": "customer_id"},
    "cl_reject_needs_approval": {"field": "客户名称"},
    "cl_reject_invalid": {"field": "联系电话", "reason": "不是有效的手机或座机号码"},
    "cl_queue_summary": {"open": 12, "overdue": 3, "target": 3, "not_sent": 2},
    "cl_age_band": {"low": 0, "high": 1},
    "cl_age_open_band": {"low": 11},
}  # fmt: skip


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("key", sorted(LABELS))
def test_every_key_renders_in_both_languages(key: str) -> None:
    texts = LABELS[key]
    assert len(texts) == len(LANGS) and all(isinstance(s, str) and s for s in texts), key
    asked = set().union(*(_placeholders(s) for s in texts))
    assert asked == set(FIELDS.get(key, {})), f"{key}: its callers pass {sorted(asked)}?"
    for lang in LANGS:
        assert t(key, lang, **FIELDS.get(key, {})).strip()


def test_the_fields_list_names_only_real_keys() -> None:
    assert sorted(k for k in FIELDS if not is_label(k)) == []


def test_languages_and_format_specs() -> None:
    assert t("quarter_label", year=2024, quarter=4) == "2024年Q4"  # zh is the default
    assert t("vp_pareto_band", "en", abc="B", n=12_345, share=0.5) == "B: 12,345 customers (50.0%)"
    assert t("holdout_alert", "en", way="over", change="unused in English", months=6,
             error=0.334).startswith("Caution: the model overestimated the last 6 months' "
                                     "purchases by 33%")  # fmt: skip
    with pytest.raises(ParameterError, match="lang must be one of"):
        t("quarter_label", "fr", year=2024, quarter=4)


# Modules allowed to look at the language: the table itself, and the runner's index and report
# registry, being moved onto the table with the report registry (drop them from here then).
MAY_BRANCH = {"core/labels.py"}
_LANGUAGE_NAMES = {"lang", "zh", "en", *LANGS}


def _is_language(node: ast.AST) -> bool:
    """`lang`, `config.lang`, a `zh` flag, or the constant "zh" / "en"."""
    return (
        (isinstance(node, ast.Name) and node.id in _LANGUAGE_NAMES)
        or (isinstance(node, ast.Attribute) and node.attr == "lang")
        or (isinstance(node, ast.Constant) and node.value in LANGS)
    )


def _branches(tree: ast.Module) -> list[int]:
    """Lines that branch on the language: compare it, test a zh flag, index or match by it."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_language(o) for o in operands) and not all(
                isinstance(o, ast.Constant) for o in operands
            ):
                lines.append(node.lineno)
        elif (
            (isinstance(node, ast.If | ast.IfExp | ast.While) and _is_language(node.test))
            or (isinstance(node, ast.BoolOp) and any(_is_language(v) for v in node.values))
            or (isinstance(node, ast.Subscript) and _is_language(node.slice))
            or (isinstance(node, ast.Match) and _is_language(node.subject))
        ):
            lines.append(node.lineno)
    return lines


def test_no_module_branches_on_the_language() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name.startswith("demo/") or name in MAY_BRANCH:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"workbench/{name}:{line}" for line in _branches(tree)]
    assert found == [], "look the words up in workbench/core/labels.py instead"


@pytest.mark.parametrize(
    "code",
    ['x = "a" if lang == "zh" else "b"', "zh = lang == 'zh'\nif zh:\n    pass",
     "y = TITLES[config.lang]", 'ok = "en" != lang', "z = zh and 1"],
)  # fmt: skip
def test_the_branch_finder_finds_branches(code: str) -> None:
    assert _branches(ast.parse(code))
    assert not _branches(ast.parse('x = t("other", lang)\nzh = {c.name: c.zh for c in cols}'))

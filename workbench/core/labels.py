"""Report labels in Simplified Chinese (default) and English (`lang: en`)."""

from __future__ import annotations

from workbench.core.errors import ParameterError

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # report titles
    "profiling_title": (
        "{period}{region}区域客户画像分析报告",
        "{region} customer profile, {period}",
    ),
    "all_regions": ("全国", "All regions"),
    # dimensions
    "province": ("省份", "Province"),
    "industry": ("行业", "Industry"),
    "size": ("企业规模", "Company size"),
    "customer_type": ("客户类型", "Customer type"),
    "status": ("客户状态", "Customer status"),
    "source_channel": ("来源渠道", "Source channel"),
    "channel": ("跟进方式", "Contact channel"),
    "product_category": ("产品类别", "Product category"),
    "quarter": ("季度", "Quarter"),
    "customers": ("客户数", "Customers"),
    "share": ("占比", "Share"),
    "revenue": ("销售额（元）", "Revenue (CNY)"),
    "revenue_wan": ("销售额（万元）", "Revenue (10k CNY)"),
    "interactions": ("跟进次数", "Follow-ups"),
    "to_complete": ("待补充", "to be completed"),
    "other": ("其他", "Other"),
    "completeness_title": ("关键字段完整性（目标线）", "Completeness of key fields (target line)"),
    "issues_title": ("各规则处理数量", "Cells and rows per rule"),
    # KPIs
    "metric": ("指标", "Metric"),
    "current": ("本季度", "This quarter"),
    "previous": ("上季度", "Previous quarter"),
    "change": ("环比变化", "QoQ change"),
    "kpi_customers": ("客户总数", "Customers"),
    "kpi_new_customers": ("新成交客户", "New customers"),
    "kpi_buyers": ("下单客户", "Buying customers"),
    "kpi_orders": ("订单数", "Orders"),
    "kpi_revenue": ("销售额（元）", "Revenue (CNY)"),
    "kpi_aov": ("客单价（元）", "Average order value (CNY)"),
    "kpi_repurchase": ("复购率", "Repurchase rate"),
    "kpi_followups": ("人均跟进次数", "Follow-ups per customer"),
    "kpi_complaints": ("投诉次数", "Complaints"),
    "kpi_satisfaction": ("平均满意度", "Average satisfaction"),
    "kpi_silent": ("90天未跟进客户", "No follow-up in 90 days"),
    # value plots (workbench.value.plots)
    "vp_no_data": ("无数据", "No data"),
    "vp_r_score": ("R 分（越高越近期）", "R score (high = recent)"),
    "vp_f_score": ("F 分（越高越频繁）", "F score (high = frequent)"),
    "vp_mean_monetary": ("平均消费金额（元）", "Mean spend (CNY)"),
    "vp_customer_share": ("客户占比", "Share of customers"),
    "vp_revenue_share": ("销售额占比", "Share of revenue"),
    "vp_pareto_x": (
        "客户累计占比（按销售额从高到低）",
        "Cumulative share of customers (highest revenue first)",
    ),
    "vp_pareto_y": ("销售额累计占比", "Cumulative share of revenue"),
    "vp_pareto_curve": ("累计销售额占比", "Cumulative revenue share"),
    "vp_pareto_equal": ("均匀分布参考线", "Equal shares"),
    "vp_pareto_cuts": ("ABC 分界：累计销售额 {cuts}", "ABC limits: {cuts} of revenue"),
    "vp_pareto_band": (
        "{abc} 类：{n:,} 位客户（{share:.1%}）",
        "{abc}: {n:,} customers ({share:.1%})",
    ),
    "vp_frequency": ("频次（重复购买次数）", "Frequency (repeat purchases)"),
    "vp_recency": ("近度（首次至末次购买，{unit}）", "Recency (first to last purchase, {unit})"),
    "vp_age": ("；客户年龄 T = {T:g} {unit}", "; customer age T = {T:g} {unit}"),
    "vp_unit_weeks": ("周", "weeks"),
    "vp_unit_days": ("天", "days"),
    "vp_unit_other": ("单位（{days:g} 天）", "units of {days:g} days"),
    "vp_expected": ("预期购买次数", "Expected purchases"),
    "vp_expected_next": (
        "未来 {t:.3g} {unit}预期购买次数",
        "Expected purchases in the next {t:.3g} {unit}",
    ),
    "vp_p_alive": ("仍活跃概率", "Probability alive"),
    "vp_impossible": ("不可能的组合", "Impossible combination"),
    "vp_calib_x": ("校准期重复购买次数（客户数）", "Repeat purchases in calibration (customers)"),
    "vp_calib_y": ("持有期人均购买次数", "Mean purchases in holdout"),
    "vp_calib_tick": ("{f}\n{n:,}人", "{f}\nn={n:,}"),
    "vp_actual": ("实际", "Actual"),
    "vp_predicted": ("模型预测", "Predicted"),
    "vp_clv": ("客户终身价值 CLV（元）", "Customer lifetime value (CNY)"),
    "vp_clv_clipped": (
        "客户终身价值 CLV（元）；高于第 {q:g} 百分位（{cut:,.0f} 元）的 {n:,} 位客户计入最右一栏",
        "Customer lifetime value (CNY); {n:,} customers above the {q:g}th percentile "
        "({cut:,.0f}) counted in the last bar",
    ),
    "vp_clv_median": ("中位数 {v:,.0f} 元", "Median {v:,.0f}"),
    "vp_clv_top": ("前 {share:.0%} 客户门槛 {v:,.0f} 元", "Top {share:.0%} from {v:,.0f}"),
    # value report (workbench.value.analysis, workbench.value.tables)
    "value_title": ("{period}{region}区域客户价值分析报告", "{region} customer value, {period}"),
    "vc_customer_id": ("客户编号", "Customer ID"),
    "vc_customer": ("客户", "Customer"),
    "vc_customer_type": ("客户类型", "Type"),
    "vc_owner": ("负责人", "Owner"),
    "vc_city": ("城市", "City"),
    "vc_status": ("客户状态", "Status"),
    "vc_first_purchase": ("首次购买", "First purchase"),
    "vc_last_purchase": ("最近购买", "Last purchase"),
    "vc_recency_days": ("距最近购买天数", "Days since last purchase"),
    "vc_frequency": ("购买天数", "Purchase days"),
    "vc_orders": ("订单数", "Orders"),
    "vc_monetary": ("累计金额（元）", "Total spend (CNY)"),
    "vc_r_score": ("R分", "R"),
    "vc_f_score": ("F分", "F"),
    "vc_m_score": ("M分", "M"),
    "vc_value_class": ("价值分层", "Value class"),
    "vc_revenue_12m": ("近12个月销售额（元）", "Revenue, last 12 months (CNY)"),
    "vc_abc_class": ("ABC分类", "ABC class"),
    "vc_amount_tier": ("金额分级", "Amount tier"),
    "vc_p_alive": ("仍活跃概率", "P(alive)"),
    "vc_expected_purchases": ("预期购买次数", "Expected purchases"),
    "vc_expected_spend": ("预期单次金额（元）", "Expected spend per purchase (CNY)"),
    "vc_clv": ("CLV（元）", "CLV (CNY)"),
    "vc_tags": ("标签", "Tags"),
    "vc_priority": ("优先级", "Priority"),
    "vc_action": ("跟进建议", "Suggested action"),
    "vc_class": ("分类", "Class"),
    "vc_customers": ("客户数", "Customers"),
    "vc_customer_share": ("客户占比", "Share of customers"),
    "vc_revenue": ("近12个月销售额（元）", "Revenue, last 12 months (CNY)"),
    "vc_revenue_share": ("销售额占比", "Share of revenue"),
    "vc_model": ("模型", "Model"),
    "vc_log_likelihood": ("对数似然", "Log-likelihood"),
    "vc_aic": ("AIC", "AIC"),
    "vc_bic": ("BIC", "BIC"),
    "vc_holdout_predicted": ("持有期预测购买", "Holdout purchases, predicted"),
    "vc_holdout_actual": ("持有期实际购买", "Holdout purchases, actual"),
    "vc_holdout_mae": ("人均绝对误差", "Mean absolute error per customer"),
    "vc_note": ("说明", "Note"),
    "vc_frequency_cal": ("校准期重复购买次数", "Repeat purchases in calibration"),
    "vc_actual": ("持有期人均实际购买", "Mean actual holdout purchases"),
    "vc_predicted": ("持有期人均预测购买", "Mean predicted holdout purchases"),
    "vc_tag": ("标签", "Tag"),
    "action_retain": (
        "挽留回访：高价值客户出现流失迹象",
        "Retain: a valuable customer going quiet",
    ),
    "action_lead": (
        "跟进报价：线索浏览多或询价",
        "Follow up: a lead reading a lot or asking prices",
    ),
    "action_repurchase": (
        "复购提醒：A/B类客户3个月未复购",
        "Repurchase: A/B customer silent 3 months",
    ),
    "migration_before": ("季初分类", "Class at quarter start"),
    "migration_after": ("季末分类", "Class at quarter end"),
    "new_class": ("新增", "New"),
    "not_classified": ("未成交", "No purchase"),
}


def check_lang(lang: str) -> str:
    """Validate a `lang` parameter."""
    if lang not in LANGS:
        raise ParameterError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def t(key: str, lang: str = "zh", **fields: object) -> str:
    """The label `key` in `lang`, with {fields} filled in."""
    zh, en = LABELS[key]
    return (zh if check_lang(lang) == "zh" else en).format(**fields)

"""Report labels in Simplified Chinese (default) and English (`lang: en`)."""

from __future__ import annotations

from workbench.errors import ParameterError

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

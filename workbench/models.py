"""Front door to the analyses: import models from here, not from their modules."""

from workbench.profiling import (
    channel_mix,
    customers_of_region,
    distribution,
    kpi_comparison,
    quarter_kpis,
    quarterly_trend,
    revenue_shares,
)
from workbench.rfm import rfm_classes, rfm_scores, rfm_table, value_classes
from workbench.segments import abc_classes, amount_tiers, segment_summary, tags
from workbench.value_params import ValueParams, load_value_params

__all__ = [
    "ValueParams",
    "abc_classes",
    "amount_tiers",
    "channel_mix",
    "customers_of_region",
    "distribution",
    "kpi_comparison",
    "load_value_params",
    "quarter_kpis",
    "quarterly_trend",
    "revenue_shares",
    "rfm_classes",
    "rfm_scores",
    "rfm_table",
    "segment_summary",
    "tags",
    "value_classes",
]

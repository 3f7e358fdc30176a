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

__all__ = [
    "channel_mix",
    "customers_of_region",
    "distribution",
    "kpi_comparison",
    "quarter_kpis",
    "quarterly_trend",
    "revenue_shares",
]

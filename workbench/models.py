"""Front door to the analyses: import models from here, not from their modules."""

from workbench.clv.fit import ClvFit, fit_clv
from workbench.clv.purchase import (
    BGNBD,
    MBGNBD,
    ParetoNBD,
    holdout_by_frequency,
    model_selection,
    purchase_model,
)
from workbench.clv.spend import CLV, GammaGamma, MeanSpend
from workbench.clv.summary import calibration_holdout, compress, summarize
from workbench.extracts.order_lines import order_totals, quarantined_revenue
from workbench.profiling.analysis import (
    channel_mix,
    customers_of_region,
    distribution,
    kpi_comparison,
    quarter_kpis,
    quarterly_trend,
    revenue_by_customer,
    revenue_shares,
)
from workbench.profiling.gaps import Gap, profile_gaps
from workbench.quality.analysis import (
    issue_counts,
    merge_counts,
    merged_pairs,
    quarantine_counts,
    retention_counts,
    review_counts,
    review_pairs,
    to_complete_by_owner,
)
from workbench.value.analysis import ValueReport, analyse_value
from workbench.value.gaps import value_gaps
from workbench.value.params import ValueParams, load_value_params
from workbench.value.rfm import rfm_classes, rfm_scores, rfm_table, value_classes
from workbench.value.segments import abc_classes, amount_tiers, segment_summary, tags

__all__ = [
    "BGNBD",
    "CLV",
    "MBGNBD",
    "ClvFit",
    "GammaGamma",
    "Gap",
    "MeanSpend",
    "ParetoNBD",
    "ValueParams",
    "ValueReport",
    "abc_classes",
    "amount_tiers",
    "analyse_value",
    "calibration_holdout",
    "channel_mix",
    "compress",
    "customers_of_region",
    "distribution",
    "fit_clv",
    "holdout_by_frequency",
    "issue_counts",
    "kpi_comparison",
    "load_value_params",
    "merge_counts",
    "merged_pairs",
    "model_selection",
    "order_totals",
    "profile_gaps",
    "purchase_model",
    "quarantine_counts",
    "quarantined_revenue",
    "quarter_kpis",
    "quarterly_trend",
    "retention_counts",
    "revenue_by_customer",
    "revenue_shares",
    "review_counts",
    "review_pairs",
    "rfm_classes",
    "rfm_scores",
    "rfm_table",
    "segment_summary",
    "summarize",
    "tags",
    "to_complete_by_owner",
    "value_classes",
    "value_gaps",
]

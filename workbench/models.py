"""Front door to the analyses: import models from here, not from their modules."""

from workbench.churn.analysis import ChurnReport, analyse_churn
from workbench.churn.definition import behavioural_churn_rate, behavioural_labels, status_labels
from workbench.churn.params import ChurnParams, load_churn_params
from workbench.churn.training import ChurnFit, ChurnModel, fit_churn, load_churn_model
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
from workbench.clv.summary_engine import summarize_auto, summarize_on_engine
from workbench.clv.summary_spark import summarize_on_spark
from workbench.collection.completion import completion_items
from workbench.collection.queue import (
    correction_effect,
    correction_rounds,
    open_issues,
    queue_by_age,
    queue_by_owner,
    queue_counts,
    rejected_cells,
)
from workbench.extracts.order_lines import order_totals, quarantined_revenue
from workbench.funnel.analysis import FunnelReport, analyse_funnel, follow_up_prospects
from workbench.funnel.gaps import funnel_gaps
from workbench.funnel.metrics import (
    funnel_by,
    funnel_table,
    loss_reasons,
    period_cohorts,
    stage_days,
    weakest_stage,
    win_rate,
)
from workbench.funnel.params import FunnelParams, load_funnel_params
from workbench.funnel.stages import lead_stages
from workbench.kpis.analysis import KpiReport, analyse_kpis
from workbench.kpis.params import KpiParams, load_kpi_params
from workbench.kpis.summary import anomalies, expected_value, largest_movements, region_overview
from workbench.profiling.analysis import (
    channel_mix,
    customers_of_region,
    distribution,
    kpi_comparison,
    period_kpis,
    period_trend,
    revenue_by_customer,
    revenue_shares,
)
from workbench.profiling.gaps import Gap, profile_gaps
from workbench.quality.analysis import (
    issue_counts,
    load_issue_counts,
    load_issue_summary,
    merge_counts,
    merged_pairs,
    quarantine_counts,
    retention_counts,
    review_counts,
    review_pairs,
    to_complete_by_owner,
)
from workbench.requirements.analysis import (
    RequirementReport,
    analyse_requirements,
    quadrant_counts,
    resolution_kpis,
    service_levels,
)
from workbench.requirements.gaps import requirement_gaps
from workbench.requirements.params import RequirementParams, load_requirement_params
from workbench.requirements.prepare import customer_values, requirement_frame
from workbench.requirements.themes import corpus_idf, keywords, rising_themes, stop_words, themes
from workbench.segments.analysis import (
    segment_counts,
    segment_gaps,
    segment_lists,
    segment_members,
)
from workbench.segments.definitions import Segment, load_segments
from workbench.segments.fields import customer_fields
from workbench.trends.analysis import TrendReport, analyse_trends, region_growth
from workbench.trends.anomalies import complaint_rises, order_drops
from workbench.trends.cohorts import acquisition_cohorts, cohort_sizes, retention_matrix
from workbench.trends.gaps import trend_gaps
from workbench.trends.params import TrendParams, load_trend_params
from workbench.value.analysis import ValueReport, analyse_value
from workbench.value.classes import ClassViews, class_views
from workbench.value.gaps import value_gaps
from workbench.value.moves import ClassMoves, class_moves
from workbench.value.params import ValueParams, load_value_params
from workbench.value.rfm import rfm_classes, rfm_scores, rfm_table, value_classes
from workbench.value.segments import (
    abc_classes,
    amount_tiers,
    class_migration,
    follow_up_leads,
    segment_summary,
    tags,
)
from workbench.value.weighted import WeightedScores, class_agreement, weighted_scores
from workbench.value.weighted_params import WeightedParams

__all__ = [
    "BGNBD",
    "CLV",
    "MBGNBD",
    "ChurnFit",
    "ChurnModel",
    "ChurnParams",
    "ChurnReport",
    "ClassMoves",
    "ClassViews",
    "ClvFit",
    "FunnelParams",
    "FunnelReport",
    "GammaGamma",
    "Gap",
    "KpiParams",
    "KpiReport",
    "MeanSpend",
    "ParetoNBD",
    "RequirementParams",
    "RequirementReport",
    "Segment",
    "TrendParams",
    "TrendReport",
    "ValueParams",
    "ValueReport",
    "WeightedParams",
    "WeightedScores",
    "abc_classes",
    "acquisition_cohorts",
    "amount_tiers",
    "analyse_churn",
    "analyse_funnel",
    "analyse_kpis",
    "analyse_requirements",
    "analyse_trends",
    "analyse_value",
    "anomalies",
    "behavioural_churn_rate",
    "behavioural_labels",
    "calibration_holdout",
    "channel_mix",
    "class_agreement",
    "class_migration",
    "class_moves",
    "class_views",
    "cohort_sizes",
    "complaint_rises",
    "completion_items",
    "compress",
    "corpus_idf",
    "correction_effect",
    "correction_rounds",
    "customer_fields",
    "customer_values",
    "customers_of_region",
    "distribution",
    "expected_value",
    "fit_churn",
    "fit_clv",
    "follow_up_leads",
    "follow_up_prospects",
    "funnel_by",
    "funnel_gaps",
    "funnel_table",
    "holdout_by_frequency",
    "issue_counts",
    "keywords",
    "kpi_comparison",
    "largest_movements",
    "lead_stages",
    "load_churn_model",
    "load_churn_params",
    "load_funnel_params",
    "load_issue_counts",
    "load_issue_summary",
    "load_kpi_params",
    "load_requirement_params",
    "load_segments",
    "load_trend_params",
    "load_value_params",
    "loss_reasons",
    "merge_counts",
    "merged_pairs",
    "model_selection",
    "open_issues",
    "order_drops",
    "order_totals",
    "period_cohorts",
    "period_kpis",
    "period_trend",
    "profile_gaps",
    "purchase_model",
    "quadrant_counts",
    "quarantine_counts",
    "quarantined_revenue",
    "queue_by_age",
    "queue_by_owner",
    "queue_counts",
    "region_growth",
    "region_overview",
    "rejected_cells",
    "requirement_frame",
    "requirement_gaps",
    "resolution_kpis",
    "retention_counts",
    "retention_matrix",
    "revenue_by_customer",
    "revenue_shares",
    "review_counts",
    "review_pairs",
    "rfm_classes",
    "rfm_scores",
    "rfm_table",
    "rising_themes",
    "segment_counts",
    "segment_gaps",
    "segment_lists",
    "segment_members",
    "segment_summary",
    "service_levels",
    "stage_days",
    "status_labels",
    "stop_words",
    "summarize",
    "summarize_auto",
    "summarize_on_engine",
    "summarize_on_spark",
    "tags",
    "themes",
    "to_complete_by_owner",
    "trend_gaps",
    "value_classes",
    "value_gaps",
    "weakest_stage",
    "weighted_scores",
    "win_rate",
]

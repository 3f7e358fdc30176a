"""The value classes the report uses (RFM rules or the weighted score, ``classes_by``), how far
the two agree, their re-evaluation at the previous period's end (of the report's kind), and the playbook per class.

Customers gain the columns rfm_class, weighted_score (0–100), weighted_class, playbook (the
class's actions joined by 、); value_class becomes the class in use. The 高价值客户 tag stays
the RFM rule's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.core.periods import parse_period, period_bounds, period_text
from workbench.value.moves import ClassMoves, class_moves
from workbench.value.params import ValueParams
from workbench.value.rfm import SCORE_COLUMNS, rfm_scores, rfm_table, value_classes
from workbench.value.segments import abc_classes
from workbench.value.weighted import WeightedScores, class_agreement, weighted_scores
from workbench.value.weighted_params import FACTORS

EXTRACTS = ("interactions", "requirements", "opportunities")


@dataclass(frozen=True)
class ClassViews:
    """RFM and weighted classes at the period's end, their agreement (crosstab over the buyers,
    rows RFM, columns weighted; shares in the same / same-or-adjacent class) and the moves."""

    classes_by: str
    weighted: WeightedScores
    agreement: pd.DataFrame
    same_share: float
    adjacent_share: float
    moves: ClassMoves

    def in_use(self, rfm: pd.DataFrame) -> pd.DataFrame:
        """customer_id, value_class of the classification in use (RFM: the buyers only)."""
        frame = rfm if self.classes_by == "rfm" else self.weighted.table
        return frame[["customer_id", "value_class"]]


def class_views(
    customers: pd.DataFrame,
    purchases: pd.DataFrame,
    extracts: dict[str, pd.DataFrame | None],
    period: str,
    rfm: pd.DataFrame,
    revenue_12m: pd.Series,
    params: ValueParams,
) -> ClassViews:
    """Everything about the value classes beyond the RFM rules, for ``period``."""
    start, as_of = period_bounds(period)
    previous = period_text(parse_period(period) - 1)
    weighted = weighted_scores(customers, purchases, revenue_12m, as_of, params.weighted, extracts)
    both = rfm[["customer_id", "value_class"]].merge(
        weighted.table[["customer_id", "value_class"]], on="customer_id", suffixes=("_r", "_w")
    )
    agreement, same, adjacent = class_agreement(both["value_class_r"], both["value_class_w"])
    if params.classes_by == "rfm":
        details = SCORE_COLUMNS
        bins, window = params.rfm.bins, params.rfm.window_days
        before = value_classes(rfm_scores(rfm_table(purchases, start, window), bins), params)
        after = rfm
    else:
        details = tuple(f for f in FACTORS if f in weighted.table)
        revenue_then = abc_classes(purchases, start, params.abc).set_index("customer_id")
        before = weighted_scores(customers, purchases, revenue_then["revenue"], start,
                                 params.weighted, extracts).table  # fmt: skip
        after = weighted.table
    moves = class_moves(before, after, revenue_12m, tuple(details), previous)
    return ClassViews(params.classes_by, weighted, agreement, same, adjacent, moves)


def with_class_columns(frame: pd.DataFrame, views: ClassViews, params: ValueParams) -> pd.DataFrame:
    """The customer table with rfm_class, weighted_score, weighted_class, playbook and
    value_class set to the classification in use."""
    out = frame.copy()
    out["rfm_class"] = out["value_class"]
    weighted = views.weighted.table.set_index("customer_id")
    out["weighted_score"] = (out["customer_id"].map(weighted["score"]) * 100).round(1)
    out["weighted_class"] = out["customer_id"].map(weighted["value_class"])
    if views.classes_by == "weighted":
        out["value_class"] = out["weighted_class"]
    playbooks = {name: "、".join(actions) for name, actions in params.playbooks.items()}
    out["playbook"] = out["value_class"].astype(object).map(playbooks).fillna("")
    return out

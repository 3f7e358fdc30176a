"""The sales-funnel report of one region and period (a month, a quarter or a year), assembled in one call from `stages` and
`metrics`, plus the prospects to follow up (重点跟进).

The cut-off ``as_of`` is the first day after the period (exclusive). The funnel counts the
region's leads created in the ``window_months`` before it, as they stood at the cut-off; the
period comparison takes the leads created in it and in the previous period (`period_cohorts`).
A lead belongs to the region, and to an owner, through its customer. Customers are shown by a
display name: enterprises by name, individuals masked (张**).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.cleaning.privacy import display_names
from workbench.core.periods import parse_period, period_bounds, period_text
from workbench.extracts.loader import TableAccess
from workbench.extracts.order_lines import order_totals
from workbench.funnel.metrics import (
    funnel_by,
    funnel_table,
    loss_reasons,
    period_cohorts,
    stage_days,
    weakest_stage,
    win_rate,
)
from workbench.funnel.params import FollowUpParams, FunnelParams
from workbench.funnel.stages import STAGES, lead_stages
from workbench.profiling.analysis import customers_of_region
from workbench.value.segments import follow_up_leads

FOLLOW_UP_COLUMNS = ("customer", "owner", "lead_stage", "expected_amount", "pages_viewed",
                     "price_questions", "last_interaction")  # fmt: skip


@dataclass(frozen=True)
class FunnelReport:
    """Everything the funnel report shows for one region and period (see `analyse_funnel`)."""

    region: str
    period: str
    as_of: pd.Timestamp
    customers: int  # the region's customers
    window_start: pd.Timestamp
    convention: str  # the one the chart and the summary show: reached or in_order
    leads: pd.DataFrame  # lead_stages of the region's leads in the window, with owner and region
    funnel: pd.DataFrame  # funnel_table: both conventions, weakest stage marked
    days: pd.DataFrame  # stage_days
    reasons: pd.DataFrame  # loss_reasons
    by_owner: pd.DataFrame  # funnel_by owner, within the region
    by_region: pd.DataFrame  # funnel_by region, every region (the company as context)
    quarters: pd.DataFrame  # period_cohorts: this period's leads against the previous period's
    follow_up: pd.DataFrame  # FOLLOW_UP_COLUMNS, most pages viewed first
    weakest: str | None  # the weakest stage's code

    @property
    def win_rate(self) -> float:
        """won / (won + lost) of the funnel's leads."""
        return win_rate(self.leads)

    def figure(self, stage: str, column: str = "") -> float:
        """One number of the funnel table: leads at ``stage`` (or its ``column``) under the
        report's convention, e.g. figure("won", "overall") is the overall conversion."""
        name = f"{self.convention}_{column}" if column else self.convention
        return float(self.funnel.set_index("stage").loc[stage, name])


def with_customers(stages: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """The per-lead frame with its customer's owner and region (NaN for an unknown customer)."""
    keep = [c for c in ("owner", "region") if c in customers]
    info = customers.drop_duplicates("customer_id").set_index("customer_id")[keep]
    out = stages.join(info, on="customer_id")
    for column in ("owner", "region"):
        if column not in out:
            out[column] = np.nan
    return out


def analyse_funnel(
    data: TableAccess, region: str, period: str, params: FunnelParams | None = None
) -> FunnelReport:
    """The funnel report of ``region`` (or 全国) for ``period`` (2024-11, 2024Q4 or 2024) from
    cleaned extracts: the window ends with the period, the comparison is its previous period."""
    params = params or FunnelParams()
    period = period_text(parse_period(period))
    _, as_of = period_bounds(period)
    start = as_of - pd.DateOffset(months=params.window_months)
    customers = customers_of_region(data.customers, region)
    leads = data.opportunities
    everyone = with_customers(lead_stages(leads, as_of), data.customers)
    everyone = everyone[everyone["created_date"] >= start]
    mine = everyone[everyone["customer_id"].isin(customers["customer_id"])]
    mine = mine.reset_index(drop=True)
    table = funnel_table(mine, params.convention, params.weakest_min_leads)
    region_leads = leads[leads["customer_id"].isin(customers["customer_id"])]
    return FunnelReport(
        region=region,
        period=period,
        as_of=as_of,
        customers=len(customers),
        window_start=start,
        convention=params.convention,
        leads=mine,
        funnel=table,
        days=stage_days(mine),
        reasons=loss_reasons(mine),
        by_owner=funnel_by(mine, "owner", params.convention),
        by_region=funnel_by(everyone, "region", params.convention),
        quarters=period_cohorts(region_leads, period, params.convention),
        follow_up=follow_up_prospects(data, customers, mine, as_of, params.follow_up),
        weakest=weakest_stage(table, params.convention, params.weakest_min_leads),
    )


def follow_up_prospects(
    data: TableAccess,
    customers: pd.DataFrame,
    stages: pd.DataFrame,
    as_of: pd.Timestamp,
    params: FollowUpParams | None = None,
) -> pd.DataFrame:
    """重点跟进 among ``customers`` by the one rule (`value.segments.follow_up_leads`), with what
    a rep needs: their open lead's furthest stage and expected amount, pages viewed and price
    questions in the window, last interaction; most pages first."""
    params = params or FollowUpParams()
    rule = params.tag_params()
    orders = order_totals(data.orders)
    ids = follow_up_leads(customers, orders[orders["amount"] > 0], data.interactions, as_of, rule)
    hot = customers[customers["customer_id"].isin(ids)]
    out = pd.DataFrame({"customer_id": hot["customer_id"], "customer": display_names(hot)})
    out["owner"] = hot.get("owner", np.nan)
    open_leads = stages[(stages["outcome"] == "open") & stages["customer_id"].isin(ids)]
    rank = open_leads["stage"].map({s: i for i, s in enumerate(STAGES)})
    furthest = open_leads.assign(_rank=rank).sort_values("_rank").groupby("customer_id")["stage"]
    ids_shown = out["customer_id"]  # reindex, not map: an empty region's ids cannot map
    out["lead_stage"] = furthest.last().reindex(ids_shown).to_numpy()
    amounts = pd.to_numeric(open_leads["expected_amount"], errors="coerce")
    totals = amounts.groupby(open_leads["customer_id"]).sum()
    out["expected_amount"] = totals.reindex(ids_shown).to_numpy(dtype="float64")
    inter = data.interactions
    dates = inter["interaction_date"]
    window = as_of - pd.Timedelta(days=params.window_days)
    recent = inter[inter["customer_id"].isin(ids) & (dates >= window) & (dates < as_of)]
    none = pd.Series(np.nan, index=recent.index, dtype=object)  # a column the extract lacks
    behaviour = pd.DataFrame(
        {
            "customer_id": recent["customer_id"],
            "pages_viewed": pd.to_numeric(recent.get("pages_viewed", none), errors="coerce"),
            "price_questions": recent.get("question_type", none)
            .isin(params.question_types)
            .astype("float64"),
            "last_interaction": recent["interaction_date"],
        },
        index=recent.index,
    ).astype({"pages_viewed": "float64"})
    summary = behaviour.groupby("customer_id").agg(
        pages_viewed=("pages_viewed", "sum"),
        price_questions=("price_questions", "sum"),
        last_interaction=("last_interaction", "max"),
    )
    out = out.merge(summary, left_on="customer_id", right_index=True, how="left")
    out = out.sort_values(["pages_viewed", "price_questions", "customer_id"],
                          ascending=[False, False, True], na_position="last")  # fmt: skip
    return out[list(FOLLOW_UP_COLUMNS)].reset_index(drop=True)

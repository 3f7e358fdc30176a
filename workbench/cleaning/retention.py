"""Retention (数据保留): which customers' data is past its keeping period (domain.md §5).

- Active customers: kept until `retention_years_after_end` after the relationship ended. The
  relationship counts as ended when there was no order or interaction for
  `relationship_end_days`; it ended on the last activity.
- Churned customers (状态 流失客户): kept until `retention_years_after_churn` after churn was
  confirmed. Extracts carry no confirmation date, so the last activity stands in for it. Churn
  is confirmed no earlier than that, so a row may be listed early: the list is for review and
  nothing is deleted here.
Past that, the customer is listed for destruction with the reason and the dates.
"""

from __future__ import annotations

import pandas as pd

from workbench.cleaning.settings import CleaningSettings

CHURNED = "流失客户"


def last_activity(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Latest dated event per customer: orders, interactions, requirements, leads, deal, contact."""
    customers = tables["customers"]
    dated = [c for c in ("first_contact_date", "first_deal_date") if c in customers]
    events = [customers.set_index("customer_id")[dated].max(axis=1).astype("datetime64[ns]")]
    for table, column in (
        ("orders", "order_date"),
        ("interactions", "interaction_date"),
        ("requirements", "created_date"),
        ("opportunities", "created_date"),
    ):
        if table in tables and len(tables[table]):
            events.append(tables[table].groupby("customer_id")[column].max())
    latest = pd.concat(events, axis=1).max(axis=1)
    return latest.reindex(customers["customer_id"]).rename("last_activity")


def retention_list(
    tables: dict[str, pd.DataFrame], settings: CleaningSettings, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Every customer past retention at `as_of`: id, status, last activity, keep-until, reason."""
    customers = tables["customers"]
    last = pd.Series(last_activity(tables).to_numpy(), index=customers.index)
    status = customers.get("status", pd.Series(pd.NA, index=customers.index, dtype="str"))
    churned = status.eq(CHURNED).fillna(False).astype(bool)
    ended = (as_of - last).dt.days > settings.relationship_end_days
    until = pd.Series(pd.NaT, index=customers.index, dtype="datetime64[ns]")
    for is_churned, years in ((True, settings.retention_years_after_churn),
                              (False, settings.retention_years_after_end)):  # fmt: skip
        group = churned == is_churned
        until[group] = last[group] + pd.DateOffset(years=years)
    due = (churned | ended) & (until < as_of)
    ended_label = f"关系结束满{settings.retention_years_after_end}年"
    churned_label = f"流失确认满{settings.retention_years_after_churn}年"
    reason = pd.Series(ended_label, index=customers.index).where(~churned, churned_label)
    out = pd.DataFrame(
        {
            "customer_id": customers["customer_id"],
            "owner": customers.get("owner"),
            "status": status,
            "last_activity": last,
            "keep_until": until,
            "reason": reason,
        }
    )[due]
    return out.sort_values("keep_until").reset_index(drop=True)

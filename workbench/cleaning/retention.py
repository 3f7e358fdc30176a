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

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from workbench.cleaning.settings import CleaningSettings
from workbench.cleaning.text import arrow_text, is_arrow_text
from workbench.core.threads import slice_map

CHURNED = "流失客户"
_EVENTS = (
    ("orders", "order_date"), ("interactions", "interaction_date"),
    ("requirements", "created_date"), ("opportunities", "created_date"),
)  # fmt: skip
_NAT = np.iinfo(np.int64).min


def last_activity(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Latest dated event per customer: orders, interactions, requirements, leads, deal, contact."""
    customers = tables["customers"]
    dated = [c for c in ("first_contact_date", "first_deal_date") if c in customers]
    children = [tables[t][["customer_id", c]] for t, c in _EVENTS if t in tables and len(tables[t])]
    fast = _latest_by_position(customers, dated, children)
    if fast is not None:
        return fast
    events = [customers.set_index("customer_id")[dated].max(axis=1).astype("datetime64[ns]")]
    events += [child.groupby("customer_id")[child.columns[1]].max() for child in children]
    latest = pd.concat(events, axis=1).max(axis=1)
    return latest.reindex(customers["customer_id"]).rename("last_activity")


def _latest_by_position(
    customers: pd.DataFrame, dated: list[str], children: list[pd.DataFrame]
) -> pd.Series | None:
    """`last_activity` without grouping 10M-row child tables by text: each child row's customer
    is found by a hash lookup, the maximum taken over integer positions. None (use the general
    path) unless the ids are unique text and every date is datetime64[ns]."""
    ids = customers["customer_id"]
    dates = [customers[c] for c in dated] + [child.iloc[:, 1] for child in children]
    if not (
        len(ids)
        and all(is_arrow_text(s) for s in (ids, *(child["customer_id"] for child in children)))
        and all(d.dtype == "datetime64[ns]" for d in dates)
        and not ids.isna().any()
        and ids.is_unique
    ):
        return None
    latest = np.full(len(ids), _NAT, dtype=np.int64)  # NaT is the smallest int64: max skips it
    for column in dated:
        latest = np.maximum(latest, customers[column].to_numpy().view(np.int64))
    value_set = arrow_text(ids)
    for child in children:  # a hash lookup of the child's rows on both cores (`slice_map`), then
        found = slice_map(  # the maximum over positions, a slice at a time: small temporaries
            lambda part: pc.index_in(part, value_set=value_set), arrow_text(child["customer_id"])
        )
        dates = child.iloc[:, 1].to_numpy().view(np.int64)
        start = 0
        for chunk in found.chunks:
            position = chunk.fill_null(-1).to_numpy()
            when = dates[start : start + len(position)]
            keep = (position >= 0) & (when != _NAT)
            np.maximum.at(latest, position[keep], when[keep])
            start += len(position)
    index = pd.Index(ids, name="customer_id")
    return pd.Series(latest.view("datetime64[ns]"), index=index, name="last_activity")


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

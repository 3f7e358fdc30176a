"""The region's requirements as one frame: each need with its customer (masked name, industry,
value classes), its quadrant and its handling flags at the report period's end (a month, a
quarter or a year; the columns in_quarter and resolved_in_quarter keep their quarterly-era names
and mean "in the report's period").

Definitions (also in docs/glossary.md); ``as_of`` is the exclusive cut-off, the first day after
the period, as in the value analyses:
- value_class / abc_class: the customer's RFM class and ABC class at ``as_of``, computed as the
  value report does (purchases = orders with amount > 0 of the region's customers).
- high_value: value_class in ``high_value.value_classes`` or abc_class in ``abc_classes``;
  urgent: urgency in ``urgent``. quadrant: Q1 high+urgent, Q2 high+not urgent, Q3 low+urgent,
  Q4 low+not urgent (a blank urgency is not urgent).
- resolved_by_end: status 已解决, resolved before ``as_of`` (or with no resolved date);
  open_at_end: created before ``as_of``, neither resolved by then nor 无法满足.
- days_to_resolve: calendar days from created to resolved; on_time: resolved on or before the
  due date; within_target: days_to_resolve ≤ the quadrant's target.
- overdue: open at the end with a due date before ``as_of``; days_overdue = as_of − due date.
- reopened: status 待处理 / 处理中 although a resolved date is recorded (resolved once, open again).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from workbench.cleaning.privacy import display_names
from workbench.extracts.order_lines import order_totals
from workbench.value.params import ValueParams
from workbench.value.rfm import rfm_scores, rfm_table, value_classes
from workbench.value.segments import abc_classes

RESOLVED, REJECTED, OPEN_STATUSES = "已解决", "无法满足", ("待处理", "处理中")
INDIVIDUAL = "individual"  # the industry key of individual customers (a label key: rq_individual)
FRAME_COLUMNS = (
    "req_id", "customer_id", "customer", "customer_type", "region", "industry", "value_class",
    "abc_class", "high_value", "urgent", "quadrant", "category", "nature", "explicitness",
    "urgency", "priority", "status", "owner", "created_date", "due_date", "resolved_date",
    "satisfaction", "rejection_reason", "description", "in_quarter", "resolved_by_end",
    "resolved_in_quarter", "days_to_resolve", "on_time", "target_days", "within_target",
    "open_at_end", "overdue", "days_overdue", "reopened",
)  # fmt: skip
# Phone numbers, ID numbers and e-mails inside free text, as people write them: mobiles with
# or without +86 and spaces or dashes (139-8765-4321, +86 139 8765 4321), landlines with the
# area code in brackets or not ((021)62345678, 0571-8888 6666), ID numbers with or without gaps.
_PII = re.compile(
    r"(?<![\dA-Za-z])("
    r"\d{6}[\s-]?\d{8}[\s-]?\d{3}[\dXx]"
    r"|(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}"
    r"|(?:\(0\d{2,3}\)|0\d{2,3})[\s-]?\d{3,4}[\s-]?\d{4}"
    r")(?![\dA-Za-z])"
    r"|[\w.+-]+@[\w-]+(\.[\w-]+)+"
)


def customer_values(
    orders: pd.DataFrame, customer_ids: pd.Series, as_of: pd.Timestamp, params: ValueParams
) -> pd.DataFrame:
    """customer_id → value_class (RFM) and abc_class at ``as_of``, for the customers with a
    purchase; the same computation as the value report's (`analyse_value`)."""
    totals = order_totals(orders)
    purchases = totals[(totals["amount"] > 0) & totals["customer_id"].isin(customer_ids)]
    scores = value_classes(rfm_scores(rfm_table(purchases, as_of, params.rfm.window_days),
                                      params.rfm.bins), params)  # fmt: skip
    abc = abc_classes(purchases, as_of, params.abc)
    out = scores[["customer_id", "value_class"]].merge(
        abc[["customer_id", "abc_class"]], on="customer_id", how="outer"
    )
    return out.astype({"value_class": "object", "abc_class": "object"})


def redact(texts: pd.Series) -> pd.Series:
    """Free text with phone numbers, ID numbers and e-mail addresses replaced by ****."""
    return texts.astype("object").map(
        lambda text: text if not isinstance(text, str) else _PII.sub("****", text)
    )


def requirement_frame(
    requirements: pd.DataFrame,
    customers: pd.DataFrame,
    values: pd.DataFrame,
    quarter: tuple[pd.Timestamp, pd.Timestamp],
    params: object,
) -> pd.DataFrame:
    """FRAME_COLUMNS for the requirements of ``customers`` created before the period's end
    (``quarter`` = the period's (start, as_of)); ``values`` from `customer_values`, ``params`` the
    RequirementParams."""
    start, as_of = quarter
    mine = requirements[
        requirements["customer_id"].isin(customers["customer_id"])
        & (requirements["created_date"] < as_of)
    ]
    mine = mine.assign(description=public_descriptions(mine, customers))
    who = customers[["customer_id", "customer_type", "region", "industry", "name"]].copy()
    who["customer"] = display_names(customers)
    person = who["customer_type"].eq("个人").fillna(False).astype(bool)
    who["industry"] = who["industry"].astype("object").mask(person, INDIVIDUAL)
    out = mine.drop(columns=["region"], errors="ignore").merge(who, on="customer_id", how="left")
    out = out.merge(values, on="customer_id", how="left")
    high = params.high_value
    out["high_value"] = (out["value_class"].isin(high.value_classes)
                         | out["abc_class"].isin(high.abc_classes))  # fmt: skip
    out["urgent"] = out["urgency"].isin(params.urgent)
    out["quadrant"] = np.select(
        [out["high_value"] & out["urgent"], out["high_value"], out["urgent"]],
        ["Q1", "Q2", "Q3"],
        default="Q4",
    )
    return _flags(out, start, as_of, params).reset_index(drop=True)[list(FRAME_COLUMNS)]


def public_descriptions(requirements: pd.DataFrame, customers: pd.DataFrame) -> pd.Series:
    """The descriptions as reports may show them: phones, IDs and e-mails redacted, an individual
    customer's own name masked as in the lists (张**); aligned with ``requirements``."""
    who = (
        customers[["customer_id", "customer_type", "name"]]
        .assign(customer=display_names(customers))
        .drop_duplicates("customer_id")
    )
    rows = requirements[["customer_id"]].merge(who, on="customer_id", how="left")
    text = redact(requirements["description"]).to_numpy(dtype=object)
    person = rows["customer_type"].eq("个人").fillna(False).to_numpy(dtype=bool)
    names, shown = rows["name"].to_numpy(dtype=object), rows["customer"].to_numpy(dtype=object)
    return pd.Series(
        [
            d.replace(n, s) if p and isinstance(d, str) and isinstance(n, str) and n else d
            for d, n, s, p in zip(text, names, shown, person, strict=True)
        ],
        index=requirements.index,
        dtype="object",
    )


def resolved_by(status: pd.Series, resolved_date: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    """Resolved by ``as_of``: status 已解决 and resolved before it (or with no resolved date)."""
    is_resolved = status.astype("object").eq(RESOLVED).fillna(False).astype(bool)
    resolved = resolved_date.dt.normalize()
    return is_resolved & (resolved.isna() | (resolved < as_of))


def _flags(
    out: pd.DataFrame, start: pd.Timestamp, as_of: pd.Timestamp, params: object
) -> pd.DataFrame:
    """The handling columns at the period's end (see the module docstring)."""
    created = out["created_date"].dt.normalize()
    resolved = out["resolved_date"].dt.normalize()
    due = out["due_date"].dt.normalize()
    status = out["status"].astype("object")
    is_resolved = status.eq(RESOLVED).fillna(False).astype(bool)
    out["in_quarter"] = out["created_date"] >= start
    out["resolved_by_end"] = resolved_by(status, out["resolved_date"], as_of)
    out["resolved_in_quarter"] = is_resolved & (resolved >= start) & (resolved < as_of)
    days = (resolved - created).dt.days
    out["days_to_resolve"] = days.where(is_resolved).astype("Float64")
    known = is_resolved & resolved.notna()
    out["on_time"] = (resolved <= due).where(known & due.notna()).astype("boolean")
    targets = params.target_days
    out["target_days"] = out["quadrant"].map(lambda q: getattr(targets, q)).astype("int64")
    out["within_target"] = (days <= out["target_days"]).where(known).astype("boolean")
    rejected = status.eq(REJECTED).fillna(False).astype(bool)
    out["open_at_end"] = ~(out["resolved_by_end"] | rejected)
    out["overdue"] = out["open_at_end"] & (due < as_of).fillna(False).astype(bool)
    out["days_overdue"] = (as_of - due).dt.days.where(out["overdue"]).astype("Float64")
    out["reopened"] = status.isin(OPEN_STATUSES) & resolved.notna()
    return out

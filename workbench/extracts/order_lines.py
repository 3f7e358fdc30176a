"""Orders written as order lines: which rows are lines of one order, which are true repeats,
which orders are returns, and an order's amount as the sum of its lines.

ERP and shop exports often write one row per order line (the same order number on several rows,
one per product). The loader keeps every line and quarantines only true repeats
(`repeated_lines`); analyses that count orders sum the lines first (`order_totals`). The rule,
for rows whose order number is already used by an earlier row of the file (docs/extracts.md):

1. The lines of an order share its customer and its day. A row with another customer or day
   under a number already used is ``duplicate_key``: the number is reused (quarantined).
2. With a line number (行号), a line is (order number, line number): a repeat of it identical in
   every column is ``duplicate_row``; another row under the same line is ``duplicate_key``.
3. Without a line number, a row identical in every column to an earlier line of its order is
   ``duplicate_row`` when the order has no other, different line (a one-line order written
   twice), and kept as a line but listed as a ``possible_repeat`` when it has (a shop may sell
   the same item twice on one invoice, as two identical lines).

Returns (退货 / 冲销): an order whose amount (the sum of its lines) is negative and that is marked
as a return — an order number like ``C536379``, a 单据类型 such as 退货 / 冲销, or a referenced
original order (原订单号), `return_marks`. A return is netted in revenue in its own period and is
not an order; a negative amount without a mark is a contradiction the cleaning flags
(``negative_amount``, most likely a sign error) and stays an order as written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.extracts.parsers import missing_mask
from workbench.extracts.schema import ORDERS

RETURN_NUMBER = r"[Cc]\d+"  # a cancelled invoice's number: C536379 (UCI Online Retail)
RETURN_WORDS = r"退货|退款|冲销|冲红|红冲|红字|取消|credit|return|refund|cancel"
ORDER_COLUMNS = ("order_id", "customer_id", "order_date", "amount", "lines", "is_return")
VERDICT_COLUMNS = ("verdict", "first", "why")
# The quarantine detail (verdict, why) of a repeated line, {row} the earlier row it repeats.
DETAILS: dict[tuple[str, str], str] = {
    ("duplicate_key", "customer"): "same order number as row {row}, another customer",
    ("duplicate_key", "date"): "same order number as row {row}, another date",
    ("duplicate_key", "line"): "same order and line number as row {row}, other values",
    ("duplicate_row", "line"): "repeats row {row} in every column (same order and line number)",
    ("duplicate_row", "identical"):
        "repeats row {row} in every column; the order has no other line",
    ("possible_repeat", "identical"):
        "repeats row {row} in every column; kept as a line of its order, which has other lines "
        "(one item may be sold twice on an order): check whether it is a repeat",
}  # fmt: skip


def repeated_lines(
    order_id: pd.Series,
    customer: pd.Series,
    day: pd.Series,
    line_no: pd.Series | None,
    cells: pd.DataFrame,
) -> pd.DataFrame:
    """The verdict on each row whose order number another row also has (see the module rule).

    All inputs share one index: the rows (in file order) whose order number is not unique and
    whose required fields parsed; `cells` holds every column as text. Returns one row per row
    judged — verdict (duplicate_key, duplicate_row, possible_repeat), first (the index of the
    earlier row it repeats or conflicts with) and why (customer, date, line, identical).
    """
    index = order_id.index
    n = len(index)
    if n == 0:
        return pd.DataFrame(columns=list(VERDICT_COLUMNS), index=index[:0])
    order = pd.factorize(order_id.astype("str").str.strip())[0]
    pos = np.arange(n)
    head = _first(pos, [order])
    cust = customer.astype("str").to_numpy(dtype=object)
    days = day.dt.normalize().to_numpy()
    other_customer = cust != cust[head]
    conflict = other_customer | (days != days[head])
    content = cells.groupby(list(cells.columns), sort=False, dropna=False).ngroup().to_numpy()
    verdict = np.full(n, "", dtype=object)
    why = np.full(n, "", dtype=object)
    first = pos.copy()
    verdict[conflict], first[conflict] = "duplicate_key", head[conflict]
    why[conflict] = np.where(other_customer[conflict], "customer", "date")

    ok = ~conflict
    lined = ok & (line_no.notna().to_numpy(dtype=bool) if line_no is not None else False)
    if lined.any():
        line = np.where(lined, line_no.to_numpy(dtype="float64", na_value=np.nan), np.nan)
        at = np.flatnonzero(lined)
        same_line = _first(pos[at], [order[at], line[at]])
        same_row = _first(pos[at], [order[at], line[at], content[at]])
        repeat = same_line != pos[at]
        identical = same_row != pos[at]
        rows = at[repeat]
        verdict[rows] = np.where(identical[repeat], "duplicate_row", "duplicate_key")
        first[rows] = np.where(identical[repeat], same_row[repeat], same_line[repeat])
        why[rows] = "line"
    plain = ok & ~lined
    if plain.any():
        at = np.flatnonzero(plain)
        same_row = _first(pos[at], [order[at], content[at]])
        repeat = same_row != pos[at]
        kept = np.flatnonzero(ok)
        distinct = pd.Series(content[kept]).groupby(order[kept]).nunique()
        several = distinct.reindex(order[at]).to_numpy() > 1
        rows = at[repeat]
        verdict[rows] = np.where(several[repeat], "possible_repeat", "duplicate_row")
        first[rows] = same_row[repeat]
        why[rows] = "identical"
    judged = verdict != ""
    return pd.DataFrame(
        {"verdict": verdict[judged], "first": index[first[judged]], "why": why[judged]},
        index=index[judged],
    )


def _first(pos: np.ndarray, keys: list[np.ndarray]) -> np.ndarray:
    """For each position, the first position with the same keys (positions ascending)."""
    frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    return (
        frame.assign(_pos=pos)
        .groupby(list(frame.columns), sort=False)["_pos"]
        .transform("first")
        .to_numpy()
    )


def return_marks(lines: pd.DataFrame) -> pd.DataFrame:
    """Per line, the marks of a return: number (an order number like C536379), type (单据类型
    says 退货, 冲销, 退款 …) and reference (an original order is named); False where absent."""
    marks = pd.DataFrame(False, index=lines.index, columns=["number", "type", "reference"])
    if "order_id" in lines:
        number = lines["order_id"].astype("str").str.strip()
        marks["number"] = _matches(number, RETURN_NUMBER, full=True)
    for mark, column in (("type", "order_type"), ("reference", "original_order_id")):
        values = lines[column] if column in lines else pd.Series(dtype=object)
        given = values.notna() & ~missing_mask(values) if values.notna().any() else None
        if given is not None and given.any():
            found = values[given].astype("str").str.lower()
            hit = _matches(found, RETURN_WORDS) if mark == "type" else pd.Series(True, found.index)
            marks.loc[hit.index, mark] = hit.to_numpy()
    return marks


def _matches(text: pd.Series, pattern: str, full: bool = False) -> pd.Series:
    found = text.str.fullmatch(pattern) if full else text.str.contains(pattern, regex=True)
    return found.fillna(False).astype(bool)


def order_totals(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per order, in the order of their first lines: order_id, customer_id, order_date
    (its first line's), amount (the sum of its lines), lines, is_return (amount < 0, marked).

    A frame of orders (unique order numbers, or none) gives one row per row, unchanged; the
    value models count and filter these orders, not the lines (purchases: amount > 0).
    """
    keep = [c for c in ORDER_COLUMNS[:3] if c in lines]
    if "order_id" not in lines or lines["order_id"].is_unique:
        out = lines[[*keep, "amount"]].reset_index(drop=True)
        out["lines"] = 1
    else:
        groups = lines.groupby("order_id", sort=False)
        out = groups[[c for c in keep if c != "order_id"]].first()
        out["amount"] = groups["amount"].sum()
        out["lines"] = groups.size()
        out = out.reset_index()[[*keep, "amount", "lines"]]
    out["lines"] = out["lines"].astype("int64")
    negative = (out["amount"] < 0).to_numpy()
    out["is_return"] = negative
    if negative.any():  # the marks of the few negative orders' lines
        if "order_id" in out:
            ids = out.loc[negative, "order_id"]
            candidates = lines[lines["order_id"].isin(ids).to_numpy()]
            marked = candidates.loc[return_marks(candidates).any(axis=1).to_numpy(), "order_id"]
            out["is_return"] = negative & out["order_id"].isin(marked).to_numpy()
        else:  # each row an order
            out["is_return"] = negative & return_marks(lines).any(axis=1).to_numpy()
    return out


def quarantined_revenue(quarantine: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """The revenue of the quarantined order rows, by column and reason: column, reason, rows,
    revenue, share — of all the revenue written in the file (loaded + quarantined lines).

    The row 客户编号 / missing_required is the revenue of lines without a customer; revenue is
    the sum of amounts as written (returns net it), NaN where no quarantined amount parsed.
    """
    mine = quarantine[quarantine["table"] == ORDERS.name]
    amounts = mine["amount"] if "amount" in mine else pd.Series(np.nan, index=mine.index)
    frame = mine.assign(amount=pd.to_numeric(amounts, errors="coerce").astype("float64"))
    out = frame.groupby(["column", "reason"], sort=False).agg(
        rows=("row", "size"), revenue=("amount", lambda s: s.sum(min_count=1))
    )
    total = float(orders["amount"].sum()) + float(frame["amount"].sum())
    out["share"] = out["revenue"] / total if total else np.nan
    out = out.reset_index().sort_values(["revenue", "rows"], ascending=False, na_position="last")
    return out.reset_index(drop=True)[["column", "reason", "rows", "revenue", "share"]]

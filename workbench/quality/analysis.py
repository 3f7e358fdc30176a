"""The data-quality figures of a cleaning run: what each rule did, which customers were merged,
which pairs wait for review as possible duplicates, what was quarantined, what the loader noted
while reading, who has fields to complete and who is past retention.

Frames in (a `CleanResult`), frames out, no words: rules and kinds stay codes, which
`workbench.quality.tables` shows in the report's language. No raw PII leaves here: names of
individuals are masked; phones, e-mails and ID numbers are never selected (nor are the cells
of the loader's issues, which may be any of them).
"""

from __future__ import annotations

import pandas as pd

from workbench.cleaning.pipeline import CleanResult
from workbench.cleaning.privacy import mask_person_names
from workbench.extracts.issue_kinds import MISSING_KINDS, issue_kinds
from workbench.extracts.schema import TABLES

KINDS = ("changed", "flagged", "quarantined")  # what a rule did to a cell or row
LOAD_ISSUE_COLUMNS = ["table", "file", "column", "kind", "count", "rows"]
EXAMPLE_ROWS = 5  # row numbers shown for each group of load issues


def issue_counts(result: CleanResult) -> pd.DataFrame:
    """How many cells each rule changed, flagged or quarantined: rule, kind, count; most first."""
    parts = [
        result.changes.groupby("rule").size().rename("count").reset_index().assign(kind="changed"),
        result.flags.groupby("rule").size().rename("count").reset_index().assign(kind="flagged"),
        result.quarantine.groupby("reason").size().rename("count").reset_index()
        .rename(columns={"reason": "rule"}).assign(kind="quarantined"),
    ]  # fmt: skip
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["rule", "kind", "count"])
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values("count", ascending=False)[["rule", "kind", "count"]]


def merge_counts(result: CleanResult) -> dict[str, int]:
    """How many customer records were merged (`merged`) into how many survivors (`survivors`)."""
    return {"merged": len(result.merges), "survivors": result.merges["survivor_id"].nunique()}


def merged_pairs(result: CleanResult, limit: int | None = 30) -> pd.DataFrame:
    """The first `limit` merged customers (None: all) with their survivors: merged, merged_name,
    survivor, survivor_name, rule (code), score; individuals' names masked. Empty when nothing
    merged."""
    if result.merges.empty:
        return pd.DataFrame()
    names = _display_names(result)
    merges = result.merges if limit is None else result.merges.head(limit)
    person = merges["customer_type"] == "个人"
    return pd.DataFrame(
        {
            "merged": merges["customer_id"],
            "merged_name": merges["name"].where(~person, mask_person_names(merges["name"])),
            "survivor": merges["survivor_id"],
            "survivor_name": merges["survivor_id"].map(names),
            "rule": merges["rule"],
            "score": merges["score"],
        }
    )


def review_counts(result: CleanResult) -> dict[str, int]:
    """How many pairs are listed as possible duplicates (`pairs`), over how many customers."""
    review = result.review
    customers = pd.concat([review["left_id"], review["right_id"]]).nunique() if len(review) else 0
    return {"pairs": len(review), "customers": int(customers)}


def review_pairs(result: CleanResult, limit: int | None = None) -> pd.DataFrame:
    """The possible duplicates (疑似重复) to review, both records side by side: customer_id_a,
    name_a, city_a, phone_a, owner_a, the same for b, rule (code), score, reason (code); highest
    score first, the first `limit`. Names of all but companies masked, phones masked. Empty
    when nothing is listed."""
    review = result.review if limit is None else result.review.head(limit)
    if review.empty:
        return pd.DataFrame()
    out = {}
    for side, key in (("left", "a"), ("right", "b")):
        names = review[f"{side}_name"].astype("str")
        company = review[f"{side}_customer_type"].eq("企业").fillna(False).astype(bool)
        out[f"customer_id_{key}"] = review[f"{side}_id"]
        out[f"name_{key}"] = names.where(company, mask_person_names(names))
        out[f"city_{key}"] = review[f"{side}_city"]
        out[f"phone_{key}"] = review[f"{side}_phone_masked"]
        out[f"owner_{key}"] = review[f"{side}_owner"]
    frame = pd.DataFrame(out)
    return frame.assign(rule=review["rule"], score=review["score"], reason=review["reason"])


def _display_names(result: CleanResult) -> pd.Series:
    """customer_id → display name of the surviving customers, individuals' names masked."""
    customers = result.customers
    person = customers["customer_type"] == "个人"
    names = customers["name"].where(~person, mask_person_names(customers["name"]))
    return pd.Series(names.to_numpy(), index=customers["customer_id"])


def quarantine_counts(result: CleanResult) -> pd.DataFrame:
    """Quarantined rows by table, column and reason (code): table, column, reason, rows; most
    first. The raw rows stay in the cache, not here. Empty when nothing was quarantined."""
    if result.quarantine.empty:
        return pd.DataFrame()
    return (
        result.quarantine.groupby(["table", "column", "reason"]).size()
        .rename("rows").reset_index().sort_values("rows", ascending=False)
    )  # fmt: skip


def load_issue_counts(result: CleanResult, examples: int = EXAMPLE_ROWS) -> pd.DataFrame:
    """The loader's issues (`CleanResult.issues`) by table, file, column and kind (a code of
    `extracts.issue_kinds`): table, file, column, kind, count, rows (the first `examples` row
    numbers); most first. A sheet not read has its title as column. No cell value is taken:
    it may be a raw phone, ID number or e-mail. Empty (with the columns) when there is none."""
    issues = result.issues
    kind = issue_kinds(issues["problem"])
    sheet = kind == "unread_sheet"  # its "column" is the word 工作表, its value the title
    frame = issues.assign(kind=kind, column=issues["column"].mask(sheet, issues["value"]))
    groups = frame.groupby(["table", "file", "column", "kind"], sort=False, dropna=False)["row"]
    counts = groups.agg(count="size", first="min", rows=lambda r: _first_rows(r, examples))
    counts = counts.reset_index().assign(order=lambda f: f["table"].map(_table_order))
    ties = ["order", "file", "first", "column", "kind"]  # schema order, then where in the file
    counts = counts.sort_values(["count", *ties], ascending=[False] + [True] * len(ties))
    return counts[LOAD_ISSUE_COLUMNS].reset_index(drop=True)


def _first_rows(rows: pd.Series, examples: int) -> tuple[int, ...]:
    """The smallest `examples` distinct row numbers, ascending."""
    return tuple(int(r) for r in sorted(set(rows.dropna()))[:examples])


def _table_order(table: str) -> int:
    """The table's place in the schema (customers first), for a stable order of ties."""
    names = list(TABLES)
    return names.index(table) if table in names else len(names)


def load_issue_summary(counts: pd.DataFrame) -> dict[str, int]:
    """`load_issue_counts` in five numbers: issues, tables, cells set to missing (`missing`)
    and the columns holding them (`missing_columns`), sheets not read (`unread_sheets`)."""
    missing = counts[counts["kind"].isin(MISSING_KINDS)]
    return {
        "issues": int(counts["count"].sum()),
        "tables": int(counts["table"].nunique()),
        "missing": int(missing["count"].sum()),
        "missing_columns": len(missing[["table", "column"]].drop_duplicates()),
        "unread_sheets": int(counts.loc[counts["kind"] == "unread_sheet", "count"].sum()),
    }


def to_complete_by_owner(result: CleanResult) -> pd.DataFrame:
    """Per sales owner: customers with fields to complete (待补充) and the three most common
    gaps: owner, customers, top_gaps; most customers first. Empty when none is listed."""
    listed = result.to_complete
    if listed.empty:
        return pd.DataFrame()
    fields = listed.assign(field=listed["missing_fields"].str.split("、")).explode("field")
    top = fields.groupby("owner")["field"].agg(lambda s: "、".join(s.value_counts().index[:3]))
    frame = listed.groupby("owner").size().rename("customers").to_frame().join(top)
    frame = frame.sort_values("customers", ascending=False).reset_index()
    return frame.rename(columns={"field": "top_gaps"})


def retention_counts(result: CleanResult) -> pd.DataFrame:
    """Customers past retention by reason: reason, customers, owners (how many), oldest (the
    earliest keep-until date). Empty when no customer is past retention."""
    if result.retention.empty:
        return pd.DataFrame()
    frame = result.retention.groupby("reason").agg(
        customers=("customer_id", "size"),
        owners=("owner", "nunique"),
        oldest=("keep_until", "min"),
    )
    return frame.reset_index()

"""The data-quality report (数据质量报告) as readers see it: the frames of
`workbench.quality.analysis` with headers, rule names and table names in the report's language,
and its workbook (the possible duplicates to review, the merges).

Words come from `workbench.core.labels`: column headers are ``qc_<column>``, cleaning rules
``rule_<code>`` (the Chinese name; English reports show the code), what a rule did ``kind_<kind>``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.cleaning.dedupe_review import DECISION_COLUMNS, DECISIONS_FILE
from workbench.collection.completion import TARGET_DAYS
from workbench.core.labels import is_label, t
from workbench.core.periods import period_label
from workbench.extracts.schema import TABLES
from workbench.reports.excel import write_workbook

RECONCILIATION_HEADERS = ("qc_table", "qc_rows_read", "qc_clean", "qc_merged", "qc_quarantined",
                          "qc_balanced")  # fmt: skip
MERGE_HEADERS = ("qc_merged_id", "qc_merged_name", "qc_survivor", "qc_survivor_name", "qc_rule",
                 "qc_score")  # fmt: skip
QUARANTINE_HEADERS = ("qc_table", "qc_column", "qc_reason", "qc_rows")
QUARANTINED_REVENUE_HEADERS = (
    "qc_column",
    "qc_reason",
    "qc_rows",
    "qc_revenue",
    "qc_revenue_share",
)
LOAD_ISSUE_HEADERS = ("qc_table", "qc_file", "qc_column", "qc_problem", "qc_issues",
                      "qc_example_rows")  # fmt: skip
TO_COMPLETE_HEADERS = ("qc_owner", "qc_to_complete", "qc_top_gaps")
RETENTION_HEADERS = ("qc_reason", "qc_customers", "qc_owners", "qc_oldest")
REVIEW_HEADERS = ("qc_customer_a", "qc_name_a", "qc_city_a", "qc_phone_a", "qc_owner_a",
                  "qc_customer_b", "qc_name_b", "qc_city_b", "qc_phone_b", "qc_owner_b",
                  "qc_rule", "qc_score", "qc_review_reason")  # fmt: skip


def rule_label(rule: str, lang: str = "zh") -> str:
    """The name of a cleaning rule in `lang` (the Chinese name; the code in English reports)."""
    return t(f"rule_{rule}", lang) if is_label(f"rule_{rule}") else rule


def table_label(table: str, lang: str = "zh") -> str:
    """The name of an extract table in `lang` (客户 …; the code in English reports)."""
    return t("table_name", lang, zh=TABLES[table].zh, name=table)


def report_title(period: str, lang: str = "zh") -> str:
    """「2024年Q4数据质量报告」 (or its English form)."""
    return t("quality_title", lang, period=period_label(period, lang))


def reconciliation_table(reconciliation: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Rows read = clean + merged + quarantined per table (`CleanResult.reconciliation()`), with
    the tables' names and the headers in `lang` and ✓ / ✗ for balanced."""
    frame = reconciliation.reset_index(names="table")
    frame["table"] = frame["table"].map(lambda name: table_label(name, lang))
    frame["balanced"] = frame["balanced"].map({True: "✓", False: "✗"})
    return _headers(frame, RECONCILIATION_HEADERS, lang)


def issues_table(issues: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`analysis.issue_counts` as label, kind, count in `lang` (what `plots.plot_rule_counts`
    draws)."""
    return pd.DataFrame(
        {
            "label": issues["rule"].map(lambda rule: rule_label(rule, lang)),
            "kind": issues["kind"].map(lambda kind: t(f"kind_{kind}", lang)),
            "count": issues["count"],
        }
    )


def merge_summary(counts: dict[str, int], lang: str = "zh") -> str:
    """One sentence from `analysis.merge_counts`: how many records merged into how many
    surviving customers."""
    return t("quality_merges", lang, **counts)


def merges_table(pairs: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`analysis.merged_pairs` with the rule's name, the score as a whole number and headers in
    `lang`."""
    if pairs.empty:
        return pd.DataFrame()
    frame = pairs.assign(
        rule=pairs["rule"].map(lambda rule: rule_label(rule, lang)),
        score=pairs["score"].map(lambda score: f"{score:.0f}"),
    )
    return _headers(frame, MERGE_HEADERS, lang)


def review_summary(counts: dict[str, int], lang: str = "zh") -> str:
    """One sentence from `analysis.review_counts`: how many possible duplicate pairs wait for
    review, and where the decisions go."""
    return t("quality_review", lang, file=DECISIONS_FILE, **counts)


def review_table(pairs: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`analysis.review_pairs` with the rule's and the reason's names, the score as a whole
    number and headers in `lang`."""
    if pairs.empty:
        return pd.DataFrame()
    frame = pairs.assign(
        rule=pairs["rule"].map(lambda rule: rule_label(rule, lang)),
        score=pairs["score"].map(lambda score: f"{score:.0f}"),
        reason=pairs["reason"].map(lambda reason: t(f"review_{reason}", lang)),
    )
    return _headers(frame, REVIEW_HEADERS, lang)


def export_excel(
    review: pd.DataFrame, merges: pd.DataFrame, path: str | Path, period: str, lang: str = "zh"
) -> Path:
    """The review list and the merges as one workbook. The review sheet opens with the columns
    of the decisions file (customer_id_a, customer_id_b, decision — empty, for the reviewer),
    so it can be saved as `<data_dir>/dedupe_decisions.csv` once filled in."""
    sheet = pd.DataFrame(columns=DECISION_COLUMNS)
    if not review.empty:
        ids = review[["customer_id_a", "customer_id_b"]].assign(decision="")
        shown = review_table(review, lang).drop(
            columns=[t("qc_customer_a", lang), t("qc_customer_b", lang)]  # the ids lead the row
        )
        sheet = pd.concat([ids, shown.set_axis(ids.index)], axis=1)
    notes = {
        t("note_report", lang): report_title(period, lang),
        t("note_decisions", lang): t("note_decisions_text", lang, file=DECISIONS_FILE),
    }
    sheets = {t("sheet_review", lang): sheet, t("sheet_merges", lang): merges_table(merges, lang)}
    return write_workbook(path, sheets, notes=notes)


def quarantine_table(counts: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`analysis.quarantine_counts` with the reason's name and headers in `lang`."""
    if counts.empty:
        return pd.DataFrame()
    frame = counts.assign(reason=counts["reason"].map(lambda rule: rule_label(rule, lang)))
    return _headers(frame, QUARANTINE_HEADERS, lang)


def quarantined_revenue_table(revenue: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`quarantined_revenue` (order rows not loaded: how much revenue, what share of all written
    in the file) with the reason's name, money and shares formatted, headers in `lang`."""
    if revenue.empty:
        return pd.DataFrame()
    frame = revenue.assign(
        reason=revenue["reason"].map(lambda rule: rule_label(rule, lang)),
        revenue=revenue["revenue"].map(lambda v: "–" if pd.isna(v) else f"{v:,.0f}"),
        share=revenue["share"].map(lambda v: "–" if pd.isna(v) else f"{v:.1%}"),
    )
    return _headers(frame, QUARANTINED_REVENUE_HEADERS, lang)


def load_issues_summary(summary: dict[str, int], lang: str = "zh") -> str:
    """What the loader noted, from `analysis.load_issue_summary`: the cells set to missing and
    that no row was dropped for them, the sheets not read; or that it noted nothing."""
    if not summary["issues"]:
        return t("load_issues_none", lang)
    text = t("load_issues_summary", lang, **summary)
    if summary["unread_sheets"]:
        text += t("load_issues_unread", lang, **summary)
    return text


def load_issues_table(counts: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`analysis.load_issue_counts` with the tables', columns' and kinds' names, the example rows
    as 2、5、9 … and headers in `lang`. Empty when the loader noted nothing."""
    if counts.empty:
        return pd.DataFrame()
    groups = counts.to_dict("records")
    frame = pd.DataFrame(
        {
            "table": [table_label(g["table"], lang) for g in groups],
            "file": counts["file"].to_numpy(),
            "column": [_issue_column(g["table"], g["column"], g["kind"], lang) for g in groups],
            "kind": [t(f"load_kind_{g['kind']}", lang) for g in groups],
            "count": counts["count"].to_numpy(),
            "rows": [_example_rows(g["rows"], g["count"], lang) for g in groups],
        }
    )
    return _headers(frame, LOAD_ISSUE_HEADERS, lang)


def _issue_column(table: str, column: str, kind: str, lang: str) -> str:
    """The column of a load issue in `lang` (its Chinese header or its code; a header the
    schema does not know, as written); a sheet not read as 工作表「…」."""
    if kind == "unread_sheet":
        return t("qc_sheet_named", lang, sheet=column)
    names = {c.zh: c.name for c in TABLES[table].columns} if table in TABLES else {}
    return t("column_name", lang, zh=column, name=names.get(column, column))


def _example_rows(rows: tuple[int, ...], count: int, lang: str) -> str:
    """2、5、9, with … when the group has more rows than those shown."""
    return t("list_sep", lang).join(map(str, rows)) + (" …" if count > len(rows) else "")


def to_complete_table(owners: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`analysis.to_complete_by_owner` with headers in `lang`."""
    if owners.empty:
        return pd.DataFrame()
    return _headers(owners, TO_COMPLETE_HEADERS, lang)


def retention_table(counts: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`analysis.retention_counts` with dates as 2024-12-31 and headers in `lang`."""
    if counts.empty:
        return pd.DataFrame()
    frame = counts.assign(oldest=counts["oldest"].dt.strftime("%Y-%m-%d"))
    return _headers(frame, RETENTION_HEADERS, lang)


QUEUE_HEADERS = ("cl_queue_owner", "cl_queue_open", "cl_queue_not_sent", "cl_queue_within",
                 "cl_queue_overdue", "cl_queue_oldest")  # fmt: skip
EFFECT_HEADERS = ("cl_effect_field", "cl_effect_before", "cl_effect_after", "cl_effect_filled")
ROUNDS_HEADERS = ("cl_rounds_date", "cl_rounds_owner", "cl_rounds_file", "cl_rounds_status",
                  "cl_rounds_count")  # fmt: skip
REJECTED_HEADERS = ("cl_rounds_file", "cl_rej_cell", "cl_rounds_owner", "cl_col_customer_id",
                    "cl_col_field", "cl_rej_value", "cl_rounds_status", "cl_rej_reason")  # fmt: skip
APPROVAL_HEADERS = ("cl_col_customer_id", "cl_col_field", "cl_appr_old", "cl_appr_new",
                    "cl_appr_approver", "cl_appr_date", "cl_rounds_owner", "cl_rounds_date",
                    "cl_rounds_file")  # fmt: skip


def queue_summary(counts: dict[str, int], lang: str = "zh", target_days: int = TARGET_DAYS) -> str:
    """One sentence from `collection.queue.queue_counts`: open, overdue, not sent."""
    return t("cl_queue_summary", lang, target=target_days, **counts)


def queue_table(owners: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`queue_by_owner` (open issues per owner by state, oldest age) with headers in `lang`."""
    if owners.empty:
        return pd.DataFrame()
    frame = owners.assign(oldest=owners["oldest"].map(lambda v: "–" if pd.isna(v) else int(v)))
    return _headers(frame, QUEUE_HEADERS, lang)


def age_table(bands: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`queue_by_age` as age band, issues and whether the band is past the target (超期)."""
    label = [
        t("cl_age_open_band", lang, low=r.low)
        if pd.isna(r.high)
        else t("cl_age_band", lang, low=r.low, high=r.high)
        for r in bands.itertuples()
    ]
    return pd.DataFrame(
        {
            t("cl_queue_age", lang): label,
            t("cl_queue_issues", lang): bands["issues"].to_numpy(),
            t("cl_queue_overdue", lang): bands["overdue"].map({True: "✗", False: "✓"}).to_numpy(),
        }
    )


def effect_table(effect: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`correction_effect` (completeness before / after the corrections) with shares as 91.5%."""
    if effect.empty:
        return pd.DataFrame()
    frame = effect.assign(
        field=effect["field"].map(lambda f: _field_label(f, lang)),
        before=effect["before"].map(lambda v: f"{v:.1%}"),
        after=effect["after"].map(lambda v: f"{v:.1%}"),
    )[["field", "before", "after", "filled"]]
    return _headers(frame, EFFECT_HEADERS, lang)


def rounds_table(rounds: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`correction_rounds` (each returned file's results) with dates and statuses in `lang`."""
    if rounds.empty:
        return pd.DataFrame()
    frame = rounds.assign(
        date=pd.to_datetime(rounds["date"]).dt.strftime("%Y-%m-%d"),
        status=rounds["status"].map(lambda s: t(f"cl_status_{s}", lang)),
    )
    return _headers(frame, ROUNDS_HEADERS, lang)


def rejected_table(rejected: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`rejected_cells` with the cell as sheet!G5, the field's name and the status in `lang`;
    values are shown masked."""
    if rejected.empty:
        return pd.DataFrame()
    frame = pd.DataFrame(
        {
            "file": rejected["file"],
            "cell": rejected["sheet"] + "!" + rejected["cell"],
            "owner": rejected["owner"],
            "customer_id": rejected["customer_id"],
            "field": rejected["field"].map(lambda f: _field_label(f, lang)),
            "shown": rejected["shown"],
            "status": rejected["status"].map(lambda s: t(f"cl_status_{s}", lang)),
            "reason": rejected["reason"],
        }
    )
    return _headers(frame, REJECTED_HEADERS, lang)


def approvals_table(approvals: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The 变更审批记录 (`CleanResult.approvals`) with headers in `lang`; values masked."""
    if approvals.empty:
        return pd.DataFrame()
    frame = approvals.assign(
        field=approvals["field"].map(lambda f: _field_label(f, lang)),
        date=pd.to_datetime(approvals["date"]).dt.strftime("%Y-%m-%d"),
    )[["customer_id", "field", "old", "new", "approver", "approval_date", "owner", "date", "file"]]
    return _headers(frame, APPROVAL_HEADERS, lang)


def _field_label(field: str, lang: str) -> str:
    """A customers field by its Chinese header (the code in English reports)."""
    names = {c.name: c.zh for c in TABLES["customers"].columns}
    return t("table_name", lang, zh=names.get(field, field), name=field)


def _headers(frame: pd.DataFrame, keys: tuple[str, ...], lang: str) -> pd.DataFrame:
    """The frame with its columns, in order, named by the labels `keys` in `lang`."""
    return frame.set_axis([t(key, lang) for key in keys], axis=1)

"""The data-quality report (数据质量报告) as readers see it: the frames of
`workbench.quality.analysis` with headers, rule names and table names in the report's language.

Words come from `workbench.core.labels`: column headers are ``qc_<column>``, cleaning rules
``rule_<code>`` (the Chinese name; English reports show the code), what a rule did ``kind_<kind>``.
"""

from __future__ import annotations

import pandas as pd

from workbench.core.labels import is_label, t
from workbench.core.periods import quarter_label
from workbench.extracts.schema import TABLES

RECONCILIATION_HEADERS = ("qc_table", "qc_rows_read", "qc_clean", "qc_merged", "qc_quarantined",
                          "qc_balanced")  # fmt: skip
MERGE_HEADERS = ("qc_merged_id", "qc_merged_name", "qc_survivor", "qc_survivor_name", "qc_rule",
                 "qc_score")  # fmt: skip
QUARANTINE_HEADERS = ("qc_table", "qc_column", "qc_reason", "qc_rows")
TO_COMPLETE_HEADERS = ("qc_owner", "qc_to_complete", "qc_top_gaps")
RETENTION_HEADERS = ("qc_reason", "qc_customers", "qc_owners", "qc_oldest")


def rule_label(rule: str, lang: str = "zh") -> str:
    """The name of a cleaning rule in `lang` (the Chinese name; the code in English reports)."""
    return t(f"rule_{rule}", lang) if is_label(f"rule_{rule}") else rule


def table_label(table: str, lang: str = "zh") -> str:
    """The name of an extract table in `lang` (客户 …; the code in English reports)."""
    return t("table_name", lang, zh=TABLES[table].zh, name=table)


def report_title(quarter: str, lang: str = "zh") -> str:
    """「2024年Q4数据质量报告」 (or its English form)."""
    return t("quality_title", lang, period=quarter_label(quarter, lang))


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


def quarantine_table(counts: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """`analysis.quarantine_counts` with the reason's name and headers in `lang`."""
    if counts.empty:
        return pd.DataFrame()
    frame = counts.assign(reason=counts["reason"].map(lambda rule: rule_label(rule, lang)))
    return _headers(frame, QUARANTINE_HEADERS, lang)


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


def _headers(frame: pd.DataFrame, keys: tuple[str, ...], lang: str) -> pd.DataFrame:
    """The frame with its columns, in order, named by the labels `keys` in `lang`."""
    return frame.set_axis([t(key, lang) for key in keys], axis=1)

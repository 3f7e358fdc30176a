"""Data-quality figures on the hand-made cleaning result of conftest.py and on the load issues of
tests/load_issue_corpus.py's files: codes, not words."""

import dataclasses
from types import SimpleNamespace

import pandas as pd
from load_issue_corpus import EXPECTED

from workbench.quality import analysis


def test_issue_counts(result):
    issues = analysis.issue_counts(result)
    assert issues.columns.tolist() == ["rule", "kind", "count"]
    assert issues["count"].tolist() == [3, 2, 1, 1, 1]  # most first
    assert set(issues.itertuples(index=False, name=None)) == {
        ("phone_format", "changed", 3), ("unparseable_date", "quarantined", 2),
        ("industry_map", "changed", 1), ("bad_uscc", "flagged", 1),
        ("unparseable_amount", "quarantined", 1),
    }  # fmt: skip
    nothing = result.__class__(**{**vars(result), "changes": result.changes.head(0),
                                  "flags": result.flags.head(0),
                                  "quarantine": result.quarantine.head(0)})  # fmt: skip
    assert analysis.issue_counts(nothing).columns.tolist() == ["rule", "kind", "count"]


def test_merges_mask_individuals(result):
    assert analysis.merge_counts(result) == {"merged": 2, "survivors": 2}
    pairs = analysis.merged_pairs(result)
    assert pairs.to_dict("records") == [
        {"merged": "C9", "merged_name": "云帆科技", "survivor": "C1",
         "survivor_name": "杭州云帆科技有限公司", "rule": "same_uscc", "score": 100.0},
        {"merged": "C8", "merged_name": "李*", "survivor": "C2", "survivor_name": "李**",
         "rule": "same_phone", "score": 92.4},
    ]  # fmt: skip
    assert len(analysis.merged_pairs(result, limit=1)) == 1


def test_review_pairs_side_by_side_masked(result):
    assert analysis.review_counts(result) == {"pairs": 2, "customers": 4}
    pairs = analysis.review_pairs(result)
    assert pairs.columns.tolist() == [
        "customer_id_a", "name_a", "city_a", "phone_a", "owner_a",
        "customer_id_b", "name_b", "city_b", "phone_b", "owner_b", "rule", "score", "reason",
    ]  # fmt: skip
    assert pairs["name_a"].tolist() == ["广东粤海智能装备制造有限公司", "王*"]  # no type: masked
    assert pairs["name_b"].tolist() == ["广东粤瀚智能装备制造有限公司", "王**"]
    assert pairs.iloc[1][["phone_a", "reason"]].tolist() == ["186****5678", "ambiguous"]
    assert len(analysis.review_pairs(result, limit=1)) == 1
    nothing = result.__class__(**{**vars(result), "review": result.review.head(0)})
    assert analysis.review_pairs(nothing).empty
    assert analysis.review_counts(nothing) == {"pairs": 0, "customers": 0}


def test_quarantine_to_complete_and_retention(result):
    quarantine = analysis.quarantine_counts(result)
    assert quarantine.to_dict("records") == [
        {"table": "orders", "column": "order_date", "reason": "unparseable_date", "rows": 2},
        {"table": "orders", "column": "amount", "reason": "unparseable_amount", "rows": 1},
    ]
    owners = analysis.to_complete_by_owner(result)
    assert owners.to_dict("records") == [
        {"owner": "王磊", "customers": 2, "top_gaps": "所属行业、企业规模"},
        {"owner": "陈静", "customers": 1, "top_gaps": "联系电话"},
    ]
    retention = analysis.retention_counts(result)
    assert retention.to_dict("records") == [
        {"reason": "流失满1年", "customers": 2, "owners": 2, "oldest": pd.Timestamp("2023-11-30")}
    ]


def test_empty_results_give_empty_frames(result):
    empty = result.__class__(**{name: frame.head(0) for name, frame in vars(result).items()})
    for count in (analysis.merged_pairs, analysis.quarantine_counts,
                  analysis.to_complete_by_owner, analysis.retention_counts):  # fmt: skip
        assert count(empty).empty


def test_load_issue_counts_from_files_read_by_the_loader(load_issue_data):
    counts = analysis.load_issue_counts(load_issue_data)
    assert counts.columns.tolist() == ["table", "file", "column", "kind", "count", "rows"]
    assert list(counts.itertuples(index=False, name=None)) == EXPECTED  # most first
    assert "value" not in counts  # raw cells (phones, ID numbers, e-mails) are not taken
    first = analysis.load_issue_counts(load_issue_data, examples=3).iloc[0]
    assert (first["count"], first["rows"]) == (4, (2, 3, 5))


def test_load_issue_summary(load_issue_data):
    summary = analysis.load_issue_summary(analysis.load_issue_counts(load_issue_data))
    assert summary == {"issues": 16, "tables": 2, "missing": 8, "missing_columns": 3,
                       "unread_sheets": 1}  # fmt: skip


def test_no_load_issues(load_issue_data):
    clean = dataclasses.replace(load_issue_data, issues=load_issue_data.issues.head(0))
    counts = analysis.load_issue_counts(clean)
    assert counts.empty and counts.columns.tolist()[-2:] == ["count", "rows"]
    assert analysis.load_issue_summary(counts) == dict.fromkeys(
        ("issues", "tables", "missing", "missing_columns", "unread_sheets"), 0
    )


def test_load_issue_counts_keep_an_issue_without_a_column():
    issues = pd.DataFrame({"table": ["orders"] * 2, "file": ["orders.csv"] * 2, "row": [4, 9],
                           "column": [None, "数量"], "value": ["", "x"],
                           "problem": ["something new", "not a valid 数值 number; set to missing"]})  # fmt: skip
    counts = analysis.load_issue_counts(SimpleNamespace(issues=issues))
    assert counts[["kind", "count", "rows"]].values.tolist() == [
        ["other", 1, (4,)], ["set_to_missing", 1, (9,)]
    ]  # fmt: skip

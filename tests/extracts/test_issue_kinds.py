"""Every issue the loader notes has a kind: the files of tests/load_issue_corpus.py give each."""

import pandas as pd
from load_issue_corpus import EXPECTED, write_load_issue_corpus

from workbench.extracts.issue_kinds import ISSUE_KINDS, OTHER, issue_kinds
from workbench.extracts.loader import load_extracts


def test_every_issue_of_the_loader_has_its_kind(tmp_path):
    issues = load_extracts(write_load_issue_corpus(tmp_path)).issues
    kinds = issue_kinds(issues["problem"])
    assert OTHER not in set(kinds), issues.loc[kinds == OTHER, "problem"].tolist()
    assert set(kinds) == set(ISSUE_KINDS) - {OTHER}  # the corpus gives every kind
    found = issues.assign(kind=kinds).groupby(["table", "kind"]).size().to_dict()
    expected = pd.DataFrame(EXPECTED, columns=["table", "file", "column", "kind", "count", "rows"])
    assert found == expected.groupby(["table", "kind"])["count"].sum().to_dict()


def test_a_problem_no_pattern_knows_is_other():
    problems = pd.Series(
        ["not a valid 日期 date; set to missing (a formula: never evaluated)",
         "not a valid 日期 date; set to missing", "something new"],
        index=[7, 8, 9],
    )  # fmt: skip
    assert issue_kinds(problems).to_dict() == {
        7: "formula_missing", 8: "set_to_missing", 9: "other"
    }  # fmt: skip
    assert issue_kinds(pd.Series([], dtype=object)).empty

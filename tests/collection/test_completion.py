"""Completion workbooks per owner: their customers' gaps and failed checks with the problem in
words, masked values, locked ids and empty columns to fill; the issue ledger and the queue."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench.cleaning.cache import load_clean
from workbench.cli import main
from workbench.collection.completion import completion_items, due_date, write_completion_workbooks
from workbench.collection.ledger import read_issued
from workbench.collection.queue import open_issues, queue_by_age, queue_by_owner, queue_counts


def _rows(path: Path, sheet: str = "待补充与更正") -> list[list[object]]:
    return [list(r) for r in load_workbook(path)[sheet].iter_rows(values_only=True)]


def test_items_per_owner_with_the_problem_and_masked_values(rep_extracts: Path):
    items = completion_items(load_clean(rep_extracts)).fillna({"current": ""})
    assert items[["owner", "customer_id", "field", "rule", "current"]].values.tolist() == [
        ["王磊", "C20230105001", "contact_title", "to_complete", ""],
        ["王磊", "C20230105001", "industry", "to_complete", ""],
        ["王磊", "C20230105001", "uscc", "bad_uscc", "91330106MA2B0C1D3X"],
        ["王磊", "C20230210002", "contact_title", "to_complete", ""],
        ["王磊", "C20230210002", "phone", "invalid_phone", "****2345"],
        ["陈静", "C20230301003", "first_deal_date", "deal_before_contact", "2023-01-15"],
    ]
    assert items.loc[items["customer_id"] == "C20230210002", "name"].unique().tolist() == ["李*"]


def test_a_workbook_per_owner_locked_where_nothing_may_change(rep_extracts: Path, tmp_path):
    sent = write_completion_workbooks(load_clean(rep_extracts), tmp_path, date(2025, 1, 3))
    assert {o: p.name for o, p in sent.items()} == {"王磊": "补充更正_王磊.xlsx",
                                                   "陈静": "补充更正_陈静.xlsx"}  # fmt: skip
    rows = _rows(sent["王磊"])
    assert rows[0] == ["客户编号", "客户名称", "字段", "字段代码", "当前值", "问题",
                       "更正值（请填写）", "审批人（受保护字段必填）", "审批日期", "备注"]  # fmt: skip
    assert rows[5] == ["C20230210002", "李*", "联系电话", "phone", "****2345",
                       "电话号码无效：不是有效的手机或座机号码，保留原值", None, None, None, None]  # fmt: skip
    assert rows[1][5] == "待补充：缺少职位"
    book = load_workbook(sent["王磊"])
    sheet = book["待补充与更正"]
    assert sheet.protection.sheet
    assert sheet["A2"].protection.locked and sheet["E2"].protection.locked
    assert not sheet["G2"].protection.locked and not sheet["H2"].protection.locked
    assert sheet.column_dimensions["D"].hidden  # the field code
    notes = dict(r[:2] for r in book["说明"].iter_rows(values_only=True))
    assert notes["负责人"] == "王磊"
    assert (notes["下发日期"], notes["完成期限"]) == ("2025-01-03", "2025-01-08")  # Fri + 3 days
    text = "".join(str(v) for r in rows for v in r)
    assert "12345" not in text.replace("****2345", "")  # the raw phone never leaves
    industry = [v for v in sheet.data_validations.dataValidation if "G3" in str(v.sqref)]
    assert industry == [] or industry[0].type == "list"


def test_due_date_counts_working_days():
    assert due_date(date(2025, 1, 6)) == date(2025, 1, 9)  # Monday → Thursday
    assert due_date(date(2025, 1, 9)) == date(2025, 1, 14)  # Thursday → Tuesday


def test_the_steward_queue_ages_issues_in_working_days(rep_extracts: Path, tmp_path: Path):
    result = load_clean(rep_extracts)
    write_completion_workbooks(result, tmp_path / "a", date(2025, 1, 2), data_dir=rep_extracts)
    write_completion_workbooks(result, tmp_path / "b", date(2025, 1, 9), data_dir=rep_extracts)
    ledger = read_issued(rep_extracts)
    assert len(ledger) == 6 and set(ledger["issued"]) == {pd.Timestamp("2025-01-02")}
    # Thursday 2 Jan → Wednesday 8 Jan: 4 working days, past the target of 3
    issues = open_issues(result, ledger, today=date(2025, 1, 8))
    assert issues["age"].tolist() == [4] * 6
    assert queue_counts(issues) == {"open": 6, "overdue": 6, "not_sent": 0}
    owners = queue_by_owner(issues)
    assert owners.values.tolist() == [["王磊", 5, 0, 0, 5, 4], ["陈静", 1, 0, 0, 1, 4]]
    assert (
        queue_counts(open_issues(result, ledger, date(2025, 1, 8), target_days=5))["overdue"] == 0
    )
    bands = queue_by_age(issues).set_index("low")["issues"]
    assert bands.tolist() == [0, 0, 6, 0, 0]
    unsent = open_issues(result, ledger.iloc[:0], today=date(2025, 1, 8))
    assert queue_counts(unsent) == {"open": 6, "overdue": 0, "not_sent": 6}


def test_the_completion_command(rep_extracts: Path, tmp_path: Path, capsys):
    args = ["completion", "--data-dir", str(rep_extracts), "--out", str(tmp_path),
            "--issued", "2025-01-06"]  # fmt: skip
    assert main(args) == 0
    assert sorted(p.name for p in (tmp_path / "2025-01-06").iterdir()) == [
        "补充更正_王磊.xlsx", "补充更正_陈静.xlsx"]  # fmt: skip
    assert len(read_issued(rep_extracts)) == 6
    assert main([*args[:-1], "6 Jan"]) == 2
    assert "--issued must be YYYY-MM-DD" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_workbook_in_either_language_reads_back(rep_extracts: Path, tmp_path: Path, lang):
    sent = write_completion_workbooks(load_clean(rep_extracts), tmp_path, date(2025, 1, 6),
                                      lang=lang)  # fmt: skip
    book = load_workbook(sent["陈静"])
    book.worksheets[1]["G2"] = "2023-04-01"
    (rep_extracts / "corrections").mkdir()
    book.save(rep_extracts / "corrections" / "back.xlsx")
    result = load_clean(rep_extracts)
    assert result.corrections[["owner", "field", "status"]].values.tolist() == [
        ["陈静", "first_deal_date", "applied"]
    ]

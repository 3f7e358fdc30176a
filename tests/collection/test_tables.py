"""The steward's queue and the corrections as the data-quality report shows them, in both
languages, with nothing raw."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from workbench.cleaning.cache import load_clean
from workbench.collection.completion import write_completion_workbooks
from workbench.collection.ledger import read_issued
from workbench.collection.queue import (
    correction_effect,
    correction_rounds,
    open_issues,
    queue_by_age,
    queue_by_owner,
    queue_counts,
    rejected_cells,
)
from workbench.quality import tables


def _returned(data: Path) -> None:
    book = Workbook()
    book.active.title = "说明"
    book.active.append(("负责人", "李娜"))
    sheet = book.create_sheet("待补充与更正")
    sheet.append(("客户编号", "字段", "更正值（请填写）", "审批人（受保护字段必填）"))
    sheet.append(("C20230210002", "职位", "个体经营", None))
    sheet.append(("C20230210002", "联系电话", "13900139001", None))
    sheet.append(("C20230210002", "客户名称", "李丽娜", "王磊"))
    sheet.append(("C20230105001", "联系电话", "０１０－６２３４", None))
    (data / "corrections").mkdir(exist_ok=True)
    book.save(data / "corrections" / "李娜.xlsx")


def test_the_queue_tables_in_both_languages(rep_extracts: Path, tmp_path: Path):
    result = load_clean(rep_extracts)
    write_completion_workbooks(result, tmp_path, date(2025, 1, 2), data_dir=rep_extracts)
    issues = open_issues(result, read_issued(rep_extracts), today=date(2025, 1, 6))
    assert tables.queue_summary(queue_counts(issues)) == (
        "共 6 个未解决问题，其中 0 个超过 3 个工作日的处理期限，0 个尚未下发。"
    )
    assert tables.queue_summary(queue_counts(issues), "en", target_days=1) == (
        "6 open issues: 0 past the target of 1 working days, 0 not sent yet."
    )
    owners = tables.queue_table(queue_by_owner(issues))
    assert list(owners.columns) == [
        "负责人",
        "未解决问题",
        "未下发",
        "期限内",
        "超期",
        "最长（工作日）",
    ]
    assert owners.values.tolist() == [["王磊", 5, 0, 5, 0, 2], ["陈静", 1, 0, 1, 0, 2]]
    ages = tables.age_table(queue_by_age(issues), "en")
    assert ages.values.tolist()[:2] == [["0–1 working days", 0, "✓"], ["2–3 working days", 6, "✓"]]
    assert ages.values.tolist()[-1] == ["11+ working days", 0, "✗"]


def test_the_correction_tables(rep_extracts: Path):
    _returned(rep_extracts)
    result = load_clean(rep_extracts)
    effect = tables.effect_table(correction_effect(result))
    assert effect.set_index("字段").loc["职位"].tolist() == ["50.0%", "75.0%", 1]
    assert effect.set_index("字段").loc["联系电话", "补全单元格"] == 0  # changed, not filled
    rounds = tables.rounds_table(correction_rounds(result), "en")
    assert sorted(rounds["result"] + ":" + rounds["rows"].astype(str)) == [
        "applied:3",
        "rejected:1",
    ]
    rejected = tables.rejected_table(rejected_cells(result))
    assert rejected[["单元格", "字段", "填写值", "原因"]].values.tolist() == [
        ["待补充与更正!C5", "联系电话", "****6234", "联系电话无效：不是有效的手机或座机号码"]
    ]
    approvals = tables.approvals_table(result.approvals)
    assert approvals[["客户编号", "字段", "原值", "新值", "审批人"]].values.tolist() == [
        ["C20230210002", "客户名称", "李*", "李**", "王磊"]  # an individual's name stays masked
    ]
    name = result.corrections.set_index("field").at["name", "shown"]
    assert name == "李**"  # the log too: an individual's new name masked
    shown = pd.concat([effect, rounds, rejected, approvals, result.corrections]).to_csv()
    assert "13900139001" not in shown and "李丽娜" not in shown and "12345" not in shown

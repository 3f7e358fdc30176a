"""Corrections read back from filled completion workbooks: checked as a rep types them, applied
on top of the extracts, audited, rejected with the cell named, conflicts listed."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from tests.collection.conftest import GOOD_USCC
from workbench.cleaning.cache import cache_key, load_clean
from workbench.cleaning.settings import CleaningSettings
from workbench.collection.approvals import write_approval_log
from workbench.collection.completion import write_completion_workbooks
from workbench.collection.corrections import read_corrections
from workbench.collection.queue import correction_effect, rejected_cells
from workbench.collection.values import check_value
from workbench.core.errors import WorkbenchError

ITEMS = "待补充与更正"
FIXED_USCC = "91330106MA2H7K8L9Q"  # a valid code of its own (GOOD_USCC would make C1 = C4)


def fill(book_path: Path, out: Path, values: dict, approvers: dict | None = None) -> Path:
    """Type `values` {(customer_id, field code): text} into the 更正值 column, as a rep does."""
    book = load_workbook(book_path)
    sheet = book[ITEMS]
    for row in sheet.iter_rows(min_row=2):
        key = (row[0].value, row[3].value)
        if key in values:
            row[6].value = values[key]
        if approvers and key in approvers:
            row[7].value = approvers[key]
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def hand_made(path: Path, rows: list[tuple[str, str, object, str | None]], owner: str) -> Path:
    """A workbook made by hand, not by the writer: a notes sheet, then 客户编号 / 字段 / 更正值 /
    审批人 only (no hidden field code: the field is named in Chinese)."""
    book = Workbook()
    notes = book.active
    notes.title = "说明"
    notes.append(("负责人", owner))
    sheet = book.create_sheet(ITEMS)
    sheet.append(("客户编号", "字段", "更正值（请填写）", "审批人（受保护字段必填）"))
    for row in rows:
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.csv")}


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("phone", "１３９－００１３－９０００", "13900139000"),  # full-width, with dashes
        ("phone", " 138 0013 8000 ", "13800138000"),
        ("phone", "010-6234 5678", "010-62345678"),
        ("contact_title", "  采购   经理 ", "采购 经理"),
        ("industry", "軟件和信息技術服務業", "软件和信息技术服务业"),  # traditional characters
        ("decision_role", "決策人", "决策者"),
        ("region", "華東", "华东"),
        ("province", "浙江", "浙江省"),
        ("uscc", "91330106ma2b0c1d3y", GOOD_USCC),
        ("first_contact_date", "2024/5/10", pd.Timestamp("2024-05-10")),
        ("age", "３５", 35),
        ("email", " Li.Na@Example.com", "li.na@example.com"),
    ],
)
def test_a_value_typed_as_reps_type_it_is_stored_in_its_canonical_form(field, typed, stored):
    assert check_value(field, typed) == (stored, None)


@pytest.mark.parametrize(
    ("field", "typed", "says"),
    [
        ("phone", "12345", "联系电话无效"),
        ("uscc", "91330106MA2B0C1D3X", "统一社会信用代码无效"),
        ("id_number", "110105194912310023", "证件号码无效"),
        ("decision_role", "老板", "决策者 / 影响者 / 使用者"),
        ("region", "华东南", "区域无效"),
        ("first_deal_date", "2024-13-45", "应为日期"),
        ("customer_id", "C1", "不可通过更正表修改"),
        ("age", "三十", "0–120"),
    ],
)
def test_a_wrong_value_is_rejected_with_the_rule_in_words(field, typed, says):
    value, reason = check_value(field, typed)
    assert value is None and says in reason


def test_the_round_trip_on_hand_made_extracts(rep_extracts: Path, tmp_path: Path):
    raw = digest(rep_extracts)
    before = load_clean(rep_extracts)
    key_before = cache_key(rep_extracts, CleaningSettings())
    sent = write_completion_workbooks(before, tmp_path / "out", date(2025, 1, 6), rep_extracts)
    assert sorted(sent) == ["王磊", "陈静"]
    back = rep_extracts / "corrections"
    fill(
        sent["王磊"],
        back / sent["王磊"].name,
        {
            ("C20230105001", "contact_title"): " 采购  经理 ",
            ("C20230105001", "industry"): "軟件和信息技術服務業",
            ("C20230105001", "uscc"): FIXED_USCC,  # protected, no approver: rejected
            ("C20230210002", "phone"): "１３９－００１３－９００１",
        },
    )
    fill(
        sent["陈静"],
        back / sent["陈静"].name,
        {("C20230301003", "first_deal_date"): "2023-03-20"},
    )
    hand_made(
        back / "王磊_手工.xlsx",
        [
            ("C20230105001", "统一社会信用代码", FIXED_USCC, "张经理"),  # approved now
            ("C20230210002", "职位", "12345", None),  # any text is a title: applied
            ("C20230210002", "联系电话", "12345", None),  # wrong: rejected, cell C3
            ("C99999999999", "职位", "经理", None),  # no such customer
        ],
        owner="王磊",
    )
    after = load_clean(rep_extracts)
    assert cache_key(rep_extracts, CleaningSettings()) != key_before  # corrections are inputs
    assert digest(rep_extracts) == raw  # the extracts are never modified
    log = after.corrections.set_index(["file", "cell"])
    assert log.loc[("补充更正_王磊.xlsx", "G4"), "status"] == "rejected"  # uscc, not approved
    assert "审批人" in log.loc[("补充更正_王磊.xlsx", "G4"), "reason"]
    assert log.loc[("王磊_手工.xlsx", "C4"), "status"] == "rejected"
    assert log.loc[("王磊_手工.xlsx", "C4"), "reason"] == "联系电话无效：不是有效的手机或座机号码"
    assert log.loc[("王磊_手工.xlsx", "C5"), "reason"] == "客户编号不存在"
    # the phone correction and the hand-made title of C2 both apply; so does the approved USCC
    customers = after.customers.set_index("customer_id")
    assert customers.at["C20230105001", "contact_title"] == "采购 经理"
    assert customers.at["C20230105001", "industry"] == "软件和信息技术服务业"
    assert customers.at["C20230105001", "uscc"] == FIXED_USCC
    assert customers.at["C20230210002", "phone_masked"] == "139****9001"
    assert customers.at["C20230301003", "first_deal_date"] == pd.Timestamp("2023-03-20")
    audit = after.changes[after.changes["rule"] == "manual_correction"]
    assert len(audit) == 6 == (after.corrections["status"] == "applied").sum()
    uscc = audit[audit["field"] == "uscc"].iloc[0]
    assert (uscc["old"], uscc["new"]) == ("91330106MA2B0C1D3X", FIXED_USCC)
    assert uscc["source"].startswith("王磊 · ") and uscc["source"].endswith("王磊_手工.xlsx!C2")
    assert after.approvals[["customer_id", "field", "approver"]].values.tolist() == [
        ["C20230105001", "uscc", "张经理"]
    ]
    log = load_workbook(write_approval_log(after.approvals, tmp_path / "log.xlsx")).active
    assert log.title == "变更审批记录"
    assert [c.value for c in log[2]][:5] == [
        "C20230105001", "统一社会信用代码", "91330106MA2B0C1D3X", FIXED_USCC, "张经理"
    ]  # fmt: skip
    # the flags the corrections answered are gone; the rejected phone's flag stays
    flagged = set(zip(after.flags["key"], after.flags["rule"], strict=True))
    assert ("C20230105001", "bad_uscc") not in flagged
    assert ("C20230301003", "deal_before_contact") not in flagged
    # completeness of the title: 2 of 4 before, 4 of 4 after
    effect = correction_effect(after).set_index("field")
    assert effect.loc["contact_title", ["before", "after", "filled"]].tolist() == [0.5, 1.0, 2]
    assert effect.loc["industry", "filled"] == 1
    assert len(rejected_cells(after)) == 3


def test_conflicting_corrections_are_listed_and_none_applied(rep_extracts: Path):
    back = rep_extracts / "corrections"
    hand_made(back / "a.xlsx", [("C20230105001", "职位", "采购经理", None)], owner="王磊")
    hand_made(back / "b.xlsx", [("C20230105001", "职位", "总经理", None)], owner="王磊")
    hand_made(back / "c.xlsx", [("C20230210002", "职位", "教师", None)], owner="王磊")
    hand_made(back / "d.xlsx", [("C20230210002", "职位", " 教师", None)], owner="王磊")
    result = load_clean(rep_extracts)
    status = dict(zip(result.corrections["file"], result.corrections["status"], strict=True))
    assert status == {"a.xlsx": "conflict", "b.xlsx": "conflict", "c.xlsx": "duplicate",
                      "d.xlsx": "applied"}  # fmt: skip
    customers = result.customers.set_index("customer_id")
    assert pd.isna(customers.at["C20230105001", "contact_title"])
    assert customers.at["C20230210002", "contact_title"] == "教师"


def test_a_deal_before_the_first_contact_is_rejected(rep_extracts: Path):
    hand_made(
        rep_extracts / "corrections" / "x.xlsx",
        [("C20230105001", "首次合作时间", "2022-12-31", None)],
        owner="王磊",
    )
    result = load_clean(rep_extracts)
    assert result.corrections["status"].tolist() == ["rejected"]
    assert result.corrections["reason"].tolist() == ["首次合作时间早于首次接触时间"]
    customers = result.customers.set_index("customer_id")
    assert customers.at["C20230105001", "first_deal_date"] == pd.Timestamp("2023-02-01")


def test_a_workbook_that_is_not_a_completion_workbook_is_named(tmp_path: Path):
    book = Workbook()
    book.active.title = "Sheet1"
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(WorkbenchError, match=r"x\.xlsx: not a completion workbook"):
        read_corrections(tmp_path)


def test_no_raw_phone_leaves_through_the_log(rep_extracts: Path):
    hand_made(
        rep_extracts / "corrections" / "x.xlsx",
        [
            ("C20230210002", "联系电话", "13900139001", None),
            ("C20230105001", "联系电话", "999", None),
        ],
        owner="王磊",
    )
    result = load_clean(rep_extracts)
    assert result.corrections["shown"].tolist() == ["139****9001", "****999"]
    text = result.changes.to_csv() + result.corrections.to_csv()
    assert "13900139001" not in text


def test_a_value_equal_to_the_extract_is_unchanged_not_audited(rep_extracts: Path):
    hand_made(
        rep_extracts / "corrections" / "x.xlsx",
        [
            ("C20230301003", "职位", " 总经理", None),
            ("C20230301003", "联系人", "赵 强", None),
            ("C20230301003", "联系人", "赵强 国", None),
        ],
        owner="陈静",
    )
    result = load_clean(rep_extracts)
    # 赵 强 is 赵强 once the space between Chinese characters goes, as cleaning would write it
    assert result.corrections["status"].tolist() == ["unchanged", "conflict", "conflict"]
    assert result.changes[result.changes["rule"] == "manual_correction"].empty


def test_the_possible_duplicate_decisions_join_the_reviewed_pairs(rep_extracts: Path):
    book = Workbook()
    book.active.title = "说明"
    sheet = book.create_sheet("疑似重复")
    sheet.append(("客户A", "名称A", "客户B", "名称B", "复核结论（合并 / 不合并）"))
    sheet.append(
        ("C20230301003", "北京远景制造有限公司", "C20230401004", "成都天府物流有限公司", " 合并")
    )
    sheet.append(("C20230105001", "", "C20230210002", "", None))  # not reviewed yet
    (rep_extracts / "corrections").mkdir()
    book.save(rep_extracts / "corrections" / "pairs.xlsx")
    decided = read_corrections(rep_extracts / "corrections").decisions
    assert decided[["customer_id_a", "customer_id_b", "decision"]].values.tolist() == [
        ["C20230301003", "C20230401004", "merge"]
    ]
    result = load_clean(rep_extracts)
    assert result.merges[["customer_id", "survivor_id"]].values.tolist() == [
        ["C20230301003", "C20230401004"]  # the survivor: the more complete record
    ]
    sheet["E2"] = "也许"
    book.save(rep_extracts / "corrections" / "pairs.xlsx")
    with pytest.raises(WorkbenchError, match="decision '也许' is not 合并 or 不合并"):
        load_clean(rep_extracts)

"""The collection templates: one workbook per table, Chinese headers with their 填写说明,
drop-downs from the vocabulary, and a filled template that loads with nothing lost."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench.cleaning.pipeline import clean
from workbench.cli import main
from workbench.collection.templates import LISTS_SHEET, write_templates
from workbench.extracts.loader import load_extracts
from workbench.extracts.schema import REGIONS, TABLES


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    write_templates(out)
    return out


def _dropdowns(path: Path) -> dict[str, tuple[str, ...]]:
    """Header → the values of the drop-down list of its column."""
    book = load_workbook(path)
    sheet, lists = book.worksheets[0], book[LISTS_SHEET]
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    out = {}
    for check in sheet.data_validations.dataValidation:
        if check.type != "list":
            continue
        column = str(check.sqref).split(":")[0].rstrip("0123456789")
        source = check.formula1.split("!")[1].replace("$", "")  # e.g. B2:B8
        top, bottom = source.split(":")
        values = [c.value for (c,) in lists[top:bottom]]
        out[headers[column]] = tuple(values)
    return out


def test_one_workbook_per_table_named_as_the_loader_finds_it(templates: Path):
    assert sorted(p.name for p in templates.glob("*.xlsx")) == sorted(
        f"{t.zh}.xlsx" for t in TABLES.values()
    )
    book = load_workbook(templates / "客户基本信息表.xlsx")
    assert book.sheetnames == ["客户基本信息表", "填写说明", LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"


def test_headers_are_chinese_with_a_fill_in_note_each(templates: Path):
    sheet = load_workbook(templates / "客户基本信息表.xlsx").worksheets[0]
    assert [c.value for c in sheet[1]] == [c.zh for c in TABLES["customers"].columns]
    notes = {c.value: c.comment.text for c in sheet[1]}
    assert "必填" in notes["客户编号"] and "示例：C20240510001" in notes["客户编号"]
    assert "手机 11 位" in notes["联系电话"] and "关键字段" in notes["联系电话"]
    assert "更改需审批" in notes["统一社会信用代码"]
    assert "可选：决策者 / 影响者 / 使用者" in notes["决策角色"]
    assert "必填" not in notes["职业"]


def test_every_categorical_field_has_a_drop_down_of_its_vocabulary(templates: Path):
    customers = _dropdowns(templates / "客户基本信息表.xlsx")
    assert customers["客户类型"] == ("企业", "个人")
    assert customers["决策角色"] == ("决策者", "影响者", "使用者")
    assert customers["区域"] == REGIONS
    assert customers["状态"] == ("潜在客户", "成交客户", "流失客户")
    assert customers["来源渠道"][:2] == ("官网注册", "展会")
    assert "软件和信息技术服务业" in customers["所属行业"] and len(customers["所属行业"]) > 90
    assert len(customers["所在省份"]) == 34
    categorical = {c.zh for c in TABLES["customers"].columns if c.kind == "category"}
    assert categorical - set(customers) == {"所在城市", "负责人", "职业"}  # open lists
    requirements = _dropdowns(templates / "需求分析表.xlsx")
    assert requirements["需求类别"][0] == "产品功能优化"
    assert requirements["紧急程度"] == ("紧急", "重要", "一般")
    assert _dropdowns(templates / "销售漏斗.xlsx")["当前阶段"][-1] == "流失"


def test_dates_numbers_and_phones_are_enforced_where_excel_can(templates: Path):
    sheet = load_workbook(templates / "客户基本信息表.xlsx").worksheets[0]
    kinds = {str(v.sqref).split(":")[0]: v.type for v in sheet.data_validations.dataValidation}
    letters = {c.value: c.column_letter for c in sheet[1]}
    assert kinds[f"{letters['首次接触时间']}2"] == "date"
    assert kinds[f"{letters['年龄']}2"] == "whole"
    assert kinds[f"{letters['统一社会信用代码']}2"] == "textLength"
    assert sheet.column_dimensions[letters["联系电话"]].number_format == "@"  # keeps 0 of 010
    orders = load_workbook(templates / "交易记录.xlsx").worksheets[0]
    kinds = {str(v.sqref).split(":")[0]: v.type for v in orders.data_validations.dataValidation}
    assert kinds["D2"] == "decimal"  # 交易金额


def test_a_filled_template_loads_through_the_loader_with_nothing_lost(tmp_path: Path):
    write_templates(tmp_path, ("customers", "orders"))
    book = load_workbook(tmp_path / "客户基本信息表.xlsx")
    sheet = book.worksheets[0]
    column = {c.value: c.column for c in sheet[1]}
    typed = [  # what reps type: stray spaces, full-width digits, dashes, traditional characters
        {"客户编号": "C20240510001", "客户类型": "企业", "客户名称": " 杭州云帆科技有限公司 ",
         "联系电话": "138-0013-8000", "区域": "华东", "首次接触时间": datetime(2024, 5, 10),
         "负责人": "王磊", "决策角色": "決策者"},
        {"客户编号": "C20240511002", "客户类型": "个人", "客户名称": "李娜",
         "联系电话": "１３９００１３９０００", "区域": "華南", "首次接触时间": "2024/5/11",
         "负责人": "陈静", "年龄": 35},
    ]  # fmt: skip
    for row, values in enumerate(typed, start=2):
        for header, value in values.items():
            sheet.cell(row=row, column=column[header], value=value)
    book.save(tmp_path / "客户基本信息表.xlsx")
    book = load_workbook(tmp_path / "交易记录.xlsx")
    book.worksheets[0].append(["O1", "C20240510001", datetime(2024, 6, 1), 120000])
    book.save(tmp_path / "交易记录.xlsx")
    extracts = load_extracts(tmp_path)
    assert extracts.reconciliation()["balanced"].all()
    assert extracts.rows_read == {"customers": 2, "orders": 1}
    assert extracts.quarantine.empty and extracts.issues.empty
    customers = extracts.customers.set_index("customer_id")
    assert customers.at["C20240510001", "name"].strip() == "杭州云帆科技有限公司"
    assert customers.at["C20240510001", "decision_role"] == "決策者"
    assert customers.at["C20240511002", "region"] == "華南"
    assert customers.at["C20240511002", "first_contact_date"] == pd.Timestamp("2024-05-11")
    assert customers.at["C20240511002", "age"] == 35
    cleaned = clean(extracts).customers.set_index("customer_id")
    assert cleaned["phone"].tolist() == ["13800138000", "13900139000"]
    assert cleaned.at["C20240510001", "name"] == "杭州云帆科技有限公司"
    assert extracts.orders["amount"].tolist() == [120000.0]


def test_the_template_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["template", "--out", str(tmp_path), "--tables", "customers"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["客户基本信息表.xlsx"]
    assert main(["template", "--out", str(tmp_path), "--tables", "clients"]) == 2
    assert "unknown table 'clients'" in capsys.readouterr().err


def test_the_make_targets_call_the_commands():
    root = Path(__file__).resolve().parents[2]
    for target, command in (("templates", "-m workbench template --out reports/templates"),
                            ("completion", "-m workbench completion --data-dir data/demo")):  # fmt: skip
        out = subprocess.run(["make", "-n", target], cwd=root, capture_output=True, text=True)
        assert command in out.stdout, out.stdout + out.stderr

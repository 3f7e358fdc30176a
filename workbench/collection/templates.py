"""The standard collection templates (信息采集模板): one workbook per extract table, from the schema.

Each workbook is named after its table (客户基本信息表.xlsx …) so that a folder of filled templates
is a folder of extracts: `load_extracts` reads it like any CRM export. The first sheet has the
Chinese headers, each with a comment giving its 填写说明 (format, example, required or not);
categorical columns carry a drop-down list of the canonical values (from a hidden sheet, so
long lists such as the GB/T 4754 industries fit), dates must be dates, amounts numbers, and
phones and identifiers are text cells so Excel keeps their leading zeros. A second sheet,
填写说明, repeats the rules as a table.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from workbench.cleaning.settings import CleaningSettings
from workbench.collection.fields import FieldRule, table_rules
from workbench.extracts.schema import TABLES

TEMPLATE_ROWS = 5000  # rows of each sheet that carry the drop-downs and checks
INSTRUCTIONS_SHEET = "填写说明"
LISTS_SHEET = "取值列表"
TEXT_FIELDS = frozenset({"phone", "uscc", "id_number", "customer_id", "order_id",
                         "interaction_id", "req_id", "lead_id", "product_code",
                         "original_order_id"})  # fmt: skip
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
AUTHOR = "crm-workbench"


def write_templates(
    out_dir: str | Path,
    tables: tuple[str, ...] | None = None,
    settings: CleaningSettings | None = None,
) -> list[Path]:
    """Write the collection template of each table (all five by default) into `out_dir`;
    return the files written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in tables or tuple(TABLES):
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r}; the tables are {', '.join(TABLES)}")
        path = out / f"{TABLES[name].zh}.xlsx"
        template_workbook(name, settings).save(path)
        written.append(path)
    return written


def template_workbook(table: str, settings: CleaningSettings | None = None) -> Workbook:
    """The collection workbook of one table (module docstring)."""
    rules = table_rules(table, settings)
    book = Workbook()
    sheet = book.active
    sheet.title = TABLES[table].zh
    lists = book.create_sheet(LISTS_SHEET)
    for column, rule in enumerate(rules, start=1):
        _header(sheet, column, rule)
        _checks(sheet, lists, column, rule)
    sheet.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    _instructions(book.create_sheet(INSTRUCTIONS_SHEET), rules)
    book.move_sheet(INSTRUCTIONS_SHEET, offset=-1)  # data, 填写说明, (hidden) lists
    book.active = 0
    return book


def _header(sheet: Worksheet, column: int, rule: FieldRule) -> None:
    cell = sheet.cell(row=1, column=column, value=rule.zh)
    cell.font = Font(bold=True)
    cell.fill = REQUIRED_FILL if rule.required or rule.key_field else HEADER_FILL
    cell.alignment = Alignment(horizontal="center")
    cell.comment = Comment(rule.note(), AUTHOR, width=320, height=120)
    letter = get_column_letter(column)
    sheet.column_dimensions[letter].width = max(12, min(40, 2.2 * len(rule.zh) + 6))
    if rule.name in TEXT_FIELDS:
        sheet.column_dimensions[letter].number_format = "@"
    elif rule.kind == "date":
        sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"


def _checks(sheet: Worksheet, lists: Worksheet, column: int, rule: FieldRule) -> None:
    """The data validation of one column: a drop-down, a date, a number or a length."""
    letter = get_column_letter(column)
    cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
    check = None
    if rule.choices:
        list_column = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
        list_letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=rule.zh)
        for row, value in enumerate(rule.choices, start=2):
            lists.cell(row=row, column=list_column, value=value)
        source = f"'{LISTS_SHEET}'!${list_letter}$2:${list_letter}${len(rule.choices) + 1}"
        check = DataValidation(type="list", formula1=source, allow_blank=True)
        check.error = f"{rule.zh}：请从下拉列表中选择"
    elif rule.kind == "date":
        check = DataValidation(type="date", operator="between", allow_blank=True,
                               formula1="DATE(1950,1,1)", formula2="DATE(2100,12,31)")  # fmt: skip
        check.error = f"{rule.zh}：请输入日期，格式 YYYY-MM-DD"
    elif rule.kind in ("amount", "float"):
        check = DataValidation(type="decimal", operator="between", allow_blank=True,
                               formula1="-1000000000000", formula2="1000000000000")  # fmt: skip
        check.error = f"{rule.zh}：请输入数字（单位元，不写“万”）"
    elif rule.kind == "int":
        check = DataValidation(type="whole", operator="between", allow_blank=True,
                               formula1="0", formula2="100000")  # fmt: skip
        check.error = f"{rule.zh}：请输入整数"
    elif rule.name in ("uscc", "id_number"):
        check = DataValidation(type="textLength", operator="equal", formula1="18", allow_blank=True)
        check.error = f"{rule.zh}：应为 18 位"
    elif rule.name == "phone":
        check = DataValidation(type="textLength", operator="between", allow_blank=True,
                               formula1="7", formula2="20")  # fmt: skip
        check.error = f"{rule.zh}：手机 11 位，座机带区号"
    if check is None:
        return
    check.errorTitle = "填写有误"
    check.showErrorMessage = True
    check.prompt = rule.note()[:255]
    check.showInputMessage = True
    check.add(cells)
    sheet.add_data_validation(check)


def _instructions(sheet: Worksheet, rules: list[FieldRule]) -> None:
    headers = ("字段", "英文名", "是否必填", "格式", "示例", "可选值")
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for rule in rules:
        need = "必填" if rule.required else ("关键字段" if rule.key_field else "选填")
        if rule.protected:
            need += "（更改需审批）"
        shown = (
            " / ".join(rule.choices)
            if len(rule.choices) <= 12
            else f"见下拉列表（{len(rule.choices)} 项）"
        )
        sheet.append((rule.zh, rule.name, need, rule.format, rule.example, shown))
    for letter, width in zip("ABCDEF", (16, 20, 18, 48, 24, 48), strict=True):
        sheet.column_dimensions[letter].width = width

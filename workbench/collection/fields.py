"""Fill-in rules of every extract field, read from the schema: format, example, whether it is
required, and the values a drop-down offers.

The collection templates, the completion workbooks and the corrections reader share this one
table, so the rule a rep sees in a header comment is the rule a correction is checked against.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from workbench.cleaning.industry import classification
from workbench.cleaning.settings import CleaningSettings
from workbench.cleaning.vocabulary import VOCABULARIES
from workbench.core.geography import PROVINCE_REGION
from workbench.extracts.schema import REGIONS, TABLES, Column

# Fields that identify the customer's legal entity: a change needs an approver (变更审批).
PROTECTED_FIELDS = ("name", "customer_type", "uscc", "id_number")
# Fields nobody corrects through a workbook: the keys.
LOCKED_FIELDS = frozenset(t.key for t in TABLES.values()) | {"customer_id"}

_KIND_FORMAT = {
    "date": ("日期，格式 YYYY-MM-DD", "2024-05-10"),
    "amount": ("金额，数字，单位元，不写“万”", "120000"),
    "int": ("整数", "3"),
    "float": ("数字", "2.5"),
    "str": ("文本", ""),
    "category": ("从下拉列表中选择", ""),
}
_FIELD_FORMAT = {
    "customer_id": ("C + 8 位日期 + 3 位序号，创建后不可更改", "C20240510001"),
    "order_id": ("订单编号，不可更改", "SO20240510001"),
    "name": ("企业写营业执照上的全称；个人写姓名", "杭州云帆科技有限公司"),
    "uscc": ("18 位统一社会信用代码（GB 32100），仅企业填写", "91330106MA27XXXX0X"),
    "id_number": ("18 位居民身份证号（GB 11643），仅个人填写；报表中只显示后 4 位", "略"),
    "phone": ("手机 11 位（13800138000）；座机带区号（010-62345678）", "13800138000"),
    "email": ("name@domain.cn", "li.na@example.com"),
    "industry": ("国民经济行业分类 GB/T 4754-2017 名称", "软件和信息技术服务业"),
    "size": ("小型 / 中型 / 大型，或员工人数、营收（如 120人）", "中型"),
    "age": ("整数，0–120", "35"),
    "satisfaction": ("整数 1–5", "4"),
}


@dataclass(frozen=True)
class FieldRule:
    """How one field is filled in: its header, format, example, required, drop-down values."""

    table: str
    name: str
    zh: str
    kind: str
    required: bool
    key_field: bool
    protected: bool
    choices: tuple[str, ...]
    format: str
    example: str

    def note(self) -> str:
        """The 填写说明 of the field, one short paragraph (header comment and instructions)."""
        parts = [f"{self.zh}（{self.name}）", self.format]
        if self.choices and len(self.choices) <= 12:
            parts.append("可选：" + " / ".join(self.choices))
        if self.example:
            parts.append(f"示例：{self.example}")
        if self.required:
            parts.append("必填")
        elif self.key_field:
            parts.append("关键字段，应填（完整性目标 90%）")
        if self.protected:
            parts.append("更改需审批")
        return "；".join(parts)


def choices(table: str, column: str) -> tuple[str, ...]:
    """The canonical values of a categorical field (empty: free text)."""
    if table == "customers" and column == "region":
        return REGIONS
    if table == "customers" and column == "industry":
        return industry_names()
    if table == "customers" and column == "province":
        return tuple(PROVINCE_REGION)
    vocabulary = VOCABULARIES.get(table, {}).get(column)
    return vocabulary.canonical if vocabulary is not None else ()


@cache
def industry_names() -> tuple[str, ...]:
    """The GB/T 4754-2017 names an industry cell may hold (section-division labels)."""
    return tuple(classification()["label"])


def field_rule(table: str, column: Column, settings: CleaningSettings | None = None) -> FieldRule:
    """The fill-in rule of one column of `table`."""
    settings = settings or CleaningSettings()
    form, example = _FIELD_FORMAT.get(column.name, _KIND_FORMAT[column.kind])
    values = choices(table, column.name)
    if values and column.name not in _FIELD_FORMAT:
        form = "从下拉列表中选择"
        example = values[0]
    is_customer = table == "customers"
    return FieldRule(
        table=table,
        name=column.name,
        zh=column.zh,
        kind=column.kind,
        required=column.required,
        key_field=is_customer and column.name in settings.key_fields,
        protected=is_customer and column.name in PROTECTED_FIELDS,
        choices=values,
        format=form,
        example=example,
    )


def table_rules(table: str, settings: CleaningSettings | None = None) -> list[FieldRule]:
    """The fill-in rules of every column of `table`, in the schema's order."""
    return [field_rule(table, c, settings) for c in TABLES[table].columns]


def customer_rule(name: str) -> FieldRule:
    """The fill-in rule of one customers field (what a correction of it is checked against)."""
    return field_rule("customers", TABLES["customers"].column(name))

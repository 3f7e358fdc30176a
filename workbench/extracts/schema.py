"""Declarative schema of the five CRM extract tables: one place for names, aliases and types.

Loaders, validators, the demo-data generator and docs/extracts.md's column tables all read this
module, so a header alias or a type is defined exactly once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["str", "category", "date", "amount", "int", "float"]


@dataclass(frozen=True)
class Column:
    """One canonical column: its English name, Chinese header, other accepted headers, type."""

    name: str
    zh: str
    kind: Kind = "str"
    required: bool = False
    aliases: tuple[str, ...] = ()
    # free text whose cells repeat over an event log's rows (follow-up summaries written from a
    # few templates, SKUs): held as codes of its distinct cells, as the log's categories are
    repeats: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header this column is recognised under (canonical, Chinese, aliases)."""
        return (self.name, self.zh, *self.aliases)


REPEATING_KINDS = ("date", "int", "float", "amount")  # `Table.repeating`


@dataclass(frozen=True)
class Table:
    """One extract table: its name, Chinese title, primary key and columns."""

    name: str
    zh: str
    key: str
    columns: tuple[Column, ...]
    file_aliases: tuple[str, ...] = field(default=())
    # (column, (a, b)): a required column a file may leave out when it has a and b, whose
    # product it then is (an order line's amount = quantity × unit price)
    derived: tuple[tuple[str, tuple[str, str]], ...] = ()
    # an event log (orders, interactions): tens of millions of rows whose category columns hold
    # a handful of values, so the loader gives those columns as pandas categoricals
    coded: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def required_for(self, present: Collection[str]) -> list[str]:
        """The required columns of a file with the columns `present`: a derived column absent
        from the file is replaced by the columns it is computed from, when both are there."""
        out = []
        for name in self.required:
            sources = dict(self.derived).get(name)
            if name not in present and sources and all(s in present for s in sources):
                out += [s for s in sources if s not in out]
            elif name not in out:
                out.append(name)
        return out

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def header_map(self) -> dict[str, str]:
        """Map every accepted header (case- and space-insensitive) to its canonical name."""
        return {norm_header(h): c.name for c in self.columns for h in c.headers}

    def repeating(self, header: str) -> bool:
        """Whether the file column under `header` holds cells that repeat, so that a reader gives
        it as codes of its distinct cells: dates and numbers (each distinct cell is parsed once)
        and an event log's categories (kept as codes)."""
        name = self.header_map().get(norm_header(header))
        if name is None:
            return False
        return self.column(name).kind in REPEATING_KINDS or self.held_as_codes(name)

    def held_as_codes(self, name: str) -> bool:
        """Whether the loader gives the column `name` as a categorical of its text: an event
        log's categories and its repeating free text (`Column.repeats`)."""
        column = self.column(name)
        return self.coded and (column.kind == "category" or column.repeats)


def norm_header(header: object) -> str:
    return "".join(str(header).split()).lower().replace("（", "(").replace("）", ")")


C = Column

CUSTOMERS = Table(
    "customers",
    "客户基本信息表",
    key="customer_id",
    file_aliases=("客户基本信息表", "客户信息", "客户表", "customer"),
    columns=(
        C("customer_id", "客户编号", required=True, aliases=("客户ID", "客户id", "id")),
        C("customer_type", "客户类型", "category"),
        C("name", "客户名称", required=True, aliases=("公司名称", "姓名", "customer_name")),
        C("uscc", "统一社会信用代码", aliases=("信用代码",)),
        C("id_number", "证件号码", aliases=("身份证号", "身份证号码")),
        C("industry", "所属行业", "category", aliases=("行业",)),
        C("size", "企业规模", "category", aliases=("规模",)),
        C("founded", "成立时间", "date", aliases=("成立日期",)),
        C("main_business", "主营业务"),
        C("contact_name", "联系人", aliases=("联系人姓名",)),
        C("contact_title", "职位", aliases=("联系人职位",)),
        C("decision_role", "决策角色", "category"),
        C("phone", "联系电话", aliases=("电话", "手机", "手机号")),
        C("email", "电子邮箱", aliases=("邮箱", "e-mail", "mail")),
        C("province", "所在省份", "category", aliases=("省份", "省")),
        C("city", "所在城市", "category", aliases=("城市", "市")),
        C("district", "所在区县", aliases=("区县", "区")),
        C("region", "区域", "category", aliases=("大区", "所属区域")),
        C("source_channel", "来源渠道", "category", aliases=("客户来源", "来源")),
        C("first_contact_date", "首次接触时间", "date", aliases=("首次接触日期",)),
        C("first_deal_date", "首次合作时间", "date", aliases=("首次成交时间", "首次合作日期")),
        C("owner", "负责人", "category", aliases=("销售负责人", "客户经理")),
        C("status", "状态", "category", aliases=("客户状态",)),
        C("preferences", "需求偏好"),
        C("age", "年龄", "int"),
        C("gender", "性别", "category"),
        C("occupation", "职业", "category"),
    ),
)

ORDERS = Table(
    "orders",
    "交易记录",
    key="order_id",
    file_aliases=("交易记录", "订单", "订单记录", "order", "transactions"),
    columns=(
        C(
            "order_id",
            "订单编号",
            required=True,
            aliases=("订单号", "订单ID", "单据编号", "InvoiceNo", "Invoice"),
        ),
        C("customer_id", "客户编号", required=True, aliases=("客户ID", "CustomerID")),
        C(
            "order_date",
            "交易日期",
            "date",
            required=True,
            aliases=("下单日期", "订单日期", "单据日期", "date", "InvoiceDate"),
        ),
        C("amount", "交易金额", "amount", required=True, aliases=("金额", "订单金额", "金额(元)")),
        C("product", "产品名称", "category", aliases=("产品", "商品名称", "Description")),
        C("product_category", "产品类别", "category", aliases=("产品分类",)),
        C("payment_method", "支付方式", "category", aliases=("付款方式",)),
        # order lines (one row per product of an order) and returns: docs/extracts.md
        C("line_no", "行号", "int", aliases=("明细行号", "LineNo", "line_number")),
        C(
            "product_code",
            "产品编码",
            aliases=("商品编码", "物料编码", "StockCode", "SKU"),
            repeats=True,
        ),
        C("quantity", "数量", "float", aliases=("销售数量", "Quantity", "qty")),
        C("unit_price", "单价", "amount", aliases=("销售单价", "UnitPrice", "Price")),
        C("order_type", "单据类型", "category", aliases=("订单类型", "业务类型")),
        C(
            "original_order_id",
            "原订单号",
            aliases=("原单号", "原订单编号", "关联订单号", "OriginalInvoiceNo"),
        ),
    ),
    derived=(("amount", ("quantity", "unit_price")),),
    coded=True,
)

INTERACTIONS = Table(
    "interactions",
    "跟进记录",
    key="interaction_id",
    file_aliases=("跟进记录", "互动记录", "跟进互动记录", "interaction"),
    columns=(
        C("interaction_id", "记录编号", required=True, aliases=("跟进编号",)),
        C("customer_id", "客户编号", required=True, aliases=("客户ID",)),
        C(
            "interaction_date",
            "跟进日期",
            "date",
            required=True,
            aliases=("互动日期", "日期", "date"),
        ),
        C("channel", "跟进方式", "category", aliases=("渠道", "互动渠道")),
        C("type", "互动类型", "category", aliases=("类型",)),
        C("summary", "内容摘要", aliases=("跟进内容", "摘要"), repeats=True),
        C("satisfaction", "满意度", "int"),
        C("owner", "负责人", "category", aliases=("跟进人",)),
        C("pages_viewed", "浏览页面数", "int", aliases=("浏览页数",)),
        C("question_type", "问题类型", "category"),
    ),
    coded=True,
)

REQUIREMENTS = Table(
    "requirements",
    "需求分析表",
    key="req_id",
    file_aliases=("需求分析表", "需求记录", "需求", "requirement"),
    columns=(
        C("req_id", "需求编号", required=True, aliases=("需求ID",)),
        C("customer_id", "客户编号", required=True, aliases=("客户ID",)),
        C("created_date", "提出日期", "date", required=True, aliases=("创建日期", "提出时间")),
        C("category", "需求类别", "category", aliases=("需求分类",)),
        C("nature", "需求性质", "category"),
        C("explicitness", "显性/隐性", "category", aliases=("需求显隐性", "显隐性")),
        C("urgency", "紧急程度", "category"),
        C("priority", "优先级", "category"),
        C("description", "需求描述"),
        C("status", "处理状态", "category", aliases=("状态",)),
        C("owner", "负责人", "category"),
        C("due_date", "计划完成日期", "date", aliases=("截止日期",)),
        C("resolved_date", "实际解决日期", "date", aliases=("解决日期",)),
        C("satisfaction", "解决后满意度", "int"),
        C("rejection_reason", "未满足原因", aliases=("拒绝原因",)),
    ),
)

OPPORTUNITIES = Table(
    "opportunities",
    "销售漏斗",
    key="lead_id",
    file_aliases=("销售漏斗", "商机", "销售机会", "线索", "opportunity", "leads"),
    columns=(
        C("lead_id", "线索编号", required=True, aliases=("商机编号",)),
        C("customer_id", "客户编号", required=True, aliases=("客户ID",)),
        C("created_date", "创建日期", "date", required=True, aliases=("线索创建日期",)),
        C("stage", "当前阶段", "category", aliases=("阶段", "销售阶段")),
        C("intent_date", "意向客户日期", "date"),
        C("proposal_date", "方案洽谈日期", "date"),
        C("won_date", "成交日期", "date"),
        C("lost_date", "流失日期", "date"),
        C("expected_amount", "预计金额", "amount", aliases=("预计成交金额",)),
        C("lost_reason", "流失原因", aliases=("丢单原因",)),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (CUSTOMERS, ORDERS, INTERACTIONS, REQUIREMENTS, OPPORTUNITIES)
}

REGIONS: tuple[str, ...] = ("华东", "华南", "华北", "华中", "西南", "西北", "东北")
ALL_REGIONS = "全国"  # a report over every region

FUNNEL_STAGES: tuple[str, ...] = ("潜在线索", "意向客户", "方案洽谈", "成交")


_KIND_DOC = {"str": "text", "category": "category", "date": "date", "amount": "amount (元)",
             "int": "integer", "float": "number"}  # fmt: skip


def schema_markdown() -> str:
    """The column reference of every table as Markdown (docs/extracts.md's schema section is this)."""
    parts = []
    for table in TABLES.values():
        files = ", ".join(f"`{n}`" for n in (table.name, table.zh, *table.file_aliases))
        parts.append(f"**{table.name} {table.zh}** — key `{table.key}`; file names: {files}\n")
        parts.append("| column | 中文表头 | type | required | also accepted |")
        parts.append("|---|---|---|---|---|")
        for c in table.columns:
            aliases = ", ".join(c.aliases)
            required = "yes" if c.required else ""
            parts.append(f"| `{c.name}` | {c.zh} | {_KIND_DOC[c.kind]} | {required} | {aliases} |")
        if table.coded:
            texts = [f"`{c.name}`" for c in table.columns if c.repeats]
            parts.append(
                "\nAn event log: its category columns load as pandas categoricals of their text"
                " (a byte or two a row instead of about twenty), and stay so through the cleaning"
                " and the cache"
                + (
                    f"; so does its free text that repeats over the rows ({', '.join(texts)})."
                    if texts
                    else "."
                )
            )
        for name, (a, b) in table.derived:
            parts.append(
                f"\nA file without `{name}` may have `{a}` and `{b}` instead (both then required):"
                f" `{name}` = `{a}` × `{b}`."
            )
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"

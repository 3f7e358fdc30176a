"""Any optional column of any table may be absent: each one dropped in turn still loads and
cleans (a sweep marked slow), as does a corpus of required columns only, and the cleaning's
public functions take frames without it.

The corpus is written here by hand (not by `workbench.demo`): eight customers, most of them in
华东, with every column of every table filled somewhere, so dropping a column loses data.
`tests/reports/test_partial_data.py` renders the reports from it.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from workbench.cleaning.audit import Audit
from workbench.cleaning.completeness import completeness, mark_to_complete, to_complete_list
from workbench.cleaning.pipeline import clean
from workbench.cleaning.privacy import add_masked_columns, display_names, public_view
from workbench.cleaning.retention import retention_list
from workbench.cleaning.settings import CleaningSettings
from workbench.cleaning.validate import validate_contradictions, validate_emails, validate_ids
from workbench.extracts.loader import Extracts, load_extracts
from workbench.extracts.schema import TABLES

# fmt: off
CUSTOMERS = [
    dict(customer_id="C20220301001", customer_type="企业", name="杭州云帆科技有限公司",
         uscc="91330106MA2B3C4D5E", industry="软件和信息技术服务业", size="50-200人",
         founded="2015-06-01", main_business="CRM软件", contact_name="王芳", contact_title="采购经理",
         decision_role="决策者", phone="13812345678", email="wangfang@yunfan.cn",
         province="浙江省", city="杭州市", district="西湖区", region="华东", source_channel="展会",
         first_contact_date="2022-03-01", first_deal_date="2022-05-10", owner="张伟",
         status="成交客户", preferences="定制开发", age="", gender="", occupation=""),
    dict(customer_id="C20220415002", customer_type="企业", name="上海启明制造有限公司",
         uscc="", industry="制造业", size="大型", founded="2008-09-15", main_business="专用设备",
         contact_name="李强", contact_title="总经理", decision_role="影响者", phone="021-62345678",
         email="liqiang@qiming.com", province="上海市", city="上海市", district="浦东新区",
         region="华东", source_channel="转介绍", first_contact_date="2022-04-15",
         first_deal_date="2022-07-01", owner="张伟", status="成交客户", preferences="",
         age="", gender="", occupation=""),
    dict(customer_id="C20230110003", customer_type="个人", name="陈晓明", uscc="",
         id_number="330106198505051234", industry="", size="", founded="", main_business="",
         contact_name="陈晓明", contact_title="", decision_role="使用者", phone="13998765432",
         email="chenxm@163.com", province="江苏省", city="南京市", district="鼓楼区",
         region="华东", source_channel="官网注册", first_contact_date="2023-01-10",
         first_deal_date="2023-02-01", owner="刘洋", status="成交客户", preferences="移动端",
         age="38", gender="男", occupation="教师"),
    dict(customer_id="C20230520004", customer_type="企业", name="南京蓝海贸易有限公司",
         uscc="", industry="批发和零售业", size="少于50人", founded="2019-03-20",
         main_business="进出口贸易", contact_name="赵敏", contact_title="",
         decision_role="决策者", phone="13700001111", email="", province="江苏省",
         city="南京市", district="", region="华东", source_channel="客户拜访",
         first_contact_date="2023-05-20", first_deal_date="", owner="刘洋", status="潜在客户",
         preferences="", age="", gender="", occupation=""),
    dict(customer_id="C20230901005", customer_type="个人", name="周丽", uscc="", id_number="",
         industry="", size="", founded="", main_business="", contact_name="周丽",
         contact_title="", decision_role="", phone="15811112222", email="zhouli@qq.com",
         province="浙江省", city="宁波市", district="", region="华东", source_channel="社交媒体",
         first_contact_date="2023-09-01", first_deal_date="2023-09-15", owner="张伟",
         status="流失客户", preferences="", age="29", gender="女", occupation="设计师"),
    dict(customer_id="C20240105006", customer_type="企业", name="合肥智联信息技术有限公司",
         uscc="", industry="科技行业", size="员工250人", founded="2012-01-01",
         main_business="系统集成", contact_name="孙浩", contact_title="IT总监",
         decision_role="决策者", phone="13655556666", email="sunhao@zhilian.cn",
         province="安徽省", city="合肥市", district="", region="华东", source_channel="展会",
         first_contact_date="2024-01-05", first_deal_date="2024-03-01", owner="刘洋",
         status="成交客户", preferences="", age="", gender="", occupation=""),
    dict(customer_id="C20230301007", customer_type="企业", name="广州南方物流有限公司",
         uscc="", industry="交通运输、仓储和邮政业", size="中型", founded="2010-10-10",
         main_business="物流", contact_name="黄磊", contact_title="运营经理",
         decision_role="影响者", phone="13500002222", email="huanglei@nanfang.com",
         province="广东省", city="广州市", district="", region="华南", source_channel="第三方平台",
         first_contact_date="2023-03-01", first_deal_date="2023-04-01", owner="吴静",
         status="成交客户", preferences="", age="", gender="", occupation=""),
    dict(customer_id="C20230615008", customer_type="企业", name="北京华信咨询有限公司",
         uscc="", industry="租赁和商务服务业", size="100-500人", founded="2005-05-05",
         main_business="管理咨询", contact_name="郑洁", contact_title="合伙人",
         decision_role="决策者", phone="010-87654321", email="zhengjie@huaxin.com",
         province="北京市", city="北京市", district="朝阳区", region="华北", source_channel="官网注册",
         first_contact_date="2023-06-15", first_deal_date="2023-08-01", owner="吴静",
         status="成交客户", preferences="", age="", gender="", occupation=""),
]
ORDERS = [  # order_id, customer, date, amount, product, category, payment, line, code, qty, price, type, original
    ("O1", "C20220301001", "2023-11-05", "120000", "CRM专业版", "软件", "对公转账", "1", "P-CRM-PRO", "1", "120000", "销售", ""),
    ("O2", "C20220301001", "2024-05-20", "80000", "实施服务", "服务", "对公转账", "1", "S-IMPL", "2", "40000", "销售", ""),
    ("O3", "C20220301001", "2024-11-12", "150000", "CRM专业版", "软件", "承兑汇票", "1", "P-CRM-PRO", "1", "150000", "销售", ""),
    ("O4", "C20220415002", "2024-02-01", "300000", "数据平台", "软件", "对公转账", "1", "P-DATA", "1", "300000", "销售", ""),
    ("O5", "C20220415002", "2024-10-18", "260000", "数据平台", "软件", "对公转账", "1", "P-DATA", "1", "260000", "销售", ""),
    ("O6", "C20220415002", "2024-12-03", "45000", "培训服务", "服务", "银行卡", "1", "S-TRAIN", "3", "15000", "销售", ""),
    ("O7", "C20230110003", "2024-08-08", "3000", "CRM标准版", "软件", "微信支付", "1", "P-CRM-STD", "1", "3000", "销售", ""),
    ("O8", "C20230110003", "2024-11-30", "3200", "CRM标准版", "软件", "支付宝", "1", "P-CRM-STD", "1", "3200", "销售", ""),
    ("R8", "C20230110003", "2024-12-05", "-3200", "CRM标准版", "软件", "支付宝", "1", "P-CRM-STD", "-1", "3200", "退货", "O8"),
    ("O9", "C20230901005", "2023-10-01", "1500", "CRM标准版", "软件", "微信支付", "1", "P-CRM-STD", "1", "1500", "销售", ""),
    ("O10", "C20240105006", "2024-03-01", "90000", "系统集成", "服务", "对公转账", "1", "S-INTEG", "1", "90000", "销售", ""),
    ("O11", "C20240105006", "2024-11-02", "60000", "系统集成", "服务", "对公转账", "1", "S-INTEG", "1", "60000", "销售", ""),
    ("O12", "C20230301007", "2024-10-09", "70000", "数据平台", "软件", "对公转账", "1", "P-DATA", "1", "70000", "销售", ""),
    ("O13", "C20230615008", "2024-09-09", "50000", "实施服务", "服务", "对公转账", "1", "S-IMPL", "1", "50000", "销售", ""),
]
INTERACTIONS = [  # id, customer, date, channel, type, summary, satisfaction, owner, pages, question
    ("I1", "C20220301001", "2024-10-08", "电话", "咨询", "询问续费价格", "4", "张伟", "3", "价格"),
    ("I2", "C20220301001", "2024-12-15", "拜访", "售后", "上线回访", "5", "张伟", "", "售后"),
    ("I3", "C20220415002", "2024-11-20", "微信", "投诉", "报表导出慢", "2", "张伟", "", "产品"),
    ("I4", "C20230110003", "2024-09-01", "在线客服", "咨询", "手机端登录", "4", "刘洋", "6", "产品"),
    ("I5", "C20230520004", "2024-12-10", "邮件", "咨询", "索要方案报价", "", "刘洋", "12", "价格"),
    ("I6", "C20240105006", "2024-07-15", "电话", "表扬", "实施顺利", "5", "刘洋", "", ""),
    ("I7", "C20230301007", "2024-11-11", "电话", "活动", "邀请参加发布会", "3", "吴静", "2", ""),
]
REQUIREMENTS = [  # id, customer, created, category, nature, explicit, urgency, priority,
    # description, status, owner, due, resolved, satisfaction, rejection reason
    ("R1", "C20220301001", "2024-10-10", "定制化开发", "功能需求", "显性", "紧急", "高",
     "对接企业微信审批", "已解决", "张伟", "2024-11-30", "2024-11-20", "5", ""),
    ("R2", "C20220415002", "2024-11-21", "产品功能优化", "功能需求", "显性", "重要", "中",
     "报表导出提速", "处理中", "张伟", "2025-01-15", "", "", ""),
    ("R3", "C20230520004", "2024-12-10", "价格优惠", "价格需求", "隐性", "一般", "低",
     "希望首年折扣", "无法满足", "刘洋", "2024-12-31", "2024-12-20", "2", "低于底价"),
]
OPPORTUNITIES = [  # id, customer, created, stage, intent, proposal, won, lost, expected, reason
    ("L1", "C20230520004", "2024-06-01", "方案洽谈", "2024-07-01", "2024-09-01", "", "", "200000", ""),
    ("L2", "C20240105006", "2024-01-05", "成交", "2024-01-20", "2024-02-10", "2024-03-01", "", "90000", ""),
    ("L3", "C20230615008", "2024-03-01", "流失", "2024-04-01", "", "", "2024-05-01", "80000", "价格偏高"),
]
# fmt: on
_COLUMNS = {
    "orders": (
        "order_id",
        "customer_id",
        "order_date",
        "amount",
        "product",
        "product_category",
        "payment_method",
        "line_no",
        "product_code",
        "quantity",
        "unit_price",
        "order_type",
        "original_order_id",
    ),
    "interactions": (
        "interaction_id",
        "customer_id",
        "interaction_date",
        "channel",
        "type",
        "summary",
        "satisfaction",
        "owner",
        "pages_viewed",
        "question_type",
    ),
    "requirements": (
        "req_id",
        "customer_id",
        "created_date",
        "category",
        "nature",
        "explicitness",
        "urgency",
        "priority",
        "description",
        "status",
        "owner",
        "due_date",
        "resolved_date",
        "satisfaction",
        "rejection_reason",
    ),
    "opportunities": (
        "lead_id",
        "customer_id",
        "created_date",
        "stage",
        "intent_date",
        "proposal_date",
        "won_date",
        "lost_date",
        "expected_amount",
        "lost_reason",
    ),
}  # fmt: skip
ROWS: dict[str, list[dict[str, str]]] = {
    "customers": [{"id_number": "", **row} for row in CUSTOMERS],
    **{
        name: [dict(zip(_COLUMNS[name], row, strict=True)) for row in rows]
        for name, rows in (("orders", ORDERS), ("interactions", INTERACTIONS),
                           ("requirements", REQUIREMENTS), ("opportunities", OPPORTUNITIES))
    },
}  # fmt: skip


def write_corpus(
    folder: Path,
    tables: tuple[str, ...] = tuple(TABLES),
    drop: tuple[str, str] | None = None,
    required_only: bool = False,
) -> Path:
    """Write the corpus's `tables` as CSV with Chinese headers into `folder`: without the column
    `drop` = (table, column), or with the required columns only."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in tables:
        schema = TABLES[name]
        rows = ROWS[name]
        columns = [c for c in rows[0] if not required_only or c in schema.required]
        columns = [c for c in columns if drop != (name, c)]
        headers = [schema.column(c).zh if c in schema.column_names else c for c in columns]
        with (folder / f"{schema.zh}.csv").open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(headers)
            writer.writerows([[row[c] for c in columns] for row in rows])
    return folder


OPTIONAL = [(t.name, c.name) for t in TABLES.values() for c in t.columns if not c.required]


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    return load_extracts(write_corpus(tmp_path_factory.mktemp("full")))


@pytest.fixture(scope="module")
def full(extracts):
    return clean(extracts)


def test_the_corpus_fills_every_column_of_the_schema():
    for table, column in OPTIONAL:
        assert any(row.get(column) for row in ROWS[table]), f"{table}.{column}: no value"


def test_the_whole_corpus_cleans(full):
    assert full.reconciliation()["balanced"].all()
    assert full.rows_read == {"customers": 8, "orders": 14, "interactions": 7,
                              "requirements": 3, "opportunities": 3}  # fmt: skip
    sizes = full.customers.set_index("customer_id")["size"]  # default bands: 50 / 200 employees
    assert sizes[["C20220301001", "C20230520004", "C20240105006", "C20230615008"]].tolist() == [
        "中型", "小型", "大型", "大型"]  # fmt: skip


@pytest.mark.slow  # ~0.4 s a column, 60-odd columns: `make test` runs it, `make test-fast` not
@pytest.mark.parametrize(("table", "column"), OPTIONAL, ids=[f"{t}.{c}" for t, c in OPTIONAL])
def test_each_optional_column_dropped_in_turn_loads_and_cleans(
    tmp_path, extracts, full, table, column
):
    """The table without the column is loaded from its file; the other four are the corpus's."""
    one = load_extracts(write_corpus(tmp_path, (table,), drop=(table, column)), tables=(table,))
    result = clean(dataclasses.replace(extracts, tables={**extracts.tables, table: one[table]}))
    assert result.reconciliation()["balanced"].all()
    assert result.rows_read == full.rows_read
    assert set(result[table].columns) == set(full[table].columns)  # the column is there
    if column != "region":  # else empty, or filled by a rule (province from city …), audited
        changes = result.changes[(result.changes["table"] == table)
                                 & (result.changes["field"] == column)]  # fmt: skip
        frame = result[table]
        filled = frame.loc[frame[column].notna(), TABLES[table].key]
        assert set(filled) <= set(changes["key"]), f"{column} has values no rule put there"
    assert len(result.customers) == len(full.customers)  # nothing merged or lost on the way
    result.redacted()  # what the cache writes and the reports read


def test_required_columns_only_load_and_clean(tmp_path, full):
    result = clean(load_extracts(write_corpus(tmp_path, required_only=True)))
    assert result.reconciliation()["balanced"].all()
    assert result.rows_read == full.rows_read
    assert result.customers["region"].isna().all() and result.orders["amount"].notna().all()


def test_frames_without_optional_columns_clean():
    """Extracts built by hand (or by another loader) may lack columns: cleaning adds them empty,
    and the tables it was not given at all."""
    customers = pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["甲科技有限公司", "李娜"]})
    orders = pd.DataFrame({"order_id": ["O1"], "customer_id": ["C1"], "amount": [100.0],
                           "order_date": pd.to_datetime(["2024-10-01"])})  # fmt: skip
    extracts = Extracts({"customers": customers, "orders": orders}, sources={},
                        rows_read={"customers": 2, "orders": 1})  # fmt: skip
    result = clean(extracts)
    assert set(result.tables) == set(TABLES)
    assert result.interactions.empty and set(TABLES["interactions"].column_names) <= set(
        result.interactions.columns
    )
    assert result.supplied("orders") and not result.supplied("interactions")
    assert list(result.reconciliation().index) == ["customers", "orders"]  # what was read
    assert {"customer_type", "phone_masked", "to_complete"} <= set(result.customers.columns)


CUSTOMER_OPTIONAL = [c for t, c in OPTIONAL if t == "customers"]


@pytest.mark.parametrize("column", CUSTOMER_OPTIONAL)
def test_cleaning_functions_take_customers_without_a_column(full, column):
    customers = full.customers.drop(columns=[column, f"{column}_masked"], errors="ignore")
    tables = {**full.tables, "customers": customers}
    settings = CleaningSettings()
    retention_list(tables, settings, pd.Timestamp("2030-01-01"))
    listed = to_complete_list(customers, settings.to_complete_fields)
    mark_to_complete(customers, listed)
    completeness(customers, settings.key_fields, settings.completeness_target)
    public_view(add_masked_columns(customers))
    display_names(customers)
    audit = Audit()
    validate_ids(customers, audit)
    validate_emails(customers, audit)
    validate_contradictions(tables, audit, settings)


def test_retention_without_status_or_first_dates(full):
    customers = full.customers.drop(columns=["status", "first_contact_date", "first_deal_date"])
    tables = {"customers": customers, "orders": full.orders}
    due = retention_list(tables, CleaningSettings(), pd.Timestamp("2026-10-01"))
    assert set(due["customer_id"]) == {"C20230901005", "C20230615008"}  # last order ≤ 2024-09
    assert due["status"].isna().all() and set(due["reason"]) == {"关系结束满2年"}  # none churned

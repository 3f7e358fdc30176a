"""A hand-made requirements fixture, written independently of workbench.demo: ten customers (eight
in 华东), their purchases, twenty-one needs with Chinese descriptions. The expected numbers of
the tests were worked out by hand from these rows (see test_analysis.py for the workings).

The quarter is 2024Q4 (as_of 2025-01-01). High value in the tests = ABC class A or B
(`HIGH_VALUE`): in 华东, C01 (600k) is A and C02 (500k) is B, the others C.
"""

from __future__ import annotations

import pandas as pd

from workbench.extracts.loader import TableAccess
from workbench.requirements.params import HighValue, RequirementParams

QUARTER = "2024Q4"
PARAMS = RequirementParams(high_value=HighValue(value_classes=(), abc_classes=("A", "B")))

CUSTOMERS = [  # id, type, name, industry, region, owner
    ("C01", "企业", "杭州云帆科技有限公司", "软件和信息技术服务业", "华东", "王磊"),
    ("C02", "企业", "苏州精工机械有限公司", "制造业", "华东", "陈静"),
    ("C03", "个人", "李娜", None, "华东", "王磊"),
    ("C04", "企业", "南京和信贸易有限公司", "批发和零售业", "华东", "赵强"),
    ("C05", "企业", "宁波海润物流有限公司", "交通运输、仓储和邮政业", "华东", "陈静"),
    ("C06", "个人", "张伟强", None, "华东", "赵强"),
    ("C07", "企业", "合肥启明教育科技有限公司", "教育", "华东", "王磊"),
    ("C08", "企业", "上海东方医疗器械有限公司", "制造业", "华东", "陈静"),  # no purchase
    ("C09", "企业", "广州南粤食品有限公司", "制造业", "华南", "刘洋"),
    ("C10", "企业", "深圳前海数据有限公司", "软件和信息技术服务业", "华南", "刘洋"),
]  # fmt: skip
ORDERS = [  # customer, date, amount
    ("C01", "2024-06-01", 600_000.0), ("C02", "2024-07-01", 500_000.0),
    ("C03", "2024-05-01", 10_000.0), ("C04", "2024-05-02", 10_000.0),
    ("C05", "2024-05-03", 10_000.0), ("C06", "2024-05-04", 10_000.0),
    ("C07", "2024-05-05", 10_000.0), ("C09", "2024-05-06", 20_000.0),
    ("C10", "2024-05-07", 20_000.0),
]  # fmt: skip
REQ_COLUMNS = ["req_id", "customer_id", "created_date", "category", "nature", "explicitness",
               "urgency", "priority", "description", "status", "owner", "due_date",
               "resolved_date", "satisfaction", "rejection_reason"]  # fmt: skip
_ = None
REQUIREMENTS = [
    ("R01", "C01", "2024-10-08", "产品功能优化", "功能需求", "显性", "紧急", "高",
     "希望报表模块支持按区域导出Excel", "已解决", "王磊", "2024-10-15", "2024-10-12", 5, _),
    ("R02", "C01", "2024-10-20", "系统集成", "功能需求", "显性", "紧急", "高",
     "要求与企业微信打通，实现单点登录", "已解决", "王磊", "2024-10-25", "2024-10-30", 2, _),
    ("R03", "C01", "2024-12-10", "定制化开发", "功能需求", "隐性", "紧急", "高",
     "需要定制与ERP对接的接口，需在季度内上线", "处理中", "王磊", "2024-12-20", _, _, _),
    ("R04", "C02", "2024-11-05", "售后支持", "服务需求", "显性", "一般", "中",
     "客户提出售后团队提供7x24小时响应，联系电话13912345678", "已解决", "陈静", "2024-12-05",
     "2024-11-25", 4, _),
    ("R05", "C02", "2024-12-01", "产品功能优化", "功能需求", "隐性", "重要", "中",
     "希望报表模块增加批量导入功能", "待处理", "陈静", "2025-01-15", _, _, _),
    ("R06", "C03", "2024-10-10", "价格优惠", "价格需求", "显性", "紧急", "中",
     "李娜询问续费时能否给予价格优惠，邮箱 lina@example.com", "无法满足", "王磊", "2024-10-20",
     _, _, "超出合同范围"),
    ("R07", "C03", "2024-11-11", "售后支持", "服务需求", "显性", "紧急", "高",
     "客服热线响应太慢，希望缩短故障响应时间", "已解决", "王磊", "2024-11-18", "2024-11-21", 1, _),
    ("R08", "C04", "2024-10-15", "培训需求", "服务需求", "显性", "一般", "低",
     "需要为新员工安排系统操作培训", "已解决", "赵强", "2024-11-30", "2024-11-14", 5, _),
    ("R09", "C04", "2024-11-20", "培训需求", "服务需求", "隐性", "一般", "低",
     "希望为销售团队提供报表使用培训", "处理中", "赵强", "2024-12-15", _, _, _),
    ("R10", "C05", "2024-10-25", "产品功能优化", "功能需求", "显性", "重要", "中",
     "移动端审批流程经常卡顿，建议优化页面加载速度", "已解决", "陈静", "2024-11-30",
     "2024-12-29", 3, _),
    ("R11", "C05", "2024-12-15", "价格优惠", "价格需求", "隐性", "一般", "低",
     "增购账号时希望提供折扣", "无法满足", "陈静", "2025-01-10", _, _, "不符合产品规划"),
    ("R12", "C06", "2024-11-02", "产品功能优化", "功能需求", "显性", "紧急", "高",
     "移动端无法导出报表，请尽快修复<script>alert(1)</script>", "已解决", "赵强", "2024-11-09",
     "2024-11-06", _, _),
    ("R13", "C07", "2024-12-20", "定制化开发", "功能需求", "显性", "一般", "中",
     "希望单独开发行业报表模板", "处理中", "王磊", "2025-02-28", _, _, _),
    ("R14", "C07", "2024-10-05", "培训需求", "服务需求", "隐性", "重要", "低",
     "希望开通线上培训课程", "待处理", "王磊", "2024-12-31", "2024-10-20", _, _),
    ("R15", "C08", "2024-11-12", "系统集成", "功能需求", "隐性", _, "中",
     "希望与钉钉集成，实现数据同步", "待处理", "陈静", _, _, _, _),
    ("R16", "C01", "2024-08-05", "产品功能优化", "功能需求", "显性", "紧急", "高",
     "希望报表模块支持自定义字段", "已解决", "王磊", "2024-08-12", "2024-08-10", 4, _),
    ("R17", "C04", "2024-09-10", "售后支持", "服务需求", "显性", "重要", "中",
     "要求技术支持定期巡检系统", "处理中", "赵强", "2024-09-30", _, _, _),
    ("R18", "C05", "2024-07-15", "培训需求", "服务需求", "显性", "一般", "低",
     "需要为系统管理员安排培训", "已解决", "陈静", "2024-08-15", "2024-10-03", 2, _),
    ("R19", "C09", "2024-11-01", "价格优惠", "价格需求", "显性", "紧急", "高",
     "希望增购账号时给予价格优惠", "已解决", "刘洋", "2024-11-08", "2024-11-05", 4, _),
    ("R20", "C10", "2024-12-01", "售后支持", "服务需求", "隐性", "一般", "低",
     "要求安排专人驻场", "待处理", "刘洋", "2024-12-10", _, _, _),
    ("R21", "C01", "2025-01-05", "产品功能优化", "功能需求", "显性", "紧急", "高",
     "希望报表模块支持按区域导出Excel", "待处理", "王磊", "2025-01-12", _, _, _),
]  # fmt: skip


class Tables(TableAccess):
    """The five tables as the cleaning step hands them on; `missing` names tables not supplied."""

    def __init__(self, tables: dict[str, pd.DataFrame], missing: tuple[str, ...] = ()) -> None:
        self.tables = tables
        self.missing = missing

    def supplied(self, table: str) -> bool:
        return table not in self.missing


def customers() -> pd.DataFrame:
    frame = pd.DataFrame(CUSTOMERS, columns=["customer_id", "customer_type", "name", "industry",
                                             "region", "owner"])  # fmt: skip
    return frame.astype({"industry": "object"})


def orders() -> pd.DataFrame:
    frame = pd.DataFrame(ORDERS, columns=["customer_id", "order_date", "amount"])
    frame.insert(0, "order_id", [f"O{i:02d}" for i in range(1, len(frame) + 1)])
    return frame.assign(order_date=pd.to_datetime(frame["order_date"]))


def requirements() -> pd.DataFrame:
    frame = pd.DataFrame(REQUIREMENTS, columns=REQ_COLUMNS)
    for column in ("created_date", "due_date", "resolved_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.astype({"satisfaction": "Int64"})


def tables(**replace: pd.DataFrame) -> dict[str, pd.DataFrame]:
    out = {"customers": customers(), "orders": orders(), "requirements": requirements(),
           "interactions": pd.DataFrame(), "opportunities": pd.DataFrame()}  # fmt: skip
    return out | replace

"""A hand-made extract folder for the collection tests (written apart from the demo generator):
four customers of two reps with the gaps and errors reps are asked to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_csv

GOOD_USCC = "91330106MA2B0C1D3Y"
OTHER_USCC = "91110108MA0E4F5G69"
HEADER = ["客户编号", "客户类型", "客户名称", "统一社会信用代码", "所属行业", "联系人", "职位",
          "联系电话", "所在省份", "区域", "首次接触时间", "首次合作时间", "负责人", "状态"]  # fmt: skip
ROWS = [
    # missing industry and contact title; a USCC with a wrong check character
    ["C20230105001", "企业", "杭州云帆科技有限公司", "91330106MA2B0C1D3X", "", "王芳", "",
     "13800138000", "浙江省", "华东", "2023-01-05", "2023-02-01", "王磊", "成交客户"],
    # an individual with a phone that is no phone, no title
    ["C20230210002", "个人", "李娜", "", "", "李娜", "", "12345", "广东省", "华南",
     "2023-02-10", "2023-03-01", "王磊", "成交客户"],
    # a first deal before the first contact
    ["C20230301003", "企业", "北京远景制造有限公司", OTHER_USCC, "制造业-专用设备制造业", "赵强",
     "总经理", "010-62345678", "北京市", "华北", "2023-03-01", "2023-01-15", "陈静", "成交客户"],
    # complete and valid: nothing to do
    ["C20230401004", "企业", "成都天府物流有限公司", GOOD_USCC, "交通运输、仓储和邮政业-道路运输业",
     "刘洋", "采购经理", "13900139000", "四川省", "西南", "2023-04-01", "2023-05-01", "陈静",
     "成交客户"],
]  # fmt: skip
ORDER_HEADER = ["订单编号", "客户编号", "交易日期", "交易金额"]
ORDERS = [
    ["O1", "C20230105001", "2024-10-02", "120000"],
    ["O2", "C20230210002", "2024-11-15", "3000"],
    ["O3", "C20230301003", "2024-12-01", "50000"],
    ["O4", "C20230401004", "2024-12-10", "8000"],
]


@pytest.fixture
def rep_extracts(tmp_path: Path) -> Path:
    """customers.csv (GBK, as Excel on Windows saves it) and orders.csv in a fresh folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    write_csv(folder / "customers.csv", HEADER, ROWS, encoding="gbk")
    write_csv(folder / "orders.csv", ORDER_HEADER, ORDERS)
    return folder

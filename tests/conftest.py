"""Shared fixtures: tiny hand-made extract folders and a small generated demo set."""

from __future__ import annotations

import csv
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")
# no per-example deadline: speed is measured in benchmarks/, and a loaded CI machine (or the
# first call of a vectorised parser, which builds its Arrow kernels) must not fail a property
settings.register_profile("workbench", deadline=None)
settings.load_profile("workbench")

CUSTOMER_HEADER = ["客户编号", "客户类型", "客户名称", "所属行业", "企业规模", "联系电话",
                   "所在省份", "区域", "首次接触时间", "首次合作时间", "负责人", "状态"]  # fmt: skip
CUSTOMERS = [
    ["C20230105001", "企业", "杭州云帆科技有限公司", "软件和信息技术服务业", "中型", "13800138000",
     "浙江省", "华东", "2023-01-05", "2023-02-01", "王磊", "成交客户"],
    ["C20230210002", "个人", "李娜", "", "", "13900139000",
     "广东省", "华南", "2023/2/10", "2023年3月1日", "陈静", "成交客户"],
    ["C20230301003", "企业", "北京远景制造有限公司", "制造业-专用设备制造业", "大型", "010-62345678",
     "北京市", "华北", "20230301", "", "赵强", "潜在客户"],
]  # fmt: skip
ORDER_HEADER = ["订单编号", "客户编号", "交易日期", "交易金额", "产品名称", "产品类别", "支付方式"]
ORDERS = [
    ["O1", "C20230105001", "2024-10-02", "120000.00", "CRM专业版", "软件", "对公转账"],
    ["O2", "C20230105001", "2024-11-15", "52万元", "实施服务", "服务", "对公转账"],
    ["O3", "C20230210002", "2024/12/1", "3,000", "CRM标准版", "软件", "微信支付"],
    ["O4", "C20230210002", "2024-13-45", "800", "培训服务", "服务", "支付宝"],
    ["O5", "C20230105001", "2024-07-01", "", "年度维保", "服务", "对公转账"],
    ["O1", "C20230105001", "2024-10-02", "120000.00", "CRM专业版", "软件", "对公转账"],
    ["O3", "C20230210002", "2024-12-02", "3100", "CRM标准版", "软件", "微信支付"],
]  # fmt: skip


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8",
              delimiter: str = ",") -> Path:  # fmt: skip
    """Write a CSV the way an export tool would (no index, quoted where needed)."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def tiny_extracts(tmp_path: Path) -> Path:
    """customers (GBK) + orders (UTF-8 BOM) with known dirt; other tables header-only-free."""
    write_csv(tmp_path / "customers.csv", CUSTOMER_HEADER, CUSTOMERS, encoding="gbk")
    write_csv(tmp_path / "orders.csv", ORDER_HEADER, ORDERS, encoding="utf-8-sig")
    return tmp_path


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated demo data set (400 customers), shared by the slower tests."""
    from workbench.demo import generate

    out = tmp_path_factory.mktemp("demo")
    generate(out, customers=400, seed=11)
    return out


@pytest.fixture(scope="session")
def cdnow_raw():
    """The raw CDNOW 1/10 sample log shipped with lifetimes (see clv/test_summary.cdnow_sample)."""
    from clv.test_summary import cdnow_sample

    return cdnow_sample()


@pytest.fixture(scope="session")
def cdnow_summary(cdnow_raw):
    """The CDNOW calibration summary (to 1997-09-30, weeks), as in the papers."""
    from clv.test_summary import CAL_END

    from workbench.clv.summary import summarize

    return summarize(cdnow_raw, observation_end=CAL_END)


@pytest.fixture(scope="session")
def cdnow_bgnbd(cdnow_summary):
    """BG/NBD fitted on the CDNOW calibration summary."""
    from workbench.clv.purchase import BGNBD

    return BGNBD().fit(cdnow_summary)

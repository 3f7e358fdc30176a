"""The value tests' data: a small hand-made region (`small`) and the generated demo set, cleaned
(`demo`)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from workbench.cleaning.cache import load_clean


def _customers() -> pd.DataFrame:
    rows = [  # id, type, name, region, owner, status
        ("C1", "企业", "杭州甲科技有限公司", "华东", "王磊", "成交客户"),
        ("C2", "个人", "李娜娜", "华东", "王磊", "成交客户"),
        ("C3", "企业", "上海乙制造有限公司", "华东", "陈静", "成交客户"),
        ("C4", "企业", "南京丙咨询有限公司", "华东", "陈静", "意向客户"),
        ("C5", "企业", "广州丁贸易有限公司", "华南", "赵强", "成交客户"),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "customer_type", "name", "region",
                                        "owner", "status"])  # fmt: skip
    return frame.assign(city="杭州市")


def _orders() -> pd.DataFrame:
    rows = [
        ("C1", "2023-06-01", 500_000.0),
        ("C1", "2024-03-01", 600_000.0),
        ("C1", "2024-11-20", 700_000.0),
        ("C2", "2024-02-10", 3_000.0),
        ("C2", "2024-02-10", 1_000.0),  # same day: one purchase of 4,000
        ("C2", "2024-05-05", -1_000.0),  # a return: left out, counted
        ("C3", "2023-01-15", 200_000.0),
        ("C3", "2023-12-31", 150_000.0),  # before the 12-month window
        ("C5", "2024-10-01", 90_000.0),  # 华南
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    return frame.assign(order_date=pd.to_datetime(frame["order_date"]))


def _interactions() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["C4"], "interaction_date": pd.to_datetime(["2024-12-01"]),
                         "pages_viewed": [12], "question_type": ["价格"]})  # fmt: skip


@pytest.fixture
def small() -> SimpleNamespace:
    return SimpleNamespace(customers=_customers(), orders=_orders(), interactions=_interactions())


@pytest.fixture(scope="module")
def demo(demo_dir):
    return load_clean(demo_dir)

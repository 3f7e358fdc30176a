"""Six hand-made customers for the segment tests (quarter 2024Q4: as_of 2025-01-01), written
without `workbench.demo`:

S1 甲: 300,000 (2024-03-01) + 200,000 (2024-09-01) → AOV 250,000, class A; contacted 2024-12-20.
S2 乙: 150,000 (2024-06-01) → AOV 150,000, class B; last contact 2024-08-01 (153 days).
S3 张三丰 (an individual): 2,000 + 3,000 in May 2024 → AOV 2,500, C; never contacted.
S4 丁: 500,000 in 2023 only → nothing in 12 months, no AOV, C; a "complaint" on 2024-11-15.
S5 戊 (a lead): no purchase; 投诉 2024-12-01 and 客诉 2024-12-05.
S6 己: 80,000 (2024-12-15), C; last contact 2024-10-02 (91 days).
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest


def _customers() -> pd.DataFrame:
    rows = [("S1", "企业", "甲有限公司", "成交客户"), ("S2", "企业", "乙有限公司", "成交客户"),
            ("S3", "个人", "张三丰", "成交客户"), ("S4", "企业", "丁有限公司", "流失客户"),
            ("S5", "企业", "戊有限公司", "潜在客户"), ("S6", "企业", "己有限公司", "成交客户")]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["customer_id", "customer_type", "name", "status"])
    return frame.assign(region="华东", owner="王磊", city="杭州市", industry="制造业",
                        preferences=["性价比、数据安全", None, "易用性", None, None, "性价比"])  # fmt: skip


def _orders() -> pd.DataFrame:
    rows = [("S1", "2024-03-01", 300_000.0), ("S1", "2024-09-01", 200_000.0),
            ("S2", "2024-06-01", 150_000.0), ("S3", "2024-05-01", 2_000.0),
            ("S3", "2024-05-20", 3_000.0), ("S4", "2023-06-01", 500_000.0),
            ("S6", "2024-12-15", 80_000.0)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    frame.insert(0, "order_id", [f"O{i}" for i in range(len(frame))])
    return frame.assign(order_date=pd.to_datetime(frame["order_date"]))


def _interactions() -> pd.DataFrame:
    rows = [("S1", "2024-12-20", "咨询"), ("S2", "2024-08-01", "咨询"),
            ("S4", "2024-11-15", "complaint"), ("S5", "2024-12-01", "投诉"),
            ("S5", "2024-12-05", "客诉"), ("S6", "2024-10-02", "售后")]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["customer_id", "interaction_date", "type"])
    return frame.assign(interaction_date=pd.to_datetime(frame["interaction_date"]))


@pytest.fixture
def six() -> SimpleNamespace:
    return SimpleNamespace(customers=_customers(), orders=_orders(), interactions=_interactions())

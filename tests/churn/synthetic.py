"""A small CRM written for the churn tests, independently of `workbench.demo`.

Customers buy every few weeks until they quit; in the 75 days before quitting a quitter
complains (投诉) and rates lower; nobody else complains much. So a model that reads complaints as
well as silence can beat the recency rule, and the tests know why.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

START, END = pd.Timestamp("2022-01-01"), pd.Timestamp("2025-01-01")
REGIONS = ("华东", "华南", "华北")


def crm(customers: int = 900, seed: int = 3) -> SimpleNamespace:
    """customers, orders and interactions tables as the cleaner returns them (`.tables`)."""
    rng = np.random.default_rng(seed)
    ids = [f"K{i:05d}" for i in range(customers)]
    first = START + pd.to_timedelta(rng.integers(0, 700, customers), unit="D")
    gap = rng.gamma(3.0, 10.0, customers) + 5  # mean days between orders
    quits = rng.random(customers) < 0.75
    quit_day = first + pd.to_timedelta(rng.integers(60, 1000, customers), unit="D")
    quit_day = pd.DatetimeIndex(np.where(quits, quit_day, END + pd.Timedelta(days=400)))
    orders, talks = [], []
    for i, cid in enumerate(ids):
        day = first[i]
        n = 0
        while day < min(quit_day[i], END):
            orders.append((f"O{i:05d}-{n}", cid, day, float(rng.gamma(2.0, 500.0)) + 10))
            day += pd.Timedelta(days=int(rng.exponential(gap[i])) + 1)
            n += 1
        for k in range(int(rng.integers(2, 8))):  # ordinary follow-ups, rated well
            when = first[i] + pd.Timedelta(days=int(rng.integers(0, 1000)))
            if when < min(quit_day[i], END):
                talks.append((f"I{i:05d}-{k}", cid, when, "咨询", int(rng.integers(4, 6))))
        if quits[i]:  # complaints before quitting
            for k in range(int(rng.integers(1, 4))):
                when = quit_day[i] - pd.Timedelta(days=int(rng.integers(1, 75)))
                if when < END:
                    talks.append((f"Q{i:05d}-{k}", cid, when, "投诉", int(rng.integers(1, 3))))
    customers_frame = pd.DataFrame({
        "customer_id": ids,
        "customer_type": np.where(rng.random(customers) < 0.7, "企业", "个人"),
        "name": [f"测试客户{i}有限公司" for i in range(customers)],
        "region": rng.choice(REGIONS, customers),
        "owner": rng.choice(["王磊", "李娜", "赵强"], customers),
        "status": np.where(quits & (quit_day < END - pd.Timedelta(days=180)), "流失客户", "成交客户"),
        "first_deal_date": first,
    })  # fmt: skip
    order_frame = pd.DataFrame(orders, columns=["order_id", "customer_id", "order_date", "amount"])
    talk_frame = pd.DataFrame(
        talks, columns=["interaction_id", "customer_id", "interaction_date", "type", "satisfaction"]
    )
    return SimpleNamespace(tables={"customers": customers_frame, "orders": order_frame,
                                   "interactions": talk_frame})  # fmt: skip

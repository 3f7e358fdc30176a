"""A hand-made cleaning result, written here rather than generated: three rules changed or flagged
cells, two orders were quarantined, two customers were merged (one company, one individual), three
customers miss key fields and one is past retention."""

from types import SimpleNamespace

import pandas as pd
import pytest


@pytest.fixture
def result() -> SimpleNamespace:
    return SimpleNamespace(
        changes=pd.DataFrame({"rule": ["phone_format"] * 3 + ["industry_map"]}),
        flags=pd.DataFrame({"rule": ["bad_uscc"]}),
        quarantine=pd.DataFrame(
            {
                "table": ["orders", "orders", "orders"],
                "column": ["order_date", "order_date", "amount"],
                "reason": ["unparseable_date", "unparseable_date", "unparseable_amount"],
                "row": [4, 9, 5],
            }
        ),
        merges=pd.DataFrame(
            {
                "customer_id": ["C9", "C8"],
                "survivor_id": ["C1", "C2"],
                "rule": ["same_uscc", "same_phone"],
                "score": [100.0, 92.4],
                "customer_type": ["企业", "个人"],
                "name": ["云帆科技", "李娜"],
            }
        ),
        customers=pd.DataFrame(
            {
                "customer_id": ["C1", "C2"],
                "customer_type": ["企业", "个人"],
                "name": ["杭州云帆科技有限公司", "李娜娜"],
            }
        ),
        to_complete=pd.DataFrame(
            {
                "customer_id": ["C1", "C3", "C4"],
                "owner": ["王磊", "王磊", "陈静"],
                "missing_fields": ["所属行业、企业规模", "所属行业", "联系电话"],
            }
        ),
        retention=pd.DataFrame(
            {
                "customer_id": ["C5", "C6"],
                "owner": ["王磊", "陈静"],
                "reason": ["流失满1年", "流失满1年"],
                "keep_until": pd.to_datetime(["2024-03-01", "2023-11-30"]),
            }
        ),
    )

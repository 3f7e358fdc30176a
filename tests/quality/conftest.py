"""A hand-made cleaning result, written here rather than generated: three rules changed or flagged
cells, two orders were quarantined, two customers were merged (one company, one individual), two
pairs wait for review as possible duplicates, three customers miss key fields and one is past
retention. And the result of loading tests/load_issue_corpus.py's files, for the load issues."""

from types import SimpleNamespace

import pandas as pd
import pytest
from load_issue_corpus import write_load_issue_corpus

from workbench import io


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
        review=pd.DataFrame(
            {
                "left_id": ["C3", "C5"],
                "right_id": ["C4", "C6"],
                "rule": ["fuzzy_name", "same_phone"],
                "score": [85.0, 85.0],
                "reason": ["score", "ambiguous"],
                "left_name": ["广东粤海智能装备制造有限公司", "王芳"],
                "left_customer_type": ["企业", None],
                "left_city": ["佛山", None],
                "left_phone_masked": [None, "186****5678"],
                "left_owner": ["王磊", "陈静"],
                "right_name": ["广东粤瀚智能装备制造有限公司", "王芳芳"],
                "right_customer_type": ["企业", "个人"],
                "right_city": ["佛山", "南京"],
                "right_phone_masked": [None, "186****5678"],
                "right_owner": ["王磊", "陈静"],
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


@pytest.fixture(scope="module")
def load_issue_data(tmp_path_factory: pytest.TempPathFactory):
    """The cleaned result of tests/load_issue_corpus.py's files, through the real loader."""
    return io.load_clean(write_load_issue_corpus(tmp_path_factory.mktemp("load_issues")))

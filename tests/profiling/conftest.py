"""The tiny fixture of the profile tests: its customers and orders from the hand-made extracts,
and four follow-ups written here."""

import pandas as pd
import pytest

from workbench.io import load_extracts


@pytest.fixture
def tiny(tiny_extracts):
    extracts = load_extracts(tiny_extracts, tables=("customers", "orders"))
    interactions = pd.DataFrame(
        {
            "customer_id": ["C20230105001", "C20230105001", "C20230210002", "C20230105001"],
            "interaction_date": pd.to_datetime(
                ["2024-10-10", "2024-12-20", "2024-08-01", "2024-07-05"]
            ),
            "channel": ["电话", "微信", "电话", "拜访"],
            "type": ["咨询", "投诉", "投诉", "活动"],
            "satisfaction": pd.array([4, 2, 3, 5], dtype="Int64"),
        }
    )
    return extracts.customers, extracts.orders, interactions

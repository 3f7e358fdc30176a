"""Profile KPIs on the tiny fixture, where every number was worked out by hand:

orders kept after loading: O1 C1 2024-10-02 120,000 · O2 C1 2024-11-15 520,000 · O3 C2 2024-12-01 3,000
(O4's date and O5's amount are unparseable/missing → quarantined; the repeated O1/O3 too).
The `tiny` fixture is in conftest.py; the localized views of these frames in test_tables.py.
"""

import pandas as pd
import pytest

from tests.extracts.order_lines_fixture import load_order_lines
from workbench.profiling import analysis as profiling


def test_order_kpis_by_hand(tiny):
    customers, orders, _ = tiny
    everyone = profiling.order_kpis(orders, customers["customer_id"], "2024Q4")
    assert everyone == {
        "orders": 3, "buyers": 2, "revenue": 643_000.0,
        "aov": pytest.approx(643_000 / 3), "repurchase_rate": 0.5, "returns": 0.0,
    }  # fmt: skip
    east = profiling.customers_of_region(customers, "华东")
    assert profiling.order_kpis(orders, east["customer_id"], "2024Q4")["aov"] == 320_000
    assert profiling.order_kpis(orders, east["customer_id"], "2024Q3")["orders"] == 0


def test_interaction_kpis_by_hand(tiny):
    customers, _, interactions = tiny
    k = profiling.interaction_kpis(interactions, customers["customer_id"], "2024Q4")
    assert k["followups_per_customer"] == pytest.approx(2 / 3)
    assert k["complaints"] == 1
    assert k["satisfaction"] == pytest.approx(3.0)
    # C2 last contacted 2024-08-01 (>90 days before 2025-01-01), C3 never: 2 silent customers
    assert k["silent_customers"] == 2


def test_kpi_comparison_against_previous_quarter(tiny):
    customers, orders, interactions = tiny
    kpis = profiling.kpi_comparison(customers, orders, interactions, "2024Q4").set_index("key")
    assert kpis.loc["revenue", "current"] == 643_000
    assert kpis.loc["revenue", "previous"] == 0
    assert pd.isna(kpis.loc["revenue", "change"])  # no division by zero, shown as –
    assert kpis.loc["complaints", "previous"] == 1
    assert kpis.loc["complaints", "change"] == 0.0
    assert kpis.index.tolist() == list(profiling.KPIS)
    assert kpis.columns.tolist() == [
        "current", "previous", "change", "year_ago", "year_change"
    ]  # numbers, no words  # fmt: skip


def test_kpi_comparison_of_a_month_uses_the_previous_month_and_a_year_before(tiny):
    # November 2024 holds O2 only (C1, 2024-11-15, 520,000); October O1 (C1, 120,000); nothing
    # in November 2023. The complaint of 2024-12-20 is not November's.
    customers, orders, interactions = tiny
    kpis = profiling.kpi_comparison(customers, orders, interactions, "2024-11").set_index("key")
    assert kpis.loc["revenue", ["current", "previous", "year_ago"]].tolist() == [
        520_000,
        120_000,
        0,
    ]
    assert kpis.loc["revenue", "change"] == pytest.approx(400_000 / 120_000)
    assert pd.isna(kpis.loc["revenue", "year_change"])
    assert kpis.loc["orders", "current"] == 1 and kpis.loc["buyers", "current"] == 1
    assert kpis.loc["complaints", "current"] == 0


def test_kpi_comparison_of_a_year(tiny):
    customers, orders, interactions = tiny
    kpis = profiling.kpi_comparison(customers, orders, interactions, "2024").set_index("key")
    assert kpis.loc["revenue", "current"] == 643_000  # O1 + O2 + O3
    assert kpis.loc["orders", "current"] == 3
    assert kpis.loc["complaints", "current"] == 2  # 2024-08-01 and 2024-12-20
    assert kpis.loc["revenue", "previous"] == kpis.loc["revenue", "year_ago"] == 0  # 2023


def test_new_customers_use_first_deal_date():
    customers = pd.DataFrame(
        {"customer_id": ["A", "B", "C"],
         "first_contact_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2025-02-01"]),
         "first_deal_date": pd.to_datetime(["2024-11-01", "2024-06-01", None])}
    )  # fmt: skip
    empty_orders = pd.DataFrame(columns=["customer_id", "order_date", "amount", "order_id"])
    empty_orders = empty_orders.astype({"order_date": "datetime64[ns]", "amount": "float64"})
    empty_inter = pd.DataFrame(columns=["customer_id", "interaction_date", "type", "satisfaction"])
    empty_inter = empty_inter.astype({"interaction_date": "datetime64[ns]"})
    k = profiling.period_kpis(customers, empty_orders, empty_inter, "2024Q4")
    assert k["new_customers"] == 1
    assert k["customers"] == 2  # C was first contacted after the quarter


def test_distribution_keeps_missing_and_folds_the_tail():
    values = pd.Series(["浙江省"] * 5 + ["江苏省"] * 3 + ["上海市"] * 1 + [None] * 2 + ["安徽省"])
    dist = profiling.distribution(values, top=2)
    assert dist["label"].tolist() == ["浙江省", "江苏省", profiling.OTHER]
    assert dist["count"].tolist() == [5, 3, 4]
    assert dist["share"].sum() == pytest.approx(1.0)
    assert profiling.distribution(values)["label"].tolist()[1:3] == ["江苏省", profiling.MISSING]


def test_missing_categories_are_a_key_everywhere(tiny):
    customers, orders, interactions = tiny
    orders = orders.assign(product_category=orders["product_category"].where(
        orders["order_id"] != "O3"))  # fmt: skip
    shares = profiling.revenue_shares(orders, customers["customer_id"], "2024Q4")
    assert shares["label"].tolist() == ["服务", "软件", profiling.MISSING]
    mix = profiling.channel_mix(interactions, customers["customer_id"], "2024Q4")
    assert mix.set_index("label")["count"].to_dict() == {"电话": 1, "微信": 1}


def test_revenue_shares_and_trend(tiny):
    customers, orders, _ = tiny
    shares = profiling.revenue_shares(orders, customers["customer_id"], "2024Q4")
    assert shares["label"].tolist() == ["服务", "软件"]
    assert shares["share"].tolist() == pytest.approx([520_000 / 643_000, 123_000 / 643_000])
    trend = profiling.period_trend(orders, customers["customer_id"], "2024Q4", periods=3)
    assert trend["period"].tolist() == ["2024Q2", "2024Q3", "2024Q4"]
    assert trend["revenue"].tolist() == [0, 0, 643_000]
    assert trend["buyers"].tolist() == [0, 0, 2]
    months = profiling.period_trend(orders, customers["customer_id"], "2024-12")
    assert months["period"].tolist()[-3:] == ["2024-10", "2024-11", "2024-12"]
    assert len(months) == 12 and months["revenue"].tolist()[-3:] == [120_000, 520_000, 3_000]
    years = profiling.period_trend(orders, customers["customer_id"], "2024")
    assert years["period"].tolist() == ["2022", "2023", "2024"]
    assert years["revenue"].tolist() == [0, 0, 643_000]
    assert profiling.revenue_shares(orders, customers["customer_id"], "2024-11")[
        "revenue"].tolist() == [520_000]  # fmt: skip


# The shop export of tests/extracts/order_lines_fixture.py, one row per invoice line. 2010Q4:
# purchases 536365 77.98, 536366 22.20 (17850, 12-01), 536372 11.10 (17850, 12-02), 536367 66.68,
# 536368 25.50 (13047, 12-01); returns C536391 -32.88 (13047, 12-02), C536379 -27.50 (14527).
# 2011Q1: the return C540001 -6.78 (17850). Revenue 2010Q4 = 111.28 + 92.18 - 60.38 = 143.08.
SHOP = pd.Series(["17850", "13047", "14527"])


def test_order_lines_kpis_count_orders_and_net_returns(tmp_path):
    lines = load_order_lines(tmp_path)
    q4 = profiling.order_kpis(lines, SHOP, "2010Q4")
    assert q4 == {
        "orders": 5, "buyers": 2, "revenue": pytest.approx(143.08),
        "aov": pytest.approx(143.08 / 5), "repurchase_rate": 0.5, "returns": pytest.approx(-60.38),
    }  # fmt: skip
    q1 = profiling.order_kpis(lines, SHOP, "2011Q1")  # only a return: no order, negative revenue
    assert (q1["orders"], q1["buyers"]) == (0, 0)
    assert q1["revenue"] == pytest.approx(-6.78) and q1["returns"] == pytest.approx(-6.78)
    assert pd.isna(q1["aov"]) and pd.isna(q1["repurchase_rate"])


def test_revenue_by_customer_nets_returns_in_their_quarter(tmp_path):
    lines = load_order_lines(tmp_path)
    q4 = profiling.revenue_by_customer(lines, SHOP, "2010Q4")
    assert q4["customer_id"].tolist() == ["17850", "13047", "14527"]
    assert q4["orders"].tolist() == [3, 2, 0]
    assert q4["gross"].tolist() == pytest.approx([111.28, 92.18, 0.0])
    assert q4["returns"].tolist() == pytest.approx([0.0, -32.88, -27.50])
    assert q4["revenue"].tolist() == pytest.approx([111.28, 59.30, -27.50])
    q1 = profiling.revenue_by_customer(lines, SHOP, "2011Q1")
    assert q1[["customer_id", "orders"]].values.tolist() == [["17850", 0]]
    assert q1["revenue"].tolist() == pytest.approx([-6.78])


def test_trend_and_product_shares_from_order_lines(tmp_path):
    lines = load_order_lines(tmp_path)
    trend = profiling.period_trend(lines, SHOP, "2011Q1", periods=2)
    assert trend["period"].tolist() == ["2010Q4", "2011Q1"]
    assert trend["revenue"].tolist() == pytest.approx([143.08, -6.78])
    assert trend["orders"].tolist() == [5, 0] and trend["buyers"].tolist() == [2, 0]
    shares = profiling.revenue_shares(lines, SHOP, "2010Q4", by="product").set_index("label")
    assert shares.loc["WHITE METAL LANTERN", "revenue"] == pytest.approx(40.68)  # two lines
    # 54.08 bought, 20.28 returned the next day
    assert shares.loc["ASSORTED COLOUR BIRD ORNAMENT", "revenue"] == pytest.approx(33.80)

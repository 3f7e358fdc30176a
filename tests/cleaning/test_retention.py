import pandas as pd

from workbench.cleaning.retention import last_activity, retention_list
from workbench.cleaning.settings import CleaningSettings
from workbench.core import threads


def _tables():
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "status": ["流失客户", "流失客户", "成交客户", "成交客户"],
            "owner": ["王磊"] * 4,
            "first_contact_date": pd.to_datetime(["2020-01-01"] * 4),
            "first_deal_date": pd.to_datetime(["2020-02-01", "2020-02-01", "2020-02-01", None]),
        }
    )
    orders = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "order_date": pd.to_datetime(["2023-06-30", "2024-03-01", "2022-11-30", "2024-12-01"]),
        }
    )
    return {"customers": customers, "orders": orders}


def test_last_activity_takes_the_latest_event():
    assert last_activity(_tables()).tolist() == list(
        pd.to_datetime(["2023-06-30", "2024-03-01", "2022-11-30", "2024-12-01"])
    )


def test_churned_after_one_year_ended_relationships_after_two():
    due = retention_list(_tables(), CleaningSettings(), pd.Timestamp("2024-12-31"))
    # A churned, last active 2023-06-30 → keep until 2024-06-30 → due
    # B churned 2024-03-01 → keep until 2025-03-01 → not yet
    # C active but silent since 2022-11-30 (> 365 days) → keep until 2024-11-30 → due
    # D active recently → kept
    assert due["customer_id"].tolist() == ["A", "C"]
    assert due["reason"].tolist() == ["流失确认满1年", "关系结束满2年"]
    assert due["keep_until"].tolist() == list(pd.to_datetime(["2024-06-30", "2024-11-30"]))


def test_last_activity_of_text_ids_and_nanosecond_dates():
    # the fast path (pyarrow lookup): an order of an unknown customer and missing dates ignored
    tables = _tables()
    customers = tables["customers"].astype({"first_contact_date": "datetime64[ns]",
                                            "first_deal_date": "datetime64[ns]"})  # fmt: skip
    customers.loc[3, "first_contact_date"] = pd.NaT
    orders = pd.DataFrame(
        {
            "customer_id": pd.Series(["A", "B", "X", "A", None], dtype="str"),
            "order_date": pd.to_datetime(
                ["2023-06-30", None, "2030-01-01", "2021-01-01", "2029-01-01"]
            ).astype("datetime64[ns]"),
        }
    )
    latest = last_activity(
        {"customers": customers.astype({"customer_id": "str"}), "orders": orders}
    )
    assert latest.dtype == "datetime64[ns]" and latest.name == "last_activity"
    assert latest.index.tolist() == ["A", "B", "C", "D"]
    assert latest.tolist() == [pd.Timestamp("2023-06-30"), pd.Timestamp("2020-02-01"),
                               pd.Timestamp("2020-02-01"), pd.NaT]  # fmt: skip


def test_last_activity_over_several_child_tables():
    # fast path: each customer's latest event may be in any child table
    customers = _tables()["customers"].astype({"customer_id": "str",
                                               "first_contact_date": "datetime64[ns]",
                                               "first_deal_date": "datetime64[ns]"})  # fmt: skip

    def child(column, ids, dates):
        return pd.DataFrame({"customer_id": pd.Series(ids, dtype="str"),
                             column: pd.to_datetime(dates).astype("datetime64[ns]")})  # fmt: skip

    tables = {
        "customers": customers,
        "orders": child("order_date", ["A", "B"], ["2023-01-01", "2023-02-01"]),
        "interactions": child("interaction_date", ["B", "A"], ["2024-05-01", "2022-01-01"]),
        "requirements": child("created_date", ["C", "Z"], ["2021-03-01", "2030-01-01"]),
    }
    assert last_activity(tables).tolist() == list(
        pd.to_datetime(["2023-01-01", "2024-05-01", "2021-03-01", "2020-01-01"])
    )


def test_last_activity_of_a_child_in_many_pieces(monkeypatch):
    # a child's lookup comes back in row slices: each slice's dates are its own rows'
    monkeypatch.setattr(threads, "SLICE_FROM", 2)  # row slices even for five rows
    customers = _tables()["customers"].astype({"customer_id": "str",
                                               "first_contact_date": "datetime64[ns]",
                                               "first_deal_date": "datetime64[ns]"})  # fmt: skip
    orders = pd.DataFrame(
        {
            "customer_id": pd.Series(["B", "X", "A", "C", "B"], dtype="str"),
            "order_date": pd.to_datetime(
                ["2025-01-01", "2031-01-01", "2026-01-01", "2027-01-01", "2024-01-01"]
            ).astype("datetime64[ns]"),
        }
    )
    assert last_activity({"customers": customers, "orders": orders}).tolist() == list(
        pd.to_datetime(["2026-01-01", "2025-01-01", "2027-01-01", "2020-01-01"])
    )

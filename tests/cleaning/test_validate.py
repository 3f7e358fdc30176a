"""Validation rules: identifiers, e-mails and contradictions are flagged, never changed."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from workbench.cleaning.audit import Audit
from workbench.cleaning.settings import CleaningSettings
from workbench.cleaning.validate import (
    USCC_ALPHABET,
    as_of_date,
    ric_fast_valid,
    uscc_fast_valid,
    validate_contradictions,
    validate_emails,
    validate_ids,
)

USCC_OK = "91110000600037341L"
ID_OK = "11010519491231002X"


def with_check(first17: str) -> str:
    """A resident ID with the right check digit for `first17`."""
    return first17 + ric.calc_check_digit(first17 + "0")


def customers(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    frame = pd.DataFrame(
        {"source_row": range(2, n + 2), "customer_id": [f"C{i + 1}" for i in range(n)]}
    )
    for name, values in columns.items():
        frame[name] = pd.Series(values, dtype="str") if not name.endswith("date") else values
    return frame


def flagged(audit: Audit) -> list[list]:
    return audit.flags[["key", "field", "rule"]].values.tolist()


# --- identifiers --------------------------------------------------------------------------------


def test_validate_ids() -> None:
    frame = customers(
        customer_type=["企业", "企业", "个人", "个人", "个人", "企业", "个人", "个人"],
        uscc=[USCC_OK, USCC_OK[:-1] + "M", None, None, None, None, USCC_OK, None],
        id_number=[None, None, ID_OK, ID_OK[:-1] + "1", with_check("11010519491331002"),
                   ID_OK, None, with_check("00000019900101123")],
    )  # fmt: skip
    before = frame.copy()
    audit = Audit()
    assert validate_ids(frame, audit) is None
    pd.testing.assert_frame_equal(frame, before)
    assert flagged(audit) == [
        ["C2", "uscc", "bad_uscc"],
        ["C7", "uscc", "id_type_mismatch"],
        ["C4", "id_number", "bad_id_number"],  # check digit
        ["C5", "id_number", "bad_id_number"],  # month 13
        ["C8", "id_number", "bad_id_number"],  # no such birth place
        ["C6", "id_number", "id_type_mismatch"],
    ]
    assert audit.changes.empty


def test_aliases_of_customer_type_are_understood() -> None:
    audit = Audit()
    validate_ids(customers(customer_type=["公司"], uscc=[USCC_OK], id_number=[ID_OK]), audit)
    assert flagged(audit) == [["C1", "id_number", "id_type_mismatch"]]


def _with_uscc_check(code: str) -> str:
    body = code[:17]
    if len(body) == 17 and body[:8].isdigit() and all(ch in USCC_ALPHABET for ch in body):
        return body + uscc.calc_check_digit(body)
    return code


USCC_LIKE = st.text(alphabet=USCC_ALPHABET + "IOSVZ -x", min_size=16, max_size=20)


@settings(max_examples=300, deadline=None)
@given(st.lists(USCC_LIKE, min_size=1, max_size=10), st.booleans())
def test_uscc_fast_path_agrees_with_stdnum(codes: list[str], fix_check: bool) -> None:
    if fix_check:  # half of the draws get the right check character where one exists
        codes = [_with_uscc_check(c) for c in codes]
    fast = uscc_fast_valid(pd.Series(codes, dtype="str")).tolist()
    assert fast == [uscc.is_valid(c) for c in codes]


AREAS = st.sampled_from(["110105", "310115", "440305", "330106", "510220", "000000", "999999"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(AREAS, st.dates(), st.integers(0, 999), st.booleans(), st.text("0123456789X")),
        min_size=1, max_size=10,
    )
)  # fmt: skip
def test_ric_fast_path_agrees_with_stdnum(parts: list) -> None:
    ids = []
    for area, born, seq, right, junk in parts:
        first17 = f"{area}{born:%Y%m%d}{seq:03d}"
        ids.append(with_check(first17) if right else first17 + (junk[:1] or "5"))
    ids.append(ids[0][:-3] + "32" + ids[0][-1:])  # impossible day
    fast = ric_fast_valid(pd.Series(ids, dtype="str")).tolist()
    assert fast == [ric.is_valid(i) for i in ids]


# --- e-mails ------------------------------------------------------------------------------------


def test_validate_emails() -> None:
    emails = ["li.na@example.com", "wang@qq.com.cn", "no-at-sign.com", "a@b", "x..y@qq.com",
              "张三@qq.com", None]  # fmt: skip
    audit = Audit()
    validate_emails(customers(email=emails), audit)
    assert [k for k, _, _ in flagged(audit)] == ["C3", "C4", "C5", "C6"]
    assert set(audit.flags["rule"]) == {"bad_email"}


# --- contradictions -----------------------------------------------------------------------------


def D(*values: str | None) -> pd.Series:  # a date column
    return pd.to_datetime(pd.Series(values, dtype="object"))


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    cust = customers(customer_type=["企业", "个人", "个人"], size=["大型", None, "小型"])
    cust["first_contact_date"] = D("2024-01-10", "2024-03-01", "2024-02-01")
    cust["first_deal_date"] = D("2024-01-05", "2024-03-02", None)
    cust["founded"] = D("2010-01-01", None, "2030-01-01")
    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3", "O4"],
            "customer_id": ["C1", "C2", "C9", "C1"],
            "order_date": D("2024-06-01", "2024-06-30", "2024-05-01", "2024-04-01"),
            "amount": [1000.0, -50.0, 200.0, 9e9],
        }
    )
    requirements = pd.DataFrame(
        {
            "req_id": ["R1", "R2"],
            "customer_id": ["C1", "C2"],
            "created_date": D("2024-05-01", "2024-05-01"),
            "due_date": D("2024-08-01", "2024-06-01"),
            "resolved_date": D("2024-04-01", "2024-05-03"),
        }
    )
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4"],
            "customer_id": ["C1", "C1", "C2", "C3"],
            "created_date": D("2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01"),
            "intent_date": D("2024-02-01", "2023-12-01", "2024-02-01", None),
            "proposal_date": D("2024-03-01", None, "2024-03-01", None),
            "won_date": D("2024-04-01", None, None, None),
            "lost_date": D(None, None, "2024-02-15", "2024-01-02"),
            "expected_amount": [1.0, -1.0, 1.0, 1.0],
        }
    )
    return {"customers": cust, "orders": orders, "requirements": requirements,
            "opportunities": leads}  # fmt: skip


def test_validate_contradictions(tables: dict[str, pd.DataFrame]) -> None:
    audit = Audit()
    validate_contradictions(tables, audit, CleaningSettings())
    found = sorted(map(tuple, audit.flags[["table", "key", "field", "rule"]].values.tolist()))
    assert found == sorted(
        [
            ("customers", "C1", "first_deal_date", "deal_before_contact"),
            ("customers", "C3", "size", "type_field_mismatch"),
            ("customers", "C3", "founded", "type_field_mismatch"),
            ("customers", "C3", "founded", "future_date"),  # after 2024-06-30, the last order
            ("orders", "O2", "amount", "negative_amount"),
            ("orders", "O4", "amount", "absurd_amount"),
            ("orders", "O3", "customer_id", "unknown_customer"),
            ("requirements", "R1", "resolved_date", "resolved_before_created"),
            ("opportunities", "L2", "intent_date", "stage_dates_out_of_order"),
            ("opportunities", "L2", "expected_amount", "negative_amount"),
            ("opportunities", "L3", "lost_date", "stage_dates_out_of_order"),
        ]
    )  # R1's due date 2024-08-01 is a plan: not a future date
    assert audit.changes.empty


def test_unknown_customers_in_each_child_table() -> None:
    cust = customers(name=["甲", "乙"])  # ids C1, C2
    ids = pd.concat([pd.Series(["X9"], dtype="str"), pd.Series(["C1"], dtype="str")])  # 2 chunks
    orders = pd.DataFrame({"order_id": ["O1", "O2"], "customer_id": ids.set_axis([7, 8])})
    leads = pd.DataFrame({"lead_id": ["L1", "L2"], "customer_id": ["X8", None]}, index=[0, 1])
    asks = pd.DataFrame({"req_id": ["R1", "R2"], "customer_id": ["C2", "C3"]}, index=[5, 6])
    tables = {"customers": cust, "orders": orders, "opportunities": leads, "requirements": asks}
    audit = Audit()
    validate_contradictions(tables, audit, CleaningSettings(), as_of=pd.Timestamp("2024-06-30"))
    unknown = audit.flags[audit.flags["rule"] == "unknown_customer"]
    assert unknown[["table", "key", "value"]].values.tolist() == [
        ["orders", "O1", "X9"], ["opportunities", "L1", "X8"], ["requirements", "R2", "C3"]
    ]  # fmt: skip


def test_as_of_setting_wins(tables: dict[str, pd.DataFrame]) -> None:
    assert as_of_date(tables, CleaningSettings()) == pd.Timestamp("2024-06-30")
    audit = Audit()
    validate_contradictions(tables, audit, CleaningSettings(as_of="2024-06-15"))
    future = audit.flags[audit.flags["rule"] == "future_date"]
    assert sorted(future["key"]) == ["C3", "O2"]
    audit = Audit()
    validate_contradictions(tables, audit, CleaningSettings(), as_of=pd.Timestamp("2040-01-01"))
    assert not (audit.flags["rule"] == "future_date").any()


# --- the demo data ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    from workbench.demo import generate
    from workbench.io import load_extracts

    out = tmp_path_factory.mktemp("demo_validate")
    generate(out, customers=2000, seed=3)
    dirt = pd.read_csv(out / "_truth" / "dirt.csv", dtype=str, keep_default_na=False)
    return load_extracts(out), dirt


def test_demo_ids(demo) -> None:
    extracts, dirt = demo
    audit = Audit()
    validate_ids(extracts.customers, audit)
    loaded = set(extracts.customers["customer_id"])
    for kind, rule in (("bad_uscc_check", "bad_uscc"), ("bad_id_check", "bad_id_number")):
        injected = set(dirt.loc[dirt["kind"] == kind, "key"]) & loaded
        assert injected
        assert set(audit.flags.loc[audit.flags["rule"] == rule, "key"]) == injected
    assert set(audit.flags["rule"]) == {"bad_uscc", "bad_id_number"}


def test_demo_contradictions(demo) -> None:
    extracts, dirt = demo
    audit = Audit()
    validate_contradictions(extracts.tables, audit, CleaningSettings())
    for kind, table in (("deal_before_contact", "customers"), ("negative_amount", "orders"),
                        ("unknown_customer", "orders")):  # fmt: skip
        keys = set(extracts[table].iloc[:, 1])  # the key column follows source_row
        injected = set(dirt.loc[dirt["kind"] == kind, "key"]) & keys
        found = audit.flags[(audit.flags["rule"] == kind) & (audit.flags["table"] == table)]
        assert injected and set(found["key"]) == injected


def test_marked_returns_are_not_negative_amounts() -> None:
    orders = pd.DataFrame({
        "order_id": ["C536391", "R1", "R2", "O9", "R3", "C100"],
        "customer_id": "C1",
        "order_date": pd.to_datetime("2024-05-01"),
        "amount": [-20.28, -5.0, -5.0, -5.0, 5.0, 5.0],
        "order_type": [None, "退货", None, None, "冲销", None],
        "original_order_id": [None, None, "O1", None, None, None],
    })  # fmt: skip
    audit = Audit()
    validate_contradictions({"orders": orders}, audit, CleaningSettings())
    flags = audit.flags.groupby("rule")["key"].agg(list).to_dict()
    # a C-number, a 退货 type or an original order make a negative line a return
    assert flags == {"negative_amount": ["O9"], "positive_return": ["R3"]}

"""The review list (疑似重复) and the reviewers' decisions file (dedupe_decisions.csv)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.cleaning import cache
from workbench.cleaning.audit import Audit
from workbench.cleaning.dedupe import find_duplicates
from workbench.cleaning.dedupe_coherence import groups_conflict
from workbench.cleaning.dedupe_keys import customer_keys
from workbench.cleaning.dedupe_review import DECISIONS_FILE, read_decisions, review_records
from workbench.cleaning.settings import CleaningSettings
from workbench.core.errors import WorkbenchError


def customers(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """(customer_id, customer_type, name, phone) rows, as an extract gives them."""
    frame = pd.DataFrame(rows, columns=["customer_id", "customer_type", "name", "phone"])
    frame.insert(0, "source_row", range(2, len(frame) + 2))
    return frame


def decisions(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id_a", "customer_id_b", "decision"])


def grouped(found) -> set[frozenset[str]]:
    out: dict[str, set[str]] = {}
    for dup, survivor in found.merges[["customer_id", "survivor_id"]].itertuples(index=False):
        out.setdefault(survivor, {survivor}).add(dup)
    return {frozenset(g) for g in out.values()}


SAME_PHONE = customers(
    ("C1", "企业", "上海恒泰物流有限公司", "021-68881234"),
    ("C2", "", "恒泰", "+86 21 6888 1234"),
    ("C3", "企业", "华为技术有限公司", ""),
    ("C4", "企业", "华为", ""),  # no city: listed for review
)


# --- the decisions file ------------------------------------------------------------------------


def test_read_decisions_in_english_or_chinese(tmp_path: Path) -> None:
    english = tmp_path / "en.csv"
    english.write_text(
        "customer_id_a,customer_id_b,decision,名称A\nC1,C2,merge,x\nC3,C4,,\nC5,C6, Keep_Apart ,\n",
        encoding="utf-8-sig",
    )
    read = read_decisions(english)
    assert read[["customer_id_a", "customer_id_b", "decision", "row"]].values.tolist() == [
        ["C1", "C2", "merge", 2],
        ["C5", "C6", "keep_apart", 4],
    ]  # fmt: skip (the row without a decision is not reviewed yet)
    chinese = tmp_path / "zh.csv"
    chinese.write_bytes("客户编号A,客户编号B,决定\nC1,C2,合并\nC3,C4,不合并\n".encode("gbk"))
    assert read_decisions(chinese)["decision"].tolist() == ["merge", "keep_apart"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("customer_id_a,customer_id_b\nC1,C2\n", "no column decision"),
        ("customer_id_a,customer_id_b,decision\nC1,C2,merge\nC3,C4,maybe\n", "row 3: decision"),
        ("customer_id_a,customer_id_b,decision\nC1,C1,merge\n", "row 2: a decision needs two"),
        ("customer_id_a,customer_id_b,decision\n,C1,merge\n", "row 2: a decision needs two"),
    ],
)
def test_a_malformed_decisions_file_stops_with_its_row(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / DECISIONS_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WorkbenchError, match=message):
        read_decisions(path)


# --- applying decisions ------------------------------------------------------------------------


def test_without_decisions_the_matcher_decides() -> None:
    found = find_duplicates(SAME_PHONE)
    assert grouped(found) == {frozenset({"C1", "C2"})}
    assert found.review[["left_id", "right_id", "reason"]].values.tolist() == [
        ["C3", "C4", "score"]
    ]


def test_keep_apart_and_merge_override_the_matcher_and_are_audited() -> None:
    audit = Audit()
    decided = decisions(("C2", "C1", "keep_apart"), ("C3", "C4", "merge"))
    found = find_duplicates(SAME_PHONE, decisions=decided, audit=audit)
    assert grouped(found) == {frozenset({"C3", "C4"})}
    assert found.merges["rule"].tolist() == ["decision_merge"]
    assert found.review.empty  # decided pairs are no longer listed
    logged = audit.changes[audit.changes["rule"] == "dedupe_decision"]
    assert logged[["key", "source_row", "field", "old", "new"]].values.tolist() == [
        ["C1", 2, "dedupe_decision", "matched C2", "keep_apart C2"],
        ["C3", 4, "dedupe_decision", "review C4", "merge C4"],
    ]


def test_keep_apart_holds_through_a_chain() -> None:
    chain = customers(
        ("C1", "企业", "北京恒泰物流有限公司", "13800138000"),
        ("C2", "企业", "恒泰物流有限公司", "138 0013 8000"),
        ("C3", "企业", "北京恒泰物流有限责任公司", ""),  # the same name as C1
    )
    assert grouped(find_duplicates(chain)) == {frozenset({"C1", "C2", "C3"})}
    found = find_duplicates(chain, decisions=decisions(("C2", "C3", "keep_apart")))
    assert grouped(found) == {frozenset({"C1", "C2"})}  # C3 joins C1 only without C2: it does not


def test_a_decision_on_an_unknown_customer_is_flagged_not_applied() -> None:
    audit = Audit()
    found = find_duplicates(SAME_PHONE, decisions=decisions(("C1", "C9", "merge")), audit=audit)
    assert grouped(found) == {frozenset({"C1", "C2"})}
    flags = audit.flags
    assert flags[["key", "field", "value", "rule"]].values.tolist() == [
        ["C1", "dedupe_decision", "merge C9", "decision_unknown_customer"]
    ]
    assert audit.changes.empty


def test_review_records_show_both_sides_masked() -> None:
    people = customers(
        ("P1", "个人", "李娜", "13800138000"),
        ("P2", "", "李娜", "13800138000"),
        ("E1", "企业", "华为技术有限公司", "0755-28780808"),
        ("E2", "企业", "华为", ""),
    )
    review = pd.DataFrame(
        {"left_id": ["E1", "P1"], "right_id": ["E2", "P2"], "rule": ["fuzzy_name", "same_phone"],
         "score": [85.0, 85.0], "reason": ["score", "score"]}
    )  # fmt: skip
    shown = review_records(review, people.assign(city=["北京", None, "深圳", None]))
    assert shown["left_name"].tolist() == ["华为技术有限公司", "李*"]
    assert shown["right_name"].tolist() == ["华为", "李*"]  # no type: masked as a person
    assert shown["left_phone_masked"].tolist() == ["0755-****0808", "138****8000"]
    assert shown["left_city"].tolist() == ["深圳", "北京"]


# --- the next run applies the file; the cache key includes it ----------------------------------


def test_load_clean_applies_the_decisions_file_and_keys_the_cache_on_it(tmp_path: Path) -> None:
    SAME_PHONE.drop(columns="source_row").to_csv(tmp_path / "customers.csv", index=False)
    orders = {"order_id": ["O1"], "customer_id": ["C1"], "order_date": ["2024-10-01"],
              "amount": ["100"]}  # fmt: skip
    pd.DataFrame(orders).to_csv(tmp_path / "orders.csv", index=False)
    settings = CleaningSettings()
    first = cache.load_clean(tmp_path)
    key = cache.cache_key(tmp_path, settings)
    assert first.review["left_id"].tolist() == ["C3"] and len(first.merges) == 1
    (tmp_path / DECISIONS_FILE).write_text(
        "customer_id_a,customer_id_b,decision\nC3,C4,merge\n", encoding="utf-8"
    )
    assert cache.cache_key(tmp_path, settings) != key
    second = cache.load_clean(tmp_path)
    assert len(second.merges) == 2 and second.review.empty
    assert (second.changes["rule"] == "dedupe_decision").sum() == 1
    (tmp_path / DECISIONS_FILE).write_text(
        "customer_id_a,customer_id_b,decision\nC3,C4,keep_apart\n", encoding="utf-8"
    )
    third = cache.load_clean(tmp_path)
    assert len(third.merges) == 1 and third.review.empty


# --- pairs whose groups could not be one customer (dropped from the review as moot) -------------

UNITED = "91310000MA1FL1UN1T"  # two made-up 18-character USCCs
OTHER = "91440300MA5OTHER9X"
GROUPED = pd.DataFrame(
    [
        ("C1", "企业", "上海恒泰物流有限公司", UNITED, ""),
        ("C2", "企业", "恒泰物流", "", ""),  # merged into C1: C1's USCC counts for it
        ("C3", "企业", "恒泰物流有限公司", OTHER, ""),
        ("C4", "企业", "上海恒泰物流有限公司", UNITED, ""),
        ("C5", "企业", "宏达科技有限公司", "", ""),
        ("C6", "企业", "宏达贸易有限公司", "", ""),  # 贸易 is not 科技
        ("C7", "企业", "宏达网络科技有限公司", "", ""),  # 网络科技 is a 科技
        ("C8", "企业", "长江咨询有限公司", UNITED, ""),
        ("C9", "企业", "长江咨询有限公司", OTHER, ""),  # merged into C8 by a reviewer
        ("C10", "企业", "长江咨询有限公司", "", ""),
        ("C11", "个人", "王磊", "", "110101199003074514"),
        ("C12", "企业", "王磊商行", "", ""),
        ("C13", "企业", "长江咨询有限公司", OTHER, ""),
        ("C13", "企业", "长江咨询有限公司", "", ""),  # an id held twice: its last record counts
        ("C14", "企业", "长江咨询有限公司", UNITED, ""),
    ],
    columns=["customer_id", "customer_type", "name", "uscc", "id_number"],
)
GROUP_MERGES = pd.DataFrame({"customer_id": ["C2", "C9"], "survivor_id": ["C1", "C8"]})


@pytest.mark.parametrize("with_keys", [False, True])
def test_groups_conflict_judges_the_groups_the_two_records_belong_to(with_keys: bool) -> None:
    left = np.array(["C2", "C1", "C5", "C5", "C9", "C11", "C7", "C13"], dtype=object)
    right = np.array(["C3", "C4", "C6", "C7", "C10", "C12", "C4", "C14"], dtype=object)
    keys = customer_keys(GROUPED) if with_keys else None
    conflict = groups_conflict(GROUPED, GROUP_MERGES, left, right, keys)
    assert conflict.tolist() == [
        True,  # C2 is in C1's group, whose USCC differs from C3's
        False,  # one USCC, one name
        True,  # 科技 and 贸易: two trades
        False,  # 科技 and 网络科技: one trade
        True,  # C9 is in C8's group, which already holds two USCCs
        True,  # a person and a company
        True,  # 网络科技 and 物流
        False,  # C13's last record has no USCC
    ]
    assert groups_conflict(GROUPED, GROUP_MERGES, left[:0], right[:0], keys).tolist() == []

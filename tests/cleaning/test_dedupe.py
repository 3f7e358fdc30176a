"""Customer de-duplication: matching keys, scored pairs, coherent groups, survivors, merging.

Hand-made frames pin each rule down, one test per claim of `workbench.cleaning.dedupe`'s
docstring (must match / must stay apart / no type / review). Precision and recall are measured
in test_dedupe_corpus.py (the hand-written corpus and the demo generator's ground truth).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.cleaning import dedupe as dedupe_module
from workbench.cleaning.audit import Audit
from workbench.cleaning.company_names import company_parts
from workbench.cleaning.dedupe import (
    MERGE_COLUMNS,
    PAIR_COLUMNS,
    candidate_pairs,
    duplicate_groups,
    find_duplicates,
    merge_duplicates,
)
from workbench.cleaning.dedupe_keys import CodedKeys, customer_keys, phone_key
from workbench.cleaning.settings import CleaningSettings
from workbench.core import threads

FIELDS = [
    "customer_id",
    "customer_type",
    "name",
    "uscc",
    "id_number",
    "phone",
    "email",
    "contact_name",
    "industry",
    "province",
    "city",
    "first_contact_date",
    "first_deal_date",
]
USCC_A, USCC_B = "91110108MA01ABCD1X", "91310115MA1K2LMN3Y"
ID_A, ID_B = "110101199003071234", "310104198511204321"


def frame(*rows: dict) -> pd.DataFrame:
    """Customers with every FIELDS column; rows give only what matters to the test."""
    out = pd.DataFrame([{f: row.get(f) for f in FIELDS} for row in rows])
    for column in ("first_contact_date", "first_deal_date"):
        out[column] = pd.to_datetime(out[column])
    out.insert(0, "source_row", np.arange(2, len(out) + 2))
    return out


def company(cid: str, name: str, **fields: object) -> dict:
    return {"customer_id": cid, "customer_type": "企业", "name": name, **fields}


def person(cid: str, name: str, **fields: object) -> dict:
    return {"customer_id": cid, "customer_type": "个人", "name": name, **fields}


def pair_set(pairs: pd.DataFrame) -> set[tuple[str, str, str]]:
    return set(zip(pairs["left_id"], pairs["right_id"], pairs["rule"], strict=True))


def merged(customers: pd.DataFrame, settings: CleaningSettings | None = None) -> pd.DataFrame:
    settings = settings or CleaningSettings()
    return duplicate_groups(customers, candidate_pairs(customers, settings), settings)


def groups(customers: pd.DataFrame) -> set[frozenset[str]]:
    """The groups of customers found to be one (merged customers with their survivor)."""
    found: dict[str, set[str]] = {}
    for dup, survivor in merged(customers)[["customer_id", "survivor_id"]].itertuples(index=False):
        found.setdefault(survivor, {survivor}).add(dup)
    return {frozenset(g) for g in found.values()}


def untyped(*rows: dict) -> pd.DataFrame:
    """Customers from an extract without a 客户类型 column."""
    return frame(*rows).drop(columns="customer_type")


# --- keys ---------------------------------------------------------------------------------------


def test_phone_key_ignores_format_and_country_code() -> None:
    written = pd.Series(
        [
            "+86 138 0013 8000",
            "138-0013-8000",
            "8613800138000",
            "13800138000",
            "(010)62345678",
            "010 62345678",
            "+86 10 62345678",
            "010-62345678",
            "",
            None,
            "12345",
        ]
    )
    keys = phone_key(written)
    assert keys[:4].tolist() == ["13800138000"] * 4
    assert keys[4:8].tolist() == ["01062345678"] * 4
    assert keys[8:].isna().all()


def test_company_parts_strip_suffix_city_and_brackets() -> None:
    names = pd.Series(
        [
            "北京华为技术有限公司",
            "华为技术（北京）股份有限公司",
            "华为",
            "Ｈｕａｗｅｉ 有限公司",
            "广东省深圳市华为技术集团有限公司",
            "北京公司",
        ]
    )
    parts = company_parts(names)
    assert parts["core"].tolist() == ["华为技术", "华为技术", "华为", "huawei", "华为技术", "北京"]
    assert parts["brand"].tolist()[:3] == ["华为", "华为", "华为"]
    assert parts["trade"].tolist()[:2] == ["技术", "技术"]
    assert parts["name_city"].tolist()[:2] == ["北京", "北京"]
    assert parts.loc[4, "name_province"] == "广东"


# --- candidate pairs ----------------------------------------------------------------------------


def test_abbreviated_name_with_the_same_phone() -> None:
    customers = frame(
        company("C1", "华为技术有限公司", phone="0755-28780808", city="深圳市"),
        company("C2", "华为", phone="(0755)28780808"),
    )
    pairs = candidate_pairs(customers)
    assert pair_set(pairs) == {("C1", "C2", "same_phone")}
    assert pairs["score"].tolist() == [100.0]
    assert merged(customers)[["customer_id", "survivor_id"]].values.tolist() == [["C2", "C1"]]


def test_names_a_windowed_block_leaves_apart_are_compared_in_their_first_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dedupe_module, "SMALL_BLOCK", 2)
    monkeypatch.setattr(dedupe_module, "BLOCK_CAP", 4)  # 杭州's 恒 names: in windows of 4
    cores = ["恒丰纺织", "恒泰安物流", "恒泰宏远建筑工程", "恒泰明辉装饰设计", "恒泰物流", "恒远食品",
             "恒通电子科技"]  # fmt: skip
    customers = frame(
        *(company(f"C{k}", f"{core}有限公司", city="杭州市") for k, core in enumerate(cores, 1))
    )  # C2 and C5 are 3 apart in the sorted block: no window holds both; 恒泰 (4 names) does
    pairs = candidate_pairs(customers)
    assert pairs.loc[
        (pairs["left_id"] == "C2") & (pairs["right_id"] == "C5"), "score"
    ].tolist() == [
        85.0  # 88.9, capped: the 字号 恒泰安 / 恒泰 differ
    ]


def test_block_scores_keep_only_the_pairs_asked_for_batch_by_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Windowed blocks' hits are filtered as the windows come (`keep`), a few windows at a time,
    so that similar names of incompatible companies are never all held: the pairs kept are the
    unfiltered ones `keep` accepts, whatever the batch size."""
    monkeypatch.setattr(dedupe_module, "SMALL_BLOCK", 2)
    monkeypatch.setattr(dedupe_module, "BLOCK_CAP", 4)
    names = np.array(
        [f"恒泰{c}物流" for c in "甲乙丙丁戊己庚辛"] + ["恒远物流", "恒远物资"], dtype=object
    )
    block = pd.Series(["恒"] * 8 + ["远"] * 2)
    everything = dedupe_module._block_scores(block, names, 60.0)
    pairs = {(min(i, j), max(i, j)) for i, j in zip(everything[0], everything[1], strict=True)}
    assert len(pairs) > 10 and (8, 9) in pairs  # the small block, and windows of 恒泰
    asked = []

    def even(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        asked.append(len(i))
        return (i + j) % 2 == 0

    for batch in (1, 2, 512):
        monkeypatch.setattr(dedupe_module, "WINDOW_BATCH", batch)
        asked.clear()
        i, j, score = dedupe_module._block_scores(block, names, 60.0, even)
        kept = {(min(a, b), max(a, b)) for a, b in zip(i, j, strict=True)}
        assert kept == {p for p in pairs if sum(p) % 2 == 0} and (score >= 60.0).all()
        assert len(asked) == 1 + -(-3 // batch)  # the small blocks, then 3 windows in batches


def test_coded_keys_keep_as_text_only_the_keys_read_as_text() -> None:
    customers = frame(
        company("C1", "华为技术有限公司", city="深圳市"), company("C2", "华为", city="深圳")
    )
    keys = customer_keys(customers)
    assert list(keys.frame.columns) == list(CodedKeys.TEXT)
    assert keys.frame["core"].tolist() == ["华为技术", "华为"]
    assert {c.dtype for c in keys.code.values()} == {np.dtype(np.int32)}
    assert keys.code["city"].tolist() == [0, 0] and keys.code["branch"].tolist() == [0, 0]


def test_names_compared_in_windows_are_scored_on_their_own_characters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dedupe_module, "SMALL_BLOCK", 2)
    monkeypatch.setattr(dedupe_module, "BLOCK_CAP", 4)  # 上海's 恒 names: in windows of 4
    cores = ["恒星智能装备制造", "恒星智能装备制适", "恒丰阳光", "恒远明月", "恒通星海"]
    customers = frame(
        *(company(f"C{k}", f"{core}有限公司", city="上海市") for k, core in enumerate(cores, 1))
    )
    pairs = candidate_pairs(customers)  # one character apart in 8: 87.5; the others share 恒 only
    assert pairs[["left_id", "right_id", "score"]].values.tolist() == [["C1", "C2", 87.5]]


def test_abbreviation_alone_needs_the_same_known_city() -> None:
    same_city = frame(
        company("C1", "华为技术有限公司", city="深圳市"), company("C2", "华为", city="深圳")
    )
    assert pair_set(candidate_pairs(same_city)) == {("C1", "C2", "fuzzy_name")}
    assert len(merged(same_city)) == 1
    no_city = frame(company("C1", "华为技术有限公司", city="深圳市"), company("C2", "华为"))
    pairs = candidate_pairs(no_city)
    assert pairs["score"].tolist() == [85.0]  # listed for review, not merged
    assert merged(no_city).empty
    longer = frame(company("C1", "华为技术有限公司", city="深圳市"), company("C2", "华为技术"))
    assert pair_set(candidate_pairs(longer)) == {("C1", "C2", "fuzzy_name")}
    assert len(merged(longer)) == 1


def test_ambiguous_abbreviation_is_no_evidence() -> None:
    customers = frame(
        company("C1", "北京华达科技有限公司", city="北京市"),
        company("C2", "北京华达电子有限公司", city="北京市"),
        company("C3", "华达", city="北京市"),
    )
    pairs = candidate_pairs(customers)
    assert pair_set(pairs) == {("C1", "C3", "fuzzy_name"), ("C2", "C3", "fuzzy_name")}
    assert set(pairs["score"]) == {85.0}  # 华达 could be either: review both
    assert merged(customers).empty


def test_city_prefixed_name_matches_the_plain_legal_name() -> None:
    customers = frame(
        company("C1", "北京星辰科技", city="北京市"),
        company("C2", "星辰科技有限公司"),
        company("C3", "星辰科枝有限公司", city="北京市"),  # a typo: ratio 75 < 90
    )
    pairs = candidate_pairs(customers)
    assert pair_set(pairs) == {("C1", "C2", "fuzzy_name")}
    assert pairs["score"].tolist() == [100.0]


def test_fuzzy_ratio_catches_a_typo_in_a_long_name() -> None:
    customers = frame(
        company("C1", "上海星辰智能装备制造有限公司", city="上海市"),
        company("C2", "上海星辰智能装备制适有限公司", city="上海市"),
    )
    pairs = candidate_pairs(customers, CleaningSettings(fuzzy_name_threshold=85))
    assert pair_set(pairs) == {("C1", "C2", "fuzzy_name")}
    assert 85 <= pairs["score"].iat[0] < 100
    assert len(merged(customers, CleaningSettings(fuzzy_name_threshold=85))) == 1
    strict = CleaningSettings(fuzzy_name_threshold=95)
    assert len(candidate_pairs(customers, strict)) == 1  # 87.5: between review and merge
    assert merged(customers, strict).empty
    assert candidate_pairs(customers, CleaningSettings(review_threshold=90)).empty


def test_same_name_in_other_cities_or_with_other_uscc_is_not_a_match() -> None:
    customers = frame(
        company("C1", "北京星辰科技有限公司", city="北京市"),
        company("C2", "上海星辰科技有限公司", city="上海市"),
        company("C3", "星辰科技（北京）股份有限公司", city="北京市", uscc=USCC_A),
        company("C4", "北京星辰科技有限公司", city="北京市", uscc=USCC_B),
    )
    pairs = candidate_pairs(customers)
    assert pair_set(pairs) == {("C1", "C3", "fuzzy_name"), ("C1", "C4", "fuzzy_name")}
    # C1 would join two different USCCs: its name links are dropped, nothing is merged.
    assert merged(customers).empty


def test_same_uscc_and_same_id_number() -> None:
    customers = frame(
        company("C1", "星辰科技有限公司", uscc=USCC_A, city="北京市"),
        company("C2", "辰星贸易有限公司", uscc=" " + USCC_A.lower(), city="上海市"),
        person("C3", "王英", id_number=ID_A.lower()),
        person("C4", "王 英", id_number=ID_A, phone="13900139000"),
        person("C5", "王英", id_number="1101011990", phone="13700137000"),  # not 18 characters
        person("C6", "王英", id_number="1101011990"),
    )
    assert pair_set(candidate_pairs(customers)) == {
        ("C1", "C2", "same_uscc"),
        ("C3", "C4", "same_id_number"),
    }


def test_strongest_rule_kept_once_per_pair() -> None:
    customers = frame(
        company("C2", "星辰科技有限公司", uscc=USCC_A, phone="13800138000", city="北京市"),
        company("C1", "北京星辰科技有限公司", uscc=USCC_A, phone="138 0013 8000"),
    )
    pairs = candidate_pairs(customers)
    assert list(pairs.columns) == PAIR_COLUMNS
    assert pair_set(pairs) == {("C1", "C2", "same_uscc")}


def test_phone_written_three_ways() -> None:
    customers = frame(
        person("C1", "李娜", phone="+86 138 0013 8000"),
        person("C2", "李娜", phone="138-0013-8000"),
        person("C3", "李娜", phone="13800138000"),
        company("C4", "远景制造有限公司", phone="(010)62345678"),
        company("C5", "远景制造有限公司", phone="+86 10 62345678", city="北京市"),
    )
    assert pair_set(candidate_pairs(customers)) == {
        ("C1", "C2", "same_phone"),
        ("C1", "C3", "same_phone"),
        ("C2", "C3", "same_phone"),
        ("C4", "C5", "same_phone"),
    }


def test_family_phone_shared_by_two_people_is_no_match() -> None:
    customers = frame(
        person("C1", "张伟", phone="13800138000"),
        person("C2", "张丽", phone="138 0013 8000"),
        company("C3", "张伟", phone="13800138000"),  # another type: no match either
    )
    assert candidate_pairs(customers).empty
    assert merged(customers).empty


def test_different_id_numbers_veto_a_phone_match() -> None:
    customers = frame(
        person("C1", "张伟", phone="13800138000", id_number=ID_A),
        person("C2", "张伟", phone="13800138000", id_number=ID_B),
    )
    assert candidate_pairs(customers).empty


def test_switchboard_shared_by_many_is_no_evidence() -> None:
    names = ["恒泰", "上海恒泰物流有限公司", "瑞丰", "杭州瑞丰纺织有限公司", "鼎盛",
             "苏州鼎盛建设有限公司"]  # fmt: skip
    customers = frame(*(company(f"C{i}", n, phone="400-820-8820") for i, n in enumerate(names)))
    assert set(candidate_pairs(customers)["rule"]) == {"fuzzy_name"}  # names alone: review
    assert merged(customers).empty
    assert len(merged(customers.iloc[:5])) == 2  # five is still evidence


def test_a_phone_shared_by_unrelated_companies_is_no_evidence() -> None:
    names = ["佳和会计服务", "百川建材", "绿源农业科技"]  # an accountant's phone
    customers = frame(
        *(company(f"C{i}", f"南宁{n}有限公司", phone="0771-55667788") for i, n in enumerate(names))
    )
    assert candidate_pairs(customers).empty


def test_empty_and_keyless_customers() -> None:
    customers = frame(company("C1", "星辰科技有限公司"), person("C2", "李娜"))
    pairs = candidate_pairs(customers)
    assert pairs.empty and list(pairs.columns) == PAIR_COLUMNS
    groups = duplicate_groups(customers, pairs)
    assert groups.empty and list(groups.columns) == MERGE_COLUMNS
    assert candidate_pairs(frame(company("C1", "x")).iloc[:0]).empty


# --- groups and survivors -----------------------------------------------------------------------


def test_transitive_group_has_one_survivor() -> None:
    customers = frame(
        company("C1", "星辰科技有限公司", uscc=USCC_A, phone="13800138000"),
        company("C2", "北京星辰科技有限公司", uscc=USCC_A),
        company("C3", "星辰科技", phone="138-0013-8000"),
    )
    groups = merged(customers)
    assert list(groups.columns) == MERGE_COLUMNS
    assert groups["survivor_id"].nunique() == 1
    assert len(groups) == 2 and (groups["group_size"] == 3).all()
    survivor = groups["survivor_id"].iat[0]
    assert survivor not in set(groups["customer_id"])
    assert set(groups["customer_id"]) | {survivor} == {"C1", "C2", "C3"}


def test_survivor_is_the_most_complete_record() -> None:
    customers = frame(
        company("C1", "星辰科技", phone="13800138000"),
        company(
            "C2",
            "北京星辰科技有限公司",
            phone="13800138000",
            email="a@xc.com",
            contact_name="王磊",
            industry="软件和信息技术服务业",
            city="北京市",
        ),
        company("C3", "星辰科技有限公司", phone="13800138000", email="b@xc.com"),
    )
    groups = merged(customers)
    assert set(groups["survivor_id"]) == {"C2"}
    assert groups.set_index("customer_id")["rule"].to_dict() == {
        "C1": "same_phone",
        "C3": "same_phone",
    }


def test_survivor_ties_go_to_recent_activity_then_smallest_id() -> None:
    recent = frame(
        person("C1", "李娜", phone="13800138000", first_contact_date="2023-01-05"),
        person(
            "C2",
            "李娜",
            phone="13800138000",
            first_contact_date="2022-01-05",
            first_deal_date="2024-03-01",
        ),
    )
    recent.loc[0, "email"] = "ln@qq.com"  # both have five fields filled
    assert merged(recent)["survivor_id"].tolist() == ["C2"]
    tie = frame(
        person("C9", "李娜", phone="13800138000"), person("C3", "李娜", phone="13800138000")
    )
    assert merged(tie)[["customer_id", "survivor_id"]].values.tolist() == [["C9", "C3"]]


# --- merging ------------------------------------------------------------------------------------


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    customers = frame(
        company(
            "C1",
            "北京星辰科技有限公司",
            uscc=USCC_A,
            phone="13800138000",
            contact_name="王磊",
            city="北京市",
            industry="软件和信息技术服务业",
        ),
        company("C2", "星辰科技", phone="138 0013 8000", email="wl@xc.com", contact_name="王磊"),
        person("C3", "李娜", phone="13900139000"),
    )
    orders = pd.DataFrame(
        {
            "source_row": [2, 3, 4, 5],
            "order_id": ["O1", "O2", "O3", "O4"],
            "customer_id": ["C1", "C2", "C3", "C2"],
            "amount": [100.0, 200.0, 300.0, 400.0],
        }
    )
    interactions = pd.DataFrame(
        {"interaction_id": ["I1", "I2"], "customer_id": ["C2", "C3"], "channel": ["电话", "微信"]}
    )
    products = pd.DataFrame({"product": ["CRM"], "price": [1.0]})  # no customer_id: untouched
    return {
        "customers": customers,
        "orders": orders,
        "interactions": interactions,
        "products": products,
    }


def test_merge_repoints_children_and_fills_the_survivor(tables: dict[str, pd.DataFrame]) -> None:
    audit = Audit()
    groups = merged(tables["customers"])
    assert groups[["customer_id", "survivor_id"]].values.tolist() == [["C2", "C1"]]
    out = merge_duplicates(tables, groups, audit)
    assert out["customers"]["customer_id"].tolist() == ["C1", "C3"]
    assert out["customers"].set_index("customer_id").at["C1", "email"] == "wl@xc.com"
    assert out["orders"]["customer_id"].tolist() == ["C1", "C1", "C3", "C1"]
    assert out["interactions"]["customer_id"].tolist() == ["C1", "C3"]
    assert out["products"].equals(tables["products"])
    changes = audit.changes  # in the order of the steps: fills, then each table re-pointed
    assert changes["rule"].tolist() == ["merge_fill"] + ["merge_repoint"] * 3
    repoint = changes[changes["rule"] == "merge_repoint"]
    assert repoint[["table", "key", "field", "old", "new"]].values.tolist() == [
        ["orders", "O2", "customer_id", "C2", "C1"],
        ["orders", "O4", "customer_id", "C2", "C1"],
        ["interactions", "I1", "customer_id", "C2", "C1"],
    ]
    assert repoint.loc[repoint["table"] == "orders", "source_row"].tolist() == [3, 5]
    fill = changes[changes["rule"] == "merge_fill"]
    assert fill[["table", "key", "field", "new"]].values.tolist() == [
        ["customers", "C1", "email", "wl@xc.com"]
    ]
    assert fill["old"].isna().all() and fill["source_row"].tolist() == [2]


def test_merge_repoints_child_ids_written_with_spaces(tables: dict[str, pd.DataFrame]) -> None:
    audit = Audit()
    orders = tables["orders"].assign(customer_id=[" C2 ", "C1", "C2\u3000", None])
    out = merge_duplicates({**tables, "orders": orders}, merged(tables["customers"]), audit)
    assert out["orders"]["customer_id"].iloc[:3].tolist() == ["C1", "C1", "C1"]
    assert out["orders"]["customer_id"].isna().iat[3]
    repoint = audit.changes[audit.changes["table"] == "orders"]
    assert repoint[["key", "old", "new"]].values.tolist() == [
        ["O1", " C2 ", "C1"],
        ["O3", "C2\u3000", "C1"],
    ]


def test_merge_repoints_each_child_to_its_own_survivor() -> None:
    customers = frame(
        company("C1", "星辰科技有限公司"),
        company("C2", "星辰科技"),
        person("C3", "李娜"),
        person("C4", "李娜"),
    )
    orders = pd.DataFrame(
        {"order_id": ["O1", "O2", "O3", "O4", "O5"], "customer_id": ["C4", "C2", "C1", " C4", "C2"]}
    )
    merges = pd.DataFrame({"customer_id": ["C2", "C4"], "survivor_id": ["C1", "C3"]})
    audit = Audit()
    out = merge_duplicates({"customers": customers, "orders": orders}, merges, audit)
    assert out["orders"]["customer_id"].tolist() == ["C3", "C1", "C1", "C3", "C1"]
    assert orders["customer_id"].tolist() == ["C4", "C2", "C1", " C4", "C2"]  # input unchanged
    first = merge_duplicates({"orders": orders, "customers": customers}, merges, Audit())
    assert list(first) == ["orders", "customers"]  # the tables in the order given, whatever it is
    pd.testing.assert_frame_equal(first["orders"], out["orders"])
    repoint = audit.changes[audit.changes["rule"] == "merge_repoint"]
    assert repoint[["key", "old", "new"]].values.tolist() == [
        ["O1", "C4", "C3"], ["O2", "C2", "C1"], ["O4", " C4", "C3"], ["O5", "C2", "C1"]
    ]  # fmt: skip


def test_merge_fills_from_the_most_complete_duplicate_first() -> None:
    customers = frame(
        company(
            "C1",
            "星辰科技有限公司",
            uscc=USCC_A,
            email="a@xc.com",
            contact_name="王磊",
            industry="软件和信息技术服务业",
            city="北京市",
        ),
        company("C2", "星辰科技", uscc=USCC_A, phone="13800138000"),
        company("C3", "北京星辰科技", uscc=USCC_A, phone="010-62345678", city="北京市"),
    )
    groups = merged(customers)
    assert set(groups["survivor_id"]) == {"C1"}
    out = merge_duplicates({"customers": customers}, groups, Audit())
    assert out["customers"]["phone"].tolist() == ["010-62345678"]  # C3 has more fields than C2


def test_merge_does_not_mutate_its_inputs(tables: dict[str, pd.DataFrame]) -> None:
    before = {name: df.copy(deep=True) for name, df in tables.items()}
    groups = merged(tables["customers"])
    groups_before = groups.copy(deep=True)
    merge_duplicates(tables, groups, Audit())
    for name, df in tables.items():
        pd.testing.assert_frame_equal(df, before[name])
    pd.testing.assert_frame_equal(groups, groups_before)


def test_a_released_merge_empties_its_input_and_gives_the_same_tables(
    tables: dict[str, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    orders = tables["orders"]
    tables["orders"] = pd.concat(  # nine rows: merged ids (C2) in each of the row slices
        [orders, orders.assign(customer_id=["C2", " C2 ", "C1", "C3"]), orders.iloc[1:2]],
        ignore_index=True,
    )
    groups = merged(tables["customers"])
    kept_audit = Audit()
    kept = merge_duplicates(tables, groups, kept_audit)
    repointed = ["C1", "C1", "C3", "C1", "C1", "C1", "C1", "C3", "C1"]
    assert kept["orders"]["customer_id"].tolist() == repointed
    monkeypatch.setattr(threads, "SLICE_FROM", 2)  # ids looked up in row slices
    given = {name: frame.copy(deep=True) for name, frame in tables.items()}
    released_audit = Audit()
    released = merge_duplicates(given, groups, released_audit, release=True)
    assert given == {}
    assert list(kept) == list(released) == ["customers", "orders", "interactions", "products"]
    for name, frame in kept.items():
        pd.testing.assert_frame_equal(released[name], frame)
    pd.testing.assert_frame_equal(released_audit.changes, kept_audit.changes)


def test_row_count_invariant_and_no_dangling_children(tables: dict[str, pd.DataFrame]) -> None:
    groups = merged(tables["customers"])
    out = merge_duplicates(tables, groups, Audit())
    assert len(tables["customers"]) == len(out["customers"]) + len(groups)
    for name in ("orders", "interactions"):
        assert len(out[name]) == len(tables[name])
        assert out[name]["customer_id"].isin(out["customers"]["customer_id"]).all()


def test_merge_with_no_merges_returns_equal_tables(tables: dict[str, pd.DataFrame]) -> None:
    audit = Audit()
    out = merge_duplicates(
        tables,
        duplicate_groups(tables["customers"], candidate_pairs(tables["customers"].iloc[2:])),
        audit,
    )
    for name, df in tables.items():
        pd.testing.assert_frame_equal(out[name], df)
    assert audit.changes.empty


def test_merge_resolves_chains_and_rejects_bad_merges(tables: dict[str, pd.DataFrame]) -> None:
    chain = pd.DataFrame({"customer_id": ["C3", "C2"], "survivor_id": ["C2", "C1"]})
    out = merge_duplicates(tables, chain, Audit())
    assert out["customers"]["customer_id"].tolist() == ["C1"]
    assert set(out["orders"]["customer_id"]) == {"C1"}
    with pytest.raises(ValueError, match="unknown"):
        merge_duplicates(
            tables, pd.DataFrame({"customer_id": ["C9"], "survivor_id": ["C1"]}), Audit()
        )
    cycle = pd.DataFrame({"customer_id": ["C1", "C2"], "survivor_id": ["C2", "C1"]})
    with pytest.raises(ValueError, match="cycle"):
        merge_duplicates(tables, cycle, Audit())


_PHONES = ["13800138000", "+86 138 0013 8000", "010-62345678", "13900139000", ""]
_NAMES = ["李娜", "张伟", "星辰科技有限公司", "北京星辰科技", "远景制造有限公司"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["企业", "个人"]),
            st.sampled_from(_NAMES),
            st.sampled_from(_PHONES),
            st.sampled_from([None, USCC_A, USCC_B]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_invariants_on_random_customers(rows: list[tuple[str, str, str, str | None]]) -> None:
    customers = frame(
        *(
            {"customer_id": f"C{i:02d}", "customer_type": t, "name": n, "phone": p, "uscc": u}
            for i, (t, n, p, u) in enumerate(rows)
        )
    )
    orders = pd.DataFrame(
        {"order_id": [f"O{i}" for i in range(len(rows))], "customer_id": customers["customer_id"]}
    )
    pairs = candidate_pairs(customers)
    assert (pairs["left_id"] < pairs["right_id"]).all()
    assert not pairs.duplicated(["left_id", "right_id"]).any()
    groups = duplicate_groups(customers, pairs)
    assert not set(groups["customer_id"]) & set(groups["survivor_id"])
    assert groups["customer_id"].is_unique
    out = merge_duplicates({"customers": customers, "orders": orders}, groups, Audit())
    assert len(customers) == len(out["customers"]) + len(groups)
    assert out["orders"]["customer_id"].isin(out["customers"]["customer_id"]).all()
    for survivor, group in groups.groupby("survivor_id"):  # no group joins two USCCs
        ids = [*group["customer_id"], survivor]
        uscc = customers.set_index("customer_id").loc[ids, "uscc"].dropna()
        assert uscc.nunique() <= 1


def test_customer_type_variants_and_inference() -> None:
    customers = frame(
        {
            "customer_id": "C1",
            "customer_type": "企业客户",
            "name": "星辰科技",
            "phone": "010-1234567",
        },
        {"customer_id": "C2", "name": "星辰科技有限公司", "phone": "(010)1234567"},
        {
            "customer_id": "C3",
            "customer_type": "Individual",
            "name": "李娜",
            "phone": "13800138000",
        },
        {"customer_id": "C4", "name": "李娜", "id_number": ID_A, "phone": "13800138000"},
    )
    assert pair_set(candidate_pairs(customers)) == {
        ("C1", "C2", "same_phone"),
        ("C3", "C4", "same_phone"),
    }


# --- real-world variants: must match ------------------------------------------------------------


def test_city_in_brackets_full_or_half_width_without_a_type_column() -> None:
    customers = untyped(
        {"customer_id": "C1", "name": "宏达贸易(上海)有限公司"},
        {"customer_id": "C2", "name": "宏达贸易（上海）有限公司"},
        {"customer_id": "C3", "name": "上海宏达贸易有限公司", "city": "上海市"},
    )
    assert groups(customers) == {frozenset({"C1", "C2", "C3"})}


def test_legal_forms_are_one_company() -> None:
    forms = ["有限公司", "有限责任公司", "股份有限公司", "集团", "公司", "集团有限公司"]
    customers = untyped(
        *({"customer_id": f"C{i}", "name": f"杭州天成控股{f}"} for i, f in enumerate(forms))
    )
    assert groups(customers) == {frozenset(f"C{i}" for i in range(len(forms)))}


def test_traditional_characters_are_simplified() -> None:
    customers = untyped(
        {"customer_id": "C1", "name": "長江咨詢有限公司", "city": "武汉"},
        {"customer_id": "C2", "name": "长江咨询有限公司", "city": "武汉市"},
        {"customer_id": "C3", "name": "長江諮詢", "phone": "(027)87654321"},
        {"customer_id": "C4", "name": "长江咨询", "phone": "027-8765 4321"},
    )
    assert groups(customers) == {frozenset({"C1", "C2", "C3", "C4"})}


def test_stray_and_full_width_spaces() -> None:
    customers = untyped(
        {"customer_id": "C1", "name": "上海\u3000恒泰物流 有限公司", "city": "上海"},
        {"customer_id": "C2", "name": " 上海恒泰 物流有限公司 ", "city": "上海"},
        {"customer_id": "C3", "name": "上海恒泰物流有限公司"},
    )
    assert groups(customers) == {frozenset({"C1", "C2", "C3"})}


def test_bare_brand_with_the_same_phone() -> None:
    customers = untyped(
        {"customer_id": "C1", "name": "上海恒泰物流有限公司", "phone": "021-6888 1234"},
        {"customer_id": "C2", "name": "恒泰", "phone": "+86 21 6888 1234"},
        {"customer_id": "C3", "name": "瑞丰"},  # a bare brand without a phone: nothing
        {"customer_id": "C4", "name": "杭州瑞丰纺织有限公司", "phone": "13857112345"},
    )
    pairs = candidate_pairs(customers)
    assert pair_set(pairs[pairs["score"] >= 90]) == {("C1", "C2", "same_phone")}
    assert groups(customers) == {frozenset({"C1", "C2"})}


def test_phones_with_country_code_dashes_and_spaces() -> None:
    customers = untyped(  # the phone is the only evidence of each pair
        {"customer_id": "C1", "name": "苏州鼎盛建设工程有限公司", "phone": "0512-6552 7788"},
        {"customer_id": "C2", "name": "鼎盛", "phone": "+86-512-65527788"},
        {"customer_id": "C3", "name": "李娜", "phone": "+86 138 0013 8000"},
        {"customer_id": "C4", "name": "李 娜", "phone": "138-0013-8000"},
    )
    assert groups(customers) == {frozenset({"C1", "C2"}), frozenset({"C3", "C4"})}


def test_abbreviation_inside_a_name_not_only_as_a_prefix() -> None:
    customers = untyped(
        {"customer_id": "C1", "name": "北京某某科技", "city": "北京"},
        {"customer_id": "C2", "name": "某某科技有限公司", "city": "北京市"},
        {"customer_id": "C3", "name": "北京市海淀区博远信息技术有限公司", "city": "北京"},
        {"customer_id": "C4", "name": "博远信息技术有限公司", "city": "北京"},
        {"customer_id": "C5", "name": "诸暨宏光袜业有限公司", "phone": "0575-8701 2345"},
        {"customer_id": "C6", "name": "宏光袜业", "phone": "0575-87012345"},
    )
    assert groups(customers) == {
        frozenset({"C1", "C2"}), frozenset({"C3", "C4"}), frozenset({"C5", "C6"})
    }  # fmt: skip


# --- real-world variants: must stay apart -------------------------------------------------------


def test_one_character_different_is_another_company() -> None:
    customers = untyped(
        {"customer_id": "C1", "name": "华信科技有限公司", "city": "北京"},
        {"customer_id": "C2", "name": "华兴科技有限公司", "city": "北京"},
        {"customer_id": "C3", "name": "上海明德国际教育科技发展有限公司"},
        {"customer_id": "C4", "name": "上海明得国际教育科技发展有限公司"},  # fuzz.ratio 90
    )
    assert merged(customers).empty
    pairs = candidate_pairs(customers)  # a long name one character apart: review only
    assert pair_set(pairs) == {("C3", "C4", "fuzzy_name")} and pairs["score"].iat[0] < 90


def test_same_brand_in_another_city_or_trade() -> None:
    customers = untyped(
        {"customer_id": "C1", "name": "北京华信科技有限公司", "phone": "010-88881111"},
        {"customer_id": "C2", "name": "上海华信科技有限公司", "phone": "010-88881111"},
        {"customer_id": "C3", "name": "华信科技有限公司", "city": "广州"},
        {"customer_id": "C4", "name": "华信贸易有限公司", "city": "广州"},
        {"customer_id": "C5", "name": "杭州恒泰科技有限公司", "phone": "0571-88886666"},
        {"customer_id": "C6", "name": "杭州恒泰贸易有限公司", "phone": "0571 8888 6666"},
    )
    assert candidate_pairs(customers).empty
    assert merged(customers).empty


def test_a_group_may_not_chain_two_cities() -> None:
    customers = untyped(
        {"customer_id": "C1", "name": "北京恒泰物流有限公司", "phone": "13800138000"},
        {"customer_id": "C2", "name": "恒泰物流有限公司", "phone": "138 0013 8000"},
        {"customer_id": "C3", "name": "上海恒泰物流有限公司", "phone": "13900139000"},
    )
    pairs = candidate_pairs(customers)  # C2 links to both: by phone to C1, by name to both
    assert pair_set(pairs) == {
        ("C1", "C2", "same_phone"), ("C2", "C3", "fuzzy_name")
    }  # fmt: skip
    assert groups(customers) == {frozenset({"C1", "C2"})}  # the phone link is the stronger
    found = find_duplicates(customers)
    assert found.review[["left_id", "right_id", "reason"]].values.tolist() == [
        ["C2", "C3", "group_conflict"]
    ]


def test_of_two_conflicting_name_links_the_higher_score_wins() -> None:
    customers = frame(
        company("C1", "恒泰达物流"),  # no USCC: links to both
        company("C2", "恒泰达物流有限公司", uscc=USCC_A),  # the same core: 100
        company("C3", "恒泰达物流园有限公司", uscc=USCC_B),  # one character more: 90.9
    )
    pairs = candidate_pairs(customers)
    assert pairs[["left_id", "right_id", "score"]].values.tolist() == [
        ["C1", "C2", 100.0], ["C1", "C3", 90.9]
    ]  # fmt: skip
    assert groups(customers) == {frozenset({"C1", "C2"})}
    review = find_duplicates(customers).review
    assert review[["left_id", "right_id", "reason"]].values.tolist() == [
        ["C1", "C3", "group_conflict"]
    ]


def test_weaker_links_to_two_cities_do_not_make_a_phone_match_ambiguous() -> None:
    customers = untyped(
        {"customer_id": "C1", "name": "北京恒泰物流有限公司", "phone": "13800138000"},
        {"customer_id": "C2", "name": "恒泰物流有限公司", "phone": "138 0013 8000"},
        {"customer_id": "C3", "name": "上海恒泰物流有限公司"},
        {"customer_id": "C4", "name": "广州恒泰物流有限公司"},
    )  # C2's strongest link is the phone: its name links to C3 and C4 only conflict with it
    assert groups(customers) == {frozenset({"C1", "C2"})}
    review = find_duplicates(customers).review
    assert set(zip(review["left_id"], review["right_id"], review["reason"], strict=True)) == {
        ("C2", "C3", "group_conflict"), ("C2", "C4", "group_conflict")
    }  # fmt: skip


def test_a_bare_brand_between_two_companies_joins_neither() -> None:
    customers = untyped(
        {"customer_id": "C1", "name": "杭州恒泰科技有限公司", "phone": "0571-88886666"},
        {"customer_id": "C2", "name": "杭州恒泰贸易有限公司", "phone": "0571-88886666"},
        {"customer_id": "C3", "name": "恒泰", "phone": "0571 8888 6666"},
    )
    assert merged(customers).empty
    review = find_duplicates(customers).review
    assert set(zip(review["left_id"], review["right_id"], review["reason"], strict=True)) == {
        ("C1", "C3", "ambiguous"), ("C2", "C3", "ambiguous")
    }  # fmt: skip


# --- uncertain pairs ----------------------------------------------------------------------------


def test_pairs_between_the_thresholds_are_listed_not_merged() -> None:
    customers = frame(
        company("C1", "华为技术有限公司", city="深圳市"),
        company("C2", "华为"),  # 2 characters, no city: 85
        company("C3", "广东粤海智能装备制造有限公司", city="佛山"),
        company("C4", "广东粤瀚智能装备制造有限公司", city="佛山"),  # 字号 differ: capped at 85
    )
    found = find_duplicates(customers)
    assert found.merges.empty
    assert set(zip(found.review["left_id"], found.review["right_id"], strict=True)) == {("C1", "C2"),
                                                                          ("C3", "C4")}  # fmt: skip
    assert set(found.review["reason"]) == {"score"}
    lenient = CleaningSettings(fuzzy_name_threshold=85)
    assert len(find_duplicates(customers, lenient).merges) == 2
    assert find_duplicates(customers, CleaningSettings(review_threshold=86)).review.empty

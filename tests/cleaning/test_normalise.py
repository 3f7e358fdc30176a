"""Format rules: phones, names, e-mails, identifiers, categorical values (tiny frames + demo)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.cleaning.audit import Audit
from workbench.cleaning.normalise import (
    canonical_names,
    canonical_phones,
    normalise_categories,
    normalise_emails,
    normalise_ids,
    normalise_names,
    normalise_phones,
    size_class,
)
from workbench.cleaning.settings import SizeBands
from workbench.cleaning.vocabulary import VOCABULARIES, canonical_values

TEXT = st.text(max_size=30)
PHONEISH = st.text(alphabet="0123456789 +-()（）８６转x#手机：", max_size=20)


def customers(**columns: list) -> pd.DataFrame:
    """A customers frame with ids C1…Cn and source rows 2…n+1 plus the given columns."""
    n = len(next(iter(columns.values())))
    frame = pd.DataFrame(
        {"source_row": range(2, n + 2), "customer_id": [f"C{i + 1}" for i in range(n)]}
    )
    for name, values in columns.items():
        frame[name] = pd.Series(values, dtype="str")
    return frame


# --- phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected", "kind"),
    [
        ("+86 138 0013 8000", "13800138000", "mobile"),
        ("138-0013-8000", "13800138000", "mobile"),
        ("8613800138000", "13800138000", "mobile"),
        ("0086 138 0013 8000", "13800138000", "mobile"),
        ("１３８００１３８０００", "13800138000", "mobile"),
        ("13800138000", "13800138000", "mobile"),
        ("(010)62345678", "010-62345678", "landline"),
        ("010 6234 5678", "010-62345678", "landline"),
        ("+86 10 62345678", "010-62345678", "landline"),
        ("+86 (0)10 62345678", "010-62345678", "landline"),
        ("0571 87654321", "0571-87654321", "landline"),
        ("0571-87654321", "0571-87654321", "landline"),
        ("010-62345678转123", "010-62345678转123", "landline"),
        ("010-62345678-123", "010-62345678转123", "landline"),
        ("手机：13800138000", "13800138000", "mobile"),
        ("400 820 8820", "400-820-8820", "service"),
        ("+852 2345 6789", "+852 2345 6789", "landline"),
        ("1380013800", "1380013800", "invalid"),  # 10 digits
        ("0571-876543", "0571-876543", "invalid"),  # local number too short
        ("62345678", "62345678", "invalid"),  # no area code
        ("13800138000/13900139000", "13800138000/13900139000", "invalid"),
        ("不详", "不详", "invalid"),
    ],
)
def test_canonical_phones(written: str, expected: str, kind: str) -> None:
    value, found = canonical_phones(pd.Series([written], dtype="str"))
    assert (value.iat[0], found.iat[0]) == (expected, kind)


def test_missing_phones_are_missing_not_invalid() -> None:
    value, kind = canonical_phones(pd.Series([None, ""], dtype="str"))
    assert kind.tolist() == ["missing", "missing"]
    assert value.isna().iat[0] and value.iat[1] == ""


def test_normalise_phones_logs_changes_flags_invalid_and_keeps_input() -> None:
    frame = customers(phone=["138-0013-8000", "13900139000", "12345", None])
    before = frame.copy()
    audit = Audit()
    out = normalise_phones(frame, audit)
    pd.testing.assert_frame_equal(frame, before)  # a new frame; the input is untouched
    assert out["phone"].tolist()[:3] == ["13800138000", "13900139000", "12345"]
    assert out["phone_kind"].tolist() == ["mobile", "mobile", "invalid", "missing"]
    changes = audit.changes
    assert changes[["key", "source_row", "field", "old", "new", "rule"]].values.tolist() == [
        ["C1", 2, "phone", "138-0013-8000", "13800138000", "phone_format"]
    ]
    flags = audit.flags
    assert flags[["key", "field", "value", "rule"]].values.tolist() == [
        ["C3", "phone", "12345", "invalid_phone"]
    ]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(TEXT, PHONEISH, st.none()), max_size=8))
def test_phones_idempotent_and_total(values: list[str | None]) -> None:
    once, kind = canonical_phones(pd.Series(values, dtype="str"))
    twice, kind2 = canonical_phones(once)
    assert once.fillna("<NA>").tolist() == twice.fillna("<NA>").tolist()
    assert kind.tolist() == kind2.tolist()
    assert set(kind) <= {"mobile", "landline", "service", "invalid", "missing"}


# --- names, e-mails, ids ------------------------------------------------------------------------


def test_canonical_names() -> None:
    names = pd.Series(
        ["华为技术 有限公司", "ＡＢＣ科技(杭州)有限公司", "　张  三　", "John  Smith (IT)",
         "北京 某某 科技 （ 北京 ） 有限公司", None],
        dtype="str",
    )  # fmt: skip
    assert canonical_names(names).fillna("<NA>").tolist() == [
        "华为技术有限公司", "ABC科技（杭州）有限公司", "张三", "John Smith (IT)",
        "北京某某科技（北京）有限公司", "<NA>",
    ]  # fmt: skip


def test_names_and_ids_drop_every_kind_of_space() -> None:
    # a unit separator, a line separator and a next-line character are spaces to Python's \s
    names = pd.Series(["Acme\x1fTrading \x85Co", "上海\u2028恒泰物流", "王\x1c磊"], dtype="str")
    assert canonical_names(names).tolist() == ["Acme Trading Co", "上海恒泰物流", "王磊"]
    frame = customers(uscc=["9111\x1f0000\u20286000 3734 1l"], id_number=["110105\x0b19491231002x"])
    out = normalise_ids(frame, Audit())
    assert out[["uscc", "id_number"]].values.tolist() == [
        ["91110000600037341L", "11010519491231002X"]
    ]


def test_normalise_names_logs_both_columns() -> None:
    frame = customers(name=["杭州云帆科技(杭州)有限公司", "李娜"], contact_name=["王 磊", "李娜"])
    audit = Audit()
    out = normalise_names(frame, audit)
    assert out["name"].tolist() == ["杭州云帆科技（杭州）有限公司", "李娜"]
    assert out["contact_name"].tolist() == ["王磊", "李娜"]
    assert audit.changes[["key", "field", "new", "rule"]].values.tolist() == [
        ["C1", "name", "杭州云帆科技（杭州）有限公司", "name_format"],
        ["C1", "contact_name", "王磊", "name_format"],
    ]
    assert audit.flags.empty


def test_normalise_emails() -> None:
    frame = customers(email=[" Li.Na@Example.COM ", "ｗａｎｇ＠qq.com", "ok@qq.com", None])
    audit = Audit()
    out = normalise_emails(frame, audit)
    assert out["email"].fillna("<NA>").tolist() == [
        "li.na@example.com", "wang@qq.com", "ok@qq.com", "<NA>"
    ]  # fmt: skip
    assert audit.changes["key"].tolist() == ["C1", "C2"]
    assert set(audit.changes["rule"]) == {"email_format"}


def test_normalise_ids() -> None:
    frame = customers(uscc=["9111 0000 6000 3734 1l", None], id_number=[None, "11010519491231002x"])
    audit = Audit()
    out = normalise_ids(frame, audit)
    assert out["uscc"].iat[0] == "91110000600037341L"
    assert out["id_number"].iat[1] == "11010519491231002X"
    assert audit.changes["rule"].tolist() == ["id_format", "id_format"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(TEXT, st.none()), max_size=8))
def test_names_and_emails_idempotent(values: list[str | None]) -> None:
    frame = customers(name=values or [None], contact_name=values or [None], email=values or [None])
    audit = Audit()
    once = normalise_emails(normalise_names(frame, audit), audit)
    before = len(audit.changes)
    twice = normalise_emails(normalise_names(once, audit), audit)
    pd.testing.assert_frame_equal(once, twice)
    assert len(audit.changes) == before  # the second pass changes nothing


# --- categories ---------------------------------------------------------------------------------


def test_normalise_categories_customers() -> None:
    frame = customers(
        customer_type=["公司", "个体", "企业"],
        decision_role=["拍板人", "最终用户", "外星人"],
        status=["已成交", "潜客", "流失客户"],
        gender=["M", "female", None],
        source_channel=["老客户介绍", "抖音", "网站注册"],
        size=["小微", "中", "大型"],
    )
    audit = Audit()
    out = normalise_categories(frame, audit, "customers")
    assert out["customer_type"].tolist() == ["企业", "个人", "企业"]
    assert out["decision_role"].tolist() == ["决策者", "使用者", "外星人"]
    assert out["status"].tolist() == ["成交客户", "潜在客户", "流失客户"]
    assert out["gender"].fillna("<NA>").tolist() == ["男", "女", "<NA>"]
    assert out["source_channel"].tolist() == ["转介绍", "社交媒体", "官网注册"]
    assert out["size"].tolist() == ["小型", "中型", "大型"]
    assert len(audit.changes) == 13 and set(audit.changes["rule"]) == {"category_canonical"}
    flags = audit.flags
    assert flags[["key", "field", "value", "rule"]].values.tolist() == [
        ["C3", "decision_role", "外星人", "unknown_category"]
    ]


def test_normalise_categories_other_tables() -> None:
    interactions = pd.DataFrame(
        {
            "interaction_id": ["I1", "I2"],
            "channel": ["上门拜访", "企业微信"],
            "type": ["客诉", "咨询"],
        }
    )
    leads = pd.DataFrame({"lead_id": ["L1", "L2"], "stage": ["赢单", "谈判"],
                          "lost_reason": ["太贵", "老板换人了"]})  # fmt: skip
    audit = Audit()
    out = normalise_categories(interactions, audit, "interactions")
    assert out["channel"].tolist() == ["拜访", "微信"] and out["type"].tolist() == ["投诉", "咨询"]
    out = normalise_categories(leads, audit, "opportunities")
    assert out["stage"].tolist() == ["成交", "方案洽谈"]
    assert out["lost_reason"].tolist() == ["价格偏高", "老板换人了"]  # open list: kept, no flag
    assert audit.flags.empty


def test_every_vocabulary_is_consistent() -> None:
    for table, vocabularies in VOCABULARIES.items():
        for column, vocabulary in vocabularies.items():
            lookup = vocabulary.table()
            assert set(lookup.values()) == set(vocabulary.canonical), (table, column)


def test_an_event_logs_categorical_columns_normalise_as_their_text_does() -> None:
    """Interactions as the loader gives them (channel and type categoricals): the same values,
    flags and audit rows as the same columns as text, and they stay categoricals, two aliases
    of one channel becoming one category."""
    text = pd.DataFrame(
        {
            "interaction_id": ["I1", "I2", "I3", "I4", "I5", "I6"],
            "channel": ["上门拜访", "企业微信", None, "电话", "企微", "飞鸽传书"],
            "type": ["客诉", "咨询", "咨询", None, "表扬", "咨询"],
        }
    ).astype({"interaction_id": "str", "channel": "str", "type": "str"})
    coded = text.astype({"channel": "category", "type": "category"})
    audits = {"text": Audit(), "coded": Audit()}
    by_text = normalise_categories(text, audits["text"], "interactions")
    by_codes = normalise_categories(coded, audits["coded"], "interactions")
    for column in ("channel", "type"):
        assert isinstance(by_codes[column].dtype, pd.CategoricalDtype), column
        assert by_codes[column].astype("str").tolist() == by_text[column].tolist(), column
    shown = by_codes["channel"].astype("str").fillna("<NA>").tolist()
    assert shown == ["拜访", "微信", "<NA>", "电话", "微信", "飞鸽传书"]
    assert list(by_codes["channel"].cat.categories) == ["微信", "拜访", "电话", "飞鸽传书"]
    assert by_codes["type"].astype("str").tolist()[:2] == ["投诉", "咨询"]
    for frame in ("changes", "flags"):
        got = getattr(audits["coded"], frame).astype("str")
        want = getattr(audits["text"], frame).astype("str")
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert audits["coded"].changes["key"].tolist() == ["I1", "I2", "I5", "I1"]  # 客诉 → 投诉
    assert audits["coded"].flags["value"].tolist() == ["飞鸽传书"]


def test_a_categorical_with_nothing_to_change_or_nothing_at_all_is_kept() -> None:
    vocabulary = VOCABULARIES["orders"]["payment_method"]
    plain = pd.Series(["支付宝", "银行卡", "支付宝"], dtype="category")
    same, unknown = canonical_values(plain, vocabulary)
    assert same.dtype == plain.dtype and same.tolist() == plain.tolist()
    assert not unknown.any()
    empty = pd.Series(pd.Categorical([None, None], categories=pd.Index([], dtype="str")))
    kept, unknown = canonical_values(empty, vocabulary)
    assert kept.isna().all() and len(kept) == 2 and not unknown.any()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(TEXT, st.sampled_from(["决策人", " 使用人 ", "ＫＰ"]), st.none()), max_size=8
    )
)
def test_categories_idempotent(values: list[str | None]) -> None:
    vocabulary = VOCABULARIES["customers"]["decision_role"]
    once, unknown = canonical_values(pd.Series(values, dtype="str"), vocabulary)
    twice, unknown2 = canonical_values(once, vocabulary)
    assert once.fillna("<NA>").tolist() == twice.fillna("<NA>").tolist()
    assert unknown.tolist() == unknown2.tolist()


# --- the demo data ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    from workbench.demo import generate
    from workbench.io import load_extracts

    out = tmp_path_factory.mktemp("demo_normalise")
    generate(out, customers=2000, seed=3)
    dirt = pd.read_csv(out / "_truth" / "dirt.csv", dtype=str, keep_default_na=False)
    return load_extracts(out), dirt


def test_demo_malformed_phones(demo) -> None:
    extracts, dirt = demo
    audit = Audit()
    out = normalise_phones(extracts.customers, audit).set_index("customer_id")
    phones = dirt[(dirt["kind"] == "malformed_phone") & dirt["key"].isin(out.index)]
    got = out.loc[phones["key"], "phone"].to_numpy()
    kind = out.loc[phones["key"], "phone_kind"].to_numpy()
    digits = phones["written"].str.replace(r"\D", "", regex=True).str.removeprefix("86")
    truly_invalid = (digits != phones["true"].str.replace("-", "").str.lstrip("0")) & (
        digits != phones["true"].str.replace("-", "")
    )
    fixable = ~truly_invalid.to_numpy()
    assert len(phones) > 50
    assert (got[fixable] == phones["true"].to_numpy()[fixable]).mean() >= 0.95
    assert (kind[~fixable] == "invalid").all()  # truly invalid: left as written and flagged
    flagged = set(audit.flags.loc[audit.flags["rule"] == "invalid_phone", "key"])
    assert flagged == set(phones.loc[truly_invalid.to_numpy(), "key"])  # no clean phone flagged


def test_demo_categories_are_all_known(demo) -> None:
    extracts, _ = demo
    audit = Audit()
    for name, frame in extracts.tables.items():
        normalise_categories(frame, audit, name)
    assert audit.flags.empty


# --- company size -------------------------------------------------------------------------------

SMALL_50_200 = SizeBands(employees=(50, 200))  # 小型 <50 / 中型 50–200 / 大型 >200
MEDIUM_100_500 = SizeBands(employees=(100, 500))  # 中型 = 100–500


@pytest.mark.parametrize(
    ("written", "by_50_200", "by_100_500"),
    [
        ("50-200人", "中型", "中型"),  # midpoint 125
        ("员工250人", "大型", "中型"),
        ("100-500人", "大型", "中型"),  # midpoint 300
        ("500人以上", "大型", "大型"),  # more than 500
        ("少于50人", "小型", "小型"),
        ("50人以下", "小型", "小型"),
        ("50人", "中型", "小型"),  # a bound belongs to 中型
        ("200人", "中型", "中型"),
        ("201人", "大型", "中型"),
        ("20-99人", "中型", "小型"),  # midpoint 59.5
        ("员工人数：1,000人", "大型", "大型"),
        ("１２０人", "中型", "中型"),  # full-width digits
        ("200人以上", "大型", None),  # 200–500 is 中型, beyond 500 大型: spans two classes
        ("少于100人", None, "小型"),  # below 50 小型, 50–100 中型
        ("年营收5000万", "中型", "中型"),  # revenue: 2000万 / 4亿 by default
        ("1-5亿元", "中型", "中型"),  # midpoint 3亿
        ("营收1000万元", "小型", "小型"),
        ("5亿以上", "大型", "大型"),
        ("2亿元以上", None, None),
    ],
)
def test_size_class_by_both_conventions(written, by_50_200, by_100_500) -> None:
    assert size_class(written, SMALL_50_200) == (by_50_200, True)
    assert size_class(written, MEDIUM_100_500) == (by_100_500, True)


@pytest.mark.parametrize("written", ["300", "若干", "中小型", "500-100人", "", "很多人以上以下"])
def test_size_class_leaves_what_is_not_a_figure_with_a_unit(written) -> None:
    assert size_class(written, SMALL_50_200) == (None, False)


def test_revenue_bands_are_a_parameter_too() -> None:
    bands = SizeBands(revenue=(5_000_000, 50_000_000))  # 500万 / 5000万
    assert size_class("营收3000万", bands) == ("中型", True)
    assert size_class("营收3000万", SizeBands()) == ("中型", True)
    assert size_class("营收1亿", bands) == ("大型", True)
    assert size_class("营收1亿", SizeBands()) == ("中型", True)


def test_sizes_are_mapped_audited_and_flagged() -> None:
    frame = customers(
        size=["50-200人", "员工250人", "中型企业", "200人以上", "若干", None, "小型", "少于50人"]
    )
    for bands, expected in (
        (SMALL_50_200, ["中型", "大型", "中型", "大型", "若干", None, "小型", "小型"]),
        (MEDIUM_100_500, ["中型", "中型", "中型", "200人以上", "若干", None, "小型", "小型"]),
    ):
        audit = Audit()
        out = normalise_categories(frame, audit, "customers", bands)
        assert out["size"].fillna("<NA>").tolist() == [v or "<NA>" for v in expected]
        changes = audit.changes.set_index("key")
        assert changes.loc["C1", ["old", "new", "rule"]].tolist() == [
            "50-200人",
            "中型",
            "size_band",
        ]
        assert changes.loc["C3", ["old", "new", "rule"]].tolist() == [
            "中型企业", "中型", "category_canonical"]  # fmt: skip
        assert "C5" not in changes.index and "C6" not in changes.index
        flags = audit.flags.set_index("key")["rule"].to_dict()
        assert flags.get("C5") == "unknown_category"
        assert flags.get("C4") == ("size_unmapped" if bands is MEDIUM_100_500 else None)
        assert len(audit.flags) == (2 if bands is MEDIUM_100_500 else 1)  # each flagged once


def test_the_pipeline_takes_the_bands_from_the_settings(tiny_extracts) -> None:
    from workbench.cleaning.pipeline import clean
    from workbench.cleaning.settings import CleaningSettings
    from workbench.io import load_extracts

    extracts = load_extracts(tiny_extracts)
    extracts.tables["customers"]["size"] = ["员工250人", None, "100-500人"]
    default = clean(extracts).customers.set_index("customer_id")["size"]
    assert default[["C20230105001", "C20230301003"]].tolist() == ["大型", "大型"]
    wide = clean(extracts, CleaningSettings(size_bands=MEDIUM_100_500))
    sizes = wide.customers.set_index("customer_id")["size"]
    assert sizes[["C20230105001", "C20230301003"]].tolist() == ["中型", "中型"]
    audit = wide.changes[wide.changes["rule"] == "size_band"]
    assert sorted(audit["old"]) == ["100-500人", "员工250人"]

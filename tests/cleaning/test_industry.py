"""Industry mapping to GB/T 4754-2017: the shipped classification, aliases, map_industry."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.cleaning.audit import Audit
from workbench.cleaning.industry import aliases, classification, classify, keywords, map_industry

ALIAS_WORDS = st.sampled_from([*aliases()["alias"], "制造业", "35", "I65", "C"])


def test_classification_has_every_section_and_division() -> None:
    table = classification()
    assert list(table.columns[:4]) == ["section", "section_name", "division", "division_name"]
    assert sorted(table["section"].unique()) == list("ABCDEFGHIJKLMNOPQRST")
    assert table["division"].tolist() == [f"{d:02d}" for d in range(1, 98)]
    names = dict(
        zip(table["division"], table["section"] + " " + table["division_name"], strict=True)
    )
    assert names["65"] == "I 软件和信息技术服务业"
    assert names["35"] == "C 专用设备制造业"
    assert names["51"] == "F 批发业"
    assert names["64"] == "I 互联网和相关服务"
    assert names["39"] == "C 计算机、通信和其他电子设备制造业"
    assert names["96"] == "S 基层群众自治组织及其他组织"
    assert table["division_name"].is_unique


def test_labels_follow_the_convention() -> None:
    labels = classification().set_index("division")["label"]
    assert labels["35"] == "制造业-专用设备制造业"
    assert labels["51"] == "批发和零售业-批发业"
    assert labels["65"] == "软件和信息技术服务业"  # section I: division alone
    assert labels["64"] == "互联网和相关服务"
    assert labels["70"] == "房地产业"  # division name = section name
    assert labels["83"] == "教育"


def test_aliases_and_keywords_point_at_real_divisions() -> None:
    divisions = set(classification()["division"])
    sections = set(classification()["section"])
    table = aliases()
    assert len(table) >= 60 and table["alias"].is_unique
    assert set(table["division"]) - {""} <= divisions
    scope_parts = {p for s in table["scope"] for p in s.split("|") if p}
    assert scope_parts <= divisions | sections
    assert (table["division"].ne("") | table["scope"].ne("")).all()
    assert set(keywords()["division"]) <= divisions and keywords()["keyword"].is_unique


@pytest.mark.parametrize(
    ("written", "industry", "section", "division"),
    [
        ("制造业-专用设备制造业", "制造业-专用设备制造业", "C 制造业", "35"),
        ("制造业-专用设备制造", "制造业-专用设备制造业", "C 制造业", "35"),  # domain.md's spelling
        ("专用设备制造业", "制造业-专用设备制造业", "C 制造业", "35"),
        ("C35", "制造业-专用设备制造业", "C 制造业", "35"),
        ("3511", "制造业-专用设备制造业", "C 制造业", "35"),
        ("软件和信息技术服务业", "软件和信息技术服务业", "I 信息传输、软件和信息技术服务业", "65"),
        ("信息传输、软件和信息技术服务业-软件和信息技术服务业", "软件和信息技术服务业",
         "I 信息传输、软件和信息技术服务业", "65"),
        ("科技行业", "软件和信息技术服务业", "I 信息传输、软件和信息技术服务业", "65"),
        ("IT", "软件和信息技术服务业", "I 信息传输、软件和信息技术服务业", "65"),
        ("互联网", "互联网和相关服务", "I 信息传输、软件和信息技术服务业", "64"),
        ("银行", "金融业-货币金融服务", "J 金融业", "66"),
        ("金融行业", "金融业-货币金融服务", "J 金融业", "66"),
        ("物流", "交通运输、仓储和邮政业-道路运输业", "G 交通运输、仓储和邮政业", "54"),
        ("房地产", "房地产业", "K 房地产业", "70"),
        ("制造业", "制造业", "C 制造业", None),  # a section only
        ("汽车零部件生产", "制造业-汽车制造业", "C 制造业", "36"),  # keyword in free text
    ],
)  # fmt: skip
def test_classify_without_hints(written: str, industry: str, section: str, division) -> None:
    row = classify(pd.Series([written], dtype="str")).iloc[0]
    assert row["industry"] == industry
    assert row["industry_section"] == section
    assert (row["industry_division"] if pd.notna(row["industry_division"]) else None) == division
    assert row["known"]


@pytest.mark.parametrize(
    ("written", "main_business", "division"),
    [
        ("制造", "包装机械制造与销售", "35"),
        ("制造", "液压设备制造", "34"),
        ("制造", "电子元器件研发生产", "39"),
        ("制造", "看不出来", None),  # stays at section level
        ("科技行业", "互联网平台运营", "64"),
        ("科技行业", "企业管理软件开发", "65"),
        ("贸易", "家电零售", "52"),
        ("贸易", "工业原材料贸易", "51"),
        ("医疗", "化学药品制剂生产", "27"),
        ("医疗", "民营医院", "84"),
        ("软件和信息技术服务业", "互联网平台运营", "65"),  # a precise value is never overridden
    ],
)
def test_coarse_values_refined_by_main_business(written: str, main_business: str, division) -> None:
    result = classify(
        pd.Series([written], dtype="str"), [pd.Series([main_business], dtype="str")]
    ).iloc[0]
    found = result["industry_division"] if pd.notna(result["industry_division"]) else None
    assert found == division


def test_map_industry_logs_flags_and_adds_columns() -> None:
    frame = pd.DataFrame(
        {
            "source_row": [2, 3, 4, 5],
            "customer_id": ["C1", "C2", "C3", "C4"],
            "industry": pd.Series(
                ["制造业-专用设备制造业", "科技行业", "外星科技", None], dtype="str"
            ),
            "main_business": pd.Series(["", "云计算与大数据服务", "", ""], dtype="str"),
        }
    )
    before = frame.copy()
    audit = Audit()
    out = map_industry(frame, audit)
    pd.testing.assert_frame_equal(frame, before)
    assert out["industry"].fillna("<NA>").tolist() == [
        "制造业-专用设备制造业", "软件和信息技术服务业", "外星科技", "<NA>"
    ]  # fmt: skip
    assert out["industry_division"].fillna("<NA>").tolist() == ["35", "65", "<NA>", "<NA>"]
    assert out["industry_section"].iat[0] == "C 制造业"
    assert audit.changes[["key", "old", "new", "rule"]].values.tolist() == [
        ["C2", "科技行业", "软件和信息技术服务业", "industry_map"]
    ]
    assert audit.flags[["key", "value", "rule"]].values.tolist() == [
        ["C3", "外星科技", "unknown_industry"]
    ]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.one_of(st.text(max_size=20), ALIAS_WORDS, st.none()), min_size=1, max_size=6),
    st.text(max_size=20),
)
def test_map_industry_idempotent_and_total(values: list[str | None], business: str) -> None:
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(len(values))],
            "industry": pd.Series(values, dtype="str"),
            "main_business": pd.Series([business] * len(values), dtype="str"),
        }
    )
    audit = Audit()
    once = map_industry(frame, audit)
    changes = len(audit.changes)
    twice = map_industry(once, audit)
    pd.testing.assert_frame_equal(once, twice)
    assert len(audit.changes) == changes


def test_demo_free_text_industries_map_to_their_true_division(tmp_path) -> None:
    from workbench.demo import generate
    from workbench.io import load_extracts

    generate(tmp_path, customers=2000, seed=3)
    dirt = pd.read_csv(tmp_path / "_truth" / "dirt.csv", dtype=str, keep_default_na=False)
    customers = load_extracts(tmp_path, tables=("customers",)).customers
    audit = Audit()
    out = map_industry(customers, audit).set_index("customer_id")
    free = dirt[(dirt["kind"] == "free_text_industry") & dirt["key"].isin(out.index)]
    assert len(free) > 50
    truth = classify(pd.Series(free["true"].to_numpy(), dtype="str"))["industry_division"]
    assert out.loc[free["key"], "industry_division"].tolist() == truth.tolist()
    assert out.loc[free["key"], "industry"].tolist() == free["true"].tolist()
    assert audit.flags.empty  # every industry of the demo maps
    assert set(audit.changes["key"]) == set(free["key"])  # clean standard names are not touched

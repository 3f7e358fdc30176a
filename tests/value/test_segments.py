"""ABC classes, amount tiers, tags and the segment summary; value parameters' validation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.config import params_file
from workbench.core.errors import ParameterError
from workbench.value.params import (
    AbcParams,
    ClassRules,
    RfmParams,
    TagParams,
    Tier,
    TierParams,
    ValueParams,
    load_value_params,
)
from workbench.value.rfm import rfm_classes
from workbench.value.segments import TAGS, abc_classes, amount_tiers, segment_summary, tags

AS_OF = pd.Timestamp("2025-01-01")  # exclusive cut-off


def _orders(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    ids, dates, amounts = zip(*rows, strict=True) if rows else ((), (), ())
    return pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype=object),
            "order_date": pd.to_datetime(pd.Series(dates, dtype=object)),
            "amount": pd.Series(amounts, dtype="float64"),
        }
    )


def _classes(frame: pd.DataFrame, column: str) -> dict[str, str]:
    return dict(zip(frame["customer_id"], frame[column].astype(str), strict=True))


# --- ABC ---------------------------------------------------------------------------------------


def test_abc_by_hand():
    # last 12 months = [2024-01-01, 2025-01-01): a 50, b 30, c 10, d 5, e 5 → total 100
    # a: before 0 < 20 → A; b: before 50 ≥ 20, < 70 → B; c: before 80 → C; d, e → C
    # a's and c's 2023 orders and e's order on as_of do not count; f has no orders → C
    orders = _orders(
        [("a", "2024-03-01", 30.0), ("a", "2024-12-31", 20.0), ("a", "2023-06-01", 1000.0),
         ("b", "2024-05-01", 30.0), ("c", "2024-01-02", 10.0), ("c", "2023-12-31", 99.0), ("d", "2024-01-01", 5.0),
         ("e", "2024-07-01", 5.0), ("e", "2025-01-01", 500.0)]
    )  # fmt: skip
    frame = abc_classes(orders, AS_OF, customers=pd.Series(["a", "f"]))
    assert _classes(frame, "abc_class") == {
        "a": "A",
        "b": "B",
        "c": "C",
        "d": "C",
        "e": "C",
        "f": "C",
    }
    assert frame["revenue"].tolist() == [50.0, 30.0, 10.0, 5.0, 5.0, 0.0]
    assert frame["cum_share"].tolist() == pytest.approx([0.5, 0.8, 0.9, 0.95, 1.0, 1.0])
    # a 6-month window, [2024-07-01, 2025-01-01): a 20 (12-31), e 5 (07-01); the rest 0
    six = abc_classes(orders, AS_OF, AbcParams(window_months=6))
    assert six.set_index("customer_id")["revenue"].to_dict() == {
        "a": 20.0, "e": 5.0, "b": 0.0, "c": 0.0, "d": 0.0,
    }  # fmt: skip


def test_abc_boundary_customer_and_ties():
    # five customers with 20 each: sorted by id on ties; p reaches exactly 20% → p is A (the
    # boundary customer belongs to the class it completes); q, r, s bring B to 80% ≥ 70%... :
    # q before 20 (not < 20) → B; r before 40 → B; s before 60 < 70 → B; t before 80 → C
    orders = _orders([(c, "2024-06-01", 20.0) for c in "tsrqp"])
    frame = abc_classes(orders, AS_OF)
    assert frame["customer_id"].tolist() == ["p", "q", "r", "s", "t"]
    assert frame["abc_class"].astype(str).tolist() == ["A", "B", "B", "B", "C"]


def test_abc_shares_are_parameters_and_checked():
    orders = _orders(
        [("x", "2024-06-01", 60.0), ("y", "2024-06-01", 30.0), ("z", "2024-06-01", 10.0)]
    )
    # shares 0.5/0.4/0.1: x before 0 → A; y before 60 ≥ 50, < 90 → B; z before 90 → C
    frame = abc_classes(orders, AS_OF, shares=(0.5, 0.4, 0.1))
    assert frame["abc_class"].astype(str).tolist() == ["A", "B", "C"]
    with pytest.raises(ParameterError, match="add up to 1"):
        abc_classes(orders, AS_OF, shares=(0.2, 0.5, 0.2))


def test_abc_empty_and_zero_revenue():
    assert abc_classes(_orders([]), AS_OF).empty
    frame = abc_classes(_orders([]), AS_OF, customers=pd.Series(["m", "n"]))
    assert frame["abc_class"].astype(str).tolist() == ["C", "C"]
    refunds = _orders([("m", "2024-06-01", -50.0), ("n", "2024-06-01", 100.0)])
    assert _classes(abc_classes(refunds, AS_OF), "abc_class") == {"n": "A", "m": "C"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=60))
def test_abc_share_property(revenues):
    ids = [f"k{i:03d}" for i in range(len(revenues))]
    orders = _orders([(i, "2024-06-01", float(r)) for i, r in zip(ids, revenues, strict=True)])
    frame = abc_classes(orders, AS_OF, customers=pd.Series([*ids, "none"]))
    # every customer exactly one class
    assert sorted(frame["customer_id"]) == sorted([*ids, "none"])
    assert frame["abc_class"].notna().all()
    total = sum(revenues)
    by_class = frame.groupby("abc_class", observed=False)["revenue"]
    a = frame[frame["abc_class"] == "A"]["revenue"]
    # A reaches 20% and removing its last (smallest) customer drops below 20%
    assert a.sum() >= 0.2 * total
    assert a.sum() - a.iloc[-1] < 0.2 * total
    ab = frame[frame["abc_class"].isin(["A", "B"])]["revenue"]
    assert ab.sum() >= 0.7 * total
    if (frame["abc_class"] == "B").any():
        assert ab.sum() - ab.iloc[-1] < 0.7 * total
    # classes follow the revenue order: no B customer above an A one, no C above a B
    assert by_class.min()["A"] >= by_class.max().fillna(0)["B"]
    assert frame.loc[frame["customer_id"] == "none", "abc_class"].item() == "C"


# --- amount tiers ------------------------------------------------------------------------------


def test_amount_tiers_boundaries():
    # ≥ 100万 高, 30万–100万 中, < 30万 低; exactly at a min belongs to that tier
    orders = _orders(
        [("h", "2024-02-01", 600_000.0), ("h", "2024-11-01", 400_000.0),
         ("m1", "2024-06-01", 999_999.99), ("m2", "2024-06-01", 300_000.0),
         ("l1", "2024-06-01", 299_999.0), ("old", "2023-06-01", 5_000_000.0)]
    )  # fmt: skip
    frame = amount_tiers(orders, AS_OF, customers=pd.Series(["none"]))
    assert _classes(frame, "amount_tier") == {
        "h": "高", "m1": "中", "m2": "中", "l1": "低", "old": "低", "none": "低",
    }  # fmt: skip
    assert frame.set_index("customer_id")["yearly_amount"]["h"] == 1_000_000.0
    assert list(frame["amount_tier"].cat.categories) == ["高", "中", "低"]


def test_the_50wan_convention_is_expressible(tmp_path):
    (tmp_path / "value.yml").write_text(
        "amount_tiers:\n  tiers:\n    - {label: A, min: 500000}\n    - {label: 其他, min: 0}\n",
        encoding="utf-8",
    )
    params = load_value_params(tmp_path / "value.yml")
    orders = _orders([("x", "2024-06-01", 500_000.0), ("y", "2024-06-01", 499_999.0)])
    frame = amount_tiers(orders, AS_OF, params.amount_tiers)
    assert _classes(frame, "amount_tier") == {"x": "A", "y": "其他"}
    assert _classes(
        amount_tiers(orders, AS_OF, [Tier("A", 500_000), Tier("B", 0)]), "amount_tier"
    ) == {
        "x": "A",
        "y": "B",
    }


def test_amount_tiers_empty():
    frame = amount_tiers(_orders([]), AS_OF)
    assert frame.empty and list(frame.columns) == ["customer_id", "yearly_amount", "amount_tier"]


# --- tags --------------------------------------------------------------------------------------

TAG_ORDERS = _orders(
    [
        # r1: repeat, last purchase exactly 90 days before as_of (10-03) → still "recent"
        ("r1", "2024-06-01", 100.0), ("r1", "2024-10-03", 100.0),
        # r2: repeat, 91 days → 近3个月未复购; mean gap 123 days, 91 < 2 × 123 → no churn risk
        ("r2", "2024-06-01", 100.0), ("r2", "2024-10-02", 100.0),
        # r3: every 10 days, silent 101 days > 2 × 10 and ≥ 30 → 高流失风险 and 近3个月未复购
        ("r3", "2024-09-01", 100.0), ("r3", "2024-09-11", 100.0), ("r3", "2024-09-21", 100.0),
        # r4: weekly, silent 15 days > 2 × 7 but < churn_min_days 30 → nothing
        ("r4", "2024-12-10", 100.0), ("r4", "2024-12-17", 100.0),
        # r5: one purchase a year ago → not a repeat buyer → nothing
        ("r5", "2024-01-01", 100.0),
        # r6: recent, frequent, big → R 5, F 4, M 5 → 高价值客户
        ("r6", "2024-12-01", 1e5), ("r6", "2024-12-15", 1e5), ("r6", "2024-12-29", 1e5),
        # ghost: not in the customers table → never tagged
        ("ghost", "2023-01-01", 1.0), ("ghost", "2023-02-01", 1.0),
    ]
)  # fmt: skip
TAG_CUSTOMERS = pd.DataFrame(
    {
        "customer_id": ["r1", "r2", "r3", "r4", "r5", "r6", "l1", "l2", "l3", "l4"],
        "status": ["成交客户"] * 6 + ["潜在客户", "潜在客户", "成交客户", "意向客户"],
    }
)
TAG_INTERACTIONS = pd.DataFrame(
    {
        "customer_id": ["l1", "l1", "l2", "l2", "l3", "l4", "r1"],
        "interaction_date": pd.to_datetime(
            [
                "2024-12-01",
                "2024-12-20",
                "2024-12-01",
                "2024-09-01",
                "2024-12-30",
                "2025-01-01",
                "2024-12-30",
            ]
        ),
        # l1: 6 + 4 = 10 pages → 重点跟进; l2: 9 pages, its 价格 question is older than 90 days;
        # l3 (no orders = a lead) asks about 价格 → 重点跟进; l4 asks on as_of → too late;
        # r1 asks about 价格 but is a buying customer, not a lead
        "pages_viewed": [6, 4, 9, 0, 1, 0, 2],
        "question_type": [None, None, "功能", "价格", "价格", "价格", "价格"],
    }
)


def test_tags_by_hand():
    frame = tags(TAG_CUSTOMERS, TAG_ORDERS, TAG_INTERACTIONS, AS_OF)
    assert list(frame.columns) == ["customer_id", "tag"]
    assert list(zip(frame["customer_id"], frame["tag"].astype(str), strict=True)) == [
        ("l1", "重点跟进"),
        ("l3", "重点跟进"),
        ("r2", "近3个月未复购"),
        ("r3", "近3个月未复购"),
        ("r3", "高流失风险"),
        ("r6", "高价值客户"),
    ]


def test_high_value_tag_matches_rfm_classes():
    classes = rfm_classes(TAG_ORDERS, AS_OF).set_index("customer_id")["value_class"]
    assert classes["r6"] == "高价值"
    assert (classes == "高价值").sum() == 1


def test_tag_thresholds_come_from_params():
    params = ValueParams(tags=TagParams(no_repurchase_days=89, follow_up_min_pages=9))
    frame = tags(TAG_CUSTOMERS, TAG_ORDERS, TAG_INTERACTIONS, AS_OF, params)
    by_tag = frame.groupby("tag", observed=False)["customer_id"].apply(sorted).to_dict()
    assert by_tag["近3个月未复购"] == ["r1", "r2", "r3"]
    assert by_tag["重点跟进"] == ["l1", "l2", "l3"]


def test_tags_on_empty_inputs():
    no_orders = _orders([])
    no_inter = TAG_INTERACTIONS.iloc[:0][["customer_id", "interaction_date"]]
    frame = tags(TAG_CUSTOMERS, no_orders, no_inter, AS_OF)
    assert frame.empty and list(frame.columns) == ["customer_id", "tag"]
    assert list(frame["tag"].cat.categories) == list(TAGS)
    assert tags(TAG_CUSTOMERS.iloc[:0], TAG_ORDERS, TAG_INTERACTIONS, AS_OF).empty


def test_every_tag_rule_is_documented():
    for label, rule in TAGS.items():
        assert rule.__doc__ and rule.__doc__.startswith(label)


# --- summary -----------------------------------------------------------------------------------


def test_segment_summary_by_hand():
    orders = _orders(
        [("a", "2024-06-01", 50.0), ("b", "2024-06-01", 30.0), ("c", "2024-06-01", 10.0),
         ("d", "2024-06-01", 5.0), ("e", "2024-06-01", 5.0)]
    )  # fmt: skip
    classes = abc_classes(orders, AS_OF, customers=pd.Series(["f"]))
    summary = segment_summary(classes, orders)
    assert summary["class"].astype(str).tolist() == ["A", "B", "C"]
    assert summary["customers"].tolist() == [1, 1, 4]
    assert summary["revenue"].tolist() == [50.0, 30.0, 20.0]
    assert summary["revenue_share"].tolist() == pytest.approx([0.5, 0.3, 0.2])
    assert summary["customer_share"].tolist() == pytest.approx([1 / 6, 1 / 6, 4 / 6])
    # a category nobody falls in still shows, with zeros
    value = rfm_classes(orders, AS_OF)
    row = segment_summary(value, orders).set_index("class").loc["高价值"]
    assert row["customers"] == (value["value_class"] == "高价值").sum()
    assert len(segment_summary(value, orders)) == 4
    with pytest.raises(ParameterError, match="by="):
        segment_summary(classes.assign(value_class="x"), orders)


# --- parameters --------------------------------------------------------------------------------


def test_dataclass_defaults_equal_the_yaml():
    assert load_value_params(params_file("value.yml")) == load_value_params() == ValueParams()
    assert load_value_params() == ValueParams()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc:\n  shars: [0.2, 0.5, 0.3]\n", r"abc: unknown setting\(s\) \['shars'\]"),
        ("rmf:\n  bins: 5\n", r"unknown setting\(s\) \['rmf'\]"),
        ("abc:\n  shares: [0.2, 0.5, 0.2]\n", "add up to 1"),
        ("rfm:\n  bins: 1\n", "rfm.bins"),
        ("clv:\n  model: pareto\n", r"clv\.model must be one of bgnbd"),
        ("clv:\n  compare_models: [bgnbd, bg]\n", r"clv\.compare_models"),
        ("clv:\n  discount_rate: 12\n", "per month"),
        ("clv:\n  horizon: 12\n", r"clv: unknown setting\(s\) \['horizon'\]"),
        ("rfm:\n  bins: true\n", "rfm.bins"),
        ("rfm:\n  bins: 3\n", "above the top score"),
        ("classes:\n  mid_min_total: 16\n", "mid_min_total"),
        ("amount_tiers:\n  tiers: [{label: 高, min: 100}, {label: 低, min: 10}]\n", "down to 0"),
        ("amount_tiers:\n  tiers: [{label: 低, min: 0}, {label: 高, min: 100}]\n", "down to 0"),
        ("amount_tiers:\n  tiers: [{label: 高, min: 100, max: 5}, {label: 低, min: 0}]\n", "max"),
        ("tags:\n  lead_statuses: 潜在客户\n", "lead_statuses"),
        ("tags:\n  churn_gap_factor: 0.5\n", "churn_gap_factor"),
        ("tags: [1, 2]\n", "expected a mapping"),
        ("abc: {shares: [0.2, 0.5\n", "not valid YAML"),
    ],
)
def test_bad_value_params_say_what_is_wrong(tmp_path: Path, text: str, message: str):
    (tmp_path / "value.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=message):
        load_value_params(tmp_path / "value.yml")


def test_partial_files_take_defaults(tmp_path: Path):
    (tmp_path / "value.yml").write_text(
        "rfm:\n  bins: 4\nclasses:\n  high_min_f: 3\n  high_min_m: 3\n  potential_min_r: 3\n",
        encoding="utf-8",
    )
    params = load_value_params(tmp_path / "value.yml")
    assert params.rfm == RfmParams(bins=4)
    assert params.classes == ClassRules(high_min_f=3, high_min_m=3, potential_min_r=3)
    assert params.amount_tiers == TierParams()
    with pytest.raises(ParameterError, match="no such"):
        load_value_params(tmp_path / "missing.yml")


def test_tags_with_a_windowed_rfm_and_bare_interactions():
    # rfm over the last 365 days only: ghost and r5 (2024-01-01 < 2024-01-02) drop out, r6 stays
    # 高价值; interactions without pages_viewed / question_type tag nobody 重点跟进
    params = ValueParams(rfm=RfmParams(window_days=365))
    bare = TAG_INTERACTIONS[["customer_id", "interaction_date"]]
    frame = tags(TAG_CUSTOMERS, TAG_ORDERS, bare, AS_OF, params)
    by_tag = frame.groupby("tag", observed=False)["customer_id"].apply(sorted).to_dict()
    assert by_tag["高价值客户"] == ["r6"]
    assert by_tag["重点跟进"] == []


def test_segment_summary_over_a_window():
    orders = _orders(
        [("a", "2024-06-01", 50.0), ("a", "2023-06-01", 950.0), ("b", "2024-12-01", 50.0)]
    )
    classes = abc_classes(orders, AS_OF)
    # all history: a 1000 of 1050; last 12 months: a 50 of 100
    assert segment_summary(classes, orders)["revenue"].tolist() == [1000.0, 50.0, 0.0]
    windowed = segment_summary(classes, orders, as_of=AS_OF, window_months=12)
    assert windowed["revenue_share"].tolist() == pytest.approx([0.5, 0.5, 0.0])
    everything = segment_summary(classes, orders, as_of=AS_OF)
    assert everything["revenue"].tolist() == [1000.0, 50.0, 0.0]


def test_a_buying_customer_with_a_lead_status_is_a_lead():
    customers = pd.DataFrame({"customer_id": ["x"], "status": ["潜在客户"]})
    orders = _orders([("x", "2024-06-01", 10.0)])
    inter = pd.DataFrame(
        {"customer_id": ["x"], "interaction_date": pd.to_datetime(["2024-12-01"]),
         "pages_viewed": [0], "question_type": ["价格"]}
    )  # fmt: skip
    assert tags(customers, orders, inter, AS_OF)["tag"].astype(str).tolist() == ["重点跟进"]

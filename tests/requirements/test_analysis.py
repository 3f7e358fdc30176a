"""The requirement analysis on the hand-made fixture (conftest.py), every number worked by hand.

华东, 2024Q4: R01–R18 were created before the cut-off (R21 is in 2025, R19–R20 are 华南); R01–R15
in the quarter. High value = C01 (A), C02 (B). Urgent = 紧急; R15 has no urgency (not urgent).
"""

from __future__ import annotations

import pytest

from tests.requirements.fixture import PARAMS, QUARTER, Tables, tables
from workbench.requirements.analysis import analyse_requirements
from workbench.requirements.params import HighValue, RequirementParams


def _shares(report, dimension):
    table = report.shares[dimension]
    return dict(zip(table["label"], table["count"], strict=True))


def test_the_quarters_requirements_and_their_shares(report):
    assert sorted(report.requirements["req_id"]) == [f"R{i:02d}" for i in range(1, 19)]
    assert sorted(report.current["req_id"]) == [f"R{i:02d}" for i in range(1, 16)]
    assert _shares(report, "category") == {"产品功能优化": 4, "培训需求": 3, "价格优惠": 2,
                                           "售后支持": 2, "定制化开发": 2, "系统集成": 2}  # fmt: skip
    assert list(report.shares["category"]["label"][:2]) == ["产品功能优化", "培训需求"]
    assert report.shares["category"]["share"].iloc[0] == pytest.approx(4 / 15)
    assert _shares(report, "nature") == {"功能需求": 8, "服务需求": 5, "价格需求": 2}
    assert _shares(report, "urgency") == {"紧急": 6, "一般": 5, "重要": 3, "to_complete": 1}
    assert _shares(report, "status") == {"已解决": 7, "处理中": 3, "待处理": 3, "无法满足": 2}
    assert _shares(report, "explicitness") == {"显性": 9, "隐性": 6}
    assert report.shares["nature"]["share"].sum() == pytest.approx(1.0)


def test_shares_by_industry(report):
    rows = report.breakdown[(report.breakdown["by"] == "industry")
                            & (report.breakdown["dimension"] == "nature")]  # fmt: skip
    made = rows[rows["group"] == "制造业"].set_index("label")["share"]  # R04, R05, R15
    assert made.to_dict() == pytest.approx({"功能需求": 2 / 3, "服务需求": 1 / 3})
    people = rows[rows["group"] == "individual"]  # C03 and C06: R06, R07, R12
    assert people["count"].sum() == 3


def test_quadrant_counts(report):
    counts = report.quadrants.set_index("quadrant")["requirements"].to_dict()
    assert counts == {"Q1": 3, "Q2": 2, "Q3": 3, "Q4": 7}
    assert report.quadrants["share"].tolist() == pytest.approx([3 / 15, 2 / 15, 3 / 15, 7 / 15])
    quadrant = report.requirements.set_index("req_id")["quadrant"]
    assert quadrant["R15"] == "Q4"  # no purchase (not high value), no urgency (not urgent)


def test_high_value_follows_the_parameter(data):
    abc_a_only = RequirementParams(high_value=HighValue(value_classes=(), abc_classes=("A",)))
    report = analyse_requirements(data, "华东", QUARTER, abc_a_only)
    assert report.quadrants.set_index("quadrant")["requirements"].to_dict() == {
        "Q1": 3, "Q2": 0, "Q3": 3, "Q4": 9}  # fmt: skip
    by_rfm = RequirementParams(high_value=HighValue(value_classes=("低价值", "中价值", "高价值",
                                                                   "潜在价值"), abc_classes=()))  # fmt: skip
    everyone = analyse_requirements(data, "华东", QUARTER, by_rfm).requirements
    assert everyone.loc[everyone["customer_id"] != "C08", "high_value"].all()
    assert not everyone.loc[everyone["customer_id"] == "C08", "high_value"].any()


def test_resolution_kpis(report):
    k = report.resolution
    assert (k["requirements"], k["resolved"], k["rejected"]) == (15, 7, 2)
    assert k["resolution_rate"] == pytest.approx(7 / 15)
    assert k["rejection_rate"] == pytest.approx(2 / 15)
    # resolved in Q4: R01 4, R02 10, R04 20, R07 10, R08 30, R10 65, R12 4, R18 80 days
    assert k["resolved_in_quarter"] == 8
    assert k["mean_days_to_resolve"] == pytest.approx(223 / 8)
    assert k["on_time_rate"] == pytest.approx(4 / 8)  # R01, R04, R08, R12
    assert k["rated"] == 7 and k["mean_satisfaction"] == pytest.approx(22 / 7)  # R12 unrated
    assert (k["open_at_end"], k["overdue"], k["reopened"]) == (7, 4, 1)


def test_service_levels_per_quadrant(report):
    s = report.service_levels.set_index("quadrant")
    assert s["target_days"].tolist() == [7, 30, 14, 60]
    assert s["resolved"].tolist() == [2, 1, 2, 3]
    assert s["mean_days"].tolist() == pytest.approx([7.0, 20.0, 7.0, 175 / 3])
    assert s["median_days"].tolist() == pytest.approx([7.0, 20.0, 7.0, 65.0])
    assert s["within_target"].tolist() == pytest.approx([0.5, 1.0, 1.0, 1 / 3])
    assert s["on_time"].tolist() == pytest.approx([0.5, 1.0, 0.5, 1 / 3])
    assert s["open_at_end"].tolist() == [1, 1, 0, 5]
    assert s["overdue"].tolist() == [1, 0, 0, 3]


def test_the_q1_q4_and_overdue_lists(report):
    q1 = report.quadrant_list("Q1")
    assert q1["req_id"].tolist() == ["R03"] and q1["owner"].tolist() == ["王磊"]
    assert report.quadrant_list("Q4")["req_id"].tolist() == ["R17", "R14", "R15", "R09", "R13"]
    overdue = report.overdue()
    assert overdue["req_id"].tolist() == ["R17", "R09", "R03", "R14"]
    assert overdue["days_overdue"].tolist() == [93, 17, 12, 1]


def test_follow_ups_and_rejections(report):
    follow = report.follow_ups()
    assert follow["req_id"].tolist() == ["R02", "R07", "R18", "R14"]
    assert follow["reason"].tolist() == ["unsatisfied"] * 3 + ["reopened"]
    assert report.rejections.to_dict("list") == {
        "label": ["不符合产品规划", "超出合同范围"], "count": [1, 1], "share": [0.5, 0.5]}  # fmt: skip


def test_lists_show_masked_names_and_no_contact_details(report):
    frame = report.requirements.set_index("req_id")
    assert frame.loc["R06", "customer"] == "李*"
    assert frame.loc["R06", "description"].startswith("李*询问")
    assert "lina@example.com" not in frame.loc["R06", "description"]
    assert "13912345678" not in frame.loc["R04", "description"]
    assert "****" in frame.loc["R04", "description"]
    text = report.requirements.astype(str).to_string()
    assert "李娜" not in text and "张伟强" not in text


def test_a_quarter_without_requirements_and_a_missing_table():
    empty = tables()["requirements"].iloc[0:0]
    report = analyse_requirements(Tables(tables(requirements=empty)), "华东", QUARTER, PARAMS)
    assert report.current.empty and report.resolution["requirements"] == 0
    assert report.quadrants["requirements"].tolist() == [0, 0, 0, 0]
    assert report.themes.empty and report.rising.empty and report.breakdown.empty


def test_a_month_and_a_year(data):
    # November 2024 in 华东: R04, R07, R09, R12, R15 created; R04, R07, R12 resolved by its end.
    # Resolved in November (created any time): R04 20, R07 10, R08 30, R12 4 days
    month = analyse_requirements(data, "华东", "2024-11", PARAMS)
    assert month.period == "2024-11" and month.as_of.strftime("%Y-%m-%d") == "2024-12-01"
    assert sorted(month.current["req_id"]) == ["R04", "R07", "R09", "R12", "R15"]
    k = month.resolution
    assert (k["requirements"], k["resolved"]) == (5, 3)
    assert k["resolved_in_quarter"] == 4 and k["mean_days_to_resolve"] == pytest.approx(16)
    year = analyse_requirements(data, "华东", "2024", PARAMS)  # R01–R18; R21 is 2025's
    assert year.resolution["requirements"] == 18

"""The funnel report from extract files: a hand-written region, English stage names, a missing
opportunities file, missing stage dates, and the 重点跟进 prospects by the value report's rule."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from workbench import io, models
from workbench.profiling.gaps import Gap
from workbench.value.params import ValueParams
from workbench.value.segments import tags

CUSTOMERS = [
    ["客户编号", "客户类型", "客户名称", "联系电话", "所在省份", "区域", "负责人", "状态"],
    ["C20240101001", "企业", "杭州云帆科技有限公司", "13800138000", "浙江省", "华东", "王磊", "成交客户"],
    ["C20240101002", "企业", "上海远景数据有限公司", "13800138001", "上海市", "华东", "王磊", "潜在客户"],
    ["C20240101003", "个人", "李娜娜", "13900139000", "江苏省", "华东", "陈静", "潜在客户"],
    ["C20240101004", "企业", "广州南方制造有限公司", "13700137000", "广东省", "华南", "赵强", "潜在客户"],
]  # fmt: skip
ORDERS = [
    ["订单编号", "客户编号", "交易日期", "交易金额"],
    ["O1", "C20240101001", "2024-11-20", "120000"],
]
INTERACTIONS = [
    ["记录编号", "客户编号", "跟进日期", "浏览页面数", "问题类型"],
    ["I1", "C20240101001", "2024-12-01", "15", "产品"],  # a buyer: not a prospect
    ["I2", "C20240101002", "2024-11-02", "7", "产品"],  # 7 + 5 = 12 pages ≥ 10
    ["I3", "C20240101002", "2024-12-10", "5", "售后"],
    ["I4", "C20240101003", "2024-12-15", "1", "价格"],  # a price question
    ["I5", "C20240101004", "2024-12-15", "30", "价格"],  # 华南
    ["I6", "C20240101003", "2024-06-01", "40", "产品"],  # outside the 90 days
]
OPPORTUNITIES = [
    ["lead_id", "客户编号", "创建日期", "阶段", "意向客户日期", "方案洽谈日期", "成交日期", "流失日期",
     "预计金额", "流失原因"],
    ["L1", "C20240101001", "2024-10-01", "Closed Won", "2024-10-05", "2024-10-15", "2024-11-20",
     "", "120000", ""],
    ["L2", "C20240101002", "2024-10-10", "意向", "2024-10-20", "", "", "", "50000", ""],
    ["L3", "C20240101003", "2024-11-01", "lost", "", "", "", "2024-11-21", "8000", "太贵"],
    ["L4", "C20240101004", "2024-11-05", "Proposal", "2024-11-06", "2024-11-08", "", "", "9000",
     ""],
    ["L5", "C20240101002", "2024-08-01", "丢单", "2024-08-11", "", "", "2024-08-31", "7000",
     "选了竞品"],
]  # fmt: skip


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.fixture
def extracts(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name, rows in (("customers", CUSTOMERS), ("orders", ORDERS),
                       ("interactions", INTERACTIONS), ("opportunities", OPPORTUNITIES)):  # fmt: skip
        _write(folder / f"{name}.csv", rows)
    return folder


def test_the_region_report_from_files(extracts):
    data = io.load_clean(extracts)
    report = models.analyse_funnel(data, "华东", "2024Q4")
    assert report.leads["lead_id"].tolist() == ["L1", "L2", "L3", "L5"]  # L4 is 华南's
    funnel = report.funnel.set_index("stage")
    # intent: L1, L2 (意向), L5 (dated, then 丢单); L3 lost without reaching intent
    assert funnel["reached"].tolist() == [4, 3, 1, 1, 2]
    assert funnel["in_order"].tolist() == [4, 3, 1, 1, 2]
    assert report.win_rate == pytest.approx(1 / 3)
    # stage names and loss reasons were written as variants: the cleaning made them canonical
    assert report.reasons.set_index("reason")["leads"].to_dict() == {"价格偏高": 1, "竞品选择": 1}
    assert report.by_owner.set_index("group")["leads"].to_dict() == {"王磊": 3, "陈静": 1}
    assert report.by_region.set_index("group")["leads"].to_dict() == {"华东": 4, "华南": 1}
    quarters = report.quarters.set_index("metric")
    assert quarters.loc["leads", "current"] == 3 and quarters.loc["leads", "previous"] == 1
    assert models.funnel_gaps(data, report) == {}


def test_prospects_to_follow_up_use_the_value_reports_rule(extracts):
    data = io.load_clean(extracts)
    report = models.analyse_funnel(data, "华东", "2024Q4")
    follow = report.follow_up
    # C2: 7 + 5 pages in the 90 days; C3 (masked) asked a price question; C1 is a buyer
    assert follow["customer"].tolist() == ["上海远景数据有限公司", "李**"]
    assert follow["pages_viewed"].tolist() == [12, 1]
    assert follow["price_questions"].tolist() == [0, 1]
    assert follow["lead_stage"].iloc[0] == "intent" and pd.isna(follow["lead_stage"].iloc[1])
    assert follow["expected_amount"].iloc[0] == 50_000
    customers = data.customers[data.customers["region"] == "华东"]
    tagged = tags(customers, data.orders, data.interactions, "2025-01-01", ValueParams())
    hot = set(tagged.loc[tagged["tag"] == "重点跟进", "customer_id"])
    assert hot == {"C20240101002", "C20240101003"}  # the value report tags the same two


def test_a_missing_opportunities_file_is_a_gap_not_an_error(extracts):
    (extracts / "opportunities.csv").unlink()
    data = io.load_clean(extracts)
    report = models.analyse_funnel(data, "华东", "2024Q4")
    gaps = models.funnel_gaps(data, report)
    missing = Gap("no_table", "opportunities")
    assert {part: gaps[part] for part in gaps if part != "leads"} == {
        part: missing for part in ("funnel_stages", "funnel_in_order", "funnel_days",
                                   "funnel_reasons", "funnel_owner", "funnel_quarters")
    }  # fmt: skip
    assert "leads" not in gaps and len(report.follow_up) == 2  # behaviour is still there
    assert report.leads.empty and report.weakest is None


def test_no_stage_dates_keeps_the_reached_funnel_and_says_what_is_missing(extracts):
    keep = [0, 1, 2, 3, 8, 9]  # no 意向客户日期, 方案洽谈日期, 成交日期, 流失日期
    _write(extracts / "opportunities.csv", [[row[i] for i in keep] for row in OPPORTUNITIES])
    data = io.load_clean(extracts)
    report = models.analyse_funnel(data, "华东", "2024Q4")
    gaps = models.funnel_gaps(data, report)
    undated = Gap("no_column", "opportunities", ("intent_date", "proposal_date", "won_date"))
    assert gaps == {"funnel_in_order": undated, "funnel_days": undated}
    # from the current stage: L1 won, L2 in intent, L3 and L5 lost (how far unknown)
    assert report.funnel.set_index("stage")["reached"].tolist() == [4, 2, 1, 1, 2]
    assert report.funnel["in_order"].isna().all() and report.days["mean_days"].isna().all()


def test_a_region_without_leads_and_without_interactions(extracts):
    (extracts / "interactions.csv").unlink()
    data = io.load_clean(extracts)
    report = models.analyse_funnel(data, "西北", "2024Q4")
    gaps = models.funnel_gaps(data, report)
    assert set(gaps.values()) == {Gap("no_customers", "customers")}
    report = models.analyse_funnel(data, "华南", "2023Q4")  # L4 is created later
    gaps = models.funnel_gaps(data, report)
    assert gaps["funnel_stages"] == Gap("no_leads", "opportunities")
    assert gaps["leads"] == Gap("no_table", "interactions")

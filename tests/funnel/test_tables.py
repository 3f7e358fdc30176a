"""The funnel as readers see it: stage names and known loss reasons in English, the convention
named, the workbook's sheets, and no personal data beyond display names."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from workbench.funnel import tables
from workbench.funnel.analysis import FunnelReport
from workbench.funnel.metrics import funnel_table, loss_reasons, stage_days
from workbench.funnel.stages import lead_stages
from workbench.profiling.gaps import Gap


def _report(leads: pd.DataFrame, convention: str = "reached") -> FunnelReport:
    stages = lead_stages(leads).assign(owner="王磊", region="华东")
    table = funnel_table(stages, convention, 10)
    quarters = pd.DataFrame({"metric": ["leads", "intent", "proposal", "won", "lost",
                                        "conversion", "win_rate"],
                             "current": [4, 1, 1, 1, 1, 0.25, 0.5],
                             "previous": [2, 2, 2, 1, 0, 0.5, 1.0],
                             "change": [1.0, -0.5, -0.5, 0.0, float("nan"), -0.25, -0.5]})  # fmt: skip
    follow = pd.DataFrame({"customer": ["李**"], "owner": ["陈静"], "lead_stage": ["intent"],
                           "expected_amount": [5e4], "pages_viewed": [12.0],
                           "price_questions": [1.0],
                           "last_interaction": [pd.Timestamp("2024-12-01")]})  # fmt: skip
    return FunnelReport(
        region="华东", period="2024Q4", as_of=pd.Timestamp("2025-01-01"), customers=200,
        window_start=pd.Timestamp("2024-01-01"), convention=convention, leads=stages,
        funnel=table, days=stage_days(stages), reasons=loss_reasons(stages),
        by_owner=pd.DataFrame(), by_region=pd.DataFrame(), quarters=quarters,
        follow_up=follow, weakest="lead",
    )  # fmt: skip


def test_english_translates_stages_reasons_and_names_the_convention(worked_example):
    report = _report(worked_example)
    points = tables.summary_points(report, "en")
    assert (
        points[0]
        == "200 leads in the period, 50 won: overall conversion 25.0% (the reached convention)."
    )
    assert points[1] == "Win rate 33.3% (50 won, 100 lost); 50 still open."
    assert points[2] == "Weakest stage: Lead → Qualified, converting only 60.0%."
    assert points[3] == "Main loss reason: Price too high, 45.0% of the lost leads."
    assert tables.summary_points(report, "zh")[0].endswith("整体转化率 25.0%（到达口径）。")
    funnel = tables.localize(tables.funnel_view(report), "en")
    assert funnel["Stage"].tolist() == ["Lead", "Qualified", "Proposal", "Won", "Lost"]
    assert funnel["Weakest stage"].tolist() == ["◀ weakest", "", "", "", ""]
    reasons = tables.localize(report.reasons, "en")["Loss reason"].tolist()
    assert reasons == ["Price too high", "Chose a competitor", "Needs changed", "No budget"]
    assert tables.reason_name("客户倒闭", "en") == "客户倒闭"  # unknown reasons as written
    assert tables.reason_name("to_complete", "en") == "to be completed"
    assert "in-order" in tables.convention_note(_report(worked_example, "in_order"), "en")


def test_gaps_are_said_instead_of_figures(worked_example):
    report = _report(worked_example)
    gaps = {"funnel_days": Gap("no_column", "opportunities", ("intent_date",))}
    points = tables.summary_points(report, "zh", gaps=gaps)
    assert points[-1].startswith("无法展示各阶段停留天数，因为销售漏斗中没有「意向客户日期」数据")
    assert tables.gap_note(gaps, "funnel_reasons") == ""


def test_the_quarter_table_shows_counts_rates_and_points(worked_example):
    html = tables.shown(_report(worked_example).quarters, "en").to_html()
    for text in ("New leads", "+100.0%", "25.0%", "-25.0 pt", "Win rate", "–"):
        assert text in html


def test_the_workbook(worked_example, tmp_path):
    path = tables.export_excel(_report(worked_example), tmp_path / "funnel.xlsx", lang="en")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["说明", "Funnel", "Days in stage", "Loss reasons", "By owner",
                               "By region", "Period comparison", "Prospects to follow up"]  # fmt: skip
    rows = list(book["Funnel"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Stage", "In this stage now", "Reached: leads")
    assert [r[2] for r in rows[1:]] == [200, 120, 80, 50, 100]
    notes = "\n".join(str(c) for r in book["说明"].iter_rows(values_only=True) for c in r)
    assert "the reached convention" in notes and "Weakest stage: of the stages" in notes
    prospects = list(book["Prospects to follow up"].iter_rows(values_only=True))
    assert prospects[1][:3] == ("李**", "陈静", "Qualified")

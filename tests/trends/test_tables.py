"""The trends report's words, gaps and workbook (fixture: conftest.py)."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
from openpyxl import load_workbook

from workbench.core.charts import use_report_style
from workbench.profiling.gaps import Gap
from workbench.trends import plots, tables
from workbench.trends.analysis import analyse_trends
from workbench.trends.cohorts import cohort_sizes, retention_matrix
from workbench.trends.gaps import TREND_PARTS, trend_gaps
from workbench.trends.params import GrowthParams, TrendParams

TWO = TrendParams(growth=GrowthParams(quarters=2))
use_report_style()  # Chinese labels render (no missing-glyph warnings)


def test_summary_in_both_languages(small):
    report = analyse_trends(small, "华东", "2024Q4", TWO)
    assert trend_gaps(small, report) == {}
    zh = tables.summary_points(report, "zh", TWO)
    assert zh[0] == ("华东本季度新增购买客户 1 家（环比 -50.0%，同比 –），"
                     "销售额 7.5 万元（环比 +25.0%，同比 +150.0%）。")  # fmt: skip
    assert zh[1] == "流失率 50.0%（上季度 0.0%）；全国 50.0%。"
    assert "1 位客户本期订单数较自身历史骤降" in zh[3]
    assert zh[4] == "投诉数异常上升的区域：华东、全国。"
    en = tables.summary_points(report, "en", TWO)
    assert en[4] == "Complaints rose abnormally in: 华东 / All regions."
    assert tables.report_title("全国", "2024Q4", "en") == "All regions trends and cohorts, 2024 Q4"
    month = tables.summary_points(analyse_trends(small, "华东", "2024-10", TWO), "zh", TWO)
    assert month[0] == ("华东本月新增购买客户 1 家（环比 –，同比 –），"
                        "销售额 4.5 万元（环比 –，同比 +125.0%）。")  # fmt: skip
    assert month[1].startswith("流失率") and "（上月 " in month[1]
    en = tables.summary_points(analyse_trends(small, "华东", "2024", TWO), "en", TWO)
    assert en[0].startswith("华东: 3 new buyers (– on the previous year, – YoY), revenue 195,000")


def test_tables_are_localized_and_mask_individuals(small):
    report = analyse_trends(small, "华南", "2024Q4", TWO)
    header = tables.localize(tables.complaints_table(report), "en").columns.tolist()
    assert header == ["Region", "Periods of history", "Median of history",
                      "Complaints this period", "Robust z", "Change vs median", "Anomaly"]  # fmt: skip
    flags = tables.localize(tables.complaints_table(report), "en")["Anomaly"].tolist()
    assert flags == ["yes", "no", "no", "no", "no", "no", "no", "yes"]
    names = analyse_trends(small, "华南", "2024Q4").order_drops
    assert "王小明" not in names.to_string()
    html = tables.shown(tables.drops_table(report), "zh").to_html()
    assert "客户编号" in html


def test_without_interactions_the_complaints_say_why(small, tmp_path):
    data = SimpleNamespace(customers=small.customers, orders=small.orders,
                           interactions=small.interactions.iloc[:0],
                           supplied=lambda table: table != "interactions")  # fmt: skip
    report = analyse_trends(data, "华东", "2024Q4", TWO)
    gaps = trend_gaps(data, report)
    assert gaps == {"complaints": Gap("no_table", "interactions")}
    points = tables.summary_points(report, "zh", TWO, gaps)
    assert points[-1] == "无法展示投诉异常，因为数据中没有跟进记录文件。"
    assert not any("投诉数异常" in p for p in points)
    no_type = SimpleNamespace(customers=small.customers, orders=small.orders,
                              interactions=small.interactions.assign(type=None))  # fmt: skip
    assert trend_gaps(no_type, analyse_trends(no_type, "华东", "2024Q4", TWO)) == {
        "complaints": Gap("no_column", "interactions", ("type",))}  # fmt: skip


def test_a_region_without_customers_renders_and_says_why(small, tmp_path):
    report = analyse_trends(small, "西北", "2024Q4", TWO)
    gaps = trend_gaps(small, report)
    assert gaps == dict.fromkeys(("growth", "order_drops", "cohorts"),
                                 Gap("no_customers", "customers"))  # fmt: skip
    points = tables.summary_points(report, "en", TWO, gaps)
    assert points[-1].startswith("Could not show the region's growth and churn / the customers")
    path = tables.export_excel(report, tmp_path / "trends.xlsx", TWO, "zh", gaps)
    notes = {r[0].value: r[1].value for r in load_workbook(path)["说明"].iter_rows()}
    assert notes["未能展示 1"].startswith("无法展示本区域增长与流失趋势、订单骤降客户名单")
    _, axes = plt.subplots(1, 2)
    plots.plot_retention_heatmap(retention_matrix(report.cohorts), ax=axes[0])
    plots.plot_region_trend(report.region_growth, "revenue", "西北", ax=axes[1])
    assert axes[0].texts[0].get_text() == "无数据" and axes[1].get_lines()
    assert set(TREND_PARTS) >= set(gaps)


def test_the_workbook_has_every_table_and_the_extra_sheets(small, tmp_path):
    import pandas as pd

    report = analyse_trends(small, "华东", "2024Q4", TWO)
    extra = {"分群汇总": pd.DataFrame({"分群": ["大单A类"], "客户数": [1]})}
    path = tables.export_excel(report, tmp_path / "trends.xlsx", TWO, "zh", {}, extra)
    book = load_workbook(path)
    assert book.sheetnames == ["说明", "区域对比", "区域增长趋势", "订单骤降客户", "投诉异常",
                               "新客群组", "客户留存矩阵", "销售额留存矩阵", "分群汇总"]  # fmt: skip
    drops = [row for row in book["订单骤降客户"].iter_rows(values_only=True)]
    assert drops[1][0] == "C01" and drops[1][drops[0].index("异常")] == "是"  # flagged first
    notes = {r[0].value: r[1].value for r in book["说明"].iter_rows()}
    assert "Z ≤ −3.5" in notes["订单骤降规则"]


def test_plots_draw_the_hand_figures(small):
    report = analyse_trends(small, "华东", "2024Q4", TWO)
    _, axes = plt.subplots(1, 3)
    plots.plot_region_comparison(report.comparison, "revenue", "华东", ax=axes[0])
    widths = [bar.get_width() for bar in axes[0].patches]
    assert widths[:2] == [75_000.0, 51_000.0]
    plots.plot_complaints(report.complaint_counts, report.complaint_rises, "华东", ax=axes[1])
    assert axes[1].collections  # the flagged quarter is marked
    sizes = cohort_sizes(report.cohorts)
    plots.plot_retention_heatmap(retention_matrix(report.cohorts), sizes, ax=axes[2])
    assert axes[2].get_yticklabels()[-1].get_text() == "2024Q4（1人）"

"""The customer profile as readers see it, in both languages, on the tiny fixture (conftest.py):
2024Q4 revenue 643,000 from 3 orders of 2 buyers (C1 on two days), nothing in 2024Q3; one
complaint in each quarter; two customers without a follow-up in 90 days."""

import pandas as pd

from workbench.profiling import analysis as profiling
from workbench.profiling import tables


def test_format_kpis(tiny):
    kpis = profiling.kpi_comparison(*tiny, "2024Q4")
    shown = tables.format_kpis(kpis, "2024Q4", "zh")
    assert list(shown.columns) == ["指标", "本季度", "上季度", "环比变化", "去年同期", "同比变化"]
    assert shown.iloc[4].tolist() == ["销售额（元）", "643,000", "0", "–", "0", "–"]
    assert shown.iloc[5].tolist() == ["退货冲销（元）", "0", "0", "–", "0", "–"]  # no return
    assert shown.iloc[7].tolist() == ["复购率", "50.0%", "–", "–", "–", "–"]
    english = tables.format_kpis(kpis, "2024Q4", "en")
    assert list(english.columns) == ["Metric", "This quarter", "Previous quarter", "QoQ change",
                                     "Same period last year", "YoY change"]  # fmt: skip
    assert english.iloc[9].tolist() == ["Complaints", "1", "1", "+0.0%", "0", "–"]


def test_format_kpis_of_a_month_and_a_year(tiny):
    # November 2024: O2 520,000 only; October: O1 120,000; November 2023: nothing
    month = tables.format_kpis(profiling.kpi_comparison(*tiny, "2024-11"), "2024-11", "zh")
    assert list(month.columns) == ["指标", "本月", "上月", "环比变化", "去年同期", "同比变化"]
    assert month.iloc[4].tolist() == ["销售额（元）", "520,000", "120,000", "+333.3%", "0", "–"]
    year = tables.format_kpis(profiling.kpi_comparison(*tiny, "2024"), "2024", "en")
    assert list(year.columns) == ["Metric", "This year", "Previous year",
                                  "Change on the previous year"]  # fmt: skip
    assert year.iloc[4].tolist() == ["Revenue (CNY)", "643,000", "0", "–"]


def test_summary_points(tiny):
    kpis = profiling.kpi_comparison(*tiny, "2024Q4")
    assert tables.summary_points(kpis, "2024Q4", "zh") == [
        "本季度销售额 64.3 万元，环比 –；下单客户 2 家，环比 –。",
        "销售额同比（去年同期 2023年Q4）–。",
        "客单价 214,333 元（环比 –），复购率 50.0%。",
        "新成交客户 0 家，环比 –。",
        "投诉 1 次（环比 +0.0%），2 家客户超过 90 天未跟进。",
    ]
    assert tables.summary_points(kpis, "2024Q4", "en") == [
        "Revenue 643,000 CNY (– QoQ); 2 buying customers (–).",
        "Revenue – on the same period a year before (2023 Q4).",
        "Average order value 214,333 CNY (–), repurchase rate 50.0%.",
        "0 new customers (–).",
        "1 complaints (+0.0%); 2 customers without follow-up for 90 days.",
    ]


def test_summary_points_of_a_month(tiny):
    kpis = profiling.kpi_comparison(*tiny, "2024-11")
    assert tables.summary_points(kpis, "2024-11", "zh")[:2] == [
        "本月销售额 52.0 万元，环比 +333.3%；下单客户 1 家，环比 +0.0%。",
        "销售额同比（去年同期 2023年11月）–。",
    ]
    year = tables.summary_points(profiling.kpi_comparison(*tiny, "2024"), "2024", "zh")
    assert year[0] == "本年销售额 64.3 万元，较上年 –；下单客户 2 家，较上年 –。"
    assert not any("同比" in point for point in year)  # a year's 环比 is already the year before


def test_localize_turns_the_keys_into_words():
    values = pd.Series(["浙江省"] * 5 + ["江苏省"] * 3 + ["上海市"] * 1 + [None] * 2 + ["安徽省"])
    dist = tables.localize(profiling.distribution(values, top=2))
    assert dist["label"].tolist() == ["浙江省", "江苏省", "其他"]
    assert dist["count"].tolist() == [5, 3, 4]
    assert tables.localize(profiling.distribution(values), "en")["label"].tolist()[1:3] == [
        "江苏省",
        "to be completed",
    ]
    assert tables.localize(profiling.distribution(values))["label"].tolist()[1:3] == [
        "江苏省",
        "待补充",
    ]


def test_titles():
    assert tables.report_title("华东", "2024Q4") == "2024年Q4华东区域客户画像分析报告"
    assert tables.report_title("全国", "2024Q1", "en") == "All regions customer profile, 2024 Q1"
    assert tables.report_title("华东", "2024-11") == "2024年11月华东区域客户画像分析报告"
    assert tables.report_title("华东", "2024") == "2024年华东区域客户画像分析报告"

"""The customer profile as readers see it, in both languages, on the tiny fixture (conftest.py):
2024Q4 revenue 643,000 from 3 orders of 2 buyers (C1 on two days), nothing in 2024Q3; one
complaint in each quarter; two customers without a follow-up in 90 days."""

import pandas as pd

from workbench.profiling import analysis as profiling
from workbench.profiling import tables


def test_format_kpis(tiny):
    kpis = profiling.kpi_comparison(*tiny, "2024Q4")
    shown = tables.format_kpis(kpis, "zh")
    assert list(shown.columns) == ["指标", "本季度", "上季度", "环比变化"]
    assert shown.iloc[4].tolist() == ["销售额（元）", "643,000", "0", "–"]
    assert shown.iloc[5].tolist() == ["退货冲销（元）", "0", "0", "–"]  # no return in the quarter
    assert shown.iloc[7].tolist() == ["复购率", "50.0%", "–", "–"]
    english = tables.format_kpis(kpis, "en")
    assert list(english.columns) == ["Metric", "This quarter", "Previous quarter", "QoQ change"]
    assert english.iloc[9].tolist() == ["Complaints", "1", "1", "+0.0%"]


def test_summary_points(tiny):
    kpis = profiling.kpi_comparison(*tiny, "2024Q4")
    assert tables.summary_points(kpis, "zh") == [
        "本季度销售额 64.3 万元，环比 –；下单客户 2 家，环比 –。",
        "客单价 214,333 元（环比 –），复购率 50.0%。",
        "新成交客户 0 家，环比 –。",
        "投诉 1 次（环比 +0.0%），2 家客户超过 90 天未跟进。",
    ]
    assert tables.summary_points(kpis, "en") == [
        "Revenue 643,000 CNY (– QoQ); 2 buying customers (–).",
        "Average order value 214,333 CNY (–), repurchase rate 50.0%.",
        "0 new customers (–).",
        "1 complaints (+0.0%); 2 customers without follow-up for 90 days.",
    ]


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

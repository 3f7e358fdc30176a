"""Tests for workbench.value.tables: the value report as readers see it, in both languages, and
its workbook (fixtures in conftest.py)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from workbench.value import tables
from workbench.value.analysis import analyse_value
from workbench.value.params import ClvParams, ValueParams


def test_excel_export_has_every_table(demo, tmp_path) -> None:
    params = ValueParams(clv=ClvParams(min_repeat_buyers=30))
    report = analyse_value(demo, "华东", "2024Q4", params)
    path = tables.export_excel(report, tmp_path / "rfm_clv.xlsx", params)
    book = load_workbook(path)
    assert book.sheetnames == ["说明", "价值分层", "ABC分类", "金额分级", "跟进名单", "客户价值明细",
                               "CLV模型比较", "CLV模型校验", "分层对比", "加权因子", "分层迁移（客户）",
                               "分层迁移（销售额）", "退出高价值", "ABC迁移"]  # fmt: skip
    follow_headers = [cell.value for cell in book["跟进名单"][1]]
    assert "运营策略" in follow_headers  # the playbook of the customer's class
    detail = book["客户价值明细"]
    assert detail.max_row == len(report.customers) + 1
    header = [c.value for c in detail[1]]
    assert header[:3] == ["客户编号", "客户", "客户类型"] and "CLV（元）" in header
    clv_column = header.index("CLV（元）") + 1
    assert detail.cell(row=2, column=clv_column).number_format == "#,##0"
    assert book["跟进名单"].max_row == len(report.follow_up()) + 1
    notes = {row[0].value: row[1].value for row in book["说明"].iter_rows(min_row=2)}
    assert notes["报告"] == "2024年Q4华东区域客户价值分析报告" and notes["截止日期"] == "2024-12-31"
    english = tables.export_excel(report, tmp_path / "en.xlsx", params, lang="en")
    assert "Follow-up list" in load_workbook(english).sheetnames


@pytest.mark.parametrize(
    ("error", "zh", "en"),
    [
        (0.334, "高估 33%，客户行为近期有变化（流失加快或购买放缓）", "overestimated the last 6"),
        (-0.2, "低估 20%", "underestimated"),
        (0.1, None, None),  # within clv.holdout_alert (15%): no warning
    ],
)
def test_holdout_alert(error: float, zh: str | None, en: str | None) -> None:
    report = SimpleNamespace(clv=SimpleNamespace(holdout={"error": error}))
    params = ValueParams()
    for lang, expected in (("zh", zh), ("en", en)):
        alert = tables.holdout_alert(report, params, lang)
        assert (alert is None) if expected is None else (expected in alert)
    strict = replace(params, clv=ClvParams(holdout_alert=0.05))
    assert tables.holdout_alert(report, strict, "zh") is not None


def test_summary_points_in_both_languages(small: SimpleNamespace) -> None:
    # 3 buyers; C1 alone is A and 高价值 with 1.3M of the 1,304,000; C4 is a lead to follow up
    report = analyse_value(small, "华东", "2024Q4")
    assert tables.summary_points(report, "zh") == [
        "A类客户 1 家（占有消费客户的 33.3%），贡献近12个月销售额的 99.7%。",
        "高价值客户 1 家，贡献近12个月销售额的 99.7%。",
        "建议跟进 1 家：挽留回访 0，跟进报价 1，复购提醒 0。",
    ]
    assert tables.summary_points(report, "en") == [
        "1 A customers (33.3% of buyers) make 99.7% of the last 12 months' revenue.",
        "1 high-value customers make 99.7% of the revenue.",
        "1 customers to follow up: retain 0, leads 1, repurchase 0.",
    ]
    assert tables.clv_method_note(report, ValueParams(), "en") == (
        "Too few repeat buyers in the region and the company to fit CLV models."
    )


def test_clv_method_note_in_both_languages(demo) -> None:
    params = ValueParams(clv=ClvParams(min_repeat_buyers=30))
    report = analyse_value(demo, "华南", "2024Q4", params)
    h = report.clv.holdout
    zh = tables.clv_method_note(report, params, "zh")
    assert zh.startswith(f"购买模型 **{report.clv.model_name}**，金额模型 **")
    assert f"基于本区域购买记录拟合。持有期（最后 6 个月，{h['customers']:,.0f} 位客户）" in zh
    en = tables.clv_method_note(report, params, "en")
    assert "fitted on this region's purchases. On the holdout (the last 6 months, " in en
    assert f"({h['error']:+.1%}); mean absolute error {h['mae']:.2f} per customer." in en

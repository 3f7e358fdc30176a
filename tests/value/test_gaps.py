"""What the value report cannot show and why (workbench.value.gaps), and the sentences its
summary, notebook and workbook carry (fixtures in conftest.py: `small`, five customers)."""

from __future__ import annotations

from types import SimpleNamespace

from openpyxl import load_workbook

from workbench.profiling.gaps import Gap
from workbench.value import tables
from workbench.value.analysis import analyse_value
from workbench.value.gaps import VALUE_PARTS, value_gaps


def test_small_region_too_few_repeat_buyers_for_clv(small: SimpleNamespace) -> None:
    report = analyse_value(small, "华东", "2024Q4")
    gaps = value_gaps(small, report)
    assert gaps == {"clv": Gap("few_repeat_buyers")}
    assert tables.ranking_table(report).empty  # no CLV, no ranking (it used to raise)
    assert tables.summary_points(report, "zh", gaps=gaps)[-1] == (
        "无法展示客户终身价值（CLV），因为本区域及全公司重复购买的客户过少，无法拟合 CLV 模型。"
    )


def test_without_interactions_no_hot_leads(small: SimpleNamespace) -> None:
    data = SimpleNamespace(customers=small.customers, orders=small.orders,
                           interactions=small.interactions.iloc[:0],
                           supplied=lambda table: table != "interactions")  # fmt: skip
    report = analyse_value(data, "华东", "2024Q4")
    assert value_gaps(data, report)["leads"] == Gap("no_table", "interactions")
    signals = small.interactions.drop(columns=["pages_viewed", "question_type"])
    data = SimpleNamespace(customers=small.customers, orders=small.orders, interactions=signals)
    gap = value_gaps(data, analyse_value(data, "华东", "2024Q4"))["leads"]
    assert gap == Gap("no_column", "interactions", ("pages_viewed", "question_type"))
    assert tables.gap_note({"leads": gap}, "leads", "zh") == (
        "无法展示跟进报价名单（浏览多或询价的线索），因为跟进记录中没有「浏览页面数、问题类型」数据"
        "（该列缺失或全部为空）。"
    )


def test_a_region_without_customers_renders_and_says_why(small: SimpleNamespace, tmp_path):
    report = analyse_value(small, "西北", "2024Q4")  # used to fail: no customer in 西北
    assert report.customers.empty
    gaps = value_gaps(small, report)
    assert gaps == dict.fromkeys(VALUE_PARTS, Gap("no_customers", "customers"))
    assert tables.summary_points(report, "en", gaps=gaps) == [
        "Could not show the RFM value classes / the ABC classes / the amount tiers / customer "
        "lifetime value (CLV) / the hot leads to quote (many pages viewed, or a price question) "
        "because the extracts have no customers in this region."
    ]
    path = tables.export_excel(report, tmp_path / "rfm_clv.xlsx", lang="zh", gaps=gaps)
    notes = {row[0].value: row[1].value for row in load_workbook(path)["说明"].iter_rows()}
    assert notes["未能展示 1"].startswith("无法展示RFM 价值分层、ABC 分类")


def test_customers_without_purchases(small: SimpleNamespace) -> None:
    lead_only = small.customers.assign(region=small.customers["region"].where(
        small.customers["customer_id"] != "C4", "华北"))  # fmt: skip
    data = SimpleNamespace(customers=lead_only, orders=small.orders,
                           interactions=small.interactions)  # fmt: skip
    gaps = value_gaps(data, analyse_value(data, "华北", "2024Q4"))
    assert gaps == dict.fromkeys(("rfm", "abc", "amount_tier", "clv"), Gap("no_purchases"))

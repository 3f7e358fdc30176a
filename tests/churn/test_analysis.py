"""The region's churn report: scores, bands, tags, factors in words, the owners' workbook."""

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from churn.synthetic import crm
from workbench.churn import analysis, tables
from workbench.churn.params import ChurnParams
from workbench.core.errors import WorkbenchError


@pytest.fixture(scope="module")
def data():
    return crm(customers=700, seed=3)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("churn-cache")


@pytest.fixture(scope="module")
def report(data, cache):
    return analysis.analyse_churn(data, "华东", "2024Q4", cache_dir=cache)


def test_the_region_is_scored_with_bands_and_tags(report, data):
    customers = report.customers
    region = data.tables["customers"].set_index("customer_id")["region"]
    assert (region[customers["customer_id"]] == "华东").all() and len(customers) > 50
    assert report.scored_by == "model" and report.fit.grade == "A"
    p = customers["churn_probability"]
    expected = np.select([p >= 0.6, p >= 0.3], ["高", "中"], "低")
    assert (customers["band"] == expected).all()
    assert ((customers["band"] == "高") == customers["tags"].str.contains("高流失风险")).all()
    follow = customers["tags"].str.contains("重点跟进")
    threshold = customers["value_at_risk"].quantile(0.8)
    assert (follow == (customers["band"].isin(["中", "高"])
                       & (customers["value_at_risk"] >= threshold))).all()  # fmt: skip
    assert p.is_monotonic_decreasing  # riskiest first
    at_risk = report.at_risk
    assert at_risk["value_at_risk"].is_monotonic_decreasing and set(at_risk["band"]) <= {"中", "高"}
    assert set(report.tags()["tag"]) == {"高流失风险", "重点跟进"}


def test_every_scored_customer_has_reasons_in_words(report):
    words = tables.reasons(report, "zh")
    risky = report.customers.loc[report.customers["band"] == "高", "customer_id"]
    assert words.reindex(risky)["raising"].str.len().gt(0).all()
    assert words["raising"].str.contains("投诉|未下单|未跟进|沉默").mean() > 0.5


def test_factor_words():
    assert tables.factor_words("complaints_90d", 2.0, "zh") == "近90天投诉2次"
    assert tables.factor_words("days_since_last_order", 95.0, "en") == "no order for 95 days"
    assert tables.factor_words("satisfaction_change", -1.5, "zh") == "满意度变化-1.5分"
    assert tables.factor_words("type:投诉", 3.0, "zh") == "近一年投诉3次"
    assert tables.factor_words("channel:微信", 4.0, "en") == "4 follow-ups by 微信 in a year"
    assert tables.factor_words("satisfaction_180d", np.nan, "zh") == "近半年满意度：无记录"
    assert tables.factor_words("会员等级", "金卡", "zh") == "会员等级：金卡"
    assert tables.factor_words("funnel_stage", "流失", "en") == "funnel stage: Lost"
    assert tables.factor_words("size", "小型", "en") == "size: Small"


def test_the_fit_is_read_from_the_cache(data, cache, monkeypatch, report):
    files = list(cache.glob("churn-*.pkl"))
    assert len(files) == 1

    def no_fitting(*args, **kwargs):
        raise AssertionError("fitted again")

    monkeypatch.setattr(analysis, "fit_churn", no_fitting)
    again = analysis.analyse_churn(data, "华南", "2024Q4", cache_dir=cache)
    assert again.fit.comparison.equals(report.fit.comparison)
    other = ChurnParams(band_high=0.7)  # other parameters: another key, fitted again
    with pytest.raises(AssertionError, match="fitted again"):
        analysis.analyse_churn(data, "华南", "2024Q4", other, cache_dir=cache)


def test_without_a_model_the_recency_rule_scores(data):
    report = analysis.analyse_churn(data, "华北", "2024Q4", ChurnParams(min_churners=5000))
    assert report.scored_by == "recency_rule" and report.factors.empty
    rule = report.fit.rule
    assert set(report.customers["churn_probability"]) <= {rule.p_flagged, rule.p_unflagged}
    points = tables.summary_points(report, "zh")
    assert any("无法训练可靠的流失模型" in p for p in points)
    assert any("最近购买规则" in p for p in points)


def test_english_tables_translate_bands_tags_and_actions(report, tmp_path):
    table = tables.customer_table(report, "en", top=10)
    assert list(table.columns[:5]) == ["Customer ID", "Customer", "Owner", "Churn probability",
                                       "Risk band"]  # fmt: skip
    assert set(table["Risk band"]) <= {"High", "Medium"}
    assert not table["Tags"].str.contains("[\u4e00-\u9fff]").any()
    comparison = tables.comparison_table(report, "en")
    assert comparison["Score"].tolist()[0] == "Gradient boosting model"
    formats = tables.shown_formats("en")  # metrics with three decimals, not pandas' six
    assert all(formats[c] == "{:.3f}" for c in comparison.columns[1:])
    book = tables.export_excel(report, tmp_path / "churn.xlsx", "zh")
    sheets = load_workbook(book, read_only=True).sheetnames
    owners = sorted(set(report.at_risk["owner"]))
    assert sheets == ["模型对比", "全部评分客户", *owners]
    rows = list(load_workbook(book, read_only=True)[owners[0]].iter_rows(values_only=True))
    assert rows[0][-1] == "建议行动" and all(r[2] == owners[0] for r in rows[1:])
    names = [r[1] for r in rows[1:]]
    people = report.customers.loc[report.customers["customer_type"] == "个人", "customer"]
    assert people.str.contains(r"\*").all()  # individuals masked (测试客户12有限公司 → 测*******)
    assert not set(names) & set(pd.Series(names).str.extract(r"^(\S+有限公司)$")[0].dropna()) - set(
        report.customers.loc[report.customers["customer_type"] == "企业", "customer"]
    )


def test_a_status_definition_without_status_is_an_error(data):
    data_without = crm(customers=60, seed=2)
    data_without.tables["customers"] = data_without.tables["customers"].drop(columns="status")
    with pytest.raises(WorkbenchError, match="状态"):
        analysis.analyse_churn(data_without, "华东", "2024Q4", ChurnParams(definition="status"))


def test_a_month_is_scored_at_its_end_with_a_monthly_trend(data):
    report = analysis.analyse_churn(data, "华北", "2024-11", ChurnParams(min_churners=5000))
    assert report.period == "2024-11" and report.as_of == pd.Timestamp("2024-12-01")
    orders = data.tables["orders"]
    before = orders[(orders["order_date"] < "2024-12-01") & (orders["amount"] > 0)]
    last = before.groupby("customer_id")["order_date"].max()
    scored = report.customers.set_index("customer_id")["days_since_last_order"].dropna()
    expected = (pd.Timestamp("2024-12-01") - last.reindex(scored.index)).dt.days
    assert (scored == expected).all() and len(scored) > 20
    assert report.trend["period"].tolist()[-3:] == ["2024-09", "2024-10", "2024-11"]
    assert len(report.trend) == 12
    assert tables.report_title("华北", report.period) == "2024年11月华北区域客户流失预测报告"
    year = analysis.analyse_churn(data, "华北", "2024", ChurnParams(min_churners=5000))
    assert year.as_of == pd.Timestamp("2025-01-01")
    assert year.trend["period"].tolist() == ["2022", "2023", "2024"]

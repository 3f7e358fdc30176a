"""KPIs on a hand-made fixture (written independently of workbench.demo), numbers by hand."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from workbench.core.errors import ParameterError
from workbench.kpis.analysis import analyse_kpis
from workbench.kpis.params import KpiParams, Target, Targets, load_kpi_params

T = pd.Timestamp


def _data(opportunities: bool = False) -> SimpleNamespace:
    customers = pd.DataFrame({
        "customer_id": ["C1", "C2", "C3"],
        "customer_type": ["企业", "个人", "企业"],
        "region": ["华东", "华东", "华南"],
        "name": ["甲有限公司", "张三", "乙有限公司"],
        "industry": ["制造业", None, None],
        "contact_name": ["李四", "张三", "王五"],
        "phone": ["13800000000", None, "13900000000"],
        "first_contact_date": [T("2023-01-01"), T("2024-05-01"), pd.NaT],
    })  # fmt: skip
    orders = pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
        "customer_id": ["C1", "C1", "C1", "C1", "C1", "C3"],
        "order_date": [T("2023-06-01"), T("2023-12-01"), T("2024-01-15"), T("2024-04-10"),
                       T("2024-04-20"), T("2023-11-01")],
        "amount": [100.0, 100.0, 100.0, 100.0, 100.0, 50.0],
    })  # fmt: skip
    requirements = pd.DataFrame({
        "req_id": ["R1", "R2", "R3"],
        "customer_id": ["C1", "C1", "C3"],
        "created_date": [T("2024-04-10"), T("2024-05-01"), T("2024-04-02")],
        "status": ["已解决", "已解决", "处理中"],
        "resolved_date": [T("2024-05-01"), T("2024-07-05"), pd.NaT],
    })  # fmt: skip
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "customer_id": ["C1", "C1", "C3"],
                          "created_date": [T("2024-04-02"), T("2024-05-02"), T("2024-05-03")],
                          "stage": ["成交", "流失", "成交"]})  # fmt: skip
    if not opportunities:  # the cleaning adds a missing extract as an empty table
        leads = leads.iloc[:0]
    return SimpleNamespace(customers=customers, orders=orders, requirements=requirements,
                           opportunities=leads)  # fmt: skip


def _row(report, region: str, kpi: str) -> pd.Series:
    table = report.table.set_index(["region", "kpi"])
    return table.loc[(region, kpi)]


def test_completeness_by_hand():
    report = analyse_kpis(_data(), "2024Q2")
    # 华东 at 2024Q2's end: C1 4/4 cells, C2 (个人: no industry) 2 of 3 → 6/7; 2024Q1: C1 only
    east = _row(report, "华东", "completeness")
    assert east["current"] == pytest.approx(6 / 7) and east["comparison"] == 1.0
    assert east["status"] == "missed" and east["comparison_period"] == "2024Q1"
    assert _row(report, "华南", "completeness")["current"] == pytest.approx(3 / 4)
    assert _row(report, "全国", "completeness")["current"] == pytest.approx(9 / 11)
    assert np.isnan(_row(report, "西北", "completeness")["current"])  # no customer there
    assert _row(report, "西北", "completeness")["status"] == "no_data"


def test_churn_and_its_relative_target_by_hand():
    report = analyse_kpis(_data(), "2024Q2")
    # active at 2024-04-01: C1 and C3; C1 buys again within 90 days, C3 does not → 1/2; at
    # 2024-01-01 the same: 1/2 → change 0, target −5% not reached
    company = _row(report, "全国", "churn_rate")
    assert (company["current"], company["comparison"], company["change"]) == (0.5, 0.5, 0.0)
    assert company["status"] == "missed"
    south = _row(report, "华南", "churn_rate")
    assert (south["current"], south["comparison"]) == (1.0, 1.0)
    east = _row(report, "华东", "churn_rate")  # 0 → 0: no relative change can be computed
    assert east["current"] == 0.0 and east["status"] == "no_data"
    met = analyse_kpis(_data(), "2024Q2", KpiParams(targets=Targets(
        churn_rate=Target("points", 0.0))))  # fmt: skip
    assert _row(met, "全国", "churn_rate")["status"] == "met"  # ≤ 0 points: equal is met


def test_resolution_rate_by_hand_and_a_comparison_quarter_without_data():
    report = analyse_kpis(_data(), "2024Q2")
    # created in Q2: R1 resolved 05-01 (yes), R2 resolved 07-05 (after the end: no), R3 open
    assert _row(report, "华东", "resolution_rate")["current"] == 0.5
    assert _row(report, "华南", "resolution_rate")["current"] == 0.0
    company = _row(report, "全国", "resolution_rate")
    assert company["current"] == pytest.approx(1 / 3) and np.isnan(company["comparison"])
    assert company["status"] == "missed"  # a level target needs no comparison
    changed = analyse_kpis(_data(), "2024Q2", KpiParams(targets=Targets(
        resolution_rate=Target("change", 0.0))))  # fmt: skip
    assert _row(changed, "全国", "resolution_rate")["status"] == "no_data"  # Q1: no requirement


def test_win_rate_no_data_without_opportunities_and_by_hand_with_them():
    missing = analyse_kpis(_data(), "2024Q2")
    assert set(missing.table.loc[missing.table["kpi"] == "win_rate", "status"]) == {"no_data"}
    report = analyse_kpis(_data(opportunities=True), "2024Q2")
    assert _row(report, "华东", "win_rate")["current"] == 0.5  # L1 won, L2 lost
    assert _row(report, "全国", "win_rate")["current"] == pytest.approx(2 / 3)
    assert _row(report, "全国", "win_rate")["status"] == "met"  # ≥ 50%


def test_last_year_comparison_and_the_trend():
    report = analyse_kpis(_data(), "2024Q2", KpiParams(compare_with="last_year", quarters=4))
    assert report.comparison_period == "2023Q2"
    # 2023Q2: C1 known (4/4); C3 (no first contact recorded) always known (3/4) → 7/8
    assert _row(report, "全国", "completeness")["comparison"] == pytest.approx(7 / 8)
    assert sorted(report.trend["period"].unique()) == ["2023Q3", "2023Q4", "2024Q1", "2024Q2"]
    assert len(report.trend) == 4 * 8 * 5  # quarters × scopes × KPIs
    # no high-value customer among three: the KPI has no data rather than a 0
    assert _row(report, "全国", "high_value_repurchase")["status"] == "no_data"


def test_params_file_equals_defaults_and_bad_values_are_named(tmp_path):
    assert load_kpi_params() == KpiParams()
    cases = [("compare_with: yesterday\n", "compare_with must be one of previous_period"),
             ("targets:\n  churn_rate: {kind: ratio, value: 0.1}\n", "targets.churn_rate.kind"),
             ("targets:\n  win_rate: {kind: level, value: 5}\n", "targets.win_rate.value"),
             ("targets:\n  win_rate: {level: 0.5}\n", r"unknown setting\(s\) \['level'\]"),
             ("quarterz: 8\n", r"unknown setting\(s\) \['quarterz'\]")]  # fmt: skip
    for text, message in cases:
        (tmp_path / "k.yml").write_text(text, encoding="utf-8")
        with pytest.raises(ParameterError, match=message):
            load_kpi_params(tmp_path / "k.yml")


def test_expected_value_per_region_adds_up_from_one_company_wide_fit():
    """The summary's expected value: each region's customers' 12-month CLV from one fit (the
    churn tests' synthetic CRM: three regions), summed; 全国 is their total; no orders: NaN."""
    from churn.synthetic import crm

    from workbench.churn.definition import purchases_of
    from workbench.clv.fit import company_clv
    from workbench.kpis.summary import expected_value

    data = crm(customers=300, seed=5)
    values = expected_value(data, "2024Q4")
    customers = data.tables["customers"]
    clv = company_clv(purchases_of(data.tables["orders"]), "2025-01-01", None,
                      pd.Index(customers["customer_id"]))  # fmt: skip
    by_hand = clv.groupby(customers.set_index("customer_id")["region"]).sum()
    assert values["华东"] == pytest.approx(by_hand["华东"]) and values["华东"] > 0
    assert values["全国"] == pytest.approx(clv.sum())
    assert values["西北"] == 0  # no customers there
    data.tables = {"customers": customers}
    assert expected_value(data, "2024Q4").isna().all()


def test_a_month_against_the_previous_month_and_a_year_before():
    # 华东 at May 2024's end: C1 4/4 cells, C2 (first contact 2024-05-01) 2 of 3 → 6/7; at
    # April's end C2 was not known yet: 4/4
    report = analyse_kpis(_data(opportunities=True), "2024-05", KpiParams(quarters=4))
    assert (report.period, report.comparison_period) == ("2024-05", "2024-04")
    east = _row(report, "华东", "completeness")
    assert east["current"] == pytest.approx(6 / 7) and east["comparison"] == 1.0
    # leads created in May: L2 (C1, lost), L3 (C3, won)
    assert _row(report, "全国", "win_rate")["current"] == 0.5
    assert _row(report, "华东", "win_rate")["current"] == 0.0
    assert sorted(report.trend["period"].unique()) == ["2024-02", "2024-03", "2024-04", "2024-05"]
    then = analyse_kpis(_data(), "2024-05", KpiParams(compare_with="last_year"))
    assert then.comparison_period == "2023-05"


def test_a_year_and_the_old_name_of_the_previous_period():
    # 2024: R1, R2 (C1, 华东) resolved by 2025-01-01, R3 (C3, 华南) open; nothing in 2023
    report = analyse_kpis(_data(), "2024", KpiParams(compare_with="previous_quarter"))
    assert (report.period, report.comparison_period) == ("2024", "2023")
    assert _row(report, "全国", "resolution_rate")["current"] == pytest.approx(2 / 3)
    assert _row(report, "华东", "resolution_rate")["current"] == 1.0
    assert np.isnan(_row(report, "全国", "resolution_rate")["comparison"])
    assert KpiParams(compare_with="previous_quarter") == KpiParams()

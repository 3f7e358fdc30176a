"""Acquisition cohorts: retention by customers and by revenue, by hand (conftest.py)."""

from __future__ import annotations

import math

import pytest

from workbench.churn.definition import purchases_of
from workbench.core.errors import ParameterError
from workbench.trends.cohorts import acquisition_cohorts, cohort_sizes, retention_matrix
from workbench.trends.params import CohortParams


def test_quarterly_cohorts_by_customers_and_by_revenue(small):
    cohorts = acquisition_cohorts(
        purchases_of(small.orders), "2024Q4", CohortParams("quarter", 5, 3)
    )
    assert cohort_sizes(cohorts).to_dict() == {
        "2023Q4": 1, "2024Q1": 1, "2024Q2": 0, "2024Q3": 2, "2024Q4": 2}  # C07; C08; C03 C05; C04 C09  # fmt: skip
    customers = retention_matrix(cohorts, "customers")
    assert customers.loc["2023Q4"].tolist() == [1.0, 0.0, 0.0]  # C07 back only in 2024Q4 (k=4)
    assert customers.loc["2024Q3", 0] == 1.0 and customers.loc["2024Q3", 1] == 0.5  # C03 only
    assert math.isnan(customers.loc["2024Q3", 2])  # 2025Q1: not observed
    assert customers.loc["2024Q2"].isna().all()  # nobody acquired: no rate
    revenue = retention_matrix(cohorts, "revenue")
    assert revenue.loc["2024Q3", 1] == pytest.approx(30_000 / 30_000)  # C03's 30,000 vs 20k+10k
    q4 = cohorts[(cohorts["cohort"] == "2024Q4") & (cohorts["period"] == 0)].iloc[0]
    assert q4["revenue"] == 41_000.0  # C04 40,000 (two lines, the return left out) + C09 1,000


def test_monthly_cohorts_and_any_number_of_periods(small):
    cohorts = acquisition_cohorts(purchases_of(small.orders), "2024Q4", CohortParams("month", 3, 5))
    assert list(dict.fromkeys(cohorts["cohort"])) == ["2024-10", "2024-11", "2024-12"]
    october = retention_matrix(cohorts).loc["2024-10"]  # C04 (first purchase 2024-10-20)
    assert october.tolist()[:3] == [1.0, 0.0, 0.0] and october.iloc[3:].isna().all()
    assert len(cohorts) == 3 * 5


def test_retention_matrix_refuses_an_unknown_measure(small):
    cohorts = acquisition_cohorts(purchases_of(small.orders), "2024Q4")
    with pytest.raises(ParameterError, match="by must be"):
        retention_matrix(cohorts, "orders")

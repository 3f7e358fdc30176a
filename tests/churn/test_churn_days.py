"""`churn_days`: the reports' parameter overriding the churn window of params/churn.yml, and the
churn report of one owner (the model company-wide, the figures the owner's).

The data set is built by hand: A, B and C (华东) bought on 2024-03-01; A again 45 days into
2024Q3, B 71 days into it, C 61 days into 2024Q4. With a 60-day window B churns in 2024Q3 and C
in 2024Q4; with the file's 90 days neither does. 30 buyers in 西南 give the company-wide CLV
enough history.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import io, models
from workbench.core.errors import ParameterError
from workbench.extracts.loader import TableAccess
from workbench.reports.registry import check_parameters
from workbench.reports.rerun import convert_parameters


class Data(TableAccess):
    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.tables = tables


def owned_data() -> Data:
    dates = {"A": ["2024-03-01", "2024-08-15"], "B": ["2024-03-01", "2024-09-10"],
             "C": ["2024-03-01", "2024-12-01"]}  # fmt: skip
    for k in range(30):
        start = pd.Timestamp("2023-01-05") + pd.Timedelta(days=11 * k)
        dates[f"X{k}"] = [str((start + pd.Timedelta(days=37 * j * (1 + k % 3))).date())
                          for j in range(1 + k % 5)]  # fmt: skip
    customers = pd.DataFrame({"customer_id": list(dates), "name": [f"公司{c}" for c in dates],
                              "customer_type": "企业",
                              "owner": ["王磊", "王磊", "陈静"] + ["赵强"] * 30,
                              "region": ["华东"] * 3 + ["西南"] * 30})  # fmt: skip
    orders = pd.DataFrame([{"order_id": f"{c}-{i}", "customer_id": c, "order_date": pd.Timestamp(d),
                            "amount": 100.0 + 7 * i}
                           for c, ds in dates.items() for i, d in enumerate(ds)])  # fmt: skip
    return Data({"customers": customers, "orders": orders})


def _churned(report) -> dict[str, int]:
    return dict(zip(report.trend["period"].astype(str), report.trend["churned"], strict=True))


@pytest.fixture(scope="module")
def data() -> Data:
    return owned_data()


def test_churn_days_0_keeps_the_files_window_and_60_replaces_it():
    assert models.load_churn_params(churn_days=0).window_days == 90
    assert models.load_churn_params(churn_days=60).window_days == 60


@pytest.mark.parametrize("bad", [10, 29, -60, True, "60", 60.0])
def test_a_churn_days_the_file_would_refuse_is_named(bad):
    with pytest.raises(ParameterError, match="churn_days"):
        models.load_churn_params(churn_days=bad)


def test_the_reports_declare_churn_days_and_check_it_before_any_work():
    check_parameters("churn", churn_days=60)
    check_parameters("rfm_clv", churn_days=0)
    with pytest.raises(ParameterError, match=r"churn_days .* whole number ≥ 30, got 20"):
        check_parameters("churn", churn_days=20)
    with pytest.raises(ParameterError, match="churn_days must be int"):
        check_parameters("churn", churn_days="60")
    # the reviewer's re-run: -p churn_days 60 is a real parameter, converted to int
    wanted = {"region": "华南", "period": "2024Q3", "churn_days": 60}
    given = [("region", "华南"), ("period", "2024Q3"), ("churn_days", "60")]
    assert convert_parameters("churn", given) == wanted


def test_a_60_day_window_churns_exactly_the_customers_it_should(data):
    default = models.analyse_churn(data, "华东", "2024Q4", models.load_churn_params(churn_days=0))
    sixty = models.analyse_churn(data, "华东", "2024Q4", models.load_churn_params(churn_days=60))
    assert default.params.window_days == 90 and sixty.params.window_days == 60
    # 2024Q3: A, B, C active; 90 days: only C churns; 60 days: B (day 71) and C
    # 2024Q4: A and B never buy again; C buys on day 61: churned within 60 days, not within 90
    assert {k: _churned(default)[k] for k in ("2024Q3", "2024Q4")} == {"2024Q3": 1, "2024Q4": 2}
    assert {k: _churned(sixty)[k] for k in ("2024Q3", "2024Q4")} == {"2024Q3": 2, "2024Q4": 3}


def test_an_owners_churn_report_has_only_their_customers_and_their_figures(data):
    params = models.load_churn_params(churn_days=60)
    region = models.analyse_churn(data, "华东", "2024Q4", params)
    mine = models.analyse_churn(io.owner_view(data, "王磊", "华东"), "华东", "2024Q4", params)
    assert list(mine.customers["customer_id"].sort_values()) == ["A", "B"]
    assert set(mine.customers["owner"]) == {"王磊"}
    # the trend counts A and B only: 2024Q3 B churns (of 2 active), 2024Q4 both do
    assert mine.trend.set_index("period").loc["2024Q3", ["active", "churned"]].tolist() == [2, 1]
    assert mine.trend.set_index("period").loc["2024Q4", ["active", "churned"]].tolist() == [2, 2]
    # the same company-wide scoring: each of their customers' probability and CLV as in the region's
    both = region.customers.set_index("customer_id").loc[["A", "B"]]
    got = mine.customers.set_index("customer_id").loc[["A", "B"]]
    pd.testing.assert_series_equal(got["churn_probability"], both["churn_probability"])
    pd.testing.assert_series_equal(got["clv"], both["clv"])


def test_an_owners_report_reuses_the_company_wide_cached_model(data, tmp_path):
    params = models.load_churn_params()
    region = models.analyse_churn(data, "华东", "2024Q4", params, cache_dir=tmp_path)
    mine = models.analyse_churn(io.owner_view(data, "陈静", "华东"), "华东", "2024Q4", params,
                                cache_dir=tmp_path)  # fmt: skip
    assert len(list(tmp_path.glob("churn-*.pkl"))) == 1  # one fit: everybody's, not the owner's
    assert list(mine.customers["customer_id"]) == ["C"]
    assert mine.fit.comparison.equals(region.fit.comparison)

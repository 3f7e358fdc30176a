"""Checks before any kernel: a job's parameters, its notebook's declaration, the params files,
the period and the regions against the data."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from workbench.core.config import params_file
from workbench.core.errors import ParameterError
from workbench.reports import registry
from workbench.reports.checks import (
    check_against_data,
    check_job,
    check_params_files,
    check_period,
    data_range,
    declared_in_notebook,
    params_loaders,
    regions_without_customers,
)
from workbench.reports.jobs import Job, params_files

# By hand: orders from 2023-02-01 to 2024-05-10; customers only in 华东, 华南.
CUSTOMERS = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "region": ["华东", "华南", None]})
ORDERS = pd.DataFrame(
    {"order_date": pd.to_datetime(["2023-02-01", "2024-05-10", None, "2023-11-30"])}
)


def test_the_data_range_is_the_first_and_last_order_in_the_periods_kind() -> None:
    covered = data_range(ORDERS)
    assert (covered.first, covered.last) == (pd.Timestamp("2023-02-01"), pd.Timestamp("2024-05-10"))
    assert covered.describe("2024Q1") == "2023Q1–2024Q2 (2023-02-01 to 2024-05-10)"
    assert covered.describe("2024-01") == "2023-02–2024-05 (2023-02-01 to 2024-05-10)"
    assert covered.describe("2024") == "2023–2024 (2023-02-01 to 2024-05-10)"
    assert data_range(ORDERS.iloc[2:3]) is None


@pytest.mark.parametrize(
    ("period", "kind", "covered"),
    [("2022Q4", "quarter", "2023Q1–2024Q2"), ("2024Q3", "quarter", "2023Q1–2024Q2"),
     ("2026Q4", "quarter", "2023Q1–2024Q2"), ("2023-01", "month", "2023-02–2024-05"),
     ("2024-06", "month", "2023-02–2024-05"), ("2022", "year", "2023–2024")],
)  # fmt: skip
def test_a_period_outside_the_data_is_refused_with_the_range(period, kind, covered) -> None:
    with pytest.raises(ParameterError) as caught:
        check_against_data(CUSTOMERS, ORDERS, "华东", period)
    assert str(caught.value) == (
        f"{kind} {period} is outside the data: the orders cover {covered} "
        "(2023-02-01 to 2024-05-10)"
    )


def test_periods_the_data_reaches_pass_even_in_part() -> None:
    for period in ("2023Q1", "2023Q4", "2024Q2", "2023-02", "2024-05", "2023", "2024"):
        check_period(ORDERS, period)
    check_period(ORDERS.iloc[2:3], "2030Q1")  # no dated order: nothing to compare with


def test_a_region_without_customers_is_said_plainly() -> None:
    with pytest.raises(ParameterError) as caught:
        check_against_data(CUSTOMERS, ORDERS, "西北", "2024Q2")
    assert str(caught.value) == (
        "region 西北 has no customers in the data, so there is nothing to report "
        "(customers by region: 华东 1, 华南 1)"
    )
    assert regions_without_customers(CUSTOMERS, ["全国", "华东", "西北", "东北"]) == [
        "西北",
        "东北",
    ]
    assert regions_without_customers(CUSTOMERS.iloc[:0], ["全国"]) == ["全国"]


# --- a job against its report and its notebook -------------------------------------------------


def notebook(path: Path, names: dict[str, object]) -> Path:
    """A notebook whose parameters cell assigns `names`."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in names.items()))
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("# report")]
    nbformat.write(nb, path)
    return path


def job(source: Path, **fields: object) -> Job:
    base = {"notebook": "churn", "region": "华东", "period": "2024Q4", "lang": "zh",
            "data_dir": "/data", "source": str(source), "out_dir": str(source.parent / "out"),
            "timeout": 60, "declared": tuple(p.name for p in registry.report("churn").parameters)}  # fmt: skip
    return Job(**(base | fields))


@pytest.fixture
def churn_notebook(tmp_path: Path) -> Path:
    """notebooks/churn.ipynb declaring the registry's defaults, params/ beside it (../params)."""
    (tmp_path / "notebooks").mkdir()
    shutil.copytree(params_file("churn.yml").parent, tmp_path / "params")
    return notebook(tmp_path / "notebooks" / "churn.ipynb", registry.report("churn").defaults())


def test_a_job_matching_its_report_and_notebook_passes(churn_notebook: Path) -> None:
    check_job(job(churn_notebook, parameters={"top_n": 5}))
    assert "period" in declared_in_notebook(churn_notebook)


def test_a_mistyped_or_unknown_parameter_names_the_key_and_the_notebook(churn_notebook) -> None:
    with pytest.raises(ParameterError) as caught:
        check_job(job(churn_notebook, parameters={"top_n": "50"}))
    assert str(caught.value) == f"{churn_notebook}: churn: parameter top_n must be int, got '50'"
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['topn'\]"):
        check_job(job(churn_notebook, parameters={"topn": 5}))
    with pytest.raises(ParameterError, match="period must be a month"):
        check_job(job(churn_notebook, period="Q4"))


def test_a_notebook_that_does_not_assign_a_given_parameter_is_refused(tmp_path: Path) -> None:
    # Papermill would only warn and the report would show its default quarter
    old = registry.report("churn").defaults()
    old["quarter"] = old.pop("period")
    source = notebook(tmp_path / "churn.ipynb", old)
    with pytest.raises(ParameterError) as caught:
        check_job(job(source))
    assert str(caught.value) == (
        f"{source}: its parameters cell does not assign period, so Papermill would ignore the "
        "value given"
    )


def test_the_params_files_are_those_the_notebook_reads(churn_notebook: Path) -> None:
    root = churn_notebook.parents[1]
    assert params_files(job(churn_notebook)) == {
        "churn_params": root / "params" / "churn.yml",
        "value_params": root / "params" / "value.yml",
    }
    given = job(churn_notebook, parameters={"churn_params": "/x/other.yml"})
    assert params_files(given)["churn_params"] == Path("/x/other.yml")


def test_a_malformed_params_file_stops_the_plan_naming_the_file_and_the_key(churn_notebook):
    churn = churn_notebook.parents[1] / "params" / "churn.yml"
    assert check_params_files([job(churn_notebook), job(churn_notebook, region="华南")]) == 2
    churn.write_text(churn.read_text(encoding="utf-8") + "\nwindow_dayz: 90\n", encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        check_params_files([job(churn_notebook)])
    message = str(caught.value)
    assert message.startswith("churn, parameter churn_params: ")
    assert str(churn) in message and "window_dayz" in message


def test_every_params_parameter_of_the_registry_has_a_loader() -> None:
    named = {p.name for r in registry.REPORTS.values() for p in r.parameters
             if str(p.default).endswith(".yml")}  # fmt: skip
    assert named <= set(params_loaders())

"""The report registry: each report declared once, and its notebook agreeing with it."""

import ast
import json

import pytest

from workbench.core.config import notebook_dir
from workbench.core.errors import ParameterError
from workbench.reports.config import RunConfig
from workbench.reports.jobs import job_parameters, plan_jobs
from workbench.reports.registry import REPORTS, check_parameters, report


def _parameters_cell(name: str) -> dict[str, object]:
    """name → value of every assignment in the notebook's `parameters` cell."""
    cells = json.loads((notebook_dir() / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    cell = next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
    tree = ast.parse("".join(cell["source"]))
    return {
        n.targets[0].id: ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
    }


def test_every_notebook_is_registered_and_every_report_has_its_notebook():
    assert sorted(p.stem for p in notebook_dir().glob("*.ipynb")) == sorted(REPORTS)


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_parameters_cell_declares_exactly_the_registered_parameters(name):
    declared = report(name).defaults()
    assert _parameters_cell(name) == declared
    for parameter in report(name).all_parameters:
        assert isinstance(parameter.default, parameter.type), parameter


def test_check_parameters_refuses_unknown_and_mistyped_values():
    check_parameters("rfm_clv", region="华东", period="2024Q4", lang="zh", top_n=5)
    check_parameters("rfm_clv", period="2024-11")  # a month
    check_parameters("summary", period="2024")  # a year
    with pytest.raises(ParameterError, match=r"period must be a month \(2024-11\), a quarter"):
        check_parameters("rfm_clv", period="2024-13")
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['quarter'\]"):
        check_parameters("rfm_clv", quarter="2024Q4")  # the notebooks' old name is gone
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['churn_dayz'\]"):
        check_parameters("churn", region="华东", churn_dayz=60)
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['churn_days'\]"):
        check_parameters("profiling", region="华东", churn_days=60)  # churn and rfm_clv only
    with pytest.raises(ParameterError, match="top_n must be int, got '20'"):
        check_parameters("rfm_clv", top_n="20")
    with pytest.raises(ParameterError, match="top_n must be int, got True"):
        check_parameters("rfm_clv", top_n=True)
    with pytest.raises(ParameterError, match="region must be one of"):
        check_parameters("profiling", region="江南")
    with pytest.raises(ParameterError, match="no report 'churn_clv'"):
        check_parameters("churn_clv", region="华东")


def test_jobs_follow_the_declared_scope_and_parameters(tmp_path):
    config = RunConfig(out_dir=tmp_path, regions=("华东", "西北"),
                       notebooks=("data_quality", "profiling", "rfm_clv"))  # fmt: skip
    jobs = plan_jobs(config)
    assert [(j.region, j.notebook) for j in jobs] == [
        ("全国", "data_quality"), ("华东", "profiling"), ("华东", "rfm_clv"),
        ("西北", "profiling"), ("西北", "rfm_clv"),
    ]  # fmt: skip
    value = job_parameters(jobs[2])
    assert value["out_dir"] == str(tmp_path.resolve() / "2024Q4" / "华东")
    assert set(value) == {"region", "period", "data_dir", "lang", "out_dir"}
    assert "out_dir" not in job_parameters(jobs[1])

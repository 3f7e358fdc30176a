"""A sales owner's reports (workbench.reports.owners): only their customers, anywhere.

Every owner-scoped report and workbook is rendered for one owner of 华东 on the small generated
data set, then every page, executed notebook and workbook cell is searched for the other
customers of the company: their id, their full name (enterprises: individuals are shown masked,
张**, which names nobody) and their masked phone, ID number and e-mail (where no customer of the
owner shares the value).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pii_scan import leaks, rendered_texts

from workbench import io
from workbench.core.audiences import owners_of
from workbench.core.errors import ParameterError
from workbench.reports.audiences import OWNER_REPORTS
from workbench.reports.config import RunConfig
from workbench.reports.jobs import run_job
from workbench.reports.owners import owner_folder, plan_owner_jobs


def test_the_owner_reports_are_the_customer_level_ones():
    assert OWNER_REPORTS == ("profiling", "rfm_clv", "churn", "requirements", "funnel")


def test_each_owner_gets_a_folder_of_their_own(tmp_path):
    config = RunConfig(period="2024Q4", out_dir=tmp_path, notebooks=("churn", "funnel"))
    jobs = plan_owner_jobs(config, "华东", ["王磊", "陈静", "王磊"])  # each owner once
    assert [(j.notebook, j.parameters["owner"]) for j in jobs] == [
        ("churn", "王磊"), ("funnel", "王磊"), ("churn", "陈静"), ("funnel", "陈静")]  # fmt: skip
    assert (
        jobs[0].html_path
        == (tmp_path / "2024Q4" / "华东" / "owners" / "王磊" / "churn.html").resolve()
    )
    assert owner_folder("../a/b") == "_a_b" and owner_folder("..") == "_"
    with pytest.raises(ParameterError, match="one folder"):
        plan_owner_jobs(config, "华东", ["a/b", "a:b"])


def _others(data, owner: str) -> dict[str, set[str]]:
    """kind → the values that identify a customer of another owner (and no customer of ``owner``)."""
    customers = data.customers
    mine, others = customers[customers["owner"] == owner], customers[customers["owner"] != owner]
    found = {"customer_id": set(others["customer_id"].astype(str))}
    firms = others.loc[others["customer_type"] == "企业", "name"].dropna().astype(str)
    names = set(mine["name"].dropna().astype(str))
    found["name"] = {n for n in firms if len(n) >= 4 and not any(n in m for m in names)}
    for column in ("phone_masked", "id_number_masked", "email_masked"):
        if column in customers:
            theirs = set(others[column].dropna().astype(str)) - set(
                mine[column].dropna().astype(str)
            )
            found[column] = {v for v in theirs if len(v) >= 7}
    return found


@pytest.mark.slow
def test_an_owners_reports_and_workbooks_hold_no_other_owners_customer(demo_dir, tmp_path):
    data = io.load_clean(demo_dir)
    owner = owners_of(data.customers, "华东")[0]
    config = RunConfig(period="2024Q4", data_dir=demo_dir, out_dir=tmp_path, workers=1,
                       exports=("code",))  # fmt: skip
    results = [run_job(job) for job in plan_owner_jobs(config, "华东", [owner])]
    assert [(r.notebook, r.status, r.error) for r in results] == [
        (name, "ok", None) for name in OWNER_REPORTS]  # fmt: skip
    folder = tmp_path / "2024Q4" / "华东" / "owners" / owner_folder(owner)
    texts = rendered_texts(folder)
    assert {Path(f).name for f in texts} >= {f"{n}.html" for n in OWNER_REPORTS} | {
        "rfm_clv.xlsx", "churn.xlsx", "requirements.xlsx", "funnel.xlsx"}  # fmt: skip
    others = _others(data, owner)
    found = sorted({(Path(f).name, kind, value) for f, text in texts.items()
                    for kind, values in others.items() for value in values if value in text})  # fmt: skip
    assert found == []
    mine = data.customers.loc[
        (data.customers["owner"] == owner) & (data.customers["region"] == "华东")
    ]
    churn = (folder / "churn.html").read_text(encoding="utf-8")
    assert f"负责人视图：{owner}" in churn and f"（{len(mine):,} 位）" in churn
    assert any(c in churn for c in mine["customer_id"])  # the owner's own customers are there
    assert leaks(folder, demo_dir) == []
    # under Papermill the controls' cells show nothing (they are for JupyterLab)
    assert not any("widget-view" in text or "ReportControls" in text for text in texts.values())


def test_make_owners_runs_the_owners_command():
    import subprocess

    root = Path(__file__).resolve().parents[2]
    dry = subprocess.run(["make", "-n", "--no-print-directory", "owners", "REGION=华东", "OWNER=王磊"], cwd=root,
                         capture_output=True, text=True).stdout.strip().splitlines()  # fmt: skip
    assert dry[-1] == (".venv/bin/python -m workbench owners --params params/quarterly.yml "
                       "--period 2024Q4 --region 华东 --data-dir data/demo --owner 王磊")  # fmt: skip


def test_an_owner_without_customers_in_the_region_stops_the_command(
    tiny_extracts, tmp_path, capsys
):
    from workbench.cli import main

    code = main(["owners", "--region", "华东", "--owner", "王五", "--data-dir", str(tiny_extracts),
                 "--out", str(tmp_path)])  # fmt: skip
    assert code == 2
    assert "no customers of ['王五'] in 华东; owners: 王磊" in capsys.readouterr().err
    assert not (tmp_path / "2024Q4").exists()

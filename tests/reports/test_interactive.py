"""Controls in JupyterLab (workbench.reports.interactive): shown only there, recomputing the
report's key table as a control changes; nothing under Papermill."""

from __future__ import annotations

import pytest
from churn.test_churn_days import owned_data

from workbench import io, models
from workbench.core.labels import t
from workbench.reports.interactive import is_interactive, key_table, report_controls

VALUES = {"region": "华东", "period": "2024Q4", "top_n": 20}


@pytest.fixture(scope="module")
def data():
    return owned_data()


@pytest.fixture(scope="module")
def params():
    return models.load_churn_params(churn_days=60)


def test_no_controls_under_papermill(data, params, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)  # nbclient's kernels have none
    assert not is_interactive()
    assert report_controls("churn", data, VALUES, "en", params=params) is None
    assert report_controls("churn", data, VALUES, "en", interactive=False, params=params) is None


def test_controls_in_a_jupyter_servers_kernel(data, params, monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", "/work/notebooks/churn.ipynb")
    assert is_interactive()
    box = report_controls("churn", data, VALUES, "en", params=params)
    assert set(box.controls) == {"region", "period", "top_n", "threshold"}
    assert box.controls["threshold"].value == params.band_medium  # the report's own band


def test_the_threshold_region_and_rows_recompute_the_at_risk_list(data, params):
    box = report_controls("churn", data, VALUES, "en", interactive=True, params=params)
    customer = t("churn_col_customer_id", "en")
    region = models.analyse_churn(data, "华东", "2024Q4", params).customers
    probability = region.set_index("customer_id")["churn_probability"]
    assert sorted(box.frame[customer]) == sorted(probability[probability >= 0.3].index)
    box.controls["threshold"].value = 0.95
    assert sorted(box.frame[customer]) == sorted(probability[probability >= 0.95].index)
    box.controls["threshold"].value = 0.0
    box.controls["region"].value = "西南"  # every scored customer of 西南 (12 of its 30 buyers)
    scored = models.analyse_churn(data, "西南", "2024Q4", params).customers
    assert len(scored) == 12
    assert sorted(box.frame[customer]) == sorted(scored["customer_id"])
    box.controls["top_n"].value = 5  # the five largest values at risk
    assert len(box.frame) == 5
    largest = scored.nlargest(5, "value_at_risk")["customer_id"]
    assert sorted(box.frame[customer]) == sorted(largest)
    box.controls["period"].value = "2024Q9"  # malformed: said, not raised; controls stay
    assert box.frame is None


@pytest.mark.slow
def test_the_value_ranking_shows_the_chosen_class_only(demo_dir):
    data = io.load_clean(demo_dir)
    value = models.load_value_params()
    customers = models.analyse_value(data, "华东", "2024Q4", value).customers
    with_clv = customers.dropna(subset=["clv"])
    wanted = with_clv["value_class"].value_counts().index[0]
    shown = VALUES | {"segment": wanted, "top_n": 1000}
    ranking = key_table("rfm_clv", data, shown, "zh", params=value)
    assert len(ranking) == int((with_clv["value_class"] == wanted).sum())
    assert set(ranking["value_class"]) == {wanted}
    every = key_table("rfm_clv", data, shown | {"segment": ""}, "zh", params=value)
    assert len(every) == len(with_clv)


def test_make_lab_starts_jupyterlab_with_the_venvs_kernel():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "lab"], cwd=root, capture_output=True, text=True
    ).stdout
    command = dry.strip().splitlines()[-1]
    assert command == "JUPYTER_PATH=.venv/share/jupyter .venv/bin/jupyter lab notebooks/"
    # that kernel spec (found first, before any user-level python3) runs this very interpreter:
    # jupyter_client starts a spec whose argv[0] is "python" with the server's own Python
    probe = ("from jupyter_client.kernelspec import KernelSpecManager as M; "
             "s = M().get_kernel_spec('python3'); print(s.resource_dir); print(s.argv[0])")  # fmt: skip
    env = {"JUPYTER_PATH": str(root / ".venv" / "share" / "jupyter"), "PATH": "/usr/bin:/bin"}
    found = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    resource_dir, program = found.stdout.split()
    assert Path(resource_dir) == root / ".venv" / "share" / "jupyter" / "kernels" / "python3"
    assert program == "python" and Path(sys.executable).is_relative_to(root / ".venv")


def test_the_profile_key_figures_follow_region_and_period(tiny_extracts):
    data = io.load_clean(tiny_extracts)
    box = report_controls("profiling", data, {"region": "华东", "period": "2024Q4"}, "en",
                          interactive=True)  # fmt: skip
    assert set(box.controls) == {"region", "period"}  # a fixed table: no rows control

    def shown(metric: str) -> tuple[str, str]:
        row = box.frame.set_index("Metric").loc[metric]
        return row["This quarter"], row["Previous quarter"]

    # 华东's one customer: 120,000 on 2024-10-02 and 52万元 on 2024-11-15 (the repeated O1 merged)
    assert shown("Revenue (CNY)") == ("640,000", "0") and shown("Orders") == ("2", "0")
    box.controls["period"].value = "2024Q3"  # its 2024-07-01 order has no amount: not loaded
    assert shown("Revenue (CNY)") == ("0", "0")
    box.controls["region"].value = "华南"  # 李娜: 3,000 on 2024/12/1, O3 counted once
    box.controls["period"].value = "2024Q4"
    assert shown("Revenue (CNY)") == ("3,000", "0") and shown("Orders") == ("1", "0")

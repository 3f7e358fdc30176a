import re
import subprocess
from pathlib import Path

import pytest

from workbench.core.errors import ParameterError
from workbench.core.periods import parse_quarter, quarter_bounds, quarter_label
from workbench.reports.config import RunConfig, load_run_config
from workbench.reports.registry import check_parameters

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_quarterly_config_is_valid():
    config = load_run_config(ROOT / "params" / "quarterly.yml")
    assert config.period == "2024Q4"
    assert len(config.regions) == 7
    assert config.notebooks == ("summary", "data_quality", "profiling", "rfm_clv", "churn", "requirements",
                                "funnel", "trends")  # fmt: skip


def test_unknown_keys_are_errors_not_warnings(tmp_path):
    (tmp_path / "run.yml").write_text("quarter: '2024Q1'\nregoins: [华东]\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"unknown setting\(s\) \['regoins'\]"):
        load_run_config(tmp_path / "run.yml")


def test_unquoted_yaml_dates_are_rejected(tmp_path):
    (tmp_path / "run.yml").write_text("quarter: 2024-10-01\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="quoted text"):
        load_run_config(tmp_path / "run.yml")


@pytest.mark.parametrize("key", ["period", "quarter"])
@pytest.mark.parametrize(
    ("text", "period"), [("2024-11", "2024-11"), ("2024年3月", "2024-03"), ("2024q4", "2024Q4"),
                         ("2024", "2024"), ("2024年", "2024")],
)  # fmt: skip
def test_a_month_a_quarter_or_a_year_under_period_or_its_older_name(tmp_path, key, text, period):
    (tmp_path / "run.yml").write_text(f"{key}: '{text}'\n", encoding="utf-8")
    assert load_run_config(tmp_path / "run.yml").period == period


def test_period_and_quarter_together_are_refused(tmp_path):
    (tmp_path / "run.yml").write_text("period: '2024-11'\nquarter: '2024Q4'\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="give period or quarter"):
        load_run_config(tmp_path / "run.yml")


def test_an_unquoted_year_is_read_as_that_year(tmp_path):
    (tmp_path / "run.yml").write_text("period: 2023\n", encoding="utf-8")
    assert load_run_config(tmp_path / "run.yml").period == "2023"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"period": "2024Q5"}, "2024Q4"), ({"period": "2024-13"}, "a month .2024-11."), ({"regions": ("华东", "江南")}, "江南"),
     ({"lang": "fr"}, "lang"), ({"notebooks": ("nope",)}, "no report .nope.; the reports are summary, data_quality")],
)  # fmt: skip
def test_bad_values_say_what_is_wrong(overrides, message):
    with pytest.raises(ParameterError, match=message):
        RunConfig(**overrides)


def test_overrides_from_the_command_line():
    config = RunConfig().with_overrides(period="2023q2", regions="华东,华南", workers=None)
    assert config.period == "2023Q2"
    assert RunConfig().with_overrides(quarter="2024-11").period == "2024-11"
    assert config.regions == ("华东", "华南")
    assert config.workers == 2


def test_quarters():
    assert quarter_bounds("2024Q4") == (
        parse_quarter("2024Q4").start_time,
        parse_quarter("2025Q1").start_time,
    )
    assert quarter_label("2024Q1") == "2024年Q1"
    assert quarter_label("2024-q1", "en") == "2024 Q1"
    check_parameters("profiling", region="全国", period="2024Q4", lang="en")
    with pytest.raises(ParameterError):
        check_parameters("profiling", region="华东", period="Q4 2024", lang="zh")


def _make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_make_targets_pass_the_period_and_force():
    quarterly = _make("-n", "quarterly").stdout
    assert (
        "-m workbench quarterly --params params/quarterly.yml --period 2024Q4 --data-dir"
        in quarterly
    )
    assert "--force" not in quarterly
    assert "--period 2024Q3 --data-dir data/demo --force" in _make("-n", "quarterly", "QUARTER=2024Q3",
                                                                    "FORCE=1").stdout  # fmt: skip
    assert "--period 2024-11 --data-dir" in _make("-n", "monthly", "MONTH=2024-11").stdout
    assert "--period 2024 --data-dir" in _make("-n", "yearly", "YEAR=2024").stdout
    helped = re.sub(r"\x1b\[[0-9;]*m", "", _make("-s", "help").stdout)
    for target in ("quarterly", "monthly", "yearly"):
        assert re.search(rf"^\s+{target}\s", helped, re.M), target
    if (ROOT / "data" / "demo" / "customers.csv").is_file():  # else make would generate the demo
        bare = _make("-s", "monthly")
        assert bare.returncode != 0 and "make monthly MONTH=2024-11" in bare.stderr

from pathlib import Path

import pytest

from workbench.core.errors import ParameterError
from workbench.core.periods import parse_quarter, quarter_bounds, quarter_label
from workbench.reports.config import RunConfig, load_run_config
from workbench.reports.registry import check_parameters

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_quarterly_config_is_valid():
    config = load_run_config(ROOT / "params" / "quarterly.yml")
    assert config.quarter == "2024Q4"
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


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"quarter": "2024Q5"}, "2024Q4"), ({"regions": ("华东", "江南")}, "江南"),
     ({"lang": "fr"}, "lang"), ({"notebooks": ("nope",)}, "no report .nope.; the reports are summary, data_quality")],
)  # fmt: skip
def test_bad_values_say_what_is_wrong(overrides, message):
    with pytest.raises(ParameterError, match=message):
        RunConfig(**overrides)


def test_overrides_from_the_command_line():
    config = RunConfig().with_overrides(quarter="2023q2", regions="华东,华南", workers=None)
    assert config.quarter == "2023Q2"
    assert config.regions == ("华东", "华南")
    assert config.workers == 2


def test_quarters():
    assert quarter_bounds("2024Q4") == (
        parse_quarter("2024Q4").start_time,
        parse_quarter("2025Q1").start_time,
    )
    assert quarter_label("2024Q1") == "2024年Q1"
    assert quarter_label("2024-q1", "en") == "2024 Q1"
    check_parameters("profiling", region="全国", quarter="2024Q4", lang="en")
    with pytest.raises(ParameterError):
        check_parameters("profiling", region="华东", quarter="Q4 2024", lang="zh")

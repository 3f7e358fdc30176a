"""Every report, declared once: its name, titles, scope, notebook and parameters.

The runner plans its jobs from here (company-wide reports once, as 全国; the others per region),
passes each notebook exactly the parameters it declares, and the index shows these titles.
A notebook's first cell (tagged `parameters`) must declare the same names and defaults (a test
checks), and it calls `check_parameters` before any work, so a wrong value stops the report
with a message instead of rendering zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from workbench.core.errors import ParameterError
from workbench.core.labels import check_lang
from workbench.core.periods import parse_period
from workbench.core.settings import check_whole
from workbench.extracts.schema import ALL_REGIONS, REGIONS


@dataclass(frozen=True)
class Parameter:
    """One notebook parameter: name, type, the notebook's default, what it means."""

    name: str
    type: type
    default: Any
    help: str


@dataclass(frozen=True)
class Report:
    """A report: `name` is its notebook (notebooks/<name>.ipynb) and its file names."""

    name: str
    titles: dict[str, str]  # lang → the report's short name in the index
    scope: Literal["company", "region"]
    parameters: tuple[Parameter, ...] = ()  # beyond COMMON_PARAMETERS

    def title(self, lang: str = "zh") -> str:
        """The report's short name in the index (客户画像 / Customer profile)."""
        return self.titles[check_lang(lang)]

    @property
    def all_parameters(self) -> tuple[Parameter, ...]:
        return (*COMMON_PARAMETERS, *self.parameters)

    def defaults(self) -> dict[str, Any]:
        """Every parameter's default, as the notebook's parameters cell sets it (a company-wide
        report's region is 全国)."""
        defaults = {p.name: p.default for p in self.all_parameters}
        return defaults | ({"region": ALL_REGIONS} if self.scope == "company" else {})


COMMON_PARAMETERS = (
    Parameter("region", str, "华东", "one of 华东 华南 华北 华中 西南 西北 东北, or 全国"),
    Parameter(
        "period",
        str,
        "2024Q4",
        "the period reported: a month 2024-11, a quarter 2024Q4 or a year 2024",
    ),
    Parameter("data_dir", str, "../data/demo", "the folder of the five CRM extracts"),
    Parameter("lang", str, "zh", "zh (简体中文) or en"),
)
OUT_DIR = Parameter("out_dir", str, "../reports/lab",
                    "where files beside the HTML go (the runner passes the report's folder)")  # fmt: skip
OWNER = Parameter("owner", str, "",
                  "a sales owner: only their customers (workbench.core.audiences); '' = all")  # fmt: skip
CHURN_DAYS = Parameter("churn_days", int, 0,
                       "the churn window in days (≥ 30); 0 = window_days of churn_params")  # fmt: skip

REPORTS: dict[str, Report] = {
    r.name: r
    for r in (
        Report(
            "summary",
            {"zh": "管理层摘要", "en": "Management summary"},
            "company",
            parameters=(
                OUT_DIR,
                Parameter("kpi_params", str, "../params/kpis.yml", "KPI targets and comparison"),
                Parameter("value_params", str, "../params/value.yml", "RFM classes (高价值)"),
                Parameter("trend_params", str, "../params/trends.yml", "growth and anomalies"),
            ),
        ),
        Report(
            "data_quality",
            {"zh": "数据质量", "en": "Data quality"},
            "company",
            parameters=(
                OUT_DIR,
                Parameter(
                    "steward_days",
                    int,
                    3,
                    "working days the data steward has to settle an issue once sent",
                ),
            ),
        ),
        Report("profiling", {"zh": "客户画像", "en": "Customer profile"}, "region", (OWNER,)),
        Report(
            "rfm_clv",
            {"zh": "客户价值", "en": "Customer value"},
            "region",
            parameters=(
                OUT_DIR,
                OWNER,
                Parameter(
                    "value_params",
                    str,
                    "../params/value.yml",
                    "RFM, ABC, tier, tag and CLV thresholds",
                ),
                Parameter("top_n", int, 20, "rows of the ranking and follow-up list shown"),
                Parameter(
                    "churn_params",
                    str,
                    "../params/churn.yml",
                    "the churn model behind the 高流失风险 tag of the follow-up list",
                ),
                CHURN_DAYS,
            ),
        ),
        Report(
            "churn",
            {"zh": "客户流失", "en": "Churn"},
            "region",
            parameters=(
                OUT_DIR,
                OWNER,
                Parameter(
                    "churn_params",
                    str,
                    "../params/churn.yml",
                    "churn definition, snapshots, risk bands, grade and tag thresholds",
                ),
                Parameter(
                    "value_params", str, "../params/value.yml", "the CLV settings (value at risk)"
                ),
                Parameter("top_n", int, 20, "rows of the at-risk list shown (Excel has all)"),
                CHURN_DAYS,
            ),
        ),
        Report(
            "trends",
            {"zh": "趋势与群组", "en": "Trends and cohorts"},
            "region",
            parameters=(
                OUT_DIR,
                Parameter(
                    "trend_params",
                    str,
                    "../params/trends.yml",
                    "growth window, churn window, anomaly rules and cohort settings",
                ),
                Parameter(
                    "segment_params", str, "../params/segments.yml", "the saved segments listed"
                ),
                Parameter(
                    "value_params",
                    str,
                    "../params/value.yml",
                    "RFM, ABC and tag thresholds behind the segments' fields",
                ),
                Parameter("top_n", int, 20, "rows of the customer lists shown (Excel has all)"),
            ),
        ),
        Report(
            "requirements",
            {"zh": "需求分布", "en": "Requirements"},
            "region",
            parameters=(
                OUT_DIR,
                OWNER,
                Parameter(
                    "requirement_params",
                    str,
                    "../params/requirements.yml",
                    "high value, urgency, target days per quadrant and theme settings",
                ),
                Parameter(
                    "value_params",
                    str,
                    "../params/value.yml",
                    "RFM and ABC thresholds of the value classes",
                ),
                Parameter("top_n", int, 20, "rows of the lists shown (Excel has all)"),
            ),
        ),
        Report(
            "funnel",
            {"zh": "销售漏斗", "en": "Sales funnel"},
            "region",
            parameters=(
                OUT_DIR,
                OWNER,
                Parameter(
                    "funnel_params",
                    str,
                    "../params/funnel.yml",
                    "funnel convention, window, weakest-stage and 重点跟进 thresholds",
                ),
                Parameter("top_n", int, 20, "rows of the owner and follow-up lists shown"),
            ),
        ),
    )
}


def report(name: str) -> Report:
    """The declared report called `name`; an unknown name is a ParameterError listing the known."""
    if name not in REPORTS:
        raise ParameterError(f"no report {name!r}; the reports are {', '.join(REPORTS)}")
    return REPORTS[name]


def check_region(region: str) -> str:
    """A region must be one of the seven (华东 …) or 全国."""
    if region != ALL_REGIONS and region not in REGIONS:
        raise ParameterError(f"region must be one of {', '.join(REGIONS)} or 全国, got {region!r}")
    return region


def check_parameters(name: str, **values: Any) -> None:
    """Validate a report's parameters against its declaration: names, types, region, period."""
    declared = {p.name: p for p in report(name).all_parameters}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise ParameterError(f"{name}: unknown parameter(s) {unknown}; known: {sorted(declared)}")
    for key, value in values.items():
        wanted = declared[key].type
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            raise ParameterError(
                f"{name}: parameter {key} must be {wanted.__name__}, got {value!r}"
            )
    if "region" in values:
        check_region(values["region"])
    if "period" in values:
        parse_period(values["period"])
    if "lang" in values:
        check_lang(values["lang"])
    if "steward_days" in values:
        check_whole("steward_days", values["steward_days"], 0)
    if values.get("churn_days", 0) != 0 or isinstance(values.get("churn_days"), bool):
        check_whole("churn_days (0 = window_days of churn_params)", values["churn_days"], 30)


def notebook_path(name: str, notebook_dir: Path) -> Path:
    """The notebook of a report in `notebook_dir`."""
    return notebook_dir / f"{report(name).name}.ipynb"

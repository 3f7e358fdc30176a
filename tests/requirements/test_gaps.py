"""What the requirement report says it cannot show: no extract, no region, no requirements in the
quarter, an empty optional column, no purchases."""

from __future__ import annotations

from tests.requirements.fixture import PARAMS, QUARTER, Tables, tables
from workbench.profiling.gaps import Gap
from workbench.requirements import tables as views
from workbench.requirements.analysis import analyse_requirements
from workbench.requirements.gaps import REQUIREMENT_PARTS, requirement_gaps


def _gaps(data, region="华东", quarter=QUARTER):
    report = analyse_requirements(data, region, quarter, PARAMS)
    return report, requirement_gaps(data, report)


def test_the_full_fixture_has_no_gap(data):
    assert _gaps(data)[1] == {}


def test_no_requirements_extract():
    empty = tables()["requirements"].iloc[0:0]
    data = Tables(tables(requirements=empty), missing=("requirements",))
    report, gaps = _gaps(data)
    assert gaps == dict.fromkeys(REQUIREMENT_PARTS, Gap("no_table", "requirements"))
    assert views.summary_points(report, "zh", gaps) == [
        "无法展示需求分布分析，因为数据中没有需求分析表文件。"
    ]
    assert views.summary_points(report, "en", gaps) == [
        "Could not show the requirement analysis because the extracts include no requirements file."
    ]


def test_a_region_without_customers_and_one_without_requirements_in_the_quarter(data):
    assert set(_gaps(data, "西北")[1].values()) == {Gap("no_customers", "customers")}
    report, gaps = _gaps(data, "华南", "2023Q1")
    assert gaps["req_requirements"] == Gap("none_in_quarter", "requirements")
    assert "本区域本期没有需求分析表" in views.summary_points(report, "zh", gaps)[0]


def test_requirements_only_from_an_earlier_quarter_keep_the_open_lists(data):
    report, gaps = _gaps(data, "华东", "2025Q1")  # only R21 was raised in 2025Q1
    assert "req_requirements" not in gaps and "req_lists" not in gaps
    report, gaps = _gaps(data, "华南", "2025Q1")  # R20 is still open and overdue
    assert gaps["req_category"] == Gap("none_in_quarter", "requirements")
    assert "req_overdue" not in gaps and report.overdue()["req_id"].tolist() == ["R20"]


def test_an_empty_optional_column_takes_out_its_part_only():
    frame = tables()["requirements"].assign(satisfaction=None, urgency=None)
    report, gaps = _gaps(Tables(tables(requirements=frame)))
    assert gaps == {
        "req_urgency": Gap("no_column", "requirements", ("urgency",)),
        "req_quadrants": Gap("no_column", "requirements", ("urgency",)),
        "req_satisfaction": Gap("no_column", "requirements", ("satisfaction",)),
    }
    assert report.resolution["rated"] == 0
    assert views.gap_note(gaps, "req_satisfaction", "zh") == (
        "无法展示解决后满意度，因为需求分析表中没有「解决后满意度」数据（该列缺失或全部为空）。"
    )


def test_no_purchases_means_no_value_classes():
    orders = tables()["orders"].iloc[0:0]
    report, gaps = _gaps(Tables(tables(orders=orders)))
    assert gaps["req_value_class"] == Gap("no_purchases") == gaps["req_quadrants"]
    assert report.quadrants.set_index("quadrant")["requirements"].to_dict() == {
        "Q1": 0, "Q2": 0, "Q3": 6, "Q4": 9}  # fmt: skip

"""Per-customer fields and segment lists on six hand-made customers (conftest.py)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import yaml
from openpyxl import load_workbook

from workbench.profiling.gaps import Gap
from workbench.segments import tables
from workbench.segments.analysis import (
    segment_counts,
    segment_gaps,
    segment_lists,
    segment_members,
)
from workbench.segments.definitions import load_segments, parse_segments
from workbench.segments.fields import customer_fields
from workbench.value.analysis import analyse_value


def _fields(data):
    return customer_fields(data, analyse_value(data, "华东", "2024Q4")).set_index(
        "customer_id", drop=False
    )


def _segment(rule: str):
    return parse_segments(yaml.safe_load(f"segments:\n  测试:\n{rule}"))[0]


def test_fields_by_hand(six):
    f = _fields(six)
    assert f.loc["S1", ["orders_12m", "revenue_12m", "aov", "abc_class"]].tolist() == [
        2, 500_000.0, 250_000.0, "A"]  # fmt: skip
    assert f.loc["S2", ["aov", "abc_class"]].tolist() == [150_000.0, "B"]
    assert f.loc["S3", "aov"] == 2_500.0 and f.loc["S3", "customer"] == "张**"
    assert math.isnan(f.loc["S4", "aov"]) and f.loc["S4", "orders"] == 1  # 2023 only
    assert f.loc["S5", ["orders_12m", "revenue_12m"]].tolist() == [0, 0.0]
    assert math.isnan(f.loc["S5", "aov"]) and math.isnan(f.loc["S5", "days_since_last_purchase"])
    days = f["last_interaction_days"]
    assert days[["S1", "S2", "S4", "S5", "S6"]].tolist() == [12.0, 153.0, 47.0, 27.0, 91.0]
    assert math.isnan(days["S3"])  # never contacted
    assert f["complaints_90d"].to_dict() == {"S1": 0, "S2": 0, "S3": 0, "S4": 1, "S5": 2, "S6": 0}
    assert f.loc["S6", "days_since_first_purchase"] == 17  # 2024-12-15 → 2025-01-01


def test_the_shipped_segments_by_hand(six):
    f = _fields(six).reset_index(drop=True)
    segments = {s.name: s for s in load_segments()}
    no_contact = segment_members(f, segments["近3个月无跟进"])
    assert no_contact["customer_id"].tolist() == ["S2", "S6", "S3"]  # largest revenue first
    assert segment_members(f, segments["大单A类"])["customer_id"].tolist() == ["S1"]
    assert segment_members(f, segments["近期投诉客户"])["customer_id"].tolist() == ["S4", "S5"]
    key = segment_members(f, segments["重点客户久未跟进"])  # A or B and > 60 days: S2 only
    assert key["customer_id"].tolist() == ["S2"]
    assert "张三丰" not in no_contact.to_string()  # the individual is masked


def test_missing_values_satisfy_only_is_missing(six):
    f = _fields(six).reset_index(drop=True)
    small = _segment("    all:\n      - {field: aov, op: '<=', value: 100000}")
    assert sorted(segment_members(f, small)["customer_id"]) == ["S3", "S6"]  # not S4, S5
    none = _segment("    none:\n      - {field: abc_class, op: in, value: [A, B]}")
    assert sorted(segment_members(f, none)["customer_id"]) == ["S3", "S4", "S5", "S6"]
    has = _segment("    all:\n      - {field: preferences, op: has, value: 性价比}")
    assert sorted(segment_members(f, has)["customer_id"]) == ["S1", "S6"]
    six.customers.loc[six.customers["customer_id"] == "S5", "status"] = None
    f = _fields(six).reset_index(drop=True)
    lost = _segment("    all:\n      - {field: status, op: '!=', value: 流失客户}")
    assert sorted(segment_members(f, lost)["customer_id"]) == ["S1", "S2", "S3", "S6"]  # no S5
    not_a = _segment("    all:\n      - {field: abc_class, op: not in, value: [A]}")
    assert sorted(segment_members(f, not_a)["customer_id"]) == ["S2", "S3", "S4", "S6"]


def test_interaction_segments_are_not_listed_without_interactions(six):
    data = SimpleNamespace(customers=six.customers, orders=six.orders,
                           interactions=six.interactions.iloc[:0],
                           supplied=lambda table: table != "interactions")  # fmt: skip
    segments = load_segments()
    gaps = segment_gaps(data, segments)
    assert gaps == dict.fromkeys(["近3个月无跟进", "重点客户久未跟进", "近期投诉客户"],
                                 Gap("no_table", "interactions"))  # fmt: skip
    fields = _fields(data).reset_index(drop=True)
    assert fields["last_interaction_days"].isna().all()  # unknown, not "never contacted"
    lists = segment_lists(fields, segments, gaps)
    assert "近3个月无跟进" not in lists and lists["大单A类"]["customer_id"].tolist() == ["S1"]
    summary = tables.summary_table(segments, segment_counts(fields, lists), "zh", gaps)
    row = summary.set_index("segment").loc["近3个月无跟进"]
    assert row["description"] == "无法列出分群「近3个月无跟进」，因为数据中没有跟进记录文件。"
    no_type = SimpleNamespace(customers=six.customers, orders=six.orders,
                              interactions=six.interactions.drop(columns="type"))  # fmt: skip
    assert segment_gaps(no_type, segments) == {
        "近期投诉客户": Gap("no_column", "interactions", ("type",))}  # fmt: skip


def test_counts_english_lists_and_the_workbook(six, tmp_path):
    f = _fields(six).reset_index(drop=True)
    segments = load_segments()
    lists = segment_lists(f, segments, segment_gaps(six, segments))
    counts = segment_counts(f, lists).set_index("segment")
    assert counts.loc["大单A类", ["customers", "revenue_12m"]].tolist() == [1, 500_000.0]
    assert counts.loc["大单A类", "revenue_share"] == 500_000 / 735_000
    assert counts.loc["近3个月无跟进", "customer_share"] == 3 / 6
    en = tables.localize(lists["大单A类"], "en")
    assert en.loc[0, "Value class"] in (
        "High value",
        "Medium value",
        "Low value",
        "Potential value",
    )
    assert en.loc[0, "Status"] == "Customer"
    path = tables.export_segments(tmp_path / "segments.xlsx", segments, lists,
                                  segment_counts(f, lists), "en")  # fmt: skip
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["Segments", "No follow-up in 3 months", "Large orders, class A"]
    rows = list(book["No follow-up in 3 months"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Customer ID", "Customer") and [r[1] for r in rows[1:]] == [
        "乙有限公司", "己有限公司", "张**"]  # fmt: skip

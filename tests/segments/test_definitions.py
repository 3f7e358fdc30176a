"""Segment definitions are validated strictly: errors name the segment and the field or
operator; the shipped params/segments.yml loads."""

from __future__ import annotations

import pytest
import yaml

from workbench.core.errors import ParameterError
from workbench.segments.definitions import Condition, Group, load_segments, parse_segments
from workbench.segments.fields import FIELDS


def _one(rule: str) -> dict:
    return yaml.safe_load(f"segments:\n  大单A类:\n{rule}")


def test_the_shipped_segments_load_and_use_known_fields():
    segments = load_segments()
    names = [s.name for s in segments]
    assert names[:2] == ["近3个月无跟进", "大单A类"]
    assert all(s.en for s in segments) and all(set(s.fields()) <= set(FIELDS) for s in segments)
    big = segments[1]
    assert big.rule == Group(
        "all", (Condition("aov", ">", 100000), Condition("abc_class", "==", "A"))
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("    all:\n      - {field: aovv, op: '>', value: 1}", "segment 大单A类: unknown field 'aovv'"),
        ("    all:\n      - {field: aov, op: '=>', value: 1}",
         "segment 大单A类, field aov: unknown operator '=>'"),
        ("    all:\n      - {field: abc_class, op: '>', value: A}",
         "segment 大单A类, field abc_class: operator '>' does not apply to a category field"),
        ("    all:\n      - {field: abc_class, op: '==', value: D}",
         "segment 大单A类, field abc_class: unknown value 'D'; one of A, B, C"),
        ("    all:\n      - {field: aov, op: '>', value: 10万}",
         "segment 大单A类, field aov: value must be a number, got '10万'"),
        ("    all:\n      - {field: abc_class, op: in, value: A}",
         "segment 大单A类, field abc_class: 'in' needs a list of values"),
        ("    all:\n      - {field: aov, op: is missing, value: 0}",
         "segment 大单A类, field aov: 'is missing' takes no value"),
        ("    all:\n      - {field: aov, op: '>', value: 1, unit: 元}",
         r"segment 大单A类: unknown key\(s\) \['unit'\]"),
        ("    alll:\n      - {field: aov, op: '>', value: 1}",
         r"segment 大单A类: unknown key\(s\) \['alll'\]"),
        ("    description: x", "segment 大单A类: needs exactly one of all, any, none"),
        ("    all:\n      - any: []", "segment 大单A类: any needs a list of conditions"),
        ("    all:\n      - {field: tags, op: '==', value: 重点跟进}",
         "field tags: operator '==' does not apply to a list field; use one of has"),
        ("    all:\n      - {field: tags, op: has, value: 重要客户}",
         "field tags: unknown value '重要客户'"),
        ("    all:\n      - {field: region, op: '==', value: 江南}", "unknown value '江南'"),
    ],
)  # fmt: skip
def test_errors_name_the_segment_and_the_field_or_operator(rule, message):
    with pytest.raises(ParameterError, match=message):
        parse_segments(_one(rule))


def test_nested_groups_and_the_file_named_in_errors(tmp_path):
    raw = _one("    any:\n      - {field: aov, op: is missing}\n      - none:\n"
               "          - {field: abc_class, op: in, value: [A, B]}")  # fmt: skip
    (segment,) = parse_segments(raw)
    assert segment.rule.items[1] == Group("none", (Condition("abc_class", "in", ("A", "B")),))
    assert segment.fields() == ("aov", "abc_class")
    path = tmp_path / "segments.yml"
    path.write_text("segment:\n  x: {}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=f"{path}: expected one key, segments"):
        load_segments(path)

"""A table's repeated keys: the later rows are quarantined, naming the row they repeat."""

import pandas as pd

from workbench.extracts.loader import type_extract
from workbench.extracts.schema import TABLES


def test_repeated_customer_ids_name_the_first_row_and_missing_ids_are_no_repeats():
    raw = pd.DataFrame(
        {
            "客户编号": ["C1", " C1 ", "C2", "", "无", "C2", "C3", "", "C1"],
            "客户名称": ["甲", "甲", "乙", "丙", "丁", "乙", "戊", "己", "庚"],
        },
        dtype="str",
    )  # file rows 2–10
    typed, quarantine, _, read = type_extract(raw, TABLES["customers"], source="customers.csv")
    assert read == 9
    assert typed["customer_id"].tolist() == ["C1", "C2", "C3"]
    assert typed["source_row"].tolist() == [2, 4, 8]
    got = quarantine[["row", "reason", "detail"]].values.tolist()
    assert got == [
        [3, "duplicate_key", "same key as row 2"],  # the same id once stripped, other cells
        [5, "missing_required", "required field is empty"],
        [6, "missing_required", "required field is empty"],
        [7, "duplicate_row", "same key as row 4"],
        [9, "missing_required", "required field is empty"],
        [10, "duplicate_key", "same key as row 2"],
    ]


def test_repeats_among_keys_listed_in_order_are_found_the_same_way():
    raw = pd.DataFrame(
        {
            "客户编号": ["C1", "C1", "C2", "无", "C3", "C3", "C3", "C4"],
            "客户名称": ["甲", "甲", "乙", "丙", "丁", "戊", "丁", "己"],
        },
        dtype="str",
    )  # file rows 2–9, ids ascending (as most exports list them) around a missing one
    typed, quarantine, _, _ = type_extract(raw, TABLES["customers"], source="customers.csv")
    assert typed["customer_id"].tolist() == ["C1", "C2", "C3", "C4"]
    assert quarantine[["row", "reason", "detail"]].values.tolist() == [
        [3, "duplicate_row", "same key as row 2"],
        [5, "missing_required", "required field is empty"],
        [7, "duplicate_key", "same key as row 6"],
        [8, "duplicate_row", "same key as row 6"],
    ]

"""Parsing each distinct cell once gives, row by row, what parsing every cell gives."""

import numpy as np
import pandas as pd
import pytest

from workbench.extracts.distinct_cells import (
    categories_of_distinct,
    distinct_cells,
    parse_each_distinct,
)
from workbench.extracts.parsers import (
    parse_amounts,
    parse_dates,
    parse_integers,
    parse_text_flagged,
)

# An order log's date column: few distinct cells, in several shapes, each repeated; one year-last
# date shows the day comes first (13/…), once, among many rows; missing tokens and garbage.
DATES = ["2024-05-01", "2024/5/2", " 2024-05-01 ", "2024年5月3日", "45413", "空", "", "soon",
         "1/2/2024", "13/2/2024", "2024-05-01 08:30:00.500", "2024-02-30"]  # fmt: skip
AMOUNTS = ["1,200.50", "52万", "¥3,000", "-80", "n/a", "abc", "1,2,3", " 99 "]
SCORES = ["5", "4", " 3 ", "4.5", "-", "五", "1e3", ""]


def _repeated(cells: list[str], times: int = 7) -> pd.Series:
    """The cells, each `times` times, shuffled the same way every run."""
    values = np.repeat(np.array(cells, dtype=object), times)
    np.random.default_rng(4).shuffle(values)
    return pd.Series(values, dtype="str", index=pd.RangeIndex(100, 100 + len(values)))


@pytest.mark.parametrize(
    ("parse", "cells"),
    [(parse_dates, DATES), (parse_amounts, AMOUNTS), (parse_integers, SCORES)],
)
def test_each_row_gets_what_parsing_every_cell_gives(parse, cells):
    values = _repeated(cells)
    typed, bad = parse_each_distinct(parse, values)
    expected, expected_bad = parse(values)
    pd.testing.assert_series_equal(typed, expected, check_names=False)
    pd.testing.assert_series_equal(bad, expected_bad, check_names=False, check_dtype=False)
    assert bad.dtype == bool
    assert typed.index.equals(values.index)


def test_dates_land_on_their_own_rows():
    values = _repeated(DATES)
    typed, bad = parse_each_distinct(parse_dates, values)
    at = values.index[values == "13/2/2024"]
    assert (typed[at] == pd.Timestamp("2024-02-13")).all()
    # the day-first order the 13 shows applies to 1/2/2024 too: 1 February
    assert (typed[values.index[values == "1/2/2024"]] == pd.Timestamp("2024-02-01")).all()
    assert (typed[values.index[values == "45413"]] == pd.Timestamp("2024-05-01")).all()
    assert bad[values.index[values.isin(["soon", "2024-02-30"])]].all()
    assert not bad[values.index[values.isin(["空", ""])]].any()
    assert typed[values.index[values.isin(["空", ""])]].isna().all()
    assert int(bad.sum()) == 14


def test_missing_cells_are_one_distinct_cell():
    values = pd.Series(["2024-05-01", None, "2024-05-01", None, "x", None], dtype="str")
    cells, at = distinct_cells(values)
    assert len(cells) == 3 and cells.isna().sum() == 1
    assert cells.iloc[at].isna().tolist() == values.isna().tolist()
    assert at[1] == at[3] == at[5] and at[0] == at[2] != at[4]
    typed, bad = parse_each_distinct(parse_dates, values)
    assert typed.isna().tolist() == [False, True, False, True, True, True]
    assert bad.tolist() == [False, False, False, False, True, False]


def test_mostly_distinct_cells_are_parsed_as_they_are():
    seen = []

    def spy(values):
        seen.append(len(values))
        return parse_dates(values)

    stamps = pd.Series([f"2024-05-01 08:{m:02d}:00" for m in range(40)] * 2, dtype="str")
    parse_each_distinct(spy, stamps)  # 40 distinct of 80: as many as allowed
    days = pd.Series([f"2024-05-{d:02d}" for d in range(1, 29)] * 2 + ["x"], dtype="str")
    parse_each_distinct(spy, days)  # 29 distinct of 57: more than half
    parse_each_distinct(spy, pd.Series(["2024-05-01"] * 3, dtype=object))  # not Arrow text
    assert seen == [40, 57, 3]


def test_categories_are_those_of_the_cleaned_column():
    methods = _repeated([" 支付宝", "支付宝", "微信", "对公转账 ", "空", "=cmd|' /C calc'!A0", "-"])
    coded, risky = categories_of_distinct(parse_text_flagged, methods)
    text, expected_risky = parse_text_flagged(methods)
    pd.testing.assert_series_equal(coded, text.astype("category"), check_names=False)
    assert list(coded.cat.categories) == ["=cmd|' /C calc'!A0", "对公转账", "微信", "支付宝"]
    assert (coded[methods.index[methods == " 支付宝"]] == "支付宝").all()
    assert coded[methods.index[methods.isin(["空", "-"])]].isna().all()
    pd.testing.assert_series_equal(risky, expected_risky, check_names=False)
    assert int(risky.sum()) == 7


def test_a_column_of_distinct_categories_still_comes_out_coded():
    names = pd.Series([f"客户经理{i}" for i in range(10)], dtype="str")
    coded, _ = categories_of_distinct(parse_text_flagged, names)
    assert isinstance(coded.dtype, pd.CategoricalDtype)
    assert coded.astype("str").tolist() == names.tolist()


def test_a_categorical_of_text_is_parsed_by_its_categories():
    seen = []

    def spy(values):
        seen.append(values.tolist())
        return parse_dates(values)

    values = pd.Series(["2024-05-01", None, "soon", "2024/5/2", "2024-05-01", None]).astype(
        pd.CategoricalDtype(pd.Index(["2024-05-01", "2024/5/2", "soon", "空"], dtype="str"))
    )
    typed, bad = parse_each_distinct(spy, values)
    assert seen[0][:4] == ["2024-05-01", "2024/5/2", "soon", "空"] and len(seen[0]) == 5
    assert pd.isna(seen[0][4])  # the rows without a category: one missing cell
    assert typed.tolist()[0] == typed.tolist()[4] == pd.Timestamp("2024-05-01")
    assert typed.tolist()[3] == pd.Timestamp("2024-05-02")
    assert typed.isna().tolist() == [False, True, True, False, False, True]
    assert bad.tolist() == [False, False, True, False, False, False]
    assert typed.index.equals(values.index)

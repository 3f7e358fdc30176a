"""Parse each distinct cell of a column once, and spread the results over its rows.

An export's dates, amounts, scores and categories repeat: 10M order lines hold about 7,000
distinct dates, 130,000 distinct amounts and five payment methods. A CSV's reader gives such
columns as categoricals already (`Table.repeating`); in other text, Arrow's hash encoding finds
the distinct cells in one pass (0.1–0.3 s for 10M). Either way the parsers, whose regexes and
conversions cost about ten times that, see thousands of cells instead of millions, and their
temporaries are as small.

Only for rules that decide each cell by itself (a column-wide decision such as the day/month
order of year-last dates looks at whether some cell shows it, which the distinct cells show as
well). Text whose cells mostly differ (timestamps to the second) is parsed as it is.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.extracts.raw import TEXT

MOST_DISTINCT = 0.5  # more distinct cells than this share of the rows: parsed as they are

Parsed = tuple[pd.Series, pd.Series]


def distinct_cells(values: pd.Series) -> tuple[pd.Series, np.ndarray] | None:
    """A text column's distinct cells (a "str" series, missing included as one of them) and,
    for each row, the position of its cell among them; None for other dtypes, or when more than
    `MOST_DISTINCT` of the cells are distinct."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # a reader's codes (`Table.repeating`)
        return _categorical_cells(values)
    if values.dtype != TEXT or not len(values):
        return None
    text = pa.array(values.array)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    encoded = pc.dictionary_encode(text, null_encoding="encode")
    if len(encoded.dictionary) > MOST_DISTINCT * len(values):
        return None
    dictionary = encoded.dictionary
    if not pa.types.is_large_string(dictionary.type):
        dictionary = dictionary.cast(pa.large_string())
    cells = pd.Series(TEXT.__from_arrow__(dictionary), name=values.name, copy=False)
    return cells, encoded.indices.to_numpy(zero_copy_only=False)


def _categorical_cells(values: pd.Series) -> tuple[pd.Series, np.ndarray] | None:
    """`distinct_cells` of a categorical of text: its categories, and a missing cell after them
    when some row has none; None when the categories are not text."""
    categories = values.cat.categories
    if categories.dtype != TEXT:
        return None
    at = values.cat.codes.to_numpy()
    cells = pd.Series(categories.array, name=values.name, copy=False)
    if (at < 0).any():
        cells = pd.concat([cells, pd.Series([None], dtype=TEXT, name=values.name)])
        cells = cells.reset_index(drop=True)
        at = np.where(at < 0, len(categories), at)
    return cells, at


def parse_each_distinct(parse: Callable[[pd.Series], Parsed], values: pd.Series) -> Parsed:
    """`parse(values)` — (typed cells, a mask) — with each distinct cell parsed once."""
    found = distinct_cells(values)
    if found is None:
        return parse(values)
    cells, at = found
    typed, mask = parse(cells)
    return _spread(typed, at, values), _spread(mask, at, values)


def categories_of_distinct(clean: Callable[[pd.Series], Parsed], values: pd.Series) -> Parsed:
    """`clean(values)` — (text cells, a mask) — as a categorical of the cleaned text, each
    distinct cell cleaned once: what ``.astype("category")`` of the cleaned column gives,
    without the column's text ever being made."""
    found = distinct_cells(values)
    if found is None:
        text, mask = clean(values)
        return text.astype("category"), mask
    cells, at = found
    text, mask = clean(cells)
    coded = pd.Categorical(text)
    column = pd.Categorical.from_codes(coded.codes[at], dtype=coded.dtype)
    return pd.Series(column, index=values.index, name=values.name), _spread(mask, at, values)


def _spread(parsed: pd.Series, at: np.ndarray, like: pd.Series) -> pd.Series:
    """Each row's value from its distinct cell's, on `like`'s index and name."""
    return pd.Series(parsed.array.take(at), index=like.index, name=like.name, copy=False)

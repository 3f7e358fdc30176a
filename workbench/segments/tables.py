"""Saved segments as readers see them: the summary, each customer list with its headers and
category values in the report's language, what cannot be listed and why, the Excel sheets.

Any notebook can show or export segments with these (``segment_sheets`` feeds a report's
workbook; ``export_segments`` writes a workbook of their own). Lists show display names only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler

from workbench.core.labels import is_label, t
from workbench.profiling.gaps import Gap
from workbench.profiling.tables import gap_reason
from workbench.reports.excel import MONEY, PROBABILITY, SHARE, write_workbook
from workbench.reports.safe_html import styled_table
from workbench.segments.definitions import Segment
from workbench.segments.fields import FIELDS, LIST_SEPARATORS

# Columns whose values are words the workbench knows (value classes, statuses, tags …).
_CATEGORIES = ("customer_type", "status", "size", "value_class", "abc_class", "amount_tier")
_MONEY = ("revenue_12m", "monetary", "aov", "clv")
_FORMATS = {**dict.fromkeys(_MONEY, ("{:,.0f}", MONEY)),
            **dict.fromkeys(("customer_share", "revenue_share"), ("{:.1%}", SHARE)),
            "p_alive": ("{:.2f}", PROBABILITY)}  # fmt: skip


def segment_title(segment: Segment, lang: str = "zh") -> str:
    """The segment's name in `lang` (its English name when given, else the name itself)."""
    return t("segment_name", lang, zh=segment.name, en=segment.en or segment.name)


def segment_description(segment: Segment, lang: str = "zh") -> str:
    """What the segment is for, in `lang` when given."""
    return t("segment_name", lang, zh=segment.description,
             en=segment.description_en or segment.description)  # fmt: skip


def value_text(value: object, lang: str = "zh") -> object:
    """A category value in `lang` (高价值 → High value); values without a label as written;
    several values (a tags cell) each translated."""
    if not isinstance(value, str):
        return value
    parts = [p for p in pd.Series([value]).str.split(LIST_SEPARATORS).iloc[0] if p]
    words = [t(f"val_{p}", lang) if is_label(f"val_{p}") else p for p in parts]
    return t("list_sep", lang).join(words) if len(words) > 1 else (words[0] if words else value)


def localize(members: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A customer list (or the summary) with headers and category values in `lang`."""
    out = members.copy()
    for column in (*_CATEGORIES, "tags"):
        if column in out:
            out[column] = out[column].map(lambda v: value_text(v, lang))
    names = {c: t(f"fld_{c}", lang) if is_label(f"fld_{c}") else t(f"sg_{c}", lang)
             for c in out.columns if is_label(f"fld_{c}") or is_label(f"sg_{c}")}  # fmt: skip
    return out.rename(columns=names)


def _formats(frame: pd.DataFrame, lang: str, excel: bool = False) -> dict[str, str]:
    headers = localize(frame.iloc[:0], lang).columns
    return {new: _FORMATS[old][1 if excel else 0]
            for old, new in zip(frame.columns, headers, strict=True) if old in _FORMATS}  # fmt: skip


def shown(frame: pd.DataFrame, lang: str = "zh", top: int | None = None) -> Styler:
    """A customer list or the summary for the notebook, escaped, money with separators."""
    frame = frame.head(top) if top is not None else frame
    return styled_table(localize(frame, lang), _formats(frame, lang))


def summary_table(
    segments: Iterable[Segment], counts: pd.DataFrame, lang: str = "zh",
    gaps: Mapping[str, Gap] | None = None,
) -> pd.DataFrame:  # fmt: skip
    """One row per segment: name and description in `lang`, customers, shares, revenue; a
    segment the data cannot answer has no figures (its description says why)."""
    gaps, by_name = gaps or {}, counts.set_index("segment")
    rows = []
    for segment in segments:
        figures = by_name.loc[segment.name] if segment.name in by_name.index else {}
        description = segment_description(segment, lang)
        if segment.name in gaps:
            description = gap_sentences({segment.name: gaps[segment.name]}, [segment], lang)[0]
        rows.append({"segment": segment_title(segment, lang), "description": description,
                     **{c: figures.get(c) for c in ("customers", "customer_share", "revenue_12m",
                                                    "revenue_share")}})  # fmt: skip
    return pd.DataFrame(rows, columns=["segment", "description", "customers", "customer_share",
                                       "revenue_12m", "revenue_share"])  # fmt: skip


def gap_sentences(gaps: Mapping[str, Gap], segments: Iterable[Segment], lang: str = "zh"
                  ) -> list[str]:  # fmt: skip
    """「无法列出分群「近3个月无跟进」，因为数据中没有跟进记录文件。」 per segment not listed."""
    return [t("segment_gap", lang, segment=segment_title(s, lang), why=gap_reason(gaps[s.name], lang))
            for s in segments if s.name in gaps]  # fmt: skip


def segment_sheets(
    segments: Iterable[Segment], lists: Mapping[str, pd.DataFrame], counts: pd.DataFrame,
    lang: str = "zh", gaps: Mapping[str, Gap] | None = None,
) -> dict[str, pd.DataFrame]:  # fmt: skip
    """Localized sheets: the summary, then one customer list per segment listed."""
    segments = tuple(segments)
    sheets = {t("sheet_segments", lang): localize(summary_table(segments, counts, lang, gaps),
                                                  lang)}  # fmt: skip
    for segment in segments:
        if segment.name in lists:
            sheets[segment_title(segment, lang)] = localize(lists[segment.name], lang)
    return sheets


def sheet_formats(lists: Mapping[str, pd.DataFrame], lang: str = "zh") -> dict[str, str]:
    """Excel number formats of the localized list and summary headers."""
    frames = [*lists.values(), pd.DataFrame(columns=list(_FORMATS))]
    return {k: v for frame in frames for k, v in _formats(frame, lang, excel=True).items()}


def export_segments(
    path: str | Path, segments: Iterable[Segment], lists: Mapping[str, pd.DataFrame],
    counts: pd.DataFrame, lang: str = "zh", gaps: Mapping[str, Gap] | None = None,
) -> Path:  # fmt: skip
    """The segments' summary and lists as a workbook of their own (from any notebook)."""
    sheets = segment_sheets(segments, lists, counts, lang, gaps)
    return write_workbook(path, sheets, sheet_formats(lists, lang))


def field_names(lang: str = "zh") -> pd.DataFrame:
    """The fields segments may use, with their header in `lang` and their kind (the reference
    table of docs/segments.md)."""
    return pd.DataFrame([{"field": name, "name": t(f"fld_{name}", lang), "kind": spec.kind}
                         for name, spec in FIELDS.items()])  # fmt: skip

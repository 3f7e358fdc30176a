"""Industry (所属行业) mapped to the national classification GB/T 4754-2017.

The standard ships as data (`workbench/data/gbt4754_2017.csv`: 20 sections A–T, 97 divisions),
with the free-text aliases users type (`industry_aliases.csv`) and keywords found in a main
business or a company name (`industry_keywords.csv`).

Written form (the convention): ``<section_name>-<division_name>``, e.g. 制造业-专用设备制造业,
批发和零售业-批发业. Two exceptions write the division name alone: section I
(信息传输、软件和信息技术服务业), whose name is the list of its divisions and whose divisions are
known by their own names (软件和信息技术服务业, 互联网和相关服务, as in domain.md §1); and
divisions whose name is the section's name (房地产业, 教育, 国际组织). A value that names only a
section (制造业) is written as the section name, with no division.

Coarse aliases (制造, 科技行业, 贸易 …) carry a scope: keywords in the customer's main business
(then its name) choose the division within that scope; without one the alias's default holds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.cleaning.audit import Audit
from workbench.cleaning.normalise import log_changes, with_columns

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BARE_SECTIONS = frozenset({"I"})  # sections whose divisions are written without the section
_SUFFIXES = ("行业", "领域", "产业", "类")
_CODE = re.compile(r"([a-t])?-?([0-9]{2})([0-9]{1,2})?")
_CODE_PREFIX = re.compile(r"([a-t]?-?[0-9]{2,4})-?(.+)")


def _data(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8")


@cache
def classification() -> pd.DataFrame:
    """GB/T 4754-2017 sections and divisions, plus the written `label` of each division."""
    table = _data("gbt4754_2017.csv")
    bare = table["section"].isin(BARE_SECTIONS) | table["division_name"].eq(table["section_name"])
    table["label"] = table["division_name"].where(
        bare, table["section_name"] + "-" + table["division_name"]
    )
    return table


@cache
def aliases() -> pd.DataFrame:
    """Free-text aliases: alias, division (default), scope (divisions or sections), note."""
    return _data("industry_aliases.csv")


@cache
def keywords() -> pd.DataFrame:
    """Words of a main business or company name that point at a division."""
    return _data("industry_keywords.csv")


@dataclass(frozen=True)
class Resolution:
    """What one written value means: a division, or a section, plus a scope to refine within."""

    division: str | None = None
    section: str | None = None
    scope: tuple[str, ...] = ()  # division codes keywords may choose among


def _key(text: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"[—–\-_/|>·~]+", "-", text).strip("-")


def _without_ye(name: str) -> str | None:
    return name[:-1] if name.endswith("业") and len(name) >= 3 else None


@cache
def _lookups() -> tuple[dict[str, Resolution], dict[str, Resolution], dict[str, Resolution]]:
    """(exact standard names, aliases, derived variants such as names without 业)."""
    table = classification()
    divisions_of = table.groupby("section")["division"].apply(tuple).to_dict()
    section_of = dict(zip(table["division"], table["section"], strict=True))
    exact: dict[str, Resolution] = {}
    derived: dict[str, Resolution] = {}
    for row in table.itertuples():
        found = Resolution(row.division, row.section)
        for text in (row.label, f"{row.section_name}-{row.division_name}", row.division_name):
            exact[_key(text)] = found
        short = _without_ye(row.division_name)
        if short:
            derived.setdefault(_key(short), found)
            derived.setdefault(_key(f"{row.section_name}-{short}"), found)
    for section, name in table.groupby("section")["section_name"].first().items():
        found = Resolution(None, section, divisions_of[section])
        exact.setdefault(_key(name), found)
        short = _without_ye(name)
        if short:
            derived.setdefault(_key(short), found)

    def scope(text: str) -> tuple[str, ...]:
        parts = [p for p in text.split("|") if p]
        return tuple(d for p in parts for d in (divisions_of.get(p) or (p,)))

    alias: dict[str, Resolution] = {}
    for row in aliases().itertuples():
        within = scope(row.scope)
        section = section_of.get(row.division) or (row.scope if row.scope in divisions_of else None)
        alias[_key(row.alias)] = Resolution(row.division or None, section, within)
    return exact, alias, derived


@cache
def _divisions() -> pd.DataFrame:
    return classification().set_index("division")


def _by_code(key: str) -> Resolution | None:
    match = _CODE.fullmatch(key)
    if not match:
        return None
    table = _divisions()
    letter, division = match.group(1), match.group(2)
    if division not in table.index or (letter and table.at[division, "section"].lower() != letter):
        return None
    return Resolution(division, table.at[division, "section"])


def _by_name(key: str) -> Resolution | None:
    exact, alias, derived = _lookups()
    for candidate in (key, *(key[: -len(s)] for s in _SUFFIXES if key.endswith(s) and key != s)):
        for table in (exact, alias, derived):
            if candidate in table:
                return table[candidate]
    return None


def resolve(text: str) -> Resolution | None:
    """What a written industry means: standard name, code (65, I65, 6510), alias or keyword."""
    key = _key(text)
    if not key:
        return None
    found = _by_name(key) or _by_code(key)
    if found is None and (match := _CODE_PREFIX.fullmatch(key)):  # C35专用设备制造业
        found = _by_name(match.group(2)) or _by_code(match.group(1))
    if found is None and "-" in key:  # 制造业-机械 → the most specific part that resolves
        found = next(filter(None, (_by_name(p) for p in reversed(key.split("-")))), None)
    if found is None:
        division = _keyword_divisions(pd.Series([key], dtype="str"), None).iat[0]
        found = Resolution(division, _section_of(division)) if pd.notna(division) else None
    return found


def _section_of(division: str) -> str:
    return _divisions().at[division, "section"]


def _keyword_divisions(texts: pd.Series, scope: tuple[str, ...] | None) -> pd.Series:
    """The division of the last keyword found in each text (the activity is written last:
    电子产品批发 is 批发); <NA> where none. `scope` limits the keywords to those divisions."""
    words = keywords()
    if scope is not None:
        words = words[words["division"].isin(scope)]
    if words.empty or texts.empty:
        return pd.Series(pd.NA, index=texts.index, dtype="str")
    ordered = sorted(words["keyword"], key=len, reverse=True)
    pattern = "|".join(re.escape(w.lower()) for w in ordered)
    found = texts.astype("str").str.normalize("NFKC").str.lower().str.findall(pattern)
    last = found.str[-1]
    mapping = dict(zip(words["keyword"].str.lower(), words["division"], strict=True))
    return last.map(mapping).astype("str")


def _refine(resolved: pd.DataFrame, hints: list[pd.Series]) -> pd.Series:
    """Division per row: a keyword of the hints within the row's scope, else the default."""
    division = resolved["division"].to_numpy(dtype=object).copy()
    scopes = resolved["scope"].to_numpy(dtype=object)
    texts = [hint.to_numpy(dtype=object) for hint in hints]
    for scope in pd.unique(scopes[scopes != ""]):
        rows = np.flatnonzero(scopes == scope)
        chosen = np.full(len(rows), None, dtype=object)
        for text in texts:
            todo = pd.isna(chosen) & pd.notna(text[rows])
            if todo.any():
                written = pd.Series(text[rows][todo], dtype="str")
                uniques = pd.Series(written.unique(), dtype="str")
                found = _keyword_divisions(uniques, tuple(scope.split("|"))).astype(object)
                chosen[todo] = written.map(dict(zip(uniques, found, strict=True))).to_numpy()
        hit = pd.notna(chosen)
        division[rows[hit]] = chosen[hit]
    return pd.Series(division, index=resolved.index, dtype=object)


def classify(values: pd.Series, hints: list[pd.Series] | None = None) -> pd.DataFrame:
    """Per value: canonical `industry`, `industry_section` (C 制造业), `industry_division` (35)
    and `known` (False for present values that cannot be mapped; those keep their text)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    found = [resolve(str(u)) for u in uniques]  # unique values only
    missing = Resolution()  # the last row stands for missing values (code -1)
    per_value = pd.DataFrame(
        {
            "division": [f.division for f in (*(f or missing for f in found), missing)],
            "section": [f.section for f in (*(f or missing for f in found), missing)],
            "scope": ["|".join(f.scope) for f in (*(f or missing for f in found), missing)],
            "known": [f is not None for f in found] + [True],
        },
        dtype=object,
    )
    rows = per_value.iloc[np.where(codes < 0, len(found), codes)].set_axis(values.index)
    division = _refine(rows, hints or []).astype("str")
    names = _divisions()
    section = division.map(names["section"]).fillna(rows["section"]).astype("str")
    section_names = classification().groupby("section")["section_name"].first()
    label = division.map(names["label"]).fillna(section.map(section_names))
    known = rows["known"].astype(bool)
    return pd.DataFrame(
        {
            "industry": label.where(known & values.notna(), values).astype("str"),
            "industry_section": (section + " " + section.map(section_names)).astype("str"),
            "industry_division": division,
            "known": known,
        }
    )


def map_industry(customers: pd.DataFrame, audit: Audit) -> pd.DataFrame:
    """Industry to its GB/T 4754-2017 name plus `industry_section` and `industry_division`.

    Changes are logged (`industry_map`); values that cannot be mapped stay as written and are
    flagged (`unknown_industry`). Coarse values are refined by main business, then name.
    """
    if "industry" not in customers:
        return customers.copy(deep=False)
    hints = [customers[c] for c in ("main_business", "name") if c in customers]
    result = classify(customers["industry"], hints)
    log_changes(audit, "customers", customers, "industry", result["industry"], "industry_map")
    audit.flag(
        "customers", customers, ~result["known"], "industry", "unknown_industry",
        "无法对应到国民经济行业分类 GB/T 4754-2017，保留原值 (cannot map to GB/T 4754-2017)",
    )  # fmt: skip
    columns = ("industry", "industry_section", "industry_division")
    return with_columns(customers, **{c: result[c] for c in columns})

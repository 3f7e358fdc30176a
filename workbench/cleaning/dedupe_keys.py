"""Matching keys for customer de-duplication, computed from raw (not yet normalised) customers.

`match_keys` turns each customer row into comparable keys: the USCC and the ID number (upper-
cased, 18 characters or nothing), the phone reduced to digits (country code 86/0086 removed,
mobiles to 11 digits, landlines keeping their area code: ``(010)62345678`` = ``+86 10 62345678``
= ``010-62345678``), the person's name (NFKC, simplified characters, no spaces) and, for every
record that is not an individual, the parts of its company name (`company_names.company_parts`:
core, brand, trade, the place the name states, branch), so 北京華為技術有限公司 → core 华为技术,
brand 华为, trade 技术, name_city 北京. The type is the stated one or, when empty, the inferred one
(as `customer_type.customer_kinds` infers it); a record of unknown type is compared with either kind.
A city named in the company name stands in for an empty city column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.cleaning.company_names import (
    company_parts,
    extract_groups,
    looks_like_company,
    normal_text,
    trades_agree,
)
from workbench.cleaning.customer_type import (
    ENTERPRISE,
    PERSON,
    blank_to_na,
    code_key,
    kind_from_evidence,
    stated_types,
)
from workbench.cleaning.text import nfkc
from workbench.core.geography import canonical_province, short_province

_SPACE = "[ \t\r\n\x0b\x0c\xa0\u3000]+"


def phone_key(values: pd.Series) -> pd.Series:
    """Digits of a phone with the 86/0086 country code removed; mobile → 11 digits, landline → 0…

    ``+86 138 0013 8000``, ``138-0013-8000`` and ``8613800138000`` give 13800138000;
    ``(010)62345678``, ``010 62345678`` and ``+86 10 62345678`` give 01062345678.
    """
    digits = nfkc(blank_to_na(values)).str.replace("[^0-9]+", "", regex=True)
    length = digits.str.len()
    cut = digits.str.startswith("0086").astype(bool) * 4
    cut = cut.where(cut > 0, (digits.str.startswith("86").astype(bool) & length.ge(12)) * 2)
    national = digits.str[4:].where(cut.eq(4), digits.str[2:].where(cut.eq(2), digits))
    had_country = cut.gt(0)
    mobile = extract_groups(national, "^0?(?P<m>1[3-9][0-9]{9})$")["m"].rename(national.name)
    landline = national.where(~had_country | national.str.startswith("0", na=False), "0" + national)
    key = mobile.fillna(landline)
    return key.where(key.str.len().ge(7))


def person_key(values: pd.Series, normalised: bool = False) -> pd.Series:
    """A person's name for exact comparison: NFKC, simplified characters, whitespace removed
    (`normalised`: the values already went through `company_names.normal_text`)."""
    text = values.astype("str") if normalised else normal_text(blank_to_na(values))
    text = text.str.replace(_SPACE, "", regex=True)
    return text.where(text.str.len().gt(0))


def short_city(values: pd.Series) -> pd.Series:
    """City column → short form (杭州市 → 杭州); missing stays missing."""
    text = nfkc(blank_to_na(values)).str.replace(_SPACE, "", regex=True)
    suffixed = text.str.endswith("市").astype(bool) & text.str.len().gt(2)
    return text.str[:-1].where(suffixed, text).where(text.str.len().gt(0))


def short_province_of(values: pd.Series) -> pd.Series:
    """Province column → short form (浙江省 / 浙江 → 浙江); unknown or missing → missing."""
    text = blank_to_na(values)
    lookup = {}
    for value in pd.unique(text.dropna()):  # over the few distinct values, not the rows
        full = canonical_province(value)
        lookup[value] = short_province(full) if full else None
    return text.map(lookup).astype("str")


def match_keys(customers: pd.DataFrame) -> pd.DataFrame:
    """All matching keys of every customer, one row per customer row (same index).

    Columns: customer_id, kind, uscc, id_number, phone, person, core, brand, trade, name_city,
    name_province, branch, city, province (city and province: the columns, else the name's).
    """

    def col(name: str) -> pd.Series:
        if name in customers.columns:
            return customers[name]
        return pd.Series(pd.NA, index=customers.index, dtype="str")

    names = normal_text(blank_to_na(col("name")))
    uscc, idn = code_key(col("uscc")), code_key(col("id_number"))
    kind = stated_types(col("customer_type"))
    unknown = kind.isna().to_numpy()
    if unknown.any():  # inferred only where no type is stated: after cleaning, few records
        has_uscc, has_id = uscc.notna()[unknown], idn.notna()[unknown]
        company = looks_like_company(names[unknown], normalised=True)
        inferred = np.full(len(kind), None, dtype=object)
        inferred[unknown] = kind_from_evidence(company, has_uscc, has_id).to_numpy(dtype=object)
        kind = kind.mask(unknown, inferred)
    company = ~kind.eq(PERSON).fillna(False).astype(bool)
    parts = company_parts(names[company], normalised=True).reindex(customers.index)
    keys = pd.DataFrame(
        {
            "customer_id": col("customer_id").astype("str").str.strip(),
            "kind": kind,
            "uscc": uscc,
            "id_number": idn,
            "phone": phone_key(col("phone")),
            "person": person_key(names, normalised=True).where(~kind.eq(ENTERPRISE).fillna(False)),
        },
        index=customers.index,
    )
    keys = keys.join(parts.astype("str"))
    keys["city"] = short_city(col("city")).fillna(keys["name_city"])
    keys["province"] = short_province_of(col("province")).fillna(keys["name_province"])
    return keys


def customer_keys(customers: pd.DataFrame) -> CodedKeys:
    """`match_keys` of the customers, coded, one row per customer by position (0, 1, …)."""
    return CodedKeys(match_keys(customers).reset_index(drop=True))


class CodedKeys:
    """The match keys plus integer codes of each key column (-1 = missing), for fast pair tests.

    `frame` keeps the text of the keys the matcher reads as text (`TEXT`); the others are held
    as their codes alone: at 1M customers the keys take about 0.15 GB less while the pairs are
    scored, the cleaning's peak."""

    CODED = ("uscc", "id_number", "kind", "person", "core", "brand", "trade", "city", "province",
             "name_city", "name_province")  # fmt: skip
    TEXT = ("customer_id", "kind", "uscc", "id_number", "phone", "core", "brand", "trade", "city")

    def __init__(self, frame: pd.DataFrame) -> None:
        self.code = {c: _codes(frame[c]) for c in self.CODED}
        # a head office (no branch) is a value of its own: it differs from any branch
        self.code["branch"] = _codes(frame["branch"].fillna(""))
        self.frame = frame[list(self.TEXT)]

    def agree(self, column: str, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(both known and equal, both known and different) for each pair (i, j)."""
        a, b = self.code[column][i], self.code[column][j]
        known = (a >= 0) & (b >= 0)
        return known & (a == b), known & (a != b)

    def no_conflict(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """False where both records carry a USCC or an ID number and they differ."""
        return ~(self.agree("uscc", i, j)[1] | self.agree("id_number", i, j)[1])

    def names_conflict(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """True where the names state different places, branches or trades (科技 vs 贸易)."""
        bad = self.agree("name_city", i, j)[1] | self.agree("name_province", i, j)[1]
        bad |= self.agree("branch", i, j)[1]
        return bad | ~self.trades_agree(i, j)

    def trades_agree(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """False where both names have a trade and they are not one trade (`trades_agree`)."""
        _, differ = self.agree("trade", i, j)
        out = np.ones(len(i), dtype=bool)
        if not differ.any():
            return out
        a, b = self.code["trade"][i[differ]], self.code["trade"][j[differ]]
        combos = pd.DataFrame({"a": a, "b": b})
        unique = combos.drop_duplicates()
        names = pd.Index(pd.factorize(self.frame["trade"])[1])
        ok = [trades_agree(names[x], names[y]) for x, y in unique.itertuples(index=False)]
        verdict = pd.Series(ok, index=pd.MultiIndex.from_frame(unique))
        out[differ] = verdict.reindex(pd.MultiIndex.from_frame(combos)).to_numpy(dtype=bool)
        return out

    def compatible(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """No USCC/ID conflict, no conflicting names, and neither the cities nor the provinces
        (columns, else those the names state) contradict each other."""
        ok = self.no_conflict(i, j) & ~self.names_conflict(i, j)
        for column in ("city", "province"):
            ok &= ~self.agree(column, i, j)[1]
        return ok


def _codes(values: pd.Series) -> np.ndarray:
    """Integer codes of a key's values (-1 = missing), 4 bytes a row: a key never has 2**31
    distinct values."""
    return pd.factorize(values)[0].astype(np.int32, copy=False)

"""Matching keys for customer de-duplication, computed from raw (not yet normalised) customers.

`match_keys` turns each customer row into comparable keys: the USCC and the ID number (upper-
cased, 18 characters or nothing), the phone reduced to digits (country code 86/0086 removed,
mobiles to 11 digits, landlines keeping their area code: ``(010)62345678`` = ``+86 10 62345678``
= ``010-62345678``), the person's name (NFKC, no spaces) and, for enterprises, the core of the
company name: NFKC, brackets and punctuation removed, legal suffixes (有限公司, 股份有限公司, 集团 …)
and a leading province/city (北京, 广东省, 深圳市 …) stripped, so 北京华为技术有限公司 → 华为技术.
A city named in the company name (the prefix or ``（北京）``) stands in for an empty city column.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from workbench.core.geography import PROVINCE_REGION, canonical_province, short_province
from workbench.extracts.parsers import missing_mask

ENTERPRISE, PERSON = "企业", "个人"
# Major cities whose names open company names. Prefecture cities whose names are also common
# trade names (安阳, 信阳, 德阳, 安康 …) are left out on purpose: stripping them would eat the name.
_MAJOR_CITY_NAMES = """
    北京 上海 天津 重庆 石家庄 唐山 保定 邯郸 廊坊 沧州 太原 大同 呼和浩特 包头 鄂尔多斯 沈阳 大连 鞍山 抚顺 长春 吉林 哈尔滨 大庆 齐齐哈尔 南京 苏州 无锡 常州 南通 徐州 扬州 镇江 杭州
    宁波 温州 嘉兴 绍兴 金华 台州 湖州 合肥 芜湖 蚌埠 福州 厦门 泉州 漳州 南昌 九江 赣州 济南 青岛
    烟台 潍坊 淄博 临沂 济宁 郑州 洛阳 开封 新乡 南阳 武汉 宜昌 襄阳 荆州 长沙 株洲 湘潭 衡阳 岳阳
    广州 深圳 佛山 东莞 珠海 中山 惠州 汕头 江门 湛江 南宁 柳州 桂林 海口 三亚 成都 绵阳 宜宾 贵阳
    遵义 昆明 曲靖 拉萨 西安 宝鸡 咸阳 榆林 兰州 天水 西宁 银川 乌鲁木齐 克拉玛依 喀什 香港 澳门
    台北"""
MAJOR_CITIES: tuple[str, ...] = tuple(_MAJOR_CITY_NAMES.split())
# Legal forms at the end of a name, in any combination (集团有限公司, 股份有限公司 …).
_LEGAL_SUFFIX = re.compile(
    r"(?:股份有限公司|有限责任公司|集团有限公司|有限公司|股份公司|责任公司|集团|公司)+$"
)
_BRACKETED = r"[(\[【〔]([^)\]】〕]*)[)\]】〕]"
# Patterns avoid \s, \W, \d and lookarounds so pandas runs them in pyarrow (RE2), not per row.
_SPACE = "[ \t\r\n\x0b\x0c\xa0\u3000]+"
_NOT_NAME_CHAR = "[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+"  # all but ASCII alnum and CJK
_ENTERPRISE_TYPE = "企业|公司|单位|机构|enterprise|company|business|b2b"
_PERSON_TYPE = "个人|自然人|person|individual|consumer|b2c"
_MIN_CORE = 2  # a city prefix is stripped only if at least this much name remains


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


def _place_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Every written form of a province and of a major city → its short form.

    Municipalities and SARs (北京市, 香港特别行政区) count as cities, not provinces.
    """
    municipal = [p for p in PROVINCE_REGION if p.endswith(("市", "特别行政区"))]
    provinces = {p: short_province(p) for p in PROVINCE_REGION if p not in municipal}
    provinces |= {short: short for short in provinces.values()}
    cities = {c: c for c in MAJOR_CITIES} | {c + "市": c for c in MAJOR_CITIES}
    cities |= {p: short_province(p) for p in municipal}
    return provinces, cities


_PROVINCE_FORMS, _CITY_FORMS = _place_tables()
# A short province name right before 市 is a city of the same name (吉林市), not the province.
_PROVINCE_RE = "|".join(
    re.escape(form) + ("" if form.endswith(("省", "区")) else "(?!市)")
    for form in sorted(_PROVINCE_FORMS, key=len, reverse=True)
)
_PLACE_PREFIX = re.compile(
    f"^(?P<province>{_PROVINCE_RE})?(?P<city>{_alternation(list(_CITY_FORMS))})?(?P<rest>.*)$"
)


def blank_to_na(values: pd.Series) -> pd.Series:
    """Text with empty cells and 'no value' tokens (空, N/A, nan …) as missing."""
    text = values.astype("str").str.strip()
    return text.mask(missing_mask(values) | text.eq(""))


def code_key(values: pd.Series) -> pd.Series:
    """USCC / ID-number key: NFKC, spaces removed, upper-cased; only 18-character values."""
    text = blank_to_na(values).str.normalize("NFKC").str.replace(_SPACE, "", regex=True)
    text = text.str.upper()
    return text.where(text.str.len().eq(18))


def phone_key(values: pd.Series) -> pd.Series:
    """Digits of a phone with the 86/0086 country code removed; mobile → 11 digits, landline → 0…

    ``+86 138 0013 8000``, ``138-0013-8000`` and ``8613800138000`` give 13800138000;
    ``(010)62345678``, ``010 62345678`` and ``+86 10 62345678`` give 01062345678.
    """
    digits = blank_to_na(values).str.normalize("NFKC").str.replace("[^0-9]+", "", regex=True)
    length = digits.str.len()
    cut = digits.str.startswith("0086").astype(bool) * 4
    cut = cut.where(cut > 0, (digits.str.startswith("86").astype(bool) & length.ge(12)) * 2)
    national = digits.str[4:].where(cut.eq(4), digits.str[2:].where(cut.eq(2), digits))
    had_country = cut.gt(0)
    mobile = national.str.extract("^0?(1[3-9][0-9]{9})$", expand=False)
    landline = national.where(~had_country | national.str.startswith("0", na=False), "0" + national)
    key = mobile.fillna(landline)
    return key.where(key.str.len().ge(7))


def person_key(values: pd.Series) -> pd.Series:
    """A person's name for exact comparison: NFKC, whitespace removed."""
    text = blank_to_na(values).str.normalize("NFKC").str.replace(_SPACE, "", regex=True)
    return text.where(text.str.len().gt(0))


def short_city(values: pd.Series) -> pd.Series:
    """City column → short form (杭州市 → 杭州); missing stays missing."""
    text = blank_to_na(values).str.normalize("NFKC").str.replace(_SPACE, "", regex=True)
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


def company_core(names: pd.Series) -> pd.DataFrame:
    """Core of each company name plus the province and city the name itself states.

    Returns columns core, name_province, name_city (short forms; missing when not stated).
    """
    text = blank_to_na(names).str.normalize("NFKC").str.lower()
    bracket = text.str.extract(_BRACKETED, expand=False).str.strip()
    text = text.str.replace(_BRACKETED, "", regex=True).str.replace(_NOT_NAME_CHAR, "", regex=True)
    text = text.str.replace(_LEGAL_SUFFIX, "", regex=True)
    parts = text.str.extract(_PLACE_PREFIX)
    stripped = parts["rest"].str.replace(_LEGAL_SUFFIX, "", regex=True)
    keep = stripped.str.len().ge(_MIN_CORE)
    core = stripped.where(keep, text)
    province = parts["province"].map(_PROVINCE_FORMS).where(keep)
    city = parts["city"].map(_CITY_FORMS).where(keep)
    bracket_city = bracket.map(_CITY_FORMS)
    bracket_province = bracket.map(_PROVINCE_FORMS)
    return pd.DataFrame(
        {
            "core": core.where(core.str.len().gt(0)),
            "name_province": province.fillna(bracket_province),
            "name_city": city.fillna(bracket_city),
        },
        index=names.index,
    )


def customer_kind(customers: pd.DataFrame, uscc: pd.Series, id_number: pd.Series) -> pd.Series:
    """企业 / 个人 per row; an empty type is inferred from a USCC, a legal suffix or an ID number."""
    if "customer_type" in customers:
        text = blank_to_na(customers["customer_type"]).str.lower()
        kind = pd.Series(pd.NA, index=customers.index, dtype="str")
        kind = kind.mask(text.str.contains(_PERSON_TYPE, na=False), PERSON)
        kind = kind.mask(text.str.contains(_ENTERPRISE_TYPE, na=False), ENTERPRISE)
    else:
        kind = pd.Series(pd.NA, index=customers.index, dtype="str")
    name = blank_to_na(customers["name"]).str.normalize("NFKC")
    looks_company = name.str.contains(r"(?:公司|集团|厂|中心|事务所)$", regex=True, na=False)
    inferred = pd.Series(pd.NA, index=customers.index, dtype="str")
    inferred = inferred.mask(id_number.notna(), PERSON).mask(
        uscc.notna() | looks_company, ENTERPRISE
    )
    return kind.fillna(inferred)


def match_keys(customers: pd.DataFrame) -> pd.DataFrame:
    """All matching keys of every customer, one row per customer row (same index).

    Columns: customer_id, kind, uscc, id_number, phone, person, core, city, province.
    """
    cols = customers.columns

    def col(name: str) -> pd.Series:
        if name in cols:
            return customers[name]
        return pd.Series(pd.NA, index=customers.index, dtype="str")

    uscc, idn = code_key(col("uscc")), code_key(col("id_number"))
    kind = customer_kind(customers, uscc, idn)
    enterprise = kind.eq(ENTERPRISE).fillna(False)
    names = company_core(col("name")[enterprise])
    keys = pd.DataFrame(
        {
            "customer_id": col("customer_id").astype("str").str.strip(),
            "kind": kind,
            "uscc": uscc,
            "id_number": idn,
            "phone": phone_key(col("phone")),
            "person": person_key(col("name")).where(~enterprise),
            "core": names["core"].reindex(customers.index),
        },
        index=customers.index,
    )
    city = short_city(col("city"))
    province = short_province_of(col("province"))
    keys["city"] = city.fillna(names["name_city"].reindex(customers.index))
    keys["province"] = province.fillna(names["name_province"].reindex(customers.index))
    return keys


class CodedKeys:
    """The match keys plus integer codes of each key column (-1 = missing), for fast pair tests."""

    CODED = ("uscc", "id_number", "kind", "person", "core", "city", "province")

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.code = {c: pd.factorize(frame[c])[0] for c in self.CODED}

    def agree(self, column: str, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(both known and equal, both known and different) for each pair (i, j)."""
        a, b = self.code[column][i], self.code[column][j]
        known = (a >= 0) & (b >= 0)
        return known & (a == b), known & (a != b)

    def no_conflict(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """False where both records carry a USCC or an ID number and they differ."""
        return ~(self.agree("uscc", i, j)[1] | self.agree("id_number", i, j)[1])

    def compatible(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """No USCC/ID conflict and neither the cities nor the provinces contradict each other."""
        ok = self.no_conflict(i, j)
        for column in ("city", "province"):
            ok &= ~self.agree(column, i, j)[1]
        return ok

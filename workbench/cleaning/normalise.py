"""Format rules (格式统一): phones, names, e-mails, identifiers, categorical values, company size.

Each rule takes a frame and the audit log and returns a new frame; every changed cell is an
audit row, and values a rule cannot settle are left as written and flagged. The work is
vectorised: regexes over whole columns, and the slow paths (phonenumbers, vocabulary lookups)
only over the unique values the fast paths leave.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache

import numpy as np
import pandas as pd
import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from workbench.cleaning.audit import Audit
from workbench.cleaning.settings import SizeBands
from workbench.cleaning.text import nfkc
from workbench.cleaning.vocabulary import VOCABULARIES, Vocabulary, canonical_values
from workbench.extracts.loader import type_extract
from workbench.extracts.schema import TABLES
from workbench.extracts.whitespace import SPACE_CHARS, WHITESPACE

PHONE_KINDS = ("mobile", "landline", "service", "invalid", "missing")
MOBILE = r"1[3-9][0-9]{9}"
# Mainland fixed-line numbers (without the trunk 0) as phonenumbers validates them.
FIXED_LINE = phonenumbers.PhoneMetadata.metadata_for_region("CN").fixed_line.national_number_pattern
# The plain landline pattern: 0AA-NNNNNNNN (010, 02x) or 0AAA-NNNNNNN(N). The local length is
# not checked per city (cities moved from 7 to 8 digits at different times); the area code is.
PLAIN_LANDLINE = r"(10|2[0-9])[2-9][0-9]{7}|([3-9][0-9]{2})[2-9][0-9]{6,7}"
_SEPARATORS = rf"[{SPACE_CHARS}\-–—()\[\].]"  # \s as SPACE_CHARS: pandas gives it to pyarrow
_EXTENSION = re.compile(r"^(.*?[0-9)])\s*(?:转|分机|ext\.?|x|#|-)\s*([0-9]{1,6})$", re.IGNORECASE)
_LABELS = re.compile(r"^[\u4e00-\u9fff:：\s]+|[\u4e00-\u9fff:：\s()（）]+$")
_SERVICE_TYPES = (
    PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST, PhoneNumberType.UAN,
    PhoneNumberType.PREMIUM_RATE, PhoneNumberType.VOIP, PhoneNumberType.PERSONAL_NUMBER,
)  # fmt: skip
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff（）"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_HAS_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"


def with_columns(frame: pd.DataFrame, **columns: pd.Series) -> pd.DataFrame:
    """A new frame with `columns` replaced or added; the input frame is left untouched."""
    out = frame.copy(deep=False)  # copy-on-write: assigning columns never reaches `frame`
    for name, values in columns.items():
        out[name] = values
    return out


def log_changes(
    audit: Audit, table: str, frame: pd.DataFrame, column: str, new: pd.Series, rule: str
) -> None:
    """Log changed cells only (record_changes on the changed rows keeps 10M-row columns cheap)."""
    old = frame[column]
    if isinstance(old.dtype, pd.CategoricalDtype) or isinstance(new.dtype, pd.CategoricalDtype):
        changed = _coded_changes(old, new)
    else:
        same = (old == new).fillna(False) | (old.isna() & new.isna())
        changed = ~same.to_numpy(dtype=bool)
    if changed.any():
        audit.record_changes(table, frame.loc[changed], column, new[changed], rule)


def _coded_changes(old: pd.Series, new: pd.Series) -> np.ndarray:
    """Where `new` differs from `old` (missing = missing), either of them a categorical: each
    distinct pair of codes is compared once, so 10M rows cost a factorize, not 10M strings."""
    a, b = old.astype("category"), new.astype("category")
    wide = len(b.cat.categories) + 1
    pairs = (a.cat.codes.to_numpy(np.int64) + 1) * wide + b.cat.codes.to_numpy(np.int64) + 1
    rows, distinct = pd.factorize(pairs)
    # code -1 (missing) takes the None appended after the categories
    first = np.append(np.asarray(a.cat.categories, dtype=object), None)[distinct // wide - 1]
    second = np.append(np.asarray(b.cat.categories, dtype=object), None)[distinct % wide - 1]
    same = np.array([x == y for x, y in zip(first, second, strict=True)], dtype=bool)
    return ~same[rows]


# --- phones -------------------------------------------------------------------------------------


@cache
def area_codes() -> frozenset[str]:
    """Mainland area codes without the trunk 0 (10, 21, 571 …), as phonenumbers knows them."""
    fixed = re.compile(FIXED_LINE)
    candidates = ["10", *(f"2{d}" for d in range(10)), *(str(a) for a in range(300, 1000))]
    locals_ = [f"{first}{rest}" for first in "2345678" for rest in ("345678", "3456789")]
    return frozenset(a for a in candidates if any(fixed.fullmatch(a + n) for n in locals_))


def _is_landline(nsn: pd.Series) -> pd.Series:
    """National numbers (no trunk 0) that match the plain landline pattern with a real area code."""
    parts = nsn.str.extract(rf"^(?:{PLAIN_LANDLINE})$")
    area = parts[0].fillna(parts[1])
    return area.isin(area_codes()) & area.notna()


def _landline(nsn: pd.Series) -> pd.Series:
    """1062345678 → 010-62345678; 57187654321 → 0571-87654321 (10 and 2x have 2-digit codes)."""
    two = nsn.str.match(r"[12]")
    area = nsn.str.slice(0, 2).where(two, nsn.str.slice(0, 3))
    local = nsn.str.slice(2).where(two, nsn.str.slice(3))
    return "0" + area + "-" + local


def _fast_phones(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Settle the plain patterns with regexes: (canonical value, kind), <NA> where unsettled.

    `text` has no missing values (empty strings instead)."""
    value = pd.Series(pd.NA, index=text.index, dtype="str")
    kind = pd.Series(pd.NA, index=text.index, dtype="str")
    plain = text.str.fullmatch(MOBILE)  # most cells: settled in one pass
    value[plain], kind[plain] = text[plain], "mobile"
    compact = text[~plain & text.ne("")].str.replace(_SEPARATORS, "", regex=True)
    mobile = compact[compact.str.fullmatch(MOBILE)]
    national = compact[compact.str.fullmatch(r"0[0-9]+")].str.slice(1)  # after the trunk 0
    national = national[_is_landline(national)]
    abroad = compact.str.extract(r"^(?:\+|00)?86([0-9]+)$", expand=False).dropna()  # +86 …
    abroad = abroad.str.replace(r"^0", "", regex=True)  # +86 (0)10 …
    for found, what in (
        (mobile, "mobile"),
        (abroad[abroad.str.fullmatch(MOBILE)], "mobile"),
        (_landline(national), "landline"),
        (_landline(abroad[_is_landline(abroad)]), "landline"),
    ):
        value[found.index], kind[found.index] = found, what
    return value, kind


def _parse_phone(text: str) -> tuple[str | None, str]:
    """One number the regexes could not settle, through phonenumbers: (value, kind)."""
    number = _parse_valid(text)
    extension = None
    if number is None and (bare := _LABELS.sub("", text)) != text:  # 手机：138… / …（座机）
        return _parse_phone(bare) if bare else (None, "invalid")
    if number is None and (match := _EXTENSION.match(text)):
        number, extension = _parse_valid(match.group(1)), match.group(2)
    if number is None:
        return None, "invalid"
    extension = extension or number.extension
    kind = _phone_kind(number)
    if number.country_code != 86:
        value = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    else:
        nsn = phonenumbers.national_significant_number(number)
        if kind == "mobile":
            value = nsn
        elif kind == "landline":
            value = _landline(pd.Series([nsn], dtype="str")).iat[0]
        else:
            value = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
            value = re.sub(r"\s+", "-", value.strip())
    if extension:
        if kind == "mobile":
            return None, "invalid"
        value = f"{value.split(' ext. ')[0]}转{extension}"
    return value, kind


def _parse_valid(text: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _phone_kind(number: phonenumbers.PhoneNumber) -> str:
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.MOBILE:
        return "mobile"
    if kind == PhoneNumberType.FIXED_LINE_OR_MOBILE:
        nsn = phonenumbers.national_significant_number(number)
        return "mobile" if number.country_code == 86 and re.fullmatch(MOBILE, nsn) else "landline"
    return "service" if kind in _SERVICE_TYPES else "landline"


def canonical_phones(phones: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Canonical phone numbers and their kind; invalid numbers stay exactly as written.

    Mobiles → 13800138000, landlines → 010-62345678 / 0571-87654321, service numbers →
    400-820-8820, foreign numbers → +852 2345 6789. Kinds: mobile, landline, service, invalid,
    missing.
    """
    present = phones.notna() & phones.astype("str").str.strip().ne("")
    text = nfkc(phones.where(present, "").astype("str")).str.strip()
    value, kind = _fast_phones(text)
    todo = present & kind.isna()
    if todo.any():
        uniques = pd.unique(text[todo])
        parsed = [_parse_phone(t) for t in uniques]  # unique values only
        value[todo] = text[todo].map(dict(zip(uniques, [p[0] for p in parsed], strict=True)))
        kind[todo] = text[todo].map(dict(zip(uniques, [p[1] for p in parsed], strict=True)))
    value = value.where(kind.ne("invalid") & present, phones)
    return value.astype("str"), kind.mask(~present, "missing").astype("str")


def normalise_phones(frame: pd.DataFrame, audit: Audit, table: str = "customers") -> pd.DataFrame:
    """Phones to one format (mobile 11 digits, landline 0AA(A)-local) plus `phone_kind`.

    Numbers that are not valid stay as written and are flagged `invalid_phone`.
    """
    if "phone" not in frame:
        return frame.copy(deep=False)
    value, kind = canonical_phones(frame["phone"])
    log_changes(audit, table, frame, "phone", value, "phone_format")
    audit.flag(
        table, frame, kind.eq("invalid"), "phone", "invalid_phone",
        "不是有效的手机或座机号码，保留原值 (not a valid phone number; left as written)",
    )  # fmt: skip
    return with_columns(frame, phone=value, phone_kind=kind)


# --- names and e-mails --------------------------------------------------------------------------


def canonical_names(names: pd.Series) -> pd.Series:
    """NFKC, whitespace collapsed and trimmed, no spaces between Chinese characters, and
    Chinese brackets （…） in any name written in Chinese; Latin names keep ASCII brackets."""
    text = nfkc(names.astype("str")).str.strip()
    spaced = text.str.contains(WHITESPACE, regex=True).fillna(False).astype(bool)
    text[spaced] = text[spaced].str.replace(f"{WHITESPACE}+", " ", regex=True)  # the few
    bracketed = text.str.contains(r"[()]", regex=True).fillna(False).astype(bool)
    chinese = pd.Series(False, index=text.index)
    chinese[spaced | bracketed] = text[spaced | bracketed].str.contains(_HAS_CJK, regex=True)
    text[chinese & bracketed] = (
        text[chinese & bracketed].str.replace("(", "（").str.replace(")", "）")
    )
    text[chinese & spaced] = text[chinese & spaced].str.replace(_CJK_GAP, "", regex=True)
    return text.mask(names.isna() | text.eq(""))


def normalise_names(frame: pd.DataFrame, audit: Audit, table: str = "customers") -> pd.DataFrame:
    """Customer and contact names in one written form (全角→半角, spaces, （…）)."""
    new = {}
    for column in ("name", "contact_name"):
        if column in frame:
            new[column] = canonical_names(frame[column])
            log_changes(audit, table, frame, column, new[column], "name_format")
    return with_columns(frame, **new)


def normalise_emails(frame: pd.DataFrame, audit: Audit, table: str = "customers") -> pd.DataFrame:
    """E-mail addresses trimmed and lower-cased (全角 characters to ASCII)."""
    if "email" not in frame:
        return frame.copy(deep=False)
    emails = frame["email"]
    text = nfkc(emails.astype("str")).str.strip().str.lower()
    new = text.mask(emails.isna() | text.eq(""))
    log_changes(audit, table, frame, "email", new, "email_format")
    return with_columns(frame, email=new)


def normalise_ids(frame: pd.DataFrame, audit: Audit, table: str = "customers") -> pd.DataFrame:
    """USCC and ID numbers without spaces or dashes, upper-case (x → X), ASCII (全角 → 半角)."""
    new = {}
    for column in ("uscc", "id_number"):
        if column in frame:
            values = frame[column]
            text = nfkc(values.astype("str")).str.replace(f"[{SPACE_CHARS}-]", "", regex=True)
            new[column] = text.str.upper().mask(values.isna() | text.eq(""))
            log_changes(audit, table, frame, column, new[column], "id_format")
    return with_columns(frame, **new)


# --- categories ---------------------------------------------------------------------------------


def normalise_categories(
    frame: pd.DataFrame, audit: Audit, table: str, size_bands: SizeBands | None = None
) -> pd.DataFrame:
    """Every categorical column of `table` to its canonical value (决策人 → 决策者, M → 男 …);
    company sizes written as employees or revenue (50-200人) to their class by `size_bands`.

    Values no vocabulary knows stay as written and are flagged `unknown_category`.
    """
    new = {}
    for column, vocabulary in VOCABULARIES.get(table, {}).items():
        if column not in frame:
            continue
        if (table, column) == ("customers", "size"):
            new[column] = _sizes(frame, audit, vocabulary, size_bands or SizeBands())
            continue
        values, unknown = canonical_values(frame[column], vocabulary)
        log_changes(audit, table, frame, column, values, "category_canonical")
        if not vocabulary.open:
            allowed = "/".join(vocabulary.canonical)
            audit.flag(
                table, frame, unknown, column, "unknown_category",
                f"未知取值，保留原值；标准值：{allowed} (unknown value; left as written)",
            )  # fmt: skip
        new[column] = values
    return with_columns(frame, **new)


# --- company size -------------------------------------------------------------------------------
#
# 企业规模 is written as a class (小型), as employees (50-200人, 员工250人, 500人以上, 少于50人) or
# as yearly revenue (营收5000万, 1-5亿元). The rule: a single figure maps to the class whose band
# holds it; a closed range (50-200人) maps by its midpoint; an open range (500人以上: more than
# 500; 少于50人 / 50人以下: fewer than 50) maps only when it lies wholly in one class, else it is
# flagged `size_unmapped`. A figure needs its unit (人, or 元 / 万 / 亿, or a word such as 员工 or
# 营收): a bare number is not a size.

_AMOUNT = r"(\d+(?:\.\d+)?)(千万|百万|十万|万|亿|千)?"
_MULTIPLIERS = {None: 1.0, "千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8}
_EMPLOYEES = re.compile(r"人|员工|职工|雇员|employee|staff|headcount")
_REVENUE = re.compile(r"元|万|亿|营收|收入|营业额|销售额|产值|revenue|turnover|rmb|cny")
_WORDS = re.compile(
    r"人数|人|员工|职工|雇员|规模|营业收入|营收|营业额|销售额|收入|产值|人民币|元|年|约|大约|左右"
    r"|employees?|staff|headcount|revenue|turnover|rmb|cny|[:：()（）]"
)
_ABOVE = re.compile(r"^(?:超过|大于|多于|高于|>=|>|≥)|(?:及以上|或以上|以上|\+|起|多)$")
_BELOW = re.compile(r"^(?:少于|小于|不足|低于|不到|<=|<|≤)|(?:及以下|或以下|以下|以内)$")
_RANGE = re.compile(rf"{_AMOUNT}(?:-|~|至|到|—|–){_AMOUNT}")


def size_range(text: str) -> tuple[str, float, float, str] | None:
    """A size written as employees or revenue, as (measure, low, high, shape): measure
    `employees` or `revenue` (元); shape `point`, `range`, `above` (more than low) or `below`
    (fewer than high). None when the text is not a figure with its unit."""
    key = re.sub(r"\s+|,", "", unicodedata.normalize("NFKC", str(text))).lower()
    if _EMPLOYEES.search(key):
        measure = "employees"
    elif _REVENUE.search(key):
        measure = "revenue"
    else:
        return None
    core = _WORDS.sub("", key)
    above, below = _ABOVE.search(core), _BELOW.search(core)
    core = _BELOW.sub("", _ABOVE.sub("", core))
    if (match := _RANGE.fullmatch(core)) and not (above or below):
        low = float(match.group(1)) * _MULTIPLIERS[match.group(2) or match.group(4)]  # 1-5亿
        high = float(match.group(3)) * _MULTIPLIERS[match.group(4)]
        return (measure, low, high, "range") if low <= high else None
    if not (match := re.fullmatch(_AMOUNT, core)) or (above and below):
        return None
    value = float(match.group(1)) * _MULTIPLIERS[match.group(2)]
    if above:
        return measure, value, math.inf, "above"
    if below:
        return measure, 0.0, value, "below"
    return measure, value, value, "point"


def size_class(text: str, bands: SizeBands) -> tuple[str | None, bool]:
    """(class, recognised): the class 小型 / 中型 / 大型 of a size written as employees or
    revenue, by `bands` (the rule above); None when it cannot be placed. `recognised` is True
    when the text is such a figure at all."""
    parsed = size_range(text)
    if parsed is None:
        return None, False
    measure, low, high, shape = parsed
    small, large = getattr(bands, measure)
    if shape == "above":  # (low, ∞) is wholly 大型 only if it starts at or beyond the 大型 bound
        return ("大型" if low >= large else None), True
    if shape == "below":  # [0, high) is wholly 小型 only if it ends at or below the 中型 bound
        return ("小型" if high <= small else None), True
    figure = (low + high) / 2  # a point, or a closed range's midpoint
    return ("小型" if figure < small else "中型" if figure <= large else "大型"), True


def _sizes(
    frame: pd.DataFrame, audit: Audit, vocabulary: Vocabulary, bands: SizeBands
) -> pd.Series:
    """The size column: aliases to their class (category_canonical), employees and revenue by
    the bands (size_band); figures that span two classes are flagged `size_unmapped`, other
    unknown text `unknown_category`, both left as written."""
    values, unknown = canonical_values(frame["size"], vocabulary)
    log_changes(audit, "customers", frame, "size", values, "category_canonical")
    written = frame.loc[unknown, "size"].astype("str")
    placed = {text: size_class(text, bands) for text in pd.unique(written)}  # unique values only
    classes = written.map({text: c for text, (c, _) in placed.items()})
    recognised = written.map({text: r for text, (_, r) in placed.items()}).astype(bool)
    mapped = classes.notna()
    log_changes(audit, "customers", frame.loc[mapped[mapped].index], "size",
                classes[mapped], "size_band")  # fmt: skip
    values = values.copy()
    values[mapped[mapped].index] = classes[mapped]
    (small, large), (low, high) = bands.employees, bands.revenue
    unmapped = (recognised & ~mapped).reindex(frame.index, fill_value=False)
    audit.flag(
        "customers", frame, unmapped, "size", "size_unmapped",
        f"规模跨越两个规模档（分界：员工 {small:g}、{large:g} 人；营收 {low / 1e4:g}万、"
        f"{high / 1e4:g}万元），保留原值 (the size spans two classes; left as written)",
    )  # fmt: skip
    audit.flag(
        "customers", frame, (~recognised).reindex(frame.index, fill_value=False), "size",
        "unknown_category",
        f"未知取值，保留原值；标准值：{'/'.join(vocabulary.canonical)} (unknown value; left as written)",
    )  # fmt: skip
    return values


# --- the schema's columns -----------------------------------------------------------------------


def empty_table(table: str) -> pd.DataFrame:
    """`table` with no rows and every column of the schema, typed as the loader types them."""
    return _empty(table).copy()


@cache
def _empty(table: str) -> pd.DataFrame:
    schema = TABLES[table]
    return type_extract(pd.DataFrame(columns=schema.required), schema, source="")[0]


def with_schema_columns(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """`frame` with every column of `table`'s schema: an absent one is added empty, as the loader
    adds it, so the rules and the reports can rely on it (a frame built by hand may lack some)."""
    template = _empty(table)
    missing = [c for c in TABLES[table].column_names if c not in frame.columns]
    if not missing:  # copy-on-write: a shallow copy is as safe as a deep one, without the copy
        return frame.copy(deep=False)
    return with_columns(frame, **{c: template[c].reindex(frame.index) for c in missing})

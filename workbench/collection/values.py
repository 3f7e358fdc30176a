"""What a cell a rep typed becomes: checked against the field's rule and stored in its
canonical form, or rejected with the reason in words; and how a value may be shown (masked).

A rep's typing is taken as it comes: full-width digits and spaces (NFKC), stray spaces, a
phone with dashes, traditional characters in a category (OpenCC t2s), a number Excel stored
for a phone (1.38e10 → 13800138000), an alias of a category (决策人 → 决策者).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

import pandas as pd
from stdnum.cn import ric, uscc

from workbench.cleaning.company_names import to_simplified
from workbench.cleaning.industry import classify
from workbench.cleaning.normalise import canonical_names, canonical_phones
from workbench.cleaning.privacy import PII_COLUMNS, mask_values
from workbench.cleaning.validate import EMAIL
from workbench.cleaning.vocabulary import VOCABULARIES, canonical_values
from workbench.collection.fields import LOCKED_FIELDS, customer_rule
from workbench.core.geography import canonical_province
from workbench.core.labels import t
from workbench.extracts.parsers import parse_dates
from workbench.extracts.schema import CUSTOMERS, REGIONS

CORRECTABLE = frozenset(CUSTOMERS.column_names) - LOCKED_FIELDS


def text_of(value: object) -> str:
    """A cell as clean text: NFKC (full-width → half-width), trimmed; 1.38e10 → 13800138000."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def check_value(field: str, raw: object) -> tuple[object, str | None]:
    """(the value to store, None) or (None, why it is rejected) for a correction of `field`."""
    if field not in CORRECTABLE:
        return None, t("cl_reject_unknown_field", field=field)
    rule = customer_rule(field)
    text = text_of(raw)
    value, why = _checked(field, rule.kind, raw, text)
    if why is not None:
        return None, t("cl_reject_invalid", field=rule.zh, reason=why)
    return value, None


def _checked(field: str, kind: str, raw: object, text: str) -> tuple[object, str | None]:
    if kind == "date":
        parsed, bad = parse_dates(pd.Series([raw if not isinstance(raw, str) else text]))
        if bad.iloc[0] or pd.isna(parsed.iloc[0]):
            return None, "应为日期 YYYY-MM-DD"
        return parsed.iloc[0], None
    if kind == "int":
        if not text.isdigit() or not 0 <= int(text) <= 120:
            return None, "应为 0–120 的整数"
        return int(text), None
    if field == "phone":
        value, phone_kind = canonical_phones(pd.Series([text], dtype="str"))
        if phone_kind.iloc[0] not in ("mobile", "landline", "service"):
            return None, "不是有效的手机或座机号码"
        return value.iloc[0], None
    if field in ("uscc", "id_number"):
        code = "".join(text.split()).replace("-", "").upper()
        valid = uscc.is_valid(code) if field == "uscc" else ric.is_valid(code)
        return (code, None) if valid else (None, "格式或校验位错误")
    if field == "email":
        address = text.lower()
        return (address, None) if pd.Series([address]).str.fullmatch(EMAIL).iloc[0] else (
            None, "不是有效的邮箱地址")  # fmt: skip
    simple = str(to_simplified(pd.Series([text], dtype="str")).iloc[0])
    vocabulary = VOCABULARIES["customers"].get(field)
    if vocabulary is not None:
        mapped, unknown = canonical_values(pd.Series([simple], dtype="str"), vocabulary)
        if unknown.iloc[0]:
            return None, "应为 " + " / ".join(vocabulary.canonical)
        return mapped.iloc[0], None
    if field == "region":
        region = simple.removesuffix("地区").removesuffix("区") if simple not in REGIONS else simple
        return (region, None) if region in REGIONS else (None, "应为 " + " / ".join(REGIONS))
    if field == "province":
        province = canonical_province(simple)
        return (province, None) if province else (None, "不是省级行政区名称")
    if field == "industry":
        result = classify(pd.Series([simple], dtype="str"))
        if not bool(result["known"].iloc[0]):
            return None, "无法对应到 GB/T 4754-2017 行业名称"
        return result["industry"].iloc[0], None
    if field in ("name", "contact_name"):
        return canonical_names(pd.Series([text], dtype="str")).iloc[0], None
    return " ".join(text.split()), None


def shown_value(field: str, value: object) -> str | None:
    """A value as it may be shown: PII masked, dates as YYYY-MM-DD."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    text = str(value)
    if field in PII_COLUMNS:
        return str(mask_values(pd.Series([text]), pd.Series([field])).iloc[0])
    return text

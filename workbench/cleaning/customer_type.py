"""Customer type (客户类型) inferred where the extract leaves it empty or has no such column.

An empty type is inferred from what the record itself proves: a USCC (统一社会信用代码) or a
name with a legal form, a branch or a trade word (…有限公司, …分公司, 恒泰物流) → 企业; else an
18-character resident ID number → 个人; else it stays empty. Both a USCC and an ID number and no
company name: left empty (the validation flags the contradiction). `infer_customer_types` fills
the column and logs every inferred cell (rule ``customer_type_inferred``), so matching and the
enterprise-only completeness checks work on extracts without 客户类型.
"""

from __future__ import annotations

import pandas as pd

from workbench.cleaning.audit import Audit
from workbench.cleaning.company_names import looks_like_company
from workbench.cleaning.text import nfkc
from workbench.extracts.parsers import missing_mask

ENTERPRISE, PERSON = "企业", "个人"
_SPACE = "[ \t\r\n\x0b\x0c\xa0\u3000]+"
_ENTERPRISE_TYPE = "企业|公司|单位|机构|enterprise|company|business|b2b"
_PERSON_TYPE = "个人|自然人|person|individual|consumer|b2c"


def blank_to_na(values: pd.Series) -> pd.Series:
    """Text with empty cells and 'no value' tokens (空, N/A, nan …) as missing."""
    text = values.astype("str").str.strip()
    return text.mask(missing_mask(values) | text.eq(""))


def code_key(values: pd.Series) -> pd.Series:
    """USCC / ID-number key: NFKC, spaces removed, upper-cased; only 18-character values."""
    text = nfkc(blank_to_na(values)).str.replace(_SPACE, "", regex=True)
    text = text.str.upper()
    return text.where(text.str.len().eq(18))


def stated_types(values: pd.Series) -> pd.Series:
    """企业 / 个人 from what the extract says (企业客户, B2C, Individual …); else missing."""
    text = blank_to_na(values).str.lower()
    kind = pd.Series(pd.NA, index=values.index, dtype="str")
    kind = kind.mask(text.str.contains(_PERSON_TYPE, na=False), PERSON)
    return kind.mask(text.str.contains(_ENTERPRISE_TYPE, na=False), ENTERPRISE)


def inferred_types(customers: pd.DataFrame, names: pd.Series | None = None) -> pd.Series:
    """企业 / 个人 proven by the record's USCC, name or ID number (module docstring); else missing.

    `names`: the names already through `company_names.normal_text`, when the caller has them.
    """
    uscc, idn = (code_key(_column(customers, c)) for c in ("uscc", "id_number"))
    if names is None:
        company = looks_like_company(_column(customers, "name"))
    else:
        company = looks_like_company(names, normalised=True)
    return kind_from_evidence(company, uscc.notna(), idn.notna())


def kind_from_evidence(company: pd.Series, has_uscc: pd.Series, has_id: pd.Series) -> pd.Series:
    """企业 where the name looks like a company's or a USCC (and no ID number) is there; else
    个人 where an ID number (and no USCC) is; else missing."""
    kind = pd.Series(pd.NA, index=company.index, dtype="str")
    kind = kind.mask(has_id & ~has_uscc, PERSON)
    return kind.mask(company | (has_uscc & ~has_id), ENTERPRISE)


def customer_kinds(customers: pd.DataFrame, names: pd.Series | None = None) -> pd.Series:
    """企业 / 个人 per row: the stated type, else the inferred one; missing when neither."""
    stated = stated_types(_column(customers, "customer_type"))
    return stated.fillna(inferred_types(customers, names))


def infer_customer_types(customers: pd.DataFrame, audit: Audit) -> pd.DataFrame:
    """Fill empty customer types (adding the column when the extract has none) from
    `inferred_types`; every filled cell is logged as ``customer_type_inferred``."""
    out = customers.copy(deep=False)
    if "customer_type" not in out:
        out["customer_type"] = pd.Series(pd.NA, index=out.index, dtype="str")
    empty = missing_mask(out["customer_type"]) | out["customer_type"].astype("str").str.strip().eq(
        ""
    ).fillna(False).astype(bool)
    fill = pd.Series(pd.NA, index=out.index, dtype="str")
    if empty.any():  # inferred for the empty cells only: most records state their type
        fill[empty.to_numpy()] = inferred_types(out[empty.to_numpy()]).to_numpy()
    if not fill.notna().any():
        return out
    new = out["customer_type"].astype("str").where(~fill.notna(), fill)
    rows = fill.notna()
    audit.record_changes(
        "customers", out[rows], "customer_type", new[rows], "customer_type_inferred"
    )
    out["customer_type"] = new
    return out


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name]
    return pd.Series(pd.NA, index=frame.index, dtype="str")

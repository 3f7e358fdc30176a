"""PII masking (PIPL): phones, ID numbers and e-mails are shown only masked.

Masked display columns are added beside the raw ones; anything that leaves memory for a reader
(report tables, Excel lists, the data-quality report) goes through `public_view`, which drops
the raw columns.
"""

from __future__ import annotations

import pandas as pd

PII_COLUMNS = ("phone", "id_number", "email")
MASKED_SUFFIX = "_masked"


def mask_phones(phones: pd.Series) -> pd.Series:
    """13800138000 → 138****8000; 010-62345678 → 010-****5678; anything else keeps only its last 4."""
    text = phones.astype("str").str.strip()
    mobile = text.str.fullmatch(r"1\d{10}")
    landline = text.str.fullmatch(r"0\d{2,3}-\d{7,8}")
    out = "****" + text.str.slice(-4)
    out = out.mask(mobile, text.str.slice(0, 3) + "****" + text.str.slice(-4))
    area = text.str.extract(r"^(0\d{2,3})-", expand=False)
    out = out.mask(landline, area + "-****" + text.str.slice(-4))
    return out.mask(phones.isna())


def mask_id_numbers(ids: pd.Series) -> pd.Series:
    """A resident ID (or any identifier) shown as its last 4 characters only."""
    text = ids.astype("str").str.strip()
    return ("*" * 14 + text.str.slice(-4)).mask(ids.isna())


def mask_emails(emails: pd.Series) -> pd.Series:
    """li.na@example.com → l***@example.com; a value without @ is fully masked."""
    text = emails.astype("str").str.strip()
    parts = text.str.partition("@")
    out = parts[0].str.slice(0, 1) + "***@" + parts[2]
    return out.where(text.str.contains("@", regex=False), "***").mask(emails.isna())


def mask_person_names(names: pd.Series) -> pd.Series:
    """张三丰 → 张**: an individual's name in customer lists."""
    text = names.astype("str").str.strip()
    return (text.str.slice(0, 1) + text.str.slice(1).str.replace(r".", "*", regex=True)).mask(
        names.isna()
    )


_MASKERS = {"phone": mask_phones, "id_number": mask_id_numbers, "email": mask_emails}


def mask_values(values: pd.Series, fields: pd.Series) -> pd.Series:
    """Mask each value by the PII field it belongs to (phone / id_number / email)."""
    out = values.copy()
    for column, mask in _MASKERS.items():
        rows = fields == column
        if rows.any():
            out[rows] = mask(values[rows])
    return out


def add_masked_columns(customers: pd.DataFrame) -> pd.DataFrame:
    """Add phone_masked, id_number_masked, email_masked beside the raw columns."""
    out = customers.copy()
    for column, mask in _MASKERS.items():
        if column in out:
            out[column + MASKED_SUFFIX] = mask(out[column])
    return out


def public_view(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without raw PII columns (masked ones stay): what reports and exports may show."""
    return frame.drop(columns=[c for c in PII_COLUMNS if c in frame.columns])


def display_names(customers: pd.DataFrame) -> pd.Series:
    """How a customer appears in lists: an enterprise by its name, an individual masked (张**)."""
    names = customers["name"]
    if "customer_type" not in customers:
        return mask_person_names(names)
    return names.where(customers["customer_type"] == "企业", mask_person_names(names))

"""Provinces to their official names and regions (华东 …) checked against them.

A missing region is filled from the province (the grouping is fixed, `geography`); a region that
contradicts its province is flagged, not overwritten: which of the two is wrong is for a person.
"""

from __future__ import annotations

import pandas as pd

from workbench.cleaning.audit import Audit
from workbench.cleaning.normalise import log_changes, with_columns
from workbench.cleaning.text import nfkc
from workbench.core.geography import PROVINCE_REGION, canonical_province, province_of_place
from workbench.extracts.schema import REGIONS

_REGION_SUFFIXES = r"(?:大区|地区|区域|区)$"


def canonical_provinces(values: pd.Series) -> pd.Series:
    """Official province names (浙江 → 浙江省, 广西 → 广西壮族自治区); <NA> where unknown."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = (
        pd.Series(uniques, dtype="str").str.normalize("NFKC").str.replace(r"\s+", "", regex=True)
    )
    found = cleaned.map(canonical_province).to_numpy(dtype=object)
    out = pd.Series(found[codes.clip(0)] if len(found) else None, index=values.index, dtype=object)
    return out.where(codes >= 0).astype("str")


def _provinces_of_places(values: pd.Series) -> pd.Series:
    """Province of each city or address (over unique values); <NA> where unknown."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    found = pd.Series(uniques, dtype=object).map(province_of_place).to_numpy(dtype=object)
    out = pd.Series(found[codes.clip(0)] if len(found) else None, index=values.index, dtype=object)
    return out.where(codes >= 0).astype("str")


def canonical_regions(values: pd.Series) -> pd.Series:
    """Region names as used in reports (华东区 / 华东地区 → 华东); <NA> where unknown.

    Worked out once per distinct value (a column of a few names over every customer)."""
    codes, uniques = pd.factorize(values.astype("str"), use_na_sentinel=True)
    text = nfkc(pd.Series(uniques, dtype="str")).str.replace(r"\s+", "", regex=True)
    text = text.str.replace(_REGION_SUFFIXES, "", regex=True)
    found = text.where(text.isin(REGIONS)).to_numpy(dtype=object)
    out = pd.Series(found[codes.clip(0)] if len(found) else None, index=values.index, dtype=object)
    return out.where(codes >= 0).astype("str").rename(values.name)


def map_regions(customers: pd.DataFrame, audit: Audit) -> pd.DataFrame:
    """Province to its official name, region filled from the province where missing.

    Logs `category_canonical` and `region_from_province`; flags `unknown_province`,
    `unknown_category` (a region that is not one of the seven) and `region_mismatch`.
    """
    if "province" not in customers:
        return customers.copy(deep=False)
    province = customers["province"]
    canonical = canonical_provinces(province)
    from_place = _provinces_of_places(province.where(canonical.isna()))
    if "city" in customers:  # an empty or unreadable province: the city says which
        from_place = from_place.fillna(_provinces_of_places(customers["city"]))
    canonical = canonical.fillna(from_place)
    unknown = province.notna() & canonical.isna()
    new_province = canonical.where(~unknown, province)
    log_changes(audit, "customers", customers, "province", new_province.where(province.notna()),
                "category_canonical")  # fmt: skip
    staged = customers.assign(province=new_province.where(province.notna()))
    log_changes(audit, "customers", staged, "province", new_province, "province_from_city")
    audit.flag(
        "customers", customers, unknown, "province", "unknown_province",
        "不是中国的省级行政区名称，保留原值 (not a Chinese province; left as written)",
    )  # fmt: skip

    absent = pd.Series(pd.NA, index=customers.index, dtype="str")
    region = customers["region"].astype("str") if "region" in customers else absent
    frame = customers.assign(region=region)
    known = canonical_regions(region)
    bad = region.notna() & known.isna()
    audit.flag(
        "customers", frame, bad, "region", "unknown_category",
        f"未知区域，保留原值；标准值：{'/'.join(REGIONS)} (unknown region; left as written)",
    )  # fmt: skip
    renamed = known.where(~bad, region)
    log_changes(audit, "customers", frame, "region", renamed, "category_canonical")
    expected = canonical.map(PROVINCE_REGION).astype("str")
    fill = renamed.isna() & expected.notna()
    filled = renamed.where(~fill, expected)
    frame = frame.assign(region=renamed)
    log_changes(audit, "customers", frame, "region", filled, "region_from_province")
    mismatch = known.notna() & expected.notna() & known.ne(expected)
    message = "区域“" + known + "”与省份“" + canonical + "”（属" + expected + "）不符"
    audit.flag("customers", frame, mismatch, "region", "region_mismatch", message)
    return with_columns(customers, province=new_province, region=filled)

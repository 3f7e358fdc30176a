"""Provinces of China and the seven sales regions they are grouped into."""

from __future__ import annotations

import pandas as pd

PROVINCE_REGION: dict[str, str] = {
    "上海市": "华东", "江苏省": "华东", "浙江省": "华东", "安徽省": "华东",
    "福建省": "华东", "江西省": "华东", "山东省": "华东", "台湾省": "华东",
    "广东省": "华南", "广西壮族自治区": "华南", "海南省": "华南",
    "香港特别行政区": "华南", "澳门特别行政区": "华南",
    "北京市": "华北", "天津市": "华北", "河北省": "华北", "山西省": "华北",
    "内蒙古自治区": "华北",
    "河南省": "华中", "湖北省": "华中", "湖南省": "华中",
    "重庆市": "西南", "四川省": "西南", "贵州省": "西南", "云南省": "西南",
    "西藏自治区": "西南",
    "陕西省": "西北", "甘肃省": "西北", "青海省": "西北", "宁夏回族自治区": "西北",
    "新疆维吾尔自治区": "西北",
    "辽宁省": "东北", "吉林省": "东北", "黑龙江省": "东北",
}  # fmt: skip

_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def short_province(name: str) -> str:
    """浙江省 → 浙江, 广西壮族自治区 → 广西: the form people type."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


_BY_SHORT = {short_province(p): p for p in PROVINCE_REGION}


def canonical_province(value: object) -> str | None:
    """The full official province name for 浙江 / 浙江省 / ' 浙江省 ', else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text in PROVINCE_REGION:
        return text
    return _BY_SHORT.get(short_province(text))


def region_of_provinces(provinces: pd.Series) -> pd.Series:
    """Region (华东 …) for each province name, <NA> where the province is unknown."""
    full = provinces.map(canonical_province, na_action="ignore")
    return full.map(PROVINCE_REGION).astype("string")

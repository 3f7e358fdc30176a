"""Provinces to official names; regions filled from, and checked against, the province."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.cleaning.audit import Audit
from workbench.cleaning.regions import canonical_provinces, canonical_regions, map_regions
from workbench.core.geography import PROVINCE_REGION


def customers(province: list, region: list | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "source_row": range(2, len(province) + 2),
            "customer_id": [f"C{i + 1}" for i in range(len(province))],
            "province": pd.Series(province, dtype="str"),
        }
    )
    if region is not None:
        frame["region"] = pd.Series(region, dtype="str")
    return frame


def test_canonical_provinces() -> None:
    values = pd.Series(["浙江", "浙江省", " 广西 ", "内蒙古", "ＢＪ", "北京", None], dtype="str")
    assert canonical_provinces(values).fillna("<NA>").tolist() == [
        "浙江省", "浙江省", "广西壮族自治区", "内蒙古自治区", "<NA>", "北京市", "<NA>"
    ]  # fmt: skip


def test_canonical_regions() -> None:
    values = pd.Series(["华东", "华东区", "华南地区", "西北大区", "中南", None], dtype="str")
    assert canonical_regions(values).fillna("<NA>").tolist() == [
        "华东", "华东", "华南", "西北", "<NA>", "<NA>"
    ]  # fmt: skip


def test_map_regions_changes_fills_and_flags() -> None:
    frame = customers(
        ["浙江", "广东省", "北京市", "火星", "四川", None],
        ["华东", None, "华南", "华东", "西南区", None],
    )
    before = frame.copy()
    audit = Audit()
    out = map_regions(frame, audit)
    pd.testing.assert_frame_equal(frame, before)
    assert out["province"].fillna("<NA>").tolist() == [
        "浙江省", "广东省", "北京市", "火星", "四川省", "<NA>"
    ]  # fmt: skip
    assert out["region"].fillna("<NA>").tolist() == ["华东", "华南", "华南", "华东", "西南", "<NA>"]
    changes = audit.changes[["key", "field", "old", "new", "rule"]].fillna("<NA>").values.tolist()
    assert changes == [
        ["C1", "province", "浙江", "浙江省", "category_canonical"],
        ["C5", "province", "四川", "四川省", "category_canonical"],
        ["C5", "region", "西南区", "西南", "category_canonical"],
        ["C2", "region", "<NA>", "华南", "region_from_province"],
    ]
    flags = audit.flags[["key", "field", "rule"]].values.tolist()
    assert flags == [
        ["C4", "province", "unknown_province"],
        ["C3", "region", "region_mismatch"],  # 北京 is 华北: flagged, not overwritten
    ]
    assert "华北" in audit.flags["message"].iat[1]


def test_map_regions_without_a_region_column_fills_it() -> None:
    audit = Audit()
    out = map_regions(customers(["江苏", "新疆"]), audit)
    assert out["region"].tolist() == ["华东", "西北"]
    assert (audit.changes["rule"] == "region_from_province").sum() == 2


def test_unknown_region_is_flagged_and_kept() -> None:
    audit = Audit()
    out = map_regions(customers(["湖南省"], ["中南"]), audit)
    assert out["region"].tolist() == ["中南"]
    assert audit.flags["rule"].tolist() == ["unknown_category"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.one_of(st.text(max_size=8), st.sampled_from(list(PROVINCE_REGION)), st.none()),
             min_size=1, max_size=6),
    st.lists(st.one_of(st.text(max_size=4), st.sampled_from(["华东区", "华南", "东北地区"]),
                       st.none()), min_size=6, max_size=6),
)  # fmt: skip
def test_map_regions_idempotent_and_total(provinces: list, regions: list) -> None:
    frame = customers(provinces, regions[: len(provinces)])
    audit = Audit()
    once = map_regions(frame, audit)
    changes = len(audit.changes)
    twice = map_regions(once, audit)
    pd.testing.assert_frame_equal(once, twice)
    assert len(audit.changes) == changes


def test_demo_regions_are_consistent(demo_dir) -> None:
    from workbench.io import load_extracts

    audit = Audit()
    out = map_regions(load_extracts(demo_dir, tables=("customers",)).customers, audit)
    assert audit.flags.empty and audit.changes.empty
    assert out["region"].notna().all()


def test_province_from_city_or_address_then_region():
    import pandas as pd

    from workbench.cleaning.audit import Audit
    from workbench.cleaning.regions import map_regions

    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "province": [None, "北京市朝阳区", None, "浙江"],
            "city": ["杭州市", None, "火星城", "宁波市"],
            "region": [None, None, None, None],
        }
    )
    audit = Audit()
    out = map_regions(customers, audit)
    assert out["province"].tolist()[:2] == ["浙江省", "北京市"]
    assert pd.isna(out.loc[2, "province"]) and out.loc[3, "province"] == "浙江省"
    assert out["region"].tolist()[:2] == ["华东", "华北"] and out.loc[3, "region"] == "华东"
    rules = audit.changes.set_index(["key", "field", "rule"])
    assert ("A", "province", "province_from_city") in rules.index
    assert rules.loc[("A", "province", "province_from_city"), "new"] == "浙江省"
    assert ("B", "province", "category_canonical") in rules.index
    assert customers["province"].isna().tolist() == [True, False, True, False]  # input untouched

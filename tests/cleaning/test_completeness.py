import pandas as pd

from workbench.cleaning.completeness import completeness, mark_to_complete, to_complete_list

CUSTOMERS = pd.DataFrame(
    {
        "customer_id": ["C1", "C2", "C3", "C4"],
        "customer_type": ["企业", "企业", "个人", "企业"],
        "name": ["甲公司", "乙公司", "张三", "丁公司"],
        "industry": ["批发业", None, None, " "],
        "contact_name": ["王", "李", "张三", None],
        "phone": ["13800138000", None, "13900139000", "010-62345678"],
        "owner": ["王磊", "王磊", None, "陈静"],
    }
)


def test_completeness_per_field_against_target():
    table = completeness(CUSTOMERS, ("name", "industry", "phone"), 0.9).set_index("field")
    assert table.loc["name", ["filled", "missing", "meets_target"]].tolist() == [4, 0, True]
    # industry counts enterprises only: C2 empty, C4 blank → 1 of 3 filled
    assert table.loc["industry", "records"] == 3
    assert table.loc["industry", "completeness"] == 1 / 3
    assert table.loc["phone", "completeness"] == 0.75 and not table.loc["phone", "meets_target"]
    assert table.loc["phone", "field_zh"] == "联系电话"


def test_to_complete_list_per_owner_never_drops_customers():
    listed = to_complete_list(CUSTOMERS, ("industry", "contact_name", "phone"))
    assert listed["customer_id"].tolist() == ["C2", "C4"]
    assert listed.set_index("customer_id").loc["C2", "missing_fields"] == "所属行业、联系电话"
    assert listed.set_index("customer_id").loc["C4", "missing_fields"] == "所属行业、联系人"
    assert listed["owner"].tolist() == ["王磊", "陈静"]
    assert set(listed["status"]) == {"待补充"}
    marked = mark_to_complete(CUSTOMERS, listed)
    assert len(marked) == 4 and marked["to_complete"].isna().tolist() == [True, False, True, False]

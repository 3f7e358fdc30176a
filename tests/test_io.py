import json

import pandas as pd
import pytest
from openpyxl import Workbook

from tests.conftest import CUSTOMER_HEADER, CUSTOMERS, ORDER_HEADER, ORDERS, write_csv
from workbench.errors import ExtractError
from workbench.io import find_extract, load_extracts, load_table
from workbench.schema import CUSTOMERS as CUSTOMER_TABLE
from workbench.schema import ORDERS as ORDER_TABLE
from workbench.schema import REQUIREMENTS


def load_two(folder):
    return load_extracts(folder, tables=("customers", "orders"))


def test_gbk_customers_load_with_canonical_names_and_types(tiny_extracts):
    customers = load_two(tiny_extracts).customers
    assert len(customers) == 3
    assert customers["name"].tolist()[0] == "杭州云帆科技有限公司"
    assert customers["first_contact_date"].dtype == "datetime64[ns]"
    # mixed formats: 2023/2/10, 20230301 parse to the same calendar days
    assert customers["first_contact_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-01-05", "2023-02-10", "2023-03-01"]  # fmt: skip
    assert customers["first_deal_date"].isna().tolist() == [False, False, True]
    assert customers["industry"].isna().tolist() == [False, True, False]  # empty → missing
    # every schema column exists even when the file lacks it
    assert set(CUSTOMER_TABLE.column_names) <= set(customers.columns)
    assert customers["source_row"].tolist() == [2, 3, 4]


def test_orders_quarantine_names_row_column_and_reason(tiny_extracts):
    extracts = load_two(tiny_extracts)
    orders = extracts.orders
    assert orders["order_id"].tolist() == ["O1", "O2", "O3"]
    assert orders["amount"].tolist() == [120_000.0, 520_000.0, 3_000.0]
    q = extracts.quarantine.set_index("row")
    assert q.loc[5, "reason"] == "unparseable_date" and q.loc[5, "column"] == "交易日期"
    assert q.loc[5, "value"] == "2024-13-45"
    assert q.loc[6, "reason"] == "missing_required" and q.loc[6, "column"] == "交易金额"
    assert q.loc[7, "reason"] == "duplicate_row" and q.loc[7, "detail"] == "same key as row 2"
    assert q.loc[8, "reason"] == "duplicate_key" and q.loc[8, "detail"] == "same key as row 4"
    assert json.loads(q.loc[8, "raw"])["交易金额"] == "3100"  # the raw row is kept, not lost
    assert set(q["file"]) == {"orders.csv"}


def test_reconciliation_accounts_for_every_row(tiny_extracts):
    rec = load_two(tiny_extracts).reconciliation()
    assert rec.loc["orders"].to_dict() == {
        "rows_read": 7, "loaded": 3, "quarantined": 4, "balanced": True}  # fmt: skip
    assert rec.loc["customers", "quarantined"] == 0
    assert rec["balanced"].all()


def test_optional_garbage_becomes_missing_and_is_listed(tmp_path):
    rows = [r.copy() for r in CUSTOMERS]
    rows[0][9] = "下个月"
    write_csv(tmp_path / "customers.csv", CUSTOMER_HEADER, rows)
    frame, quarantine, issues, n = load_table(tmp_path / "customers.csv", CUSTOMER_TABLE)
    assert len(frame) == 3 and len(quarantine) == 0 and n == 3
    assert pd.isna(frame.loc[0, "first_deal_date"])
    assert issues[["row", "column", "value"]].values.tolist() == [[2, "首次合作时间", "下个月"]]


def test_english_headers_other_delimiters_and_unknown_columns_kept(tmp_path):
    header = ["order_id", "customer_id", "order_date", "amount", "销售备注"]
    write_csv(tmp_path / "orders.tsv", header, [["A1", "C1", "2024-01-02", "10", "加急"]],
              delimiter="\t")  # fmt: skip
    frame, *_ = load_table(tmp_path / "orders.tsv", ORDER_TABLE)
    assert frame.loc[0, "amount"] == 10.0
    assert frame.loc[0, "销售备注"] == "加急"


def test_chinese_file_names_are_found(tmp_path):
    write_csv(tmp_path / "交易记录.csv", ORDER_HEADER, ORDERS[:1])
    assert find_extract(tmp_path, ORDER_TABLE).name == "交易记录.csv"


def test_missing_required_column_names_file_and_lists_columns(tmp_path):
    write_csv(tmp_path / "orders.csv", ["订单编号", "客户编号", "金额"], [["O1", "C1", "5"]])
    with pytest.raises(ExtractError) as err:
        load_table(tmp_path / "orders.csv", ORDER_TABLE)
    message = str(err.value)
    assert "orders.csv" in message and "交易日期 (order_date)" in message
    assert "columns found: 订单编号, 客户编号, 金额" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "empty"), (b"  \n\n", "empty"), (b"\x00\x01\x02binary\x00", "binary"),
     ("订单编号,客户编号\n".encode() + b"\xff\xfe\xfa\n", "cannot decode line 2")],
)  # fmt: skip
def test_unreadable_files_give_one_clear_message(tmp_path, content, expected):
    (tmp_path / "orders.csv").write_bytes(content)
    with pytest.raises(ExtractError, match=expected):
        load_table(tmp_path / "orders.csv", ORDER_TABLE)


def test_missing_table_file_lists_the_names_tried(tmp_path):
    with pytest.raises(ExtractError, match=r"no extract for table orders \(交易记录\).*订单"):
        load_extracts(tmp_path, tables=("orders",))


def test_xlsx_with_title_rows_excel_dates_and_text_numbers(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["本表仅供内部使用"])
    sheet = wb.create_sheet("需求分析表")
    sheet.append(["需求分析表（导出时间 2025-01-02）"])
    sheet.append([])
    sheet.append(["需求编号", "客户编号", "提出日期", "紧急程度", "解决后满意度"])
    sheet.append(["R1", "C1", pd.Timestamp("2024-03-05").to_pydatetime(), "紧急", "4"])
    sheet.append(["R2", "C2", "2024/3/6", "一般", 5])
    wb.save(tmp_path / "requirements.xlsx")
    frame, quarantine, issues, n = load_table(tmp_path / "requirements.xlsx", REQUIREMENTS)
    assert n == 2 and len(quarantine) == 0 and len(issues) == 0
    assert frame["created_date"].tolist() == [
        pd.Timestamp("2024-03-05"),
        pd.Timestamp("2024-03-06"),
    ]
    assert frame["satisfaction"].tolist() == [4, 5]
    assert frame["source_row"].tolist() == [4, 5]  # Excel's own row numbers


def test_parquet_extracts_load(tmp_path):
    frame = pd.DataFrame({"订单编号": ["P1"], "客户编号": ["C1"],
                          "交易日期": pd.to_datetime(["2024-02-03"]), "交易金额": [9.5]})  # fmt: skip
    frame.to_parquet(tmp_path / "orders.parquet")
    loaded, *_ = load_table(tmp_path / "orders.parquet", ORDER_TABLE)
    assert loaded.loc[0, "order_date"] == pd.Timestamp("2024-02-03")
    assert loaded.loc[0, "amount"] == 9.5


def test_region_derived_from_province_when_the_export_has_none(tmp_path):
    header = [h for h in CUSTOMER_HEADER if h != "区域"]
    rows = [[v for h, v in zip(CUSTOMER_HEADER, r, strict=True) if h != "区域"] for r in CUSTOMERS]
    write_csv(tmp_path / "customers.csv", header, rows)
    frame, *_ = load_table(tmp_path / "customers.csv", CUSTOMER_TABLE)
    assert frame["region"].tolist() == ["华东", "华南", "华北"]

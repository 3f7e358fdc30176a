import dataclasses
import json

import pandas as pd
import pyarrow as pa
import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import CUSTOMER_HEADER, CUSTOMERS, ORDER_HEADER, ORDERS, write_csv
from tests.extracts.xlsx_paths import XLSX_PATHS, use_xlsx_path
from workbench.core.errors import ExtractError
from workbench.extracts import loader, readers
from workbench.extracts.loader import find_extract, load_extracts, load_table
from workbench.extracts.readers import read_extract
from workbench.extracts.record_count import count_records, record_rows
from workbench.extracts.schema import CUSTOMERS as CUSTOMER_TABLE
from workbench.extracts.schema import INTERACTIONS as INTERACTION_TABLE
from workbench.extracts.schema import ORDERS as ORDER_TABLE
from workbench.extracts.schema import REQUIREMENTS


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
    # an order's lines share its customer and day (workbench.extracts.order_lines)
    assert q.loc[7, "reason"] == "duplicate_row"
    assert q.loc[7, "detail"] == "repeats row 2 in every column; the order has no other line"
    assert q.loc[8, "reason"] == "duplicate_key"
    assert q.loc[8, "detail"] == "same order number as row 4, another date"
    assert q.loc[7, "amount"] == 120_000.0 and pd.isna(q.loc[6, "amount"])  # kept if redacted
    assert json.loads(q.loc[8, "raw"])["交易金额"] == "3100"  # the raw row is kept, not lost
    assert set(q["file"]) == {"orders.csv"}


def test_released_raw_cells_give_the_same_tables_and_are_let_go(tiny_extracts, monkeypatch):
    """The loader gives a file's raw cells up to the typing (`release`): the quarantine is found
    first, then the raw frame is left without rows and the rows kept are copied a column at a
    time out of the typed table; the tables, the quarantine and the issues are those of the
    typing that keeps everything."""
    from workbench.extracts.loader import type_extract

    file = tiny_extracts / "orders.csv"
    kept = read_extract(file, ORDER_TABLE)
    given = read_extract(file, ORDER_TABLE)
    popped = []
    pop = pd.DataFrame.pop
    monkeypatch.setattr(
        pd.DataFrame, "pop", lambda self, name: popped.append(name) or pop(self, name)
    )
    released = type_extract(given, ORDER_TABLE, source="orders.csv", release=True)
    assert popped[:2] == ["order_id", "customer_id"]  # the typed columns, one by one
    monkeypatch.setattr(pd.DataFrame, "pop", pop)
    whole = type_extract(kept, ORDER_TABLE, source="orders.csv")
    assert len(released[1]) == 4 and released[3] == whole[3] == 7
    for a, b in zip(released[:3], whole[:3], strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert len(given.frame) == 0 and list(given.frame.columns) == list(kept.frame.columns)
    assert list(given.frame.dtypes) == list(kept.frame.dtypes)
    held = [given.frame[c].array for c in given.frame.columns if given.frame[c].dtype == "str"]
    assert held and sum(pa.array(a).get_total_buffer_size() for a in held) < 100
    assert len(kept.frame) == 7


def test_reconciliation_accounts_for_every_row(tiny_extracts):
    rec = load_two(tiny_extracts).reconciliation()
    assert rec.loc["orders"].to_dict() == {
        "in_file": 7, "rows_read": 7, "loaded": 3, "quarantined": 4, "balanced": True}  # fmt: skip
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


def test_absent_optional_columns_are_empty_of_their_kind_on_the_rows_kept(tmp_path, monkeypatch):
    """An export with the required columns and one of its own: the schema's other columns are
    there, empty, typed by kind, in schema order, the file's own column last; the quarantined
    row is gone from all of them and each row keeps its line in the file."""
    monkeypatch.setattr(loader, "_NO_TEXT_PIECE", 1)  # absent text: one-row pieces of one array
    header = ["订单编号", "客户编号", "交易日期", "交易金额", "备注"]
    rows = [["O1", "C1", "2024-03-05", "10", "a"], ["O2", "C2", "上个月", "20", "b"],
            ["O3", "C3", "2024-03-07", "30", "c"]]  # fmt: skip
    write_csv(tmp_path / "orders.csv", header, rows)
    frame, quarantine, _, _ = load_table(tmp_path / "orders.csv", ORDER_TABLE)
    assert list(frame.columns) == ["source_row", *ORDER_TABLE.column_names, "备注"]
    assert frame["source_row"].tolist() == [2, 4] and quarantine["row"].tolist() == [3]
    assert frame["备注"].tolist() == ["a", "c"] and frame["amount"].tolist() == [10.0, 30.0]
    absent = {"line_no": "Int64", "quantity": "float64", "unit_price": "float64",
              "original_order_id": "str"}  # fmt: skip
    for name, dtype in absent.items():
        assert frame[name].dtype == dtype, name
        assert frame[name].isna().all() and len(frame[name]) == 2, name
    # pieces of one array (`no_text`)
    assert frame["original_order_id"].array.__arrow_array__().num_chunks == 2
    # an event log's categories and repeating text (SKUs): text categoricals
    for name in ("product", "order_type", "product_code"):
        assert frame[name].dtype == pd.CategoricalDtype(pd.Index([], dtype="str")), name
        assert frame[name].isna().all() and len(frame[name]) == 2, name


def test_an_absent_text_column_is_one_small_array_repeated(monkeypatch):
    """`no_text`: n missing cells as pieces of one array (its 8-byte offsets are held once), and
    a cell written into the column changes that cell alone."""
    monkeypatch.setattr(loader, "_NO_TEXT_PIECE", 2)
    cells = loader.no_text(5)
    assert [len(chunk) for chunk in cells.chunks] == [2, 2, 1] and cells.null_count == 5
    assert len({chunk.buffers()[1].address for chunk in cells.chunks}) == 1  # one offsets buffer
    assert loader.no_text(0).type == cells.type == pa.large_string() and not len(loader.no_text(0))
    column = pd.Series(pd.array(cells, dtype="str"), copy=False)
    written = column.copy(deep=False)
    written.iloc[2] = "P-1"
    assert written.isna().tolist() == [True, True, False, True, True]
    assert written.iloc[2] == "P-1" and column.isna().all()


def test_a_csv_read_in_many_blocks_gives_one_chunk_per_column(tmp_path, monkeypatch):
    """pyarrow reads a CSV in blocks, a chunk each; the reader joins each column's chunks once,
    so that the parsers take the cells as they are (they used to copy the chunks, each one)."""
    monkeypatch.setattr(readers, "BLOCK_BYTES", 1 << 10)
    rows = [[f"O{i:04d}", f"C{i % 7}", f"2024-03-{i % 28 + 1:02d}", str(i)] for i in range(400)]
    write_csv(tmp_path / "orders.csv", ["订单编号", "客户编号", "交易日期", "交易金额"], rows)
    raw = read_extract(tmp_path / "orders.csv", ORDER_TABLE)
    assert all(raw.frame[c].array._pa_array.num_chunks == 1 for c in ("订单编号", "客户编号"))
    # dates and amounts repeat: codes, each block's dictionary joined into one for the column
    dates, amounts = raw.frame["交易日期"], raw.frame["交易金额"]
    assert isinstance(dates.dtype, pd.CategoricalDtype) and len(dates.cat.categories) == 28
    assert isinstance(amounts.dtype, pd.CategoricalDtype) and len(amounts.cat.categories) == 400
    assert raw.frame.astype("str").values.tolist() == rows
    frame, _, _, _ = load_table(tmp_path / "orders.csv", ORDER_TABLE)
    assert frame["order_id"].tolist() == [r[0] for r in rows] and frame["amount"].sum() == 79800


def test_issues_of_one_row_are_listed_in_the_files_column_order(tmp_path):
    rows = [r.copy() for r in CUSTOMERS]
    rows[1][8], rows[1][9] = "上个月", "下个月"  # 首次接触时间, 首次合作时间: both garbage
    header = [*CUSTOMER_HEADER[:8], CUSTOMER_HEADER[9], CUSTOMER_HEADER[8], *CUSTOMER_HEADER[10:]]
    rows = [[*r[:8], r[9], r[8], *r[10:]] for r in rows]  # this file has them the other way round
    write_csv(tmp_path / "customers.csv", header, rows)
    _, _, issues, _ = load_table(tmp_path / "customers.csv", CUSTOMER_TABLE)
    assert issues[["row", "column", "value"]].values.tolist() == [
        [3, "首次合作时间", "下个月"],
        [3, "首次接触时间", "上个月"],
    ]


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


# --- XLSX: sheet choice, merged two-row headers, formulas --------------------------------------


def _two_sheet_orders(path):
    wb = Workbook()
    first = wb.active
    first.title = "旧数据"
    first.append(ORDER_HEADER)
    first.append(["OLD1", "C1", "2023-01-01", "1", "", "", ""])
    second = wb.create_sheet("新数据")
    second.append(ORDER_HEADER)
    second.append(["NEW1", "C1", "2024-01-01", "2", "", "", ""])
    second.append(["NEW2", "C1", "2024-01-02", "3", "", "", ""])
    wb.save(path)
    return path


def test_xlsx_sheet_can_be_chosen_by_name_or_index(tmp_path):
    file = _two_sheet_orders(tmp_path / "orders.xlsx")
    assert load_table(file, ORDER_TABLE)[0]["order_id"].tolist() == ["OLD1"]  # first best match
    assert load_table(file, ORDER_TABLE, sheet="新数据")[0]["order_id"].tolist() == ["NEW1", "NEW2"]
    assert load_table(file, ORDER_TABLE, sheet=1)[0]["order_id"].tolist() == ["NEW1", "NEW2"]
    extracts = load_extracts(tmp_path, tables=("orders",), sheets={"orders": "新数据"})
    assert len(extracts.orders) == 2
    with pytest.raises(
        ExtractError, match=r"orders\.xlsx: no sheet '汇总'; the sheets are 旧数据, 新数据"
    ):
        load_table(file, ORDER_TABLE, sheet="汇总")


@pytest.mark.parametrize("path", XLSX_PATHS)
def test_another_sheet_holding_the_table_is_named_in_the_issues(tmp_path, monkeypatch, path):
    file = _two_sheet_orders(tmp_path / "orders.xlsx")
    book = load_workbook(file)
    book["旧数据"].append(["OLD2", "C2", "2023-01-02", "4", "", "", ""])
    notes = book.create_sheet("说明")  # one column of the header, and rows: not the table
    notes.append(["订单编号", "说明"])
    notes.append(["O9", "编号规则: O + 序号"])
    header_only = book.create_sheet("空表")
    header_only.append(ORDER_HEADER)  # the header and no rows: nothing unread
    book.save(file)
    use_xlsx_path(monkeypatch, path)
    frame, quarantine, issues, n = load_table(file, ORDER_TABLE)
    assert frame["order_id"].tolist() == ["OLD1", "OLD2"] and n == 2  # the first sheet, as before
    assert quarantine.empty
    assert issues[["file", "row", "column", "value"]].values.tolist() == [
        ["orders.xlsx", 1, "工作表", "新数据"]
    ]
    problem = issues.loc[0, "problem"]
    assert "rows 2–3 were not read" in problem
    assert "sheets={'orders': '新数据'}" in problem and "--sheet orders=新数据" in problem
    chosen = load_table(file, ORDER_TABLE, sheet="新数据")
    assert chosen[0]["order_id"].tolist() == ["NEW1", "NEW2"] and chosen[2].empty


def test_the_unread_sheet_shows_in_the_loaded_extracts_issues(tmp_path):
    _two_sheet_orders(tmp_path / "orders.xlsx")
    write_csv(tmp_path / "customers.csv", CUSTOMER_HEADER, CUSTOMERS)
    extracts = load_extracts(tmp_path, tables=("customers", "orders"))
    unread = extracts.issues[extracts.issues["value"].eq("新数据")]
    assert unread[["table", "file", "row"]].values.tolist() == [["orders", "orders.xlsx", 1]]


def test_unknown_table_names_are_refused(tmp_path):
    with pytest.raises(ExtractError, match="unknown table"):
        load_extracts(tmp_path, tables=("orderz",))


def test_two_row_header_without_merged_ranges_is_still_combined(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["客户编号", "客户名称", "联系方式", None, "备注"])  # no merges recorded
    ws.append([None, None, "联系电话", "电子邮箱", None])
    ws.append(["C1", "甲公司", "13800138000", "a@b.cn", "老客户"])
    wb.save(tmp_path / "customers.xlsx")
    frame, quarantine, issues, n = load_table(tmp_path / "customers.xlsx", CUSTOMER_TABLE)
    assert (n, len(quarantine), len(issues)) == (1, 0, 0)
    assert frame.loc[0, ["phone", "email", "备注"]].tolist() == ["13800138000", "a@b.cn", "老客户"]
    assert frame.loc[0, "source_row"] == 3


def test_a_title_merged_across_the_sheet_is_not_a_header_row(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "订单明细"
    ws.merge_cells("A1:D1")
    ws.append(["订单编号", "客户编号", "交易日期", "交易金额"])
    ws.append(["O1", "C1", "2024-01-01", 5])
    wb.save(tmp_path / "orders.xlsx")
    frame, *_ = load_table(tmp_path / "orders.xlsx", ORDER_TABLE)
    assert frame[["source_row", "order_id"]].values.tolist() == [[3, "O1"]]


def _save_with_results(wb, path, results):
    """Save, then write Excel-style saved results into the formula cells (openpyxl has none)."""
    import re
    import zipfile

    scratch = path.with_suffix(".tmp.xlsx")
    wb.save(scratch)
    with zipfile.ZipFile(scratch) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in results.items():
                    text = re.sub(rf'<c r="{ref}"><f>(.*?)</f><v ?/>',
                                  rf'<c r="{ref}" t="str"><f>\1</f><v>{value}</v>', text)  # fmt: skip
                data = text.encode()
            dst.writestr(item, data)
    scratch.unlink()


def test_xlsx_formulas_give_excels_saved_result_and_are_never_evaluated(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(ORDER_HEADER)
    ws.append(["O1", "C1", "2024-01-01", "=100*2", '=HYPERLINK("https://x.cn","官网")', "", ""])
    ws.append(["O2", "C1", "2024-01-02", "=1+1", "=A1&B1", "", ""])
    _save_with_results(wb, tmp_path / "orders.xlsx", {"D2": "200", "E2": "官网", "D3": "2"})
    frame, quarantine, issues, n = load_table(tmp_path / "orders.xlsx", ORDER_TABLE)
    assert n == 2 and quarantine.empty
    assert frame["amount"].tolist() == [200.0, 2.0]  # the results Excel saved
    assert frame["product"].tolist() == ["官网", "=A1&B1"]  # no saved result: the text as written
    assert (
        issues["value"].tolist() == ["=A1&B1"] and "formula injection" in issues.loc[0, "problem"]
    )


def test_merged_cells_down_a_data_column_fill_every_row_they_cover(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["订单编号", "客户编号", "交易日期", "交易金额"])
    ws.append(["O1", "C1", "2024-01-01", 5])
    ws.append(["O2", None, "2024-01-02", 6])
    ws.append(["O3", "C2", "2024-01-03", 7])
    ws.merge_cells("B2:B3")
    wb.save(tmp_path / "orders.xlsx")
    frame, quarantine, issues, _ = load_table(tmp_path / "orders.xlsx", ORDER_TABLE)
    assert frame["customer_id"].tolist() == ["C1", "C1", "C2"] and quarantine.empty
    assert issues[["row", "column"]].values.tolist() == [[2, "客户编号"]]


# --- Parquet --------------------------------------------------------------------------------


def test_parquet_with_date_objects_and_with_string_dates(tmp_path):
    import datetime as dt

    frame = pd.DataFrame({"订单编号": ["P1", "P2"], "客户编号": ["C1", "C2"],
                          "交易日期": [dt.date(2024, 2, 3), dt.date(2024, 2, 4)],
                          "交易金额": [9.5, 10.0]})  # fmt: skip
    frame.to_parquet(tmp_path / "orders.parquet")
    loaded, quarantine, issues, n = load_table(tmp_path / "orders.parquet", ORDER_TABLE)
    assert loaded["order_date"].tolist() == [pd.Timestamp("2024-02-03"), pd.Timestamp("2024-02-04")]
    assert loaded["order_date"].dtype == "datetime64[ns]" and quarantine.empty
    frame["交易日期"] = ["2024/2/3", "不详"]
    frame["交易金额"] = ["52万元", "8"]
    frame.to_parquet(tmp_path / "orders.parquet")
    loaded, quarantine, issues, n = load_table(tmp_path / "orders.parquet", ORDER_TABLE)
    assert n == 2 and issues.empty
    assert loaded["order_date"].tolist() == [pd.Timestamp("2024-02-03")]
    assert loaded["amount"].tolist() == [520_000.0]
    assert quarantine[["row", "reason"]].values.tolist() == [[3, "unparseable_date"]]


# --- CSV: large files, encodings, the compatible API ------------------------------------------


def _big_orders(encoding: str, rows: int = 16_000, ascii_rows: int = 0) -> bytes:
    """An orders CSV over 1 MB, so the encoding is sniffed on a sample, not the whole file."""
    lines = [",".join(ORDER_HEADER)]
    for i in range(rows):
        product = "PRO" if i < ascii_rows else "客户关系管理系统专业版年度订阅服务"
        lines.append(f"O{i},C{i % 97},2024-01-{i % 28 + 1:02d},{i}.5,{product}{i},软件,对公转账")
    return ("\n".join(lines) + "\n").encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_large_files_load_whatever_byte_the_sample_ends_on(tmp_path, encoding):
    from workbench.extracts import readers

    data = _big_orders(encoding)
    assert len(data) > readers.SAMPLE_BYTES
    for shift in range(3):  # move the 1 MB cut across a multi-byte character
        file = tmp_path / "orders.csv"
        file.write_bytes(b" " * shift + data if encoding != "utf-16" else data)
        frame, quarantine, issues, n = load_table(file, ORDER_TABLE)
        assert n == len(frame) == 16_000 and quarantine.empty and issues.empty
        assert frame.loc[15_999, "product"] == "客户关系管理系统专业版年度订阅服务15999"


def test_a_bad_byte_after_the_sample_names_its_line(tmp_path):
    data = _big_orders("utf-8")
    lines = data.split(b"\n")
    lines[14_500] = lines[14_500].replace("软件".encode(), b"\xff\xfe")
    (tmp_path / "orders.csv").write_bytes(b"\n".join(lines))
    with pytest.raises(ExtractError, match=r"orders\.csv: cannot decode line 14501 as UTF-8"):
        load_table(tmp_path / "orders.csv", ORDER_TABLE)


def test_gbk_text_after_a_plain_ascii_first_megabyte_still_loads(tmp_path):
    lines = ["order_id,customer_id,date,amount,product"]
    lines += [f"O{i},C{i % 97},2024-01-{i % 28 + 1:02d},{i}.5,PRO-{i}" for i in range(40_000)]
    lines.append("O-last,C1,2024-02-01,1,客户关系管理系统专业版")
    data = ("\n".join(lines) + "\n").encode("gb18030")
    assert data[: 1 << 20].isascii() and not data.isascii()
    (tmp_path / "orders.csv").write_bytes(data)
    frame, *_ = load_table(tmp_path / "orders.csv", ORDER_TABLE)
    assert len(frame) == 40_001 and frame.loc[40_000, "product"] == "客户关系管理系统专业版"


def test_utf16_without_bom_and_utf32_are_read(tmp_path):
    text = ",".join(ORDER_HEADER[:4]) + "\nO1,C1,2024-01-01,5\n"
    for encoding in ("utf-16-le", "utf-32"):
        (tmp_path / "orders.csv").write_bytes(text.encode(encoding))
        frame, *_ = load_table(tmp_path / "orders.csv", ORDER_TABLE)
        assert frame.loc[0, "amount"] == 5.0


def test_read_raw_and_type_extract_stay_usable_on_their_own(tmp_path):
    from workbench.extracts.loader import read_raw, type_extract

    write_csv(tmp_path / "orders.csv", ORDER_HEADER, ORDERS)
    raw, first_row = read_raw(tmp_path / "orders.csv", ORDER_TABLE)
    assert first_row == 2 and len(raw) == 7 and list(raw.columns) == ORDER_HEADER
    assert (raw.dtypes == "str").all()  # the reader's codes of repeating columns: text again
    assert raw.values.tolist() == ORDERS
    typed, quarantine, issues, n = type_extract(raw, ORDER_TABLE, source="手工表")
    assert n == 7 and len(typed) == 3 and set(quarantine["file"]) == {"手工表"} and issues.empty


def test_other_formats_are_pointed_out_when_no_extract_is_found(tmp_path):
    (tmp_path / "orders.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ExtractError, match=r"found orders\.xls: save it as \.xlsx or UTF-8 \.csv"):
        find_extract(tmp_path, ORDER_TABLE)


def test_a_source_row_header_in_the_file_does_not_clash_with_the_loaders(tmp_path):
    header = [*ORDER_HEADER[:4], "source_row", "备注", "备注", "备注_2"]
    write_csv(
        tmp_path / "orders.csv", header, [["O1", "C1", "2024-01-01", "5", "x", "a", "b", "c"]]
    )
    frame, _, issues, _ = load_table(tmp_path / "orders.csv", ORDER_TABLE)
    assert frame.loc[0, ["source_row", "source_row_2", "备注", "备注_3", "备注_2"]].tolist() == [
        2, "x", "a", "b", "c"]  # fmt: skip
    assert issues["row"].tolist() == [1, 1]


@pytest.mark.parametrize("path", XLSX_PATHS[1:])
def test_the_xlsx_paths_read_the_same(demo_dir, tmp_path, monkeypatch, path):
    wb = Workbook()
    sheet = wb.active
    sheet.append(["订单编号", "客户编号", "交易日期", "交易金额", "联系电话"])
    sheet.append(["O1", "C1", pd.Timestamp("2024-03-05").to_pydatetime(), 1200.5, 13800138000])
    sheet.append(["O2", "C2", "2024/3/6", "52万元", None])
    wb.save(tmp_path / "orders.xlsx")
    for file, table in ((tmp_path / "orders.xlsx", ORDER_TABLE),
                        (demo_dir / "requirements.xlsx", REQUIREMENTS)):  # fmt: skip
        fast = load_table(file, table)
        use_xlsx_path(monkeypatch, path)
        slow = load_table(file, table)
        monkeypatch.undo()
        pd.testing.assert_frame_equal(fast[0], slow[0])
        assert len(fast[1]) == len(slow[1]) and len(fast[2]) == len(slow[2])
    orders = load_table(tmp_path / "orders.xlsx", ORDER_TABLE)[0]
    assert orders.loc[0, "联系电话"] == "13800138000"  # a phone stored as a number stays whole


# --- Rows in the file, counted apart from the readers (workbench.extracts.record_count) ----------------


def test_csv_rows_in_the_file_are_counted_on_a_path_of_their_own(tmp_path):
    (tmp_path / "orders.csv").write_bytes(
        "sep=;\r\n\r\n订单编号;客户编号;交易日期;交易金额\r\n"  # rows 1-3: hint, blank, header
        "O1;C1;2024-01-02;10\r\n"  # row 4
        "\r\n;;;\r\n;\r"  # rows 5-7: blank, a row of delimiters, a short one ended by a lone CR
        '"O2";"C1\r\nC2";2024-01-03;20\r\n'  # row 8: a quoted cell spanning two lines
        "   \r\n"  # row 9: whitespace
        ";C2;2024-01-04;30\r\n"  # row 10: the first field empty
        "O3;C3\r\n".encode()  # row 11: too few fields
    )
    file = tmp_path / "orders.csv"
    raw = read_extract(file, ORDER_TABLE)
    assert record_rows(file, raw).tolist() == [4, 8, 10, 11]
    assert count_records(file, raw) == 4
    extracts = load_extracts(tmp_path, tables=("orders",))
    assert extracts.reconciliation().loc["orders"].to_dict() == {
        "in_file": 4, "rows_read": 4, "loaded": 2, "quarantined": 2, "balanced": True}  # fmt: skip
    assert extracts.orders["customer_id"].tolist() == ["C1", "C1\r\nC2"]
    assert extracts.quarantine[["row", "reason"]].values.tolist() == [
        [10, "missing_required"], [11, "too_few_fields"]]  # fmt: skip


_XLSX_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-'
    'types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
    'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override '
    'PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relation'
    'ships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="订单" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package'
    '/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/office'
    'Document/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id='
    '"rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/shared'
    'Strings" Target="sharedStrings.xml"/></Relationships>',
}
_SHARED = ["订单编号", "客户编号", "交易日期", "交易金额", '<t xml:space="preserve">  </t>',
           "<r><t>O</t></r><r><t>2</t></r>", "<t></t><rPh sb='0' eb='0'><t>ふ</t></rPh>",
           "<t>&#32;</t>"]  # fmt: skip


def _sheet_xml(rows: str, merges: str = "") -> dict[str, str]:
    """A workbook written by hand: shared strings (some blank), the sheet's rows and merges."""
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    strings = "".join(f"<si>{s if s.startswith('<') else f'<t>{s}</t>'}</si>" for s in _SHARED)
    merged = f"<mergeCells>{merges}</mergeCells>" if merges else ""
    return {**_XLSX_PARTS, "xl/sharedStrings.xml": f"<sst {main}>{strings}</sst>",
            "xl/worksheets/sheet1.xml": f"<worksheet {main}><sheetData>{rows}</sheetData>{merged}"
                                        "</worksheet>"}  # fmt: skip


def _s(ref: str, *indexes: int) -> str:
    return "".join(f'<c r="{chr(ord(ref[0]) + i)}{ref[1:]}" t="s"><v>{n}</v></c>'
                   for i, n in enumerate(indexes))  # fmt: skip


_ROWS = (
    f'<row r="1">{_s("A1", 0, 1, 2, 3)}</row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>O1</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>C1</t></is></c><c r="C2"><v>45413</v></c><c r="D2"><v>10</v></c>'
    f'</row><row r="3">{_s("A3", 4, 6, 7)}</row>'  # blank shared strings (phonetic run left out)
    '<row r="4"><c r="A4" s="1"/><c r="B4"><v></v></c><c r="C4" t="inlineStr"><is><t> </t></is>'
    f'</c></row><row r="5">{_s("B5", 5)}</row>'  # row 5: only B (the first field empty)
    '<row r="6"/><row><c t="inlineStr"><is><t>O3</t></is></c><c><v>7</v></c></row>'  # row 7: no r=
    '<row r="11"><c r="A11" t="inlineStr"><is><t>O4</t></is></c></row><row r="12"/>'
    '<row r="13"><c r="B13" s="2"/></row>'
)
_FORMULAS = (  # a formula whose saved result is blank is blank; one with no result is its text
    '<row r="9"><c r="A9" t="str"><f>""</f><v>  </v></c></row>'
    '<row r="10"><c r="D10"><f>1+1</f><v></v></c></row>'
)


@pytest.mark.parametrize(
    ("rows", "merges", "expected"),
    [(_ROWS, "", [2, 5, 7, 11]),  # calamine reads it (no formula)
     (_ROWS, '<mergeCell ref="B5:B6"/><mergeCell ref="A11:A13"/>', [2, 5, 6, 7, 11, 12, 13]),
     (_ROWS.replace('<row r="11">', _FORMULAS + '<row r="11">'), "", [2, 5, 7, 10, 11])],
)  # fmt: skip
def test_xlsx_rows_in_the_file_are_counted_from_the_sheet_xml(tmp_path, rows, merges, expected):
    import zipfile

    file = tmp_path / "orders.xlsx"
    with zipfile.ZipFile(file, "w") as book:
        for name, text in _sheet_xml(rows, merges).items():
            book.writestr(name, text)
    raw = read_extract(file, ORDER_TABLE)
    assert raw.rows.tolist() == expected  # merged values are filled down into rows 6, 12, 13
    assert record_rows(file, raw).tolist() == expected
    assert load_extracts(tmp_path, tables=("orders",)).in_file == {"orders": len(expected)}


def test_parquet_rows_in_the_file_come_from_its_footer(tmp_path):
    frame = pd.DataFrame({"订单编号": ["P1", "", None], "客户编号": ["C1", "C2", "C3"],
                          "交易日期": ["2024-02-03"] * 3, "交易金额": [9.5, 1, 2]})  # fmt: skip
    frame.to_parquet(tmp_path / "orders.parquet")
    extracts = load_extracts(tmp_path, tables=("orders",))
    assert extracts.reconciliation().loc["orders"].to_dict() == {
        "in_file": 3, "rows_read": 3, "loaded": 1, "quarantined": 2, "balanced": True}  # fmt: skip


def test_a_row_the_reader_drops_fails_the_load_and_names_the_row(tiny_extracts, monkeypatch):
    from workbench.extracts import loader as io

    def lossy(file, table, sheet=None):  # a reader that takes an empty first field for blank
        raw = read_extract(file, table, sheet)
        kept = raw.frame.iloc[:, 0].str.strip().ne("").to_numpy()
        return dataclasses.replace(raw, frame=raw.frame[kept], rows=raw.rows[kept])

    (tiny_extracts / "orders.csv").write_bytes(
        (tiny_extracts / "orders.csv").read_bytes().replace(b"\nO4,", b"\n,")
    )
    monkeypatch.setattr(io, "read_extract", lossy)
    with pytest.raises(ExtractError) as err:
        load_extracts(tiny_extracts, tables=("orders",))
    assert str(err.value) == (
        f"{tiny_extracts / 'orders.csv'}: row 5 is in the file but was not read; the file holds "
        "7 rows, the reader returned 6: a workbench bug, please report it with the file"
    )


def test_reconciliation_does_not_balance_when_the_file_holds_other_rows(tiny_extracts):
    extracts = load_two(tiny_extracts)
    assert extracts.in_file == {"customers": 3, "orders": 7}
    rec = dataclasses.replace(extracts, in_file={"customers": 3, "orders": 8}).reconciliation()
    assert rec["balanced"].to_dict() == {"customers": True, "orders": False}
    assert rec.loc["orders", ["in_file", "rows_read"]].tolist() == [8, 7]


def test_an_event_logs_category_columns_load_as_categoricals_of_their_text(tmp_path):
    """Orders and interactions hold a handful of payment methods, channels … over millions of
    rows: the loader gives those columns as categoricals of the text as written (trimmed,
    blanks missing), about a byte a row; the customers' category columns stay text."""
    header = ["订单编号", "客户编号", "交易日期", "交易金额", "支付方式", "产品名称"]
    ways = ["支付宝", "微信支付", "", " 对公转账 "]
    rows = [[f"O{i}", f"C{i % 50}", "2024-03-05", "10", ways[i % 4], "软件"] for i in range(4000)]
    write_csv(tmp_path / "orders.csv", header, rows)
    frame, quarantine, _, _ = load_table(tmp_path / "orders.csv", ORDER_TABLE)
    assert quarantine.empty and len(frame) == 4000
    paid = frame["payment_method"]
    assert isinstance(paid.dtype, pd.CategoricalDtype) and paid.dtype.categories.dtype == "str"
    assert list(paid.cat.categories) == ["对公转账", "微信支付", "支付宝"]
    assert paid.astype("str").fillna("<NA>").tolist()[:4] == [
        "支付宝",
        "微信支付",
        "<NA>",
        "对公转账",
    ]
    assert paid.memory_usage(deep=True, index=False) < 2 * len(paid)  # text: ~20 bytes a row
    assert frame["product"].astype("str").eq("软件").all()
    assert frame["customer_id"].dtype == "str"  # ids are not categories
    write_csv(tmp_path / "customers.csv", CUSTOMER_HEADER, CUSTOMERS)
    customers, *_ = load_table(tmp_path / "customers.csv", CUSTOMER_TABLE)
    assert customers["status"].dtype == "str" and customers["province"].dtype == "str"


def test_an_event_logs_repeating_text_loads_as_codes_of_the_text_it_would_be(tmp_path):
    """Follow-up summaries written from a few templates repeat over millions of rows: the
    loader holds them as a categorical (`Column.repeats`) whose rows read as the same column
    under a header it does not know, loaded as text, reads: trimmed, blanks missing, a
    formula-like cell flagged. Text whose cells all differ is coded too, and is still right."""
    header = ["记录编号", "客户编号", "跟进日期", "内容摘要", "备注"]
    said = ["电话回访，暂无需求", " 索取报价单 ", "", "電話回訪", "=HYPERLINK(1)"]
    rows = [[f"I{i}", f"C{i % 7}", "2024-03-05", said[i % 5], said[i % 5]] for i in range(50)]
    rows += [["I50", "C1", "2024-03-06", "客户说下周再联系 50", "客户说下周再联系 50"]]
    write_csv(tmp_path / "interactions.csv", header, rows)
    frame, quarantine, issues, _ = load_table(tmp_path / "interactions.csv", INTERACTION_TABLE)
    assert quarantine.empty and len(frame) == 51
    summary = frame["summary"]
    assert isinstance(summary.dtype, pd.CategoricalDtype) and summary.cat.categories.dtype == "str"
    assert frame["备注"].dtype == "str"
    as_text = summary.astype("str")
    assert as_text.fillna("<NA>").tolist() == frame["备注"].fillna("<NA>").tolist()
    assert as_text.tolist()[:5] == ["电话回访，暂无需求", "索取报价单", as_text[2], "電話回訪",
                                    "=HYPERLINK(1)"]  # fmt: skip
    assert pd.isna(as_text[2]) and summary.isna().sum() == 10
    assert len(summary.cat.categories) == 5
    flagged = issues[issues["column"].eq("内容摘要")]
    assert flagged["row"].tolist() == list(range(6, 52, 5))  # the formula, every 5th row
    unique = pd.DataFrame({"记录编号": [f"I{i}" for i in range(9)], "客户编号": "C1",
                           "跟进日期": "2024-03-05", "内容摘要": [f"第{i}次" for i in range(9)]})  # fmt: skip
    unique.to_csv(tmp_path / "unique.csv", index=False)
    frame, *_ = load_table(tmp_path / "unique.csv", INTERACTION_TABLE)
    assert isinstance(frame["summary"].dtype, pd.CategoricalDtype)
    assert frame["summary"].astype("str").tolist() == [f"第{i}次" for i in range(9)]


def test_repeating_columns_come_coded_and_load_as_text_columns_do(tmp_path):
    """Dates, amounts and an event log's categories are read as codes of their distinct cells
    (`Table.repeating`); blank rows, quarantined rows and issues see the text the file holds."""
    header = ["交易日期", "订单编号", "客户编号", "交易金额", "支付方式", "备注"]
    rows = [
        ["2024-03-01", "O1", "C1", "100", "支付宝", "x"],
        ["2024/3/1", "O2", "C2", "1,200", " 支付宝 ", "x"],
        ["", "", "", "", "", ""],  # a row of delimiters: dropped
        ["   ", " ", "", "", "", ""],  # whitespace only: dropped too
        ["下周", "O3", "C1", "100", "微信", "y"],  # a required date not a date: quarantined
        ["2024-03-01", "O4", "C3", "五百", "-", "x"],  # an amount not a number: required too
        ["2024-03-02", "O5", "C1", "100", "=1+2", "z"],
    ]
    write_csv(tmp_path / "orders.csv", header, rows)
    raw = read_extract(tmp_path / "orders.csv", ORDER_TABLE)
    coded = [c for c in raw.frame.columns if isinstance(raw.frame[c].dtype, pd.CategoricalDtype)]
    assert coded == ["交易日期", "交易金额", "支付方式"]  # ids and unknown columns stay text
    assert raw.rows.tolist() == [2, 3, 6, 7, 8]
    frame, quarantine, issues, n = load_table(tmp_path / "orders.csv", ORDER_TABLE)
    assert n == 5 and frame["order_id"].tolist() == ["O1", "O2", "O5"]
    assert frame["order_date"].tolist() == [pd.Timestamp("2024-03-01")] * 2 + [
        pd.Timestamp("2024-03-02")
    ]
    assert frame["amount"].tolist() == [100.0, 1200.0, 100.0]
    assert frame["payment_method"].astype("str").tolist() == ["支付宝", "支付宝", "=1+2"]
    assert frame["备注"].dtype == "str"
    assert quarantine["row"].tolist() == [6, 7]
    assert quarantine["value"].tolist() == ["下周", "五百"]
    assert json.loads(quarantine["raw"][0]) == dict(zip(header, rows[4], strict=True))
    assert json.loads(quarantine["raw"][1])["支付方式"] == "-"
    assert issues[["row", "value"]].values.tolist() == [[8, "=1+2"]]

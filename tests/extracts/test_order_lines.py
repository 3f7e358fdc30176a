"""Order lines: every line of an order kept, true repeats quarantined, returns recognised, orders
summed from their lines — on the hand-written shop export of `order_lines_fixture` and on small
files written here."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import write_csv
from tests.extracts.order_lines_fixture import (
    LOADED_ROWS,
    ORDER_TOTALS,
    QUARANTINE,
    ROWS,
    write_order_lines,
)
from workbench.core.errors import ExtractError
from workbench.extracts.loader import load_extracts, load_table
from workbench.extracts.order_lines import order_totals, quarantined_revenue, return_marks
from workbench.extracts.schema import ORDERS


@pytest.fixture
def shop(tmp_path):
    write_order_lines(tmp_path)
    return load_extracts(tmp_path, tables=("orders",))


def test_english_headers_and_amount_from_quantity_times_unit_price(shop):
    lines = shop.orders
    assert lines["source_row"].tolist() == LOADED_ROWS
    first = lines.iloc[0]
    assert first["order_id"] == "536365" and first["customer_id"] == "17850"
    assert first["product_code"] == "85123A"  # StockCode
    assert first["product"] == "WHITE HANGING HEART T-LIGHT HOLDER"  # Description
    assert first["quantity"] == 6 and first["unit_price"] == 2.55
    assert first["amount"] == pytest.approx(15.30)  # 6 × 2.55
    assert first["order_date"] == pd.Timestamp("2010-12-01 08:26")
    assert first["Country"] == "United Kingdom"  # an unknown column is kept
    by_row = lines.set_index("source_row")["amount"]
    assert by_row[12] == pytest.approx(-20.28) and by_row[20] == pytest.approx(-6.78)
    assert by_row.sum() == pytest.approx(136.30)  # the loaded lines, returns netted


def test_only_true_repeats_and_reused_numbers_are_quarantined(shop):
    q = shop.quarantine.set_index("row")
    assert q["reason"].to_dict() == QUARANTINE
    assert q.loc[11, "detail"] == "repeats row 10 in every column; the order has no other line"
    assert q.loc[18, "detail"] == "same order number as row 6, another customer"
    assert q.loc[14, "column"] == "客户编号"  # the lines without a customer keep their reason
    # the identical line of an order with other lines is kept and listed
    issues = shop.issues
    assert issues[["row", "column", "value"]].values.tolist() == [[5, "订单编号", "536365"]]
    assert issues.loc[0, "problem"].startswith("repeats row 3 in every column; kept as a line")


def test_reconciliation_counts_every_line(shop):
    rec = shop.reconciliation().loc["orders"].to_dict()
    assert rec == {"in_file": ROWS, "rows_read": ROWS, "loaded": 14, "quarantined": 5,
                   "balanced": True}  # fmt: skip


def test_order_totals_sum_the_lines(shop):
    totals = order_totals(shop.orders).set_index("order_id")
    assert list(totals.index) == list(ORDER_TOTALS)  # in the order of their first lines
    for order, (customer, lines, amount) in ORDER_TOTALS.items():
        assert totals.loc[order, "customer_id"] == customer, order
        assert totals.loc[order, "lines"] == lines, order
        assert totals.loc[order, "amount"] == pytest.approx(amount), order
        assert totals.loc[order, "is_return"] == (amount < 0), order
    assert totals.loc["C536391", "order_date"] == pd.Timestamp("2010-12-02 10:24")


def test_order_totals_of_orders_are_the_orders():
    orders = pd.DataFrame({"order_id": ["A", "B", "R", "C9"], "customer_id": "C1",
                           "order_date": pd.to_datetime("2024-01-02"),
                           "amount": [10.0, -4.0, -3.0, -2.0], "order_type": [None, None, "退货", None],
                           "product": ["x", "y", "x", "x"]})  # fmt: skip
    totals = order_totals(orders)
    assert totals["amount"].tolist() == [10.0, -4.0, -3.0, -2.0]
    assert totals["lines"].tolist() == [1, 1, 1, 1]
    # a return is negative and marked (type 退货, number C9); B's -4 is a flagged contradiction
    assert totals["is_return"].tolist() == [False, False, True, True]
    no_ids = order_totals(orders.drop(columns="order_id"))  # each row an order
    assert len(no_ids) == 4 and "order_id" not in no_ids
    assert no_ids["is_return"].tolist() == [False, False, True, False]


def test_return_marks(shop):
    marks = return_marks(shop.orders).set_axis(shop.orders["source_row"])
    numbered = {12, 13, 19, 20}  # C536391, C536379, C540001
    assert set(marks.index[marks["number"]]) == numbered
    assert set(marks.index[marks["reference"]]) == {12, 13, 20}  # OriginalInvoiceNo given
    assert not marks["type"].any()
    typed = pd.DataFrame({"order_id": ["T1", "T2", "T3", "C12X"],
                          "order_type": ["退货", "销售", None, "冲销"]})  # fmt: skip
    marks = return_marks(typed)
    assert marks["type"].tolist() == [True, False, False, True]
    assert marks["number"].tolist() == [False, False, False, False]  # C + digits only


def test_quarantined_revenue_shows_the_lines_without_customer(shop):
    frame = quarantined_revenue(shop.quarantine, shop.orders)
    by_reason = frame.set_index(["column", "reason"])
    missing = by_reason.loc[("客户编号", "missing_required")]
    assert missing["rows"] == 3 and missing["revenue"] == pytest.approx(384.00)
    # of the revenue written in the file: 136.30 loaded + 384.00 + 25.50 + 11.10 quarantined
    assert missing["share"] == pytest.approx(384.00 / 556.90)
    assert by_reason.loc[("订单编号", "duplicate_row"), "revenue"] == pytest.approx(25.50)
    assert by_reason.loc[("订单编号", "duplicate_key"), "revenue"] == pytest.approx(11.10)
    assert frame["share"].sum() == pytest.approx(420.60 / 556.90)
    redacted = shop.quarantine.drop(columns="raw")  # what the cache keeps
    assert quarantined_revenue(redacted, shop.orders).equals(frame)


LINE_HEADER = ["订单编号", "行号", "客户编号", "交易日期", "产品名称", "交易金额"]


def test_with_a_line_number_a_line_is_order_and_line(tmp_path):
    rows = [
        ["S1", "1", "C1", "2024-05-01", "标准版", "100"],
        ["S1", "2", "C1", "2024-05-01", "标准版", "100"],  # another line, same product: kept
        ["S1", "1", "C1", "2024-05-01", "标准版", "100"],  # line 1 again, identical: repeat
        ["S1", "2", "C1", "2024-05-01", "专业版", "300"],  # line 2 again, other values
        ["S2", "1", "C2", "2024-05-02", "标准版", "100"],
        ["S2", "", "C2", "2024-05-02", "实施", "50"],  # no line number: a line by content
    ]
    write_csv(tmp_path / "orders.csv", LINE_HEADER, rows)
    lines, quarantine, issues, n = load_table(tmp_path / "orders.csv", ORDERS)
    assert n == 6 and lines["source_row"].tolist() == [2, 3, 6, 7]
    assert quarantine[["row", "reason", "detail"]].values.tolist() == [
        [4, "duplicate_row", "repeats row 2 in every column (same order and line number)"],
        [5, "duplicate_key", "same order and line number as row 3, other values"],
    ]
    assert issues.empty
    assert order_totals(lines)["amount"].tolist() == [200.0, 150.0]


def test_lines_of_an_order_share_its_day(tmp_path):
    rows = [
        ["S1", "", "C1", "2024-05-01 09:00", "标准版", "100"],
        ["S1", "", "C1", "2024-05-01 17:30", "实施", "50"],  # same day, later: a line
        ["S1", "", "C1", "2024-05-03", "培训", "20"],  # another day: the number reused
    ]
    write_csv(tmp_path / "orders.csv", LINE_HEADER, rows)
    lines, quarantine, _, _ = load_table(tmp_path / "orders.csv", ORDERS)
    assert lines["source_row"].tolist() == [2, 3]
    assert quarantine[["row", "reason", "detail"]].values.tolist() == [
        [4, "duplicate_key", "same order number as row 2, another date"]
    ]


def test_an_identical_row_of_a_one_line_order_is_a_repeat_even_after_other_orders(tmp_path):
    rows = [
        ["S1", "", "C1", "2024-05-01", "标准版", "100"],
        ["S2", "", "C1", "2024-05-01", "标准版", "100"],
        ["S1", "", "C1", "2024-05-01", "标准版", "100"],
    ]
    write_csv(tmp_path / "orders.csv", LINE_HEADER, rows)
    lines, quarantine, issues, _ = load_table(tmp_path / "orders.csv", ORDERS)
    assert lines["order_id"].tolist() == ["S1", "S2"] and issues.empty
    assert quarantine[["row", "reason"]].values.tolist() == [[4, "duplicate_row"]]


def test_quantity_and_unit_price_are_required_without_an_amount(tmp_path):
    header = ["InvoiceNo", "CustomerID", "InvoiceDate", "Quantity", "UnitPrice"]
    rows = [["1", "C1", "2024-01-02", "2件", "¥1.5万"], ["2", "C1", "2024-01-02", "两件", "3"],
            ["3", "C1", "2024-01-02", "1", ""]]  # fmt: skip
    write_csv(tmp_path / "orders.csv", header, rows)
    lines, quarantine, _, _ = load_table(tmp_path / "orders.csv", ORDERS)
    assert lines["amount"].tolist() == [30_000.0]  # 2 × 15,000
    assert quarantine[["row", "column", "reason"]].values.tolist() == [
        [3, "数量", "unparseable_float"], [4, "单价", "missing_required"]]  # fmt: skip
    write_csv(tmp_path / "orders.csv", header[:4], [r[:4] for r in rows])
    with pytest.raises(ExtractError, match=r"交易金额 \(amount\) or 数量 and 单价"):
        load_table(tmp_path / "orders.csv", ORDERS)


def test_an_amount_column_wins_over_quantity_times_price(tmp_path):
    header = ["订单编号", "客户编号", "交易日期", "数量", "单价", "交易金额"]
    write_csv(tmp_path / "orders.csv", header, [["1", "C1", "2024-01-02", "2", "10", "18"]])
    lines, *_ = load_table(tmp_path / "orders.csv", ORDERS)
    assert lines["amount"].tolist() == [18.0]  # as written (a discount), not 2 × 10

"""A hand-written folder of extracts that loads with every kind of issue the loader notes, and
the counts a person finds by reading the two files (written here, not by `workbench.demo`).

customers.csv (rows 2–6): 首次接触时间 holds four dates that do not exist or are not dates
(rows 2, 3, 5, 6: 2024-13-45, a phone, 去年春天, 2024/02/30); 年龄 holds an ID number (row 3)
and a formula (row 4); 电子邮箱 a HYPERLINK formula around an e-mail (row 4); the first 备注
formula-like text (rows 2 and 5); the header repeats 备注 and has a column named source_row.

orders.xlsx, sheet 订单 (rows 2–7): row 3 repeats row 2 in every column in an order with another
line (kept, listed); 数量 holds 两个 (row 5) and a formula (row 7); 产品名称 is merged over rows
6–7; the sheet 旧订单 has the same header and two rows, not read.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

PHONE = "13998765432"  # 陈晓明's phone, also typed into 首次接触时间 (row 3)
ID_NUMBER = "11010519491231002X"  # typed into 年龄 (row 3)
EMAIL = "zhouli@qq.com"  # inside the formula of 周丽's 电子邮箱 (row 4)

CUSTOMER_HEADER = ["客户编号", "客户类型", "客户名称", "联系电话", "电子邮箱", "首次接触时间",
                   "年龄", "备注", "备注", "source_row"]  # fmt: skip
CUSTOMERS = [
    ["C20240101001", "企业", "杭州云帆科技有限公司", "13812345678", "wang@yunfan.cn",
     "2024-13-45", "", "=SUM(A1:A3)", "首单", "1"],
    ["C20240101002", "个人", "陈晓明", PHONE, "chenxm@163.com", PHONE, ID_NUMBER, "", "", "2"],
    ["C20240101003", "个人", "周丽", "15811112222", f'=HYPERLINK("mailto:{EMAIL}")',
     "2023-09-01", "=2024-1985", "", "", "3"],
    ["C20240101004", "企业", "南京蓝海贸易有限公司", "13700001111", "", "去年春天", "",
     "@老客户", "", "4"],
    ["C20240101005", "企业", "上海启明制造有限公司", "021-62345678", "liqiang@qiming.com",
     "2024/02/30", "", "", "", "5"],
]  # fmt: skip
ORDER_HEADER = ["订单编号", "客户编号", "交易日期", "交易金额", "产品名称", "数量"]
ORDERS = [
    ["O1", "C20240101001", "2024-11-01", 100, "CRM专业版", 1],
    ["O1", "C20240101001", "2024-11-01", 100, "CRM专业版", 1],
    ["O1", "C20240101001", "2024-11-01", 50, "实施服务", 1],
    ["O2", "C20240101002", "2024-11-02", 80, "CRM标准版", "两个"],
    ["O3", "C20240101004", "2024-11-03", 70, "培训服务", 1],
    ["O4", "C20240101004", "2024-11-04", 60, None, "=1+1"],
]  # fmt: skip

# (table, file, column, kind, count, rows): what the loader should note, the largest first
EXPECTED = [
    ("customers", "customers.csv", "首次接触时间", "set_to_missing", 4, (2, 3, 5, 6)),
    ("customers", "customers.csv", "备注", "formula_text", 2, (2, 5)),
    ("customers", "customers.csv", "source_row", "reserved_header", 1, (1,)),
    ("customers", "customers.csv", "备注", "repeated_header", 1, (1,)),
    ("customers", "customers.csv", "年龄", "set_to_missing", 1, (3,)),
    ("customers", "customers.csv", "年龄", "formula_missing", 1, (4,)),
    ("customers", "customers.csv", "电子邮箱", "formula_text", 1, (4,)),
    ("orders", "orders.xlsx", "旧订单", "unread_sheet", 1, (1,)),
    ("orders", "orders.xlsx", "订单编号", "possible_repeat", 1, (3,)),
    ("orders", "orders.xlsx", "数量", "set_to_missing", 1, (5,)),
    ("orders", "orders.xlsx", "产品名称", "merged_cell", 1, (6,)),
    ("orders", "orders.xlsx", "数量", "formula_missing", 1, (7,)),
]


def write_load_issue_corpus(folder: Path) -> Path:
    """Write customers.csv and orders.xlsx into `folder`; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "customers.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CUSTOMER_HEADER)
        writer.writerows(CUSTOMERS)
    book = Workbook()
    sheet = book.active
    sheet.title = "订单"
    for row in [ORDER_HEADER, *ORDERS]:
        sheet.append(row)
    sheet.merge_cells("E6:E7")
    old = book.create_sheet("旧订单")
    for row in [ORDER_HEADER, ["O9", "C20240101001", "2023-12-01", 30, "培训服务", 1],
                ["O10", "C20240101005", "2023-12-02", 40, "培训服务", 1]]:  # fmt: skip
        old.append(row)
    book.save(folder / "orders.xlsx")
    return folder

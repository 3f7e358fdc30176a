"""Write the corpus of bad extract files (one folder per case); the files are committed.

    .venv/bin/python tests/extracts/bad_inputs/make_corpus.py

Deterministic: re-running it rewrites the same bytes (except the XLSX zips' timestamps, which
openpyxl stamps; the cells are the same). README.md lists each case and its expected outcome;
tests/extracts/test_bad_inputs.py holds the same expectations as code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
ORDER_HEADER = ["订单编号", "客户编号", "交易日期", "交易金额", "产品名称", "支付方式"]
ORDERS = [
    ["O1", "C20230105001", "2024-10-02", "120000.00", "CRM专业版", "对公转账"],
    ["O2", "C20230105001", "2024-11-15", "52万元", "实施服务", "对公转账"],
    ["O3", "C20230210002", "2024/12/1", "3,000", "CRM标准版", "微信支付"],
]
CUSTOMER_HEADER = ["客户编号", "客户类型", "客户名称", "所属行业", "联系电话", "所在省份", "负责人"]
CUSTOMERS = [
    ["C20230105001", "企业", "杭州云帆科技有限公司", "软件和信息技术服务业", "13800138000", "浙江省", "王磊"],
    ["C20230210002", "个人", "李娜", "", "13900139000", "广东省", "陈静"],
    ["C20230301003", "企业", "北京远景制造有限公司", "制造业", "010-62345678", "北京市", "赵强"],
]  # fmt: skip


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def png_bytes() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))  # fmt: skip


def xlsx_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def orders_book() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "交易记录"
    sheet.append(ORDER_HEADER)
    for row in ORDERS:
        sheet.append(row)
    return book


def merged_header_book() -> Workbook:
    """Title rows, then a two-row header: 联系方式 merged over 联系电话 | 电子邮箱."""
    book = Workbook()
    sheet = book.active
    sheet.title = "客户信息"
    sheet["A1"] = "2024年第四季度客户信息导出"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "导出人：张三　导出时间：2025-01-02"
    sheet.append(["客户编号", "客户名称", "联系方式", None, "所在省份", "负责人"])
    sheet.append([None, None, "联系电话", "电子邮箱", None, None])
    for ref in ("A3:A4", "B3:B4", "C3:D3", "E3:E4", "F3:F4"):
        sheet.merge_cells(ref)
    sheet.append(["C001", "杭州云帆科技有限公司", "13800138000", "a@yunfan.cn", "浙江省", "王磊"])
    sheet.append(["C002", "宁波海曙贸易有限公司", "13900139000", "b@haishu.cn", "浙江省", "王磊"])
    sheet.append(["C003", "北京远景制造有限公司", "010-62345678", "c@yj.cn", "北京市", "赵强"])
    sheet.merge_cells("F5:F6")  # one owner merged down two customers
    return book


def second_sheet_book() -> Workbook:
    book = Workbook()
    cover = book.active
    cover.title = "说明"
    cover.append(["本文件由CRM导出，数据见第二个工作表"])
    cover.append(["字段说明", "订单编号 = 唯一编号"])
    data = book.create_sheet("订单明细")
    data.append(ORDER_HEADER)
    for row in ORDERS:
        data.append(row)
    return book


def serial_dates_book() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.append(ORDER_HEADER)
    sheet.append(["O1", "C1", 45413, 1200, "CRM专业版", "对公转账"])  # Excel serial 2024-05-01
    sheet.append(["O2", "C1", dt.datetime(2024, 5, 2), "3000", "实施服务", "对公转账"])
    sheet.append(["O3", "C2", "45414", 800.5, "培训服务", "支付宝"])  # serial stored as text
    return book


def formula_book() -> Workbook:
    """Formula cells as a CRM's export library writes them: no saved result in the file."""
    book = Workbook()
    sheet = book.active
    sheet.append(ORDER_HEADER)
    sheet.append(["O1", "C1", "2024-05-01", 1200, '=HYPERLINK("https://example.com","CRM专业版")',
                  "对公转账"])  # fmt: skip
    sheet.append(["O2", "C1", "2024-05-02", "=100*2", "实施服务", "对公转账"])
    sheet.append(["O3", "C2", "2024-05-03", 800, "培训服务", "@SUM(A1)"])
    return book


def cases() -> dict[str, tuple[str, bytes]]:
    """case folder → (file name, bytes)."""
    rng = random.Random(7)
    orders = csv_text(ORDER_HEADER, ORDERS)
    traditional = "訂單編號,客戶編號,交易日期,交易金額\r\nO1,客戶甲,2024-01-02,100\r\n"
    japanese = (
        "注文番号,顧客番号,取引日,金額,担当者\r\nO1,東京都千代田区株式会社,2024-01-02,100,山田\r\n"
    )
    random_text = bytes(rng.choice([*range(0x80, 0x100), 0x2C]) for _ in range(600))
    random_text = b"\n".join(random_text[i : i + 60] for i in range(0, 600, 60))
    truncated = xlsx_bytes(orders_book())
    not_a_book = io.BytesIO()
    with zipfile.ZipFile(not_a_book, "w") as archive:
        archive.writestr("readme.txt", "这是一个压缩包，不是工作簿")
        archive.writestr("data/orders.csv", orders)
    long_summary = ("客户询问CRM专业版的报价与实施周期，" * 600)[:10_000]
    interactions_header = ["记录编号", "客户编号", "跟进日期", "跟进方式", "内容摘要"]
    utf8 = orders.encode()
    return {
        "encoding_big5": ("orders.csv", traditional.encode("big5")),
        "encoding_shift_jis": ("orders.csv", japanese.encode("shift_jis")),
        "encoding_random_bytes": ("orders.csv", random_text),
        "encoding_mixed_utf8_gbk": (
            "orders.csv",
            utf8 + "O4,C20230210002,2024-12-05,500,培训服务,支付宝\r\n".encode("gbk"),
        ),
        "missing_required_column": (
            "orders.csv",
            csv_text(["订单编号", "客户编号", "金额"], [["O1", "C1", "5"]]).encode(),
        ),
        "english_aliases": (
            "orders.csv",
            csv_text(
                ["Order_ID", "customer_id", "date", "amount", "product"], [r[:5] for r in ORDERS]
            ).encode(),
        ),
        "empty_file": ("orders.csv", b""),
        "whitespace_only": ("orders.csv", b"  \r\n\t\r\n   \r\n"),
        "header_only": ("orders.csv", csv_text(ORDER_HEADER, []).encode()),
        "png_renamed_csv": ("orders.csv", png_bytes()),
        "zip_renamed_xlsx": ("orders.xlsx", not_a_book.getvalue()),
        "csv_renamed_xlsx": ("orders.xlsx", utf8),
        "xls_renamed_xlsx": ("orders.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        "corrupted_xlsx": ("orders.xlsx", truncated[: len(truncated) // 2]),
        "corrupted_parquet": (
            "orders.parquet",
            b"PAR1" + bytes(rng.randrange(256) for _ in range(200)) + b"PAR1",
        ),
        "garbage_dates": (
            "orders.csv",
            csv_text(
                ORDER_HEADER,
                [
                    *ORDERS[:2],
                    ["O3", "C1", "2024-13-45", "10", "", ""],
                    ["O4", "C1", "待定", "10", "", ""],
                    ["O5", "C1", "0000-00-00", "10", "", ""],
                ],
            ).encode(),
        ),
        "duplicate_keys": (
            "orders.csv",
            csv_text(
                ORDER_HEADER,
                [
                    *ORDERS,
                    ORDERS[0],
                    ["O3", "C20230210002", "2024-12-02", "3100", "CRM标准版", "微信支付"],
                ],
            ).encode(),
        ),
        "negative_amounts": (
            "orders.csv",
            csv_text(
                ORDER_HEADER,
                [
                    *ORDERS,
                    ["O4", "C1", "2024-12-09", "-500", "退款", "对公转账"],
                    ["O5", "C1", "2024-12-10", "-1.2万", "退款", ""],
                ],
            ).encode(),
        ),
        "amount_formats": (
            "orders.csv",
            csv_text(
                ORDER_HEADER,
                [
                    ["O1", "C1", "2024-01-01", "52万元", "", ""],
                    ["O2", "C1", "2024-01-02", "8次", "", ""],
                    ["O3", "C1", "2024-01-03", "¥1.2万", "", ""],
                    ["O4", "C1", "2024-01-04", "500,000", "", ""],
                    ["O5", "C1", "2024-01-05", "1,2,3", "", ""],
                ],
            ).encode(),
        ),
        "formula_strings": (
            "orders.csv",
            csv_text(
                ORDER_HEADER,
                [
                    [
                        "O1",
                        "C1",
                        "2024-01-01",
                        "100",
                        '=HYPERLINK("https://example.com","官网")',
                        "微信支付",
                    ],
                    ["O2", "C1", "2024-01-02", "=1+1", "实施服务", "对公转账"],
                    ["O3", "C1", "2024-01-03", "300", "培训服务", "@SUM(A1)"],
                    [
                        "O4",
                        "C1",
                        "2024-01-04",
                        "400",
                        "-2+3+cmd|' /C calc'!A0",
                        "+86 138-0013-8000",
                    ],
                ],
            ).encode(),
        ),
        "xlsx_formula_cells": ("orders.xlsx", xlsx_bytes(formula_book())),
        "long_field": (
            "interactions.csv",
            csv_text(
                interactions_header,
                [
                    ["I1", "C1", "2024-03-01", "电话", long_summary],
                    ["I2", "C1", "2024-03-02", "微信", "已回复"],
                ],
            ).encode(),
        ),
        "too_many_fields": (
            "orders.csv",
            (
                orders
                + "O4,C1,2024-12-03,1,200,培训服务,支付宝\r\n"  # unquoted 1,200
                + "O5,C1,2024-12-04,900,年度维保,支付宝,\r\n"
            ).encode(),  # a trailing comma: fine
        ),
        "too_few_fields": ("orders.csv", (orders + "O4,C1,2024-12-03\r\n").encode()),
        "unbalanced_quotes": (
            "orders.csv",
            (
                csv_text(ORDER_HEADER, ORDERS[:1])
                + 'O2,C1,2024-11-15,"52万元,实施服务,对公转账\r\n'
                + csv_text(ORDER_HEADER, ORDERS[2:]).split("\r\n", 1)[1]
            ).encode(),
        ),
        "quoted_newlines_and_delimiters": (
            "interactions.csv",
            csv_text(
                interactions_header,
                [
                    ["I1", "C1", "2024-03-01", "电话", "第一行\n第二行, 含逗号;分号|竖线"],
                    ["I2", "C1", "2024-03-02", "微信", '他说："尽快报价"'],
                    ["I3", "C2", "2024-03-03", "拜访", "单行"],
                ],
            ).encode(),
        ),
        "tab_separated": ("orders.tsv", csv_text(ORDER_HEADER, ORDERS, "\t").encode()),
        "semicolon_separated": ("orders.csv", csv_text(ORDER_HEADER, ORDERS, ";").encode()),
        "pipe_separated": ("orders.csv", csv_text(ORDER_HEADER, ORDERS, "|").encode()),
        "excel_sep_hint": (
            "orders.csv",
            b"sep=;\r\n" + csv_text(ORDER_HEADER, ORDERS, ";").encode(),
        ),
        "excel_sep_hint_lone_cr": (  # the mutation test's "Length mismatch" crash
            "orders.csv",
            b"sep=;\r\r\n" + csv_text(ORDER_HEADER, ORDERS, ";").encode(),
        ),
        "utf16_unicode_text": (
            "orders.txt",
            codecs_bom_utf16() + csv_text(ORDER_HEADER, ORDERS, "\t").encode("utf-16-le"),
        ),
        "gbk_chinese_headers": (
            "customers.csv",
            csv_text(CUSTOMER_HEADER, CUSTOMERS).encode("gbk"),
        ),
        "gb18030_rare_characters": (
            "customers.csv",
            csv_text(
                CUSTOMER_HEADER,
                [
                    *CUSTOMERS,
                    ["C20230401004", "个人", "吉𠮷喆", "", "13700137000", "四川省", "陈静"],
                ],
            ).encode("gb18030"),
        ),
        "utf8_bom_chinese_headers": (
            "customers.csv",
            csv_text(CUSTOMER_HEADER, CUSTOMERS).encode("utf-8-sig"),
        ),
        "blank_lines_between_rows": (
            "orders.csv",
            (
                orders.replace("\r\nO2", "\r\n\r\n,,,,,\r\nO2").replace("\r\nO3", "\r\n   \r\nO3")
                + "\r\n\r\n"
            ).encode(),
        ),
        "empty_first_field": (
            "orders.csv",
            csv_text(ORDER_HEADER, [ORDERS[0], ["", *ORDERS[1][1:]], ORDERS[2]]).encode(),
        ),
        "duplicate_header_names": (
            "orders.csv",
            csv_text([*ORDER_HEADER[:4], "交易金额"], [[*r[:4], r[3]] for r in ORDERS]).encode(),
        ),
        "duplicate_unknown_headers": (
            "orders.csv",
            csv_text(
                [*ORDER_HEADER, "备注", "备注"], [[*r, "加急", "已确认"] for r in ORDERS]
            ).encode(),
        ),
        "xlsx_title_rows_merged_header": ("customers.xlsx", xlsx_bytes(merged_header_book())),
        "xlsx_data_on_second_sheet": ("orders.xlsx", xlsx_bytes(second_sheet_book())),
        "xlsx_excel_serial_dates": ("orders.xlsx", xlsx_bytes(serial_dates_book())),
    }


def codecs_bom_utf16() -> bytes:
    return b"\xff\xfe"


def main() -> None:
    for old in HERE.iterdir():
        if old.is_dir() and not old.name.startswith((".", "_")):
            shutil.rmtree(old)
    for case, (name, data) in cases().items():
        folder = HERE / case
        folder.mkdir()
        (folder / name).write_bytes(data)
    print(f"wrote {len(cases())} cases under {HERE}")


if __name__ == "__main__":
    main()

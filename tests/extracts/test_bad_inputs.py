"""The corpus in tests/extracts/bad_inputs/: every bad file either loads with the expected quarantine and
issues (and reconciles), or raises one ExtractError naming the file, and the CLI never shows a
traceback. tests/extracts/bad_inputs/README.md lists the same cases for people."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workbench.cli import main
from workbench.core.errors import ExtractError
from workbench.extracts.schema import TABLES
from workbench.io import load_extracts

CORPUS = Path(__file__).parent / "bad_inputs"
FORMULA = "possible formula injection"


@dataclass(frozen=True)
class Case:
    """Expected outcome: `error` (a regex the message must match) or what loads."""

    table: str = "orders"
    error: str | None = None
    loaded: int | None = None
    quarantine: dict[str, int] = field(default_factory=dict)  # reason → rows
    issues: dict[str, int] = field(default_factory=dict)  # text in `problem` → rows
    rows: list[int] | None = None  # source_row of the loaded rows


CASES = {
    "encoding_big5": Case(error=r"line 1 does not read as UTF-8 or GBK Chinese \(Big5"),
    "encoding_shift_jis": Case(error=r"line 1 does not read as UTF-8 or GBK Chinese"),
    "encoding_random_bytes": Case(error=r"cannot decode line 1 as UTF-8 or GBK/GB18030"),
    "encoding_mixed_utf8_gbk": Case(error=r"cannot decode line 5 as UTF-8 or GBK/GB18030"),
    "missing_required_column": Case(error=r"missing required column\(s\) 交易日期 \(order_date\)"),
    "english_aliases": Case(loaded=3),
    "empty_file": Case(error=r"the file is empty"),
    "whitespace_only": Case(error=r"the file is empty"),
    "header_only": Case(loaded=0),
    "png_renamed_csv": Case(error=r"not a text CSV file \(binary content: a PNG image\)"),
    "zip_renamed_xlsx": Case(error=r"a ZIP archive but not an Excel workbook"),
    "csv_renamed_xlsx": Case(error=r"not an XLSX workbook; it looks like a text file"),
    "xls_renamed_xlsx": Case(error=r"old Excel 97-2003 \.xls or an encrypted workbook"),
    "corrupted_xlsx": Case(error=r"damaged or truncated workbook"),
    "corrupted_parquet": Case(error=r"cannot read as Parquet"),
    "garbage_dates": Case(loaded=2, quarantine={"unparseable_date": 3}),
    "duplicate_keys": Case(loaded=3, quarantine={"duplicate_row": 1, "duplicate_key": 1}),
    "negative_amounts": Case(loaded=5),
    "amount_formats": Case(loaded=4, quarantine={"unparseable_amount": 1}),
    "formula_strings": Case(loaded=3, quarantine={"unparseable_amount": 1}, issues={FORMULA: 3}),
    "xlsx_formula_cells": Case(loaded=2, quarantine={"unparseable_amount": 1}, issues={FORMULA: 2}),
    "long_field": Case("interactions", loaded=2),
    "too_many_fields": Case(loaded=4, quarantine={"too_many_fields": 1}, rows=[2, 3, 4, 6]),
    "too_few_fields": Case(loaded=3, quarantine={"too_few_fields": 1}),
    "unbalanced_quotes": Case(error=r"row 3: a quoted field is opened but never closed"),
    "quoted_newlines_and_delimiters": Case("interactions", loaded=3, rows=[2, 3, 4]),
    "tab_separated": Case(loaded=3),
    "semicolon_separated": Case(loaded=3),
    "pipe_separated": Case(loaded=3),
    "excel_sep_hint": Case(loaded=3, rows=[3, 4, 5]),
    "excel_sep_hint_lone_cr": Case(loaded=3, rows=[4, 5, 6]),
    "utf16_unicode_text": Case(loaded=3),
    "gbk_chinese_headers": Case("customers", loaded=3),
    "gb18030_rare_characters": Case("customers", loaded=4),
    "utf8_bom_chinese_headers": Case("customers", loaded=3),
    "blank_lines_between_rows": Case(loaded=3, rows=[2, 5, 7]),
    "empty_first_field": Case(loaded=2, quarantine={"missing_required": 1}, rows=[2, 4]),
    "duplicate_header_names": Case(error=r"several columns map to 交易金额 \(amount\).*column 5"),
    "duplicate_unknown_headers": Case(loaded=3, issues={"the header repeats 备注": 1}),
    "xlsx_title_rows_merged_header": Case(
        "customers", loaded=3, rows=[5, 6, 7], issues={"merged cell over rows 5–6": 1}
    ),
    "xlsx_data_on_second_sheet": Case(loaded=3),
    "xlsx_excel_serial_dates": Case(loaded=3),
}


def case_file(name: str) -> Path:
    (file,) = [p for p in (CORPUS / name).iterdir() if p.is_file()]
    return file


def test_the_corpus_readme_and_expectations_list_the_same_cases():
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, flags=re.MULTILINE))
    assert folders == set(CASES) == listed
    assert len(folders) >= 24


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_bad_input_loads_as_expected_or_fails_clearly(name):
    case, file = CASES[name], case_file(name)
    if case.error:
        with pytest.raises(ExtractError) as err:
            load_extracts(file.parent, tables=(case.table,))
        message = str(err.value)
        assert str(file) in message, message  # names the file
        assert re.search(case.error, message), message
        assert "\n" not in message
        return
    extracts = load_extracts(file.parent, tables=(case.table,))
    table = extracts[case.table]
    assert len(table) == case.loaded
    assert extracts.in_file == {case.table: case.loaded + sum(case.quarantine.values())}
    assert extracts.reconciliation()["balanced"].all()
    reasons = extracts.quarantine["reason"].value_counts().to_dict()
    assert reasons == case.quarantine
    assert set(extracts.quarantine["file"]) <= {file.name}
    for text, count in case.issues.items():
        assert extracts.issues["problem"].str.contains(text, regex=False).sum() == count
    if not case.issues:
        assert extracts.issues.empty, extracts.issues.to_string()
    if case.rows is not None:
        assert table["source_row"].tolist() == case.rows


def _folder_with_other_tables(tmp_path: Path, file: Path, table: str) -> Path:
    """The case's file plus header-only extracts of the other four tables (the CLI loads all)."""
    folder = tmp_path / "extracts"
    folder.mkdir()
    shutil.copy(file, folder / file.name)
    for other in TABLES.values():
        if other.name != table:
            header = ",".join(other.column(c).zh for c in other.required)
            (folder / f"{other.name}.csv").write_text(header + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_cli_shows_one_error_line_and_never_a_traceback(name, tmp_path, capsys):
    case, file = CASES[name], case_file(name)
    folder = _folder_with_other_tables(tmp_path, file, case.table)
    code = main(["load", str(folder)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if case.error:
        assert code == 2
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), err
        assert file.name in lines[0] and re.search(case.error, lines[0])
    else:
        assert code == 0, err
        assert err == ""
        assert "rows_read" in out


def test_merged_two_row_header_maps_the_lower_names():
    customers = load_extracts(CORPUS / "xlsx_title_rows_merged_header", tables=("customers",))[
        "customers"
    ]
    assert customers["phone"].tolist() == ["13800138000", "13900139000", "010-62345678"]
    assert customers["email"].tolist() == ["a@yunfan.cn", "b@haishu.cn", "c@yj.cn"]
    assert customers["owner"].tolist() == ["王磊", "王磊", "赵强"]  # merged down rows 5–6
    assert customers["region"].tolist() == ["华东", "华东", "华北"]


def test_amounts_with_units_and_signs_are_numbers():
    orders = load_extracts(CORPUS / "amount_formats", tables=("orders",)).orders
    assert orders["amount"].tolist() == [520_000, 8, 12_000, 500_000]
    negative = load_extracts(CORPUS / "negative_amounts", tables=("orders",)).orders
    assert negative["amount"].tolist()[-2:] == [-500, -12_000]  # kept: cleaning flags them


def test_formula_strings_are_kept_as_written_never_evaluated():
    extracts = load_extracts(CORPUS / "formula_strings", tables=("orders",))
    orders = extracts.orders.set_index("order_id")
    assert orders.loc["O1", "product"] == '=HYPERLINK("https://example.com","官网")'
    assert orders.loc["O3", "payment_method"] == "@SUM(A1)"
    assert orders.loc["O4", "payment_method"] == "+86 138-0013-8000"  # a phone is not flagged
    quarantined = extracts.quarantine.iloc[0]
    assert quarantined["value"] == "=1+1" and "never evaluated" in quarantined["detail"]
    xlsx = load_extracts(CORPUS / "xlsx_formula_cells", tables=("orders",)).orders
    assert xlsx.loc[0, "product"].startswith("=HYPERLINK(")  # no saved result: the text


def test_quarantined_malformed_rows_keep_their_fields():
    extracts = load_extracts(CORPUS / "too_many_fields", tables=("orders",))
    row = extracts.quarantine.iloc[0]
    assert row["row"] == 5 and row["detail"] == "the row has 7 fields, the header has 6"
    assert '"extra_1": "支付宝"' in row["raw"]
    assert extracts.orders.set_index("order_id").loc["O5", "amount"] == 900  # trailing comma


def test_long_fields_and_embedded_newlines_survive():
    summary = load_extracts(CORPUS / "long_field", tables=("interactions",)).interactions["summary"]
    assert summary.str.len().tolist() == [10_000, 3]
    multi = load_extracts(CORPUS / "quoted_newlines_and_delimiters", tables=("interactions",))
    assert multi.interactions["summary"].tolist()[:2] == [
        "第一行\n第二行, 含逗号;分号|竖线",
        '他说："尽快报价"',
    ]


def test_every_encoding_case_reads_the_same_cells():
    expected = load_extracts(CORPUS / "utf8_bom_chinese_headers", tables=("customers",)).customers
    for name in ("gbk_chinese_headers",):
        got = load_extracts(CORPUS / name, tables=("customers",)).customers
        pd.testing.assert_frame_equal(got, expected)
    orders = load_extracts(CORPUS / "tab_separated", tables=("orders",)).orders
    for name in ("semicolon_separated", "pipe_separated", "utf16_unicode_text", "excel_sep_hint",
                 "excel_sep_hint_lone_cr"):  # fmt: skip
        got = load_extracts(CORPUS / name, tables=("orders",)).orders
        pd.testing.assert_frame_equal(got.drop(columns="source_row"),
                                      orders.drop(columns="source_row"))  # fmt: skip


def test_excel_serial_dates_and_real_date_cells():
    orders = load_extracts(CORPUS / "xlsx_excel_serial_dates", tables=("orders",)).orders
    assert orders["order_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-05-01", "2024-05-02", "2024-05-02"]  # fmt: skip


_SEEDS = ["gbk_chinese_headers", "quoted_newlines_and_delimiters", "utf16_unicode_text",
          "xlsx_title_rows_merged_header", "excel_sep_hint"]  # fmt: skip
_EDIT = st.tuples(
    st.integers(0, 1 << 16),  # where: taken modulo the file's length + 1
    st.sampled_from(["flip", "insert", "delete", "cut"]),
    st.sampled_from([0, 10, 13, 34, 44, 59, 0x80, 0xFF, 0xE4]),  # NUL LF CR " , ; and non-ASCII
    st.integers(1, 50),  # bytes deleted
)


def mangle(content: bytes, edits: list[tuple[int, str, int, int]]) -> bytes:
    """`content` with each (where, edit, byte, length) applied in turn."""
    out = bytearray(content)
    for where, edit, byte, length in edits:
        at = where % (len(out) + 1)
        if edit == "flip" and at < len(out):
            out[at] = byte
        elif edit == "insert":
            out[at:at] = bytes([byte])
        elif edit == "delete":
            del out[at : at + length]
        elif edit == "cut":
            del out[at:]
    return bytes(out)


def test_mangle_applies_the_edits_in_turn():
    assert mangle(b"sep=;\r\nabc", [(6, "insert", 13, 1)]) == b"sep=;\r\r\nabc"
    assert mangle(b"abcdef", [(1, "flip", 0x2C, 1), (10, "delete", 0, 2)]) == b"a,cf"  # 10 % 7
    assert mangle(b"abcdef", [(2, "cut", 0, 1), (98, "insert", 59, 1)]) == b"ab;"


# Failures the mutation test found, kept as explicit examples: its database is not kept.
@given(st.sampled_from(_SEEDS), st.lists(_EDIT, min_size=1, max_size=4))
@example("excel_sep_hint", [(6, "insert", 13, 1)])  # sep=;\r\r\n: ValueError Length mismatch
@example("excel_sep_hint", [(5, "flip", 10, 1), (6, "insert", 13, 1)])  # sep=;\n\r\n: the same
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mangled_files_load_or_fail_with_an_extract_error_only(name, edits):
    """Bytes flipped, inserted, deleted or cut anywhere: never a crash other than ExtractError."""
    case, file = CASES[name], case_file(name)
    with tempfile.TemporaryDirectory() as folder:
        mangled = Path(folder) / file.name
        mangled.write_bytes(mangle(file.read_bytes(), edits))
        try:
            extracts = load_extracts(folder, tables=(case.table,))
        except ExtractError as exc:
            assert str(mangled) in str(exc) and "\n" not in str(exc)
            assert "workbench bug" not in str(exc)  # the rows counted apart = the rows read
            return
    assert extracts.reconciliation()["balanced"].all()


@pytest.mark.parametrize(
    ("head", "rows"),
    [(b"sep=;\r\r\n", [4, 5, 6]), (b"sep=;\r\n\r", [4, 5, 6]), (b"sep=;\n\r\n", [4, 5, 6]),
     (b"sep=;\r", [3, 4, 5]), (b"\rsep=;\r\n", [4, 5, 6]), (b"sep=;\r\n \r\r\n", [5, 6, 7])],
)  # fmt: skip
def test_lone_carriage_returns_around_the_sep_line_are_blank_lines(tmp_path, head, rows):
    body = case_file("excel_sep_hint").read_bytes().removeprefix(b"sep=;\r\n")
    (tmp_path / "orders.csv").write_bytes(head + body)
    orders = load_extracts(tmp_path, tables=("orders",)).orders
    assert orders["order_id"].tolist() == ["O1", "O2", "O3"]
    assert orders["amount"].tolist() == [120_000, 520_000, 3_000]
    assert orders["source_row"].tolist() == rows


@pytest.mark.parametrize("content", [b"sep=;\r\r\n", b"sep=;\r\n \r\n\r", b"\r\nsep=|\r"])
def test_a_sep_line_and_nothing_else_is_an_empty_file(tmp_path, content):
    (tmp_path / "orders.csv").write_bytes(content)
    with pytest.raises(ExtractError, match=r"orders\.csv: the file is empty \(no header"):
        load_extracts(tmp_path, tables=("orders",))

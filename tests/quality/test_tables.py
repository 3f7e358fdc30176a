"""The data-quality report's views in both languages, from the hand-made result of conftest.py
and the load issues of tests/load_issue_corpus.py's files."""

import dataclasses
from types import SimpleNamespace

import pandas as pd
from load_issue_corpus import EMAIL, ID_NUMBER, PHONE, write_load_issue_corpus

from workbench.extracts.loader import load_extracts
from workbench.quality import analysis, tables
from workbench.reports.safe_html import styled_table


def test_rule_labels():
    assert tables.rule_label("same_uscc") == "信用代码相同"
    assert tables.rule_label("same_uscc", "en") == "same_uscc"  # English reports show the code
    assert tables.rule_label("a_new_rule") == "a_new_rule"  # a rule without a label: its code


def test_titles_and_sentences(result):
    assert tables.report_title("2024Q4") == "2024年Q4数据质量报告"
    assert tables.report_title("2024Q4", "en") == "Data quality report, 2024 Q4"
    assert tables.report_title("2024-11") == "2024年11月数据质量报告"
    assert tables.report_title("2024", "en") == "Data quality report, 2024"
    counts = analysis.merge_counts(result)
    assert tables.merge_summary(counts) == "共 2 条重复客户记录合并入 2 个保留客户。"
    assert tables.merge_summary(counts, "en") == (
        "2 duplicate customer records merged into 2 surviving customers."
    )


def test_reconciliation_table():
    counts = pd.DataFrame(
        {"rows_read": [5, 7], "clean": [4, 6], "merged": [1, 0], "quarantined": [0, 1],
         "balanced": [True, False]},
        index=["customers", "orders"],
    )  # fmt: skip
    zh = tables.reconciliation_table(counts)
    assert zh.columns.tolist() == ["数据表", "读入行数", "清洗后", "已合并", "隔离", "核对"]
    assert zh.iloc[1].tolist() == ["交易记录", 7, 6, 0, 1, "✗"]
    en = tables.reconciliation_table(counts, "en")
    assert en.columns.tolist() == ["table", "rows read", "clean", "merged", "quarantined",
                                   "balanced"]  # fmt: skip
    assert en.iloc[0].tolist() == ["customers", 5, 4, 1, 0, "✓"]


def test_issues_table(result):
    issues = tables.issues_table(analysis.issue_counts(result))
    assert issues.columns.tolist() == ["label", "kind", "count"]
    assert issues.iloc[0].tolist() == ["电话格式统一", "已修正", 3]
    assert set(issues["kind"]) == {"已修正", "已标记", "已隔离"}
    english = tables.issues_table(analysis.issue_counts(result), "en")
    assert english.iloc[0].tolist() == ["phone_format", "changed", 3]


def test_merges_quarantine_to_complete_and_retention_tables(result):
    merges = tables.merges_table(analysis.merged_pairs(result))
    assert merges.columns.tolist() == ["被合并客户", "名称", "保留客户", "保留名称", "匹配依据",
                                       "相似度"]  # fmt: skip
    assert merges.iloc[1].tolist() == ["C8", "李*", "C2", "李**", "电话相同", "92"]
    english = tables.merges_table(analysis.merged_pairs(result), "en")
    assert english.columns.tolist() == ["merged", "merged_name", "survivor", "survivor_name",
                                        "rule", "score"]  # fmt: skip
    assert english.iloc[0, 4] == "same_uscc"
    quarantine = tables.quarantine_table(analysis.quarantine_counts(result))
    assert quarantine.columns.tolist() == ["数据表", "字段", "原因", "行数"]
    assert quarantine.iloc[0].tolist() == ["orders", "order_date", "日期无法解析", 2]
    owners = tables.to_complete_table(analysis.to_complete_by_owner(result), "en")
    assert owners.columns.tolist() == ["owner", "customers", "top gaps"]
    retention = tables.retention_table(analysis.retention_counts(result))
    assert retention.columns.tolist() == ["原因", "客户数", "涉及负责人", "最早到期"]
    assert retention.iloc[0].tolist() == ["流失满1年", 2, 2, "2023-11-30"]


def test_review_table_and_summary(result):
    review = tables.review_table(analysis.review_pairs(result))
    assert review.columns.tolist() == ["客户A", "名称A", "城市A", "电话A", "负责人A", "客户B",
                                       "名称B", "城市B", "电话B", "负责人B", "匹配依据", "相似度",
                                       "待复核原因"]  # fmt: skip
    assert review.iloc[1][["名称A", "匹配依据", "相似度", "待复核原因"]].tolist() == [
        "王*", "电话相同", "85", "简称或电话同时指向多个不同客户"
    ]  # fmt: skip
    english = tables.review_table(analysis.review_pairs(result), "en")
    assert english.iloc[0][["rule", "why listed"]].tolist() == [
        "fuzzy_name", "score between the review and merge thresholds"
    ]  # fmt: skip
    summary = tables.review_summary(analysis.review_counts(result))
    assert (
        summary.startswith("共 2 对疑似重复（涉及 4 个客户）") and "dedupe_decisions.csv" in summary
    )


def test_workbook_review_sheet_is_a_decisions_file_once_filled_in(result, tmp_path):
    from openpyxl import load_workbook

    from workbench.cleaning.dedupe_review import read_decisions

    path = tables.export_excel(
        analysis.review_pairs(result), analysis.merged_pairs(result, limit=None),
        tmp_path / "data_quality.xlsx", "2024Q4",
    )  # fmt: skip
    book = load_workbook(path)
    assert book.sheetnames == ["说明", "疑似重复", "已合并"]
    sheet = book["疑似重复"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["customer_id_a", "customer_id_b", "decision", "名称A", "城市A"]
    assert rows[2][:4] == ["C5", "C6", None, "王*"]
    assert "王芳" not in str(rows)  # individuals masked
    assert book["说明"]["A2"].value == "报告" and "2024年Q4数据质量报告" in book["说明"]["B2"].value
    sheet["C2"], sheet["C3"] = "merge", "keep_apart"  # the reviewer's decisions, saved as CSV
    filled = pd.DataFrame(
        [[c.value for c in row] for row in sheet.iter_rows(min_row=2)], columns=rows[0]
    )
    filled.to_csv(tmp_path / "dedupe_decisions.csv", index=False, encoding="gb18030")
    decided = read_decisions(tmp_path / "dedupe_decisions.csv")
    assert decided[["customer_id_a", "customer_id_b", "decision"]].values.tolist() == [
        ["C3", "C4", "merge"], ["C5", "C6", "keep_apart"]
    ]  # fmt: skip
    empty = tables.export_excel(pd.DataFrame(), pd.DataFrame(), tmp_path / "e.xlsx", "2024Q4")
    assert [c.value for c in load_workbook(empty)["疑似重复"][1]] == [
        "customer_id_a", "customer_id_b", "decision"
    ]  # fmt: skip


def test_empty_frames_stay_empty():
    for table in (tables.merges_table, tables.review_table, tables.quarantine_table,
                  tables.to_complete_table, tables.retention_table):  # fmt: skip
        assert table(pd.DataFrame(), "en").empty


def test_quarantined_revenue_table_names_reasons_money_and_shares():
    revenue = pd.DataFrame(
        {"column": ["客户编号", "订单编号"], "reason": ["missing_required", "duplicate_row"],
         "rows": [3, 1], "revenue": [384.0, float("nan")], "share": [384.0 / 556.9, float("nan")]}
    )  # fmt: skip
    shown = tables.quarantined_revenue_table(revenue, "zh")
    assert list(shown.columns) == ["字段", "原因", "行数", "金额（元）", "占全部交易金额"]
    assert shown.iloc[0].tolist() == ["客户编号", "必填字段为空", 3, "384", "69.0%"]
    assert shown.iloc[1].tolist()[3:] == ["–", "–"]
    assert tables.quarantined_revenue_table(revenue.iloc[:0], "en").empty


def test_load_issues_table_in_both_languages(load_issue_data):
    counts = analysis.load_issue_counts(load_issue_data)
    zh = tables.load_issues_table(counts)
    assert zh.columns.tolist() == ["数据表", "文件", "字段", "问题", "问题数", "行号（示例）"]
    assert zh.iloc[0].tolist() == ["客户基本信息表", "customers.csv", "首次接触时间",
                                   "无法解析，已置为空值", 4, "2、3、5、6"]  # fmt: skip
    assert zh.iloc[7].tolist() == ["交易记录", "orders.xlsx", "工作表「旧订单」", "另一工作表未读入",
                                   1, "1"]  # fmt: skip
    en = tables.load_issues_table(counts, "en")
    assert en.columns.tolist() == ["table", "file", "column", "problem", "issues",
                                   "rows (first ones)"]  # fmt: skip
    assert en.iloc[0].tolist() == ["customers", "customers.csv", "first_contact_date",
                                   "unparseable, set to missing", 4, "2 / 3 / 5 / 6"]  # fmt: skip
    assert en.iloc[7, 2:4].tolist() == ["sheet “旧订单”", "another sheet not read"]
    assert en.iloc[1, 2] == "备注"  # a header the schema does not know: as the file has it
    assert dict(zip(counts["kind"], en["problem"], strict=True)) == {
        "set_to_missing": "unparseable, set to missing",
        "formula_text": "text that looks like a formula, kept",
        "reserved_header": "header named source_row, renamed",
        "repeated_header": "repeated header, suffixed",
        "formula_missing": "a formula (never evaluated), set to missing",
        "unread_sheet": "another sheet not read",
        "possible_repeat": "possible repeated line, kept",
        "merged_cell": "merged cell, value used in each row",
    }  # fmt: skip
    assert len(set(zh["问题"])) == 8 and not set(zh["问题"]) & set(en["problem"])
    more = tables.load_issues_table(analysis.load_issue_counts(load_issue_data, examples=3))
    assert more.iloc[0]["行号（示例）"] == "2、3、5 …"  # four rows, three shown


def test_load_issues_summary_in_both_languages(load_issue_data):
    summary = analysis.load_issue_summary(analysis.load_issue_counts(load_issue_data))
    assert tables.load_issues_summary(summary) == (
        "读入时共记录 16 处问题，涉及 2 个数据表；其中 8 个单元格无法解析，已置为空值（涉及 3 个字段）。"
        "这些行均已导入，没有因此删除任何行（无法导入的行见“隔离数据”）。"
        "另有 1 个工作表也含有数据表的行但未读入，这些行不在本报告中（见下表“另一工作表未读入”）。"
    )
    assert tables.load_issues_summary(summary, "en") == (
        "16 load issues in 2 tables: 8 cells in 3 columns could not be parsed and were set to "
        "missing. Their rows were loaded; no row was dropped for them (rows that could not be "
        "loaded are under Quarantine). Sheets that also hold rows of a table but were not read: "
        "1; those rows are not in this report (see “another sheet not read” below)."
    )
    all_read = {**summary, "unread_sheets": 0}
    assert tables.load_issues_summary(all_read, "en").endswith("are under Quarantine).")
    nothing = dict.fromkeys(summary, 0)
    assert tables.load_issues_summary(nothing) == (
        "读入时未发现问题：没有单元格被置为空值，所有工作表均已读入。"
    )
    assert tables.load_issues_summary(nothing, "en") == (
        "No load issues: no cell was set to missing while reading, and every sheet was read."
    )
    assert tables.load_issues_table(analysis.load_issue_counts(SimpleNamespace(
        issues=pd.DataFrame(columns=["table", "file", "row", "column", "value", "problem"])
    )), "en").empty  # fmt: skip


def test_load_issues_never_show_a_phone_id_number_or_email(load_issue_data, tmp_path):
    raw = load_extracts(write_load_issue_corpus(tmp_path)).issues  # in memory, not yet redacted
    values = set(raw["value"])
    assert {PHONE, ID_NUMBER, f'=HYPERLINK("mailto:{EMAIL}")'} <= values  # the loader has them
    counts = analysis.load_issue_counts(dataclasses.replace(load_issue_data, issues=raw))
    for lang in ("zh", "en"):
        summary = tables.load_issues_summary(analysis.load_issue_summary(counts), lang)
        page = styled_table(tables.load_issues_table(counts, lang)).to_html() + summary
        for secret in (PHONE, ID_NUMBER, EMAIL, "zhouli"):
            assert secret not in page, (lang, secret)

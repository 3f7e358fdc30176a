"""The data-quality report's views in both languages, from the hand-made result of conftest.py."""

import pandas as pd

from workbench.quality import analysis, tables


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

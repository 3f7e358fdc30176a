"""The localized views and the workbook: vocabulary translated in English, names masked, hostile
text kept inert, the Excel sheets written."""

from __future__ import annotations

from openpyxl import load_workbook

from workbench.requirements import tables as views


def test_titles_and_summary_in_both_languages(report):
    assert views.report_title("华东", "2024Q4") == "2024年Q4华东区域需求分布分析报告"
    assert views.report_title("华东", "2024Q4", "en") == "East China customer requirements, 2024 Q4"
    zh = views.summary_points(report, "zh")
    assert zh[0] == "本期共提出需求 15 条，其中产品功能优化最多（26.7%）。"
    assert "Q1，优先处理）3 条，期末仍未解决 1 条" in zh[1]
    assert zh[2] == "截至期末解决率 46.7%，无法满足 2 条。"
    assert zh[3] == "本期解决 8 条，平均用时 27.9 天，按计划日期完成 50.0%。"
    en = views.summary_points(report, "en")
    assert (
        en[0]
        == "15 requirements were raised this period, most of them Product improvement (26.7%)."
    )


def test_english_tables_translate_the_crm_vocabulary(report):
    shares = views.localize(report.shares["nature"], "en")
    assert list(shares.columns) == ["Value", "Requirements", "Share"]
    assert shares["Value"].tolist() == ["Functional", "Service", "Price"]
    quadrants = views.localize(views.quadrant_table(report), "en")
    assert quadrants["Quadrant"].iloc[0] == "Q1 high value, urgent: do first"
    assert quadrants["High value"].tolist() == ["yes", "yes", "no", "no"]
    urgency = views.localize(report.shares["urgency"], "en")["Value"].tolist()
    assert urgency == ["Urgent", "Normal", "Important", "to be completed"]
    zh = views.localize(report.shares["nature"], "zh")
    assert zh["取值"].tolist() == ["功能需求", "服务需求", "价格需求"]


def test_breakdown_rows_add_up_to_one(report):
    table = views.breakdown_table(report, "industry", "nature")
    shares = table.drop(columns=["group", "requirements"])
    assert (shares.sum(axis=1).round(9) == 1).all()
    assert table["requirements"].sum() == 15


def test_hostile_descriptions_are_escaped_in_the_notebook(report):
    html = views.shown(report.quadrant_list("Q4"), "zh").to_html()
    assert html.count("<script") == 0
    html = views.shown(report.requirements[["req_id", "description"]], "zh").to_html()
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_the_workbook(report, tmp_path):
    path = views.export_excel(report, tmp_path / "requirements.xlsx", "zh")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames[:4] == ["说明", "需求构成", "分组占比", "四象限与服务水平"]
    text = "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)  # fmt: skip
    assert "13912345678" not in text and "lina@example.com" not in text and "李娜" not in text
    assert "R03" in text and "Q1 高价值·紧急：优先处理" in text
    english = load_workbook(views.export_excel(report, tmp_path / "en.xlsx", "en"), read_only=True)
    assert "Quadrants" in english.sheetnames and "Functional" in "\n".join(
        str(v) for row in english["Shares"].iter_rows(values_only=True) for v in row
    )

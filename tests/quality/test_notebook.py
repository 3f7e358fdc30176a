"""The data-quality report end to end, for its load-issues section: rendered in both languages
from tests/load_issue_corpus.py's files it shows the counts and the kinds in the report's
language and no phone, ID number or e-mail; over extracts the loader noted nothing in, it says so.
"""

import html
from pathlib import Path

import pytest
from load_issue_corpus import EMAIL, ID_NUMBER, PHONE, write_load_issue_corpus
from pii_scan import leaks
from reports.test_partial_data import run_in_process

from workbench.core.config import notebook_dir
from workbench.reports import rerun

SHOWN = {
    "zh": ("读入时共记录 16 处问题，涉及 2 个数据表；其中 8 个单元格无法解析", "另有 1 个工作表",
           "<td", "首次接触时间", "无法解析，已置为空值", "2、3、5、6", "工作表「旧订单」",
           "另一工作表未读入", "疑似重复的明细行，已保留"),
    "en": ("16 load issues in 2 tables: 8 cells in 3 columns could not be parsed",
           "were not read: 1; those rows", "first_contact_date", "unparseable, set to missing",
           "2 / 3 / 5 / 6", "sheet “旧订单”", "another sheet not read",
           "possible repeated line, kept"),
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_shows_the_load_issues(tmp_path, lang):
    data = write_load_issue_corpus(tmp_path / "data")
    out = tmp_path / "reports"
    result = rerun.rerun("data_quality", [("lang", lang)], data, out, notebook_dir())
    assert result.status == "ok", result.error
    page = html.unescape(Path(result.html).read_text(encoding="utf-8"))
    assert "读入问题 Load issues" in page
    for words in SHOWN[lang]:
        assert words in page, words
    if lang == "en":
        assert "无法解析，已置为空值" not in page and "另一工作表未读入" not in page  # translated
        assert "读入时共记录" not in page  # (the narration stays bilingual)
    for secret in (PHONE, ID_NUMBER, EMAIL):
        assert secret not in page, secret
    assert leaks(out, data) == []  # the page, the executed notebook and the workbook


@pytest.mark.slow
def test_the_report_says_when_the_loader_noted_nothing(tiny_extracts, tmp_path, monkeypatch):
    monkeypatch.chdir(notebook_dir())
    run = run_in_process("data_quality", data_dir=str(tiny_extracts), out_dir=str(tmp_path))
    said = "".join(run.markdown).replace("\\", "")
    assert "读入时未发现问题：没有单元格被置为空值，所有工作表均已读入。" in said
    assert run.namespace["load_issues"].empty

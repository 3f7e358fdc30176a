"""The reviewers' page: the management page's outputs plus the code cells, still inert, with the
same footer linking the same manifest."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from workbench.reports.render import code_html_path, render_html
from workbench.reports.safe_html import check_inert

MANIFEST = {"report": "rfm_clv", "region": "华东", "period": "2024Q4", "finished": "2025-01-02T03:04:05Z",
            "git_commit": "0123456789abcdef", "data_digest": "fedcba9876543210", "versions": {"workbench": "0.1"}}  # fmt: skip


def _executed(tmp_path: Path) -> Path:
    title = new_output("display_data", data={"text/markdown": "# 2024年Q4华东区域客户价值分析报告"})
    warning = new_output("stream", name="stderr", text="FutureWarning: noise\n")
    table = new_output("display_data", data={"text/markdown": "- A类客户 14 家"})
    notebook = new_notebook(metadata={"papermill": {"parameters": {"lang": "zh"}}})
    notebook.cells = [new_code_cell("data = io.load_clean(data_dir)  # 清洗后的数据", outputs=[title, warning]),
                      new_code_cell("report = models.analyse_value(data)", outputs=[table])]  # fmt: skip
    path = tmp_path / "rfm_clv.ipynb"
    nbformat.write(notebook, path)
    return path


def test_the_reviewer_page_adds_the_code_and_keeps_the_footer(tmp_path):
    executed = _executed(tmp_path)
    html = render_html(executed, tmp_path / "rfm_clv.html", MANIFEST)
    code = render_html(executed, code_html_path(html), MANIFEST, code=True)
    assert code.name == "rfm_clv.code.html"
    management, reviewer = html.read_text(encoding="utf-8"), code.read_text(encoding="utf-8")
    for page in (management, reviewer):
        assert "<title>2024年Q4华东区域客户价值分析报告</title>" in page and "A类客户 14 家" in page
        assert 'href="rfm_clv.manifest.json"' in page  # not rfm_clv.code.manifest.json
        assert "FutureWarning" not in page
        check_inert(page)
    assert "load_clean" not in management and "analyse_value" not in management
    assert "load_clean" in reviewer and "analyse_value" in reviewer and "清洗后的数据" in reviewer

"""End to end: notebooks/requirements.ipynb executed by the runner on the generated demo set, in
Chinese and English, with its workbook beside the HTML and no personal data anywhere."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from openpyxl import load_workbook
from pii_scan import leaks

from workbench.reports.config import RunConfig
from workbench.reports.jobs import plan_jobs, run_job

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("lang", "title", "words"),
    [
        ("zh", "# 2024年Q4华东区域需求分布分析报告", ("本期共提出需求", "解决率")),
        ("en", "# East China customer requirements, 2024 Q4", ("requirements were raised",
                                                             "Resolution rate")),
    ],
)  # fmt: skip
def test_the_requirements_report_runs(demo_dir, tmp_path, lang, title, words):
    config = RunConfig(period="2024Q4", exports=(), data_dir=demo_dir, out_dir=tmp_path, lang=lang,
                       regions=("华东",), notebooks=("requirements",), workers=1)  # fmt: skip
    result = run_job(plan_jobs(config)[0])
    assert result.status == "ok", result.error
    nb = nbformat.read(result.executed, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert stderr == ""  # no jieba log line, no pkg_resources warning, no missing glyph
    markdown = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert markdown[0] == title
    assert all(word in markdown[1] for word in words[:1])
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 4
    html = Path(result.html).read_text(encoding="utf-8")
    assert words[1] in html
    workbook = Path(result.html).with_suffix(".xlsx")
    assert str(workbook) in result.files
    assert len(load_workbook(workbook, read_only=True).sheetnames) == 14
    assert leaks(tmp_path, demo_dir) == []

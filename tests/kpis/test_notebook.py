"""The company-wide summary end to end on the demo data, in Chinese and English."""

from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from pii_scan import leaks

from workbench.reports.config import RunConfig
from workbench.reports.jobs import plan_jobs, run_job

LINK = f'href="{quote("../华东/profiling.html")}"'  # relative, percent-encoded


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_renders_kpis_links_and_workbook(tmp_path, demo_dir, lang):
    config = RunConfig(period="2024Q4", exports=(), data_dir=demo_dir, out_dir=tmp_path, lang=lang,
                       notebooks=("summary",), regions=("华东",), workers=1)  # fmt: skip
    job = plan_jobs(config)[0]
    assert (job.notebook, job.region) == ("summary", "全国")
    result = run_job(job)
    assert result.status == "ok", result.error
    html = (tmp_path / "2024Q4" / "全国" / "summary.html").read_text(encoding="utf-8")
    words = {"zh": ("2024年Q4管理层摘要", "数据完整性", "未达标", LINK,
                    "项指标中"),
             "en": ("Management summary, 2024 Q4", "Data completeness", "Missed",
                    LINK, "KPIs met their target")}[lang]  # fmt: skip
    for word in words:
        assert word in html, word
    if lang == "en":
        assert "未达标" not in html  # statuses translated (narration stays bilingual)
    assert html.count("data:image/png;base64") >= 1
    book = load_workbook(tmp_path / "2024Q4" / "全国" / "summary.xlsx", read_only=True)
    assert len(book.sheetnames) == 6
    assert leaks(tmp_path, demo_dir) == []

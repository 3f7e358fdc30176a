"""The funnel notebook end to end on the generated demo set, in Chinese and English: its title,
its key content, its workbook beside the HTML, and no raw personal data anywhere."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from openpyxl import load_workbook
from pii_scan import leaks

from workbench.reports.config import RunConfig
from workbench.reports.jobs import plan_jobs, run_job

pytestmark = pytest.mark.slow

EXPECTED = {
    "zh": ("2024年Q4华东区域销售漏斗分析报告", "到达口径", "赢单率", "最薄弱环节", "销售漏斗"),
    "en": ("华东 sales funnel, 2024 Q4", "the reached convention", "Win rate", "Weakest stage",
           "Funnel"),
}  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_funnel_report_runs_with_its_workbook_and_no_raw_pii(demo_dir, tmp_path, lang):
    config = RunConfig(period="2024Q4", exports=(), data_dir=demo_dir, out_dir=tmp_path, lang=lang,
                       regions=("华东",), notebooks=("funnel",), workers=1)  # fmt: skip
    result = run_job(plan_jobs(config)[0])
    assert result.status == "ok", result.error
    title, convention, win_rate, weakest, sheet = EXPECTED[lang]
    outputs = [o for c in nbformat.read(result.executed, as_version=4).cells
               if c.cell_type == "code" for o in c.outputs]  # fmt: skip
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "Glyph" not in stderr and "findfont" not in stderr
    assert len([o for o in outputs if "image/png" in o.get("data", {})]) == 2
    html = Path(result.html).read_text(encoding="utf-8")
    assert f"<title>{title}</title>" in html
    for text in (convention, win_rate, weakest):
        assert text in html
    book = tmp_path / "2024Q4" / "华东" / "funnel.xlsx"
    assert result.files == (str(book),)
    assert sheet in load_workbook(book, read_only=True).sheetnames
    assert leaks(tmp_path, demo_dir) == []

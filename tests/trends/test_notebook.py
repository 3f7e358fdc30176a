"""The trends notebook end to end on the generated demo set, in Chinese and English."""

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
    ("lang", "title", "sheets"),
    [
        ("zh", "2024年Q4华东区域趋势与群组分析报告", ["说明", "区域对比", "分群汇总", "大单A类",
                                                   "近3个月无跟进"]),
        ("en", "华东 trends and cohorts, 2024 Q4", ["Regions compared", "Segments",
                                                   "Large orders, class A"]),
    ],
)  # fmt: skip
def test_trends_notebook_renders_with_its_workbook_and_no_raw_pii(demo_dir, tmp_path, lang,
                                                                   title, sheets):  # fmt: skip
    config = RunConfig(period="2024Q4", exports=(), data_dir=demo_dir, out_dir=tmp_path, lang=lang,
                       regions=("华东",), notebooks=("trends",), workers=1)  # fmt: skip
    result = run_job(plan_jobs(config)[0])
    assert result.status == "ok", result.error
    nb = nbformat.read(Path(result.executed), as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "Glyph" not in stderr and "Warning" not in stderr
    assert len([o for o in outputs if "image/png" in o.get("data", {})]) == 4
    html = Path(result.html).read_text(encoding="utf-8")
    assert f"<title>{title}</title>" in html
    book_path = tmp_path / "2024Q4" / "华东" / "trends.xlsx"
    assert result.files == (str(book_path),)
    book = load_workbook(book_path, read_only=True)
    assert set(sheets) <= set(book.sheetnames)
    assert leaks(tmp_path, demo_dir) == []

"""End to end: notebooks executed by Papermill on a small generated data set, rendered to HTML."""

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from pii_scan import leaks, rendered_texts, secrets_of

from workbench.cli import main
from workbench.core.config import notebook_dir
from workbench.reports import registry
from workbench.reports.config import RunConfig
from workbench.reports.jobs import plan_jobs, run_job
from workbench.reports.runner import run_quarterly

pytestmark = pytest.mark.slow

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _outputs(executed: Path):
    nb = nbformat.read(executed, as_version=4)
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_profiling_notebook_runs_in_english_for_all_regions(demo_dir, tmp_path):
    config = RunConfig(period="2024Q4", exports=(), data_dir=demo_dir, out_dir=tmp_path, lang="en",
                       regions=("全国",), notebooks=("profiling",), workers=1)  # fmt: skip
    result = run_job(plan_jobs(config)[0])
    assert result.status == "ok", result.error
    outputs = _outputs(Path(result.executed))
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "Glyph" not in stderr and "findfont" not in stderr
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 7
    markdown = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert markdown[0] == "# All regions customer profile, 2024 Q4"
    html = Path(result.html).read_text(encoding="utf-8")
    assert "<title>All regions customer profile, 2024 Q4</title>" in html
    assert '<html lang="en">' in html
    assert "load_extracts" not in html  # code cells are not rendered


@pytest.fixture(scope="module")
def quarterly(demo_dir, tmp_path_factory) -> Path:
    """`quarterly` for two regions, every notebook: reports/2024Q4 of the demo set."""
    out = tmp_path_factory.mktemp("quarterly")
    code = main(["quarterly", "--params", "params/quarterly.yml", "--data-dir", str(demo_dir),
                 "--out", str(out), "--regions", "华东,华南", "--period", "2024Q4"])  # fmt: skip
    assert code == 0
    return out / "2024Q4"


def test_quarterly_run_renders_each_region_and_an_index(quarterly):
    out = quarterly
    for region in ("华东", "华南"):
        html = (out / region / "profiling.html").read_text(encoding="utf-8")
        assert f"2024年Q4{region}区域客户画像分析报告" in html
        assert '<html lang="zh-CN">' in html
        assert "data:image/png;base64" in html
        assert not PHONE.search(html) and not EMAIL.search(html)  # no raw PII in a report
    quality = (out / "全国" / "data_quality.html").read_text(encoding="utf-8")
    assert "2024年Q4数据质量报告" in quality and "重复客户" in quality
    assert not PHONE.search(quality) and not EMAIL.search(quality)
    for region in ("华东", "华南"):
        value = (out / region / "rfm_clv.html").read_text(encoding="utf-8")
        assert f"2024年Q4{region}区域客户价值分析报告" in value and "重点跟进" in value
        assert value.count("data:image/png;base64") >= 4  # four figures, seven charts
        assert not PHONE.search(value) and not EMAIL.search(value)
        assert _xlsx_text(out / region / "rfm_clv.xlsx")  # written beside the HTML
    for region in ("华东", "华南"):
        churn = (out / region / "churn.html").read_text(encoding="utf-8")
        assert f"2024年Q4{region}区域客户流失预测报告" in churn and "模型评级" in churn
        assert not PHONE.search(churn) and not EMAIL.search(churn)
        assert _xlsx_text(out / region / "churn.xlsx")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('class="ok"') == 14  # summary, data quality once (全国) + 6 × two regions
    assert 'href="华东/profiling.html"' in index and "2024年Q4客户分析报告" in index
    assert 'href="华东/rfm_clv.xlsx"' in index  # the Excel tables are linked from the index
    runs = json.loads((out / "runs.json").read_text(encoding="utf-8"))
    per_region = ("profiling", "rfm_clv", "churn", "requirements", "funnel", "trends")
    assert [(r["region"], r["notebook"], r["status"]) for r in runs] == [
        ("全国", "summary", "ok"), ("全国", "data_quality", "ok"),
        *[(region, name, "ok") for region in ("华东", "华南") for name in per_region]]  # fmt: skip
    # params/quarterly.yml's exports: the reviewer page with code and the chart pack, after the
    # workbook the notebook wrote
    extras = ("code.html", "charts.zip")
    assert [Path(f).name for f in runs[3]["files"]] == [f"rfm_clv.{e}" for e in ("xlsx", *extras)]
    assert runs[0]["files"][0] == str(out / "全国" / "summary.xlsx")
    assert runs[1]["files"][0] == str(out / "全国" / "data_quality.xlsx")  # 疑似重复 and merges
    assert 'href="全国/data_quality.xlsx"' in index
    assert [Path(f).name for f in runs[2]["files"]] == [f"profiling.{e}" for e in extras]


def test_no_raw_personal_data_in_any_report_notebook_or_workbook(quarterly, demo_dir):
    secrets = secrets_of(demo_dir)
    assert {k: len(v) > 20 for k, v in secrets.items()} == dict.fromkeys(secrets, True)
    assert any(v.startswith("0") and "-" in v for v in secrets["phone"])  # landlines too
    scanned = rendered_texts(quarterly)
    kinds = sorted({Path(f).suffix for f in scanned})
    # 14 reports, their 14 reviewer pages with code and executed notebooks, 12 workbooks (all but
    # the profiles), the index (the chart packs and PDFs: tests/reports/test_privacy_outputs.py)
    assert kinds == [".html", ".ipynb", ".xlsx"] and len(scanned) == 14 + 14 + 14 + 12 + 1
    assert leaks(quarterly, demo_dir) == []


def _xlsx_text(path: Path) -> str:
    """Every text cell of a workbook (numbers left out: their digits could look like phones)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return "\n".join(
        "\t".join(v for v in row if isinstance(v, str))
        for sheet in book for row in sheet.iter_rows(values_only=True)
    )  # fmt: skip


def test_value_report_in_english_with_its_excel_and_no_raw_pii(demo_dir, tmp_path):
    config = RunConfig(period="2024Q4", exports=(), data_dir=demo_dir, out_dir=tmp_path, lang="en",
                       regions=("西北",), notebooks=("rfm_clv",), workers=1)  # fmt: skip
    result = run_job(plan_jobs(config)[0])
    assert result.status == "ok", result.error
    outputs = _outputs(Path(result.executed))
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "Glyph" not in stderr and "findfont" not in stderr
    assert len([o for o in outputs if "image/png" in o.get("data", {})]) == 4  # 4 figures, 8 axes
    html = Path(result.html).read_text(encoding="utf-8")
    assert "<title>西北 customer value, 2024 Q4</title>" in html
    book = tmp_path / "2024Q4" / "西北" / "rfm_clv.xlsx"
    assert result.files == (str(book),)
    text = _xlsx_text(book)
    assert "Suggested action" in text and "CLV (CNY)" in text
    assert leaks(tmp_path, demo_dir) == []  # the HTML, the executed notebook and the workbook
    assert not PHONE.search(text + html) and not EMAIL.search(text + html)


def test_a_failing_report_is_kept_shown_and_does_not_stop_the_others(
    demo_dir, tmp_path, monkeypatch
):
    broken_report = registry.Report(
        "broken", {"zh": "故障演示", "en": "Broken on purpose"}, "region"
    )
    monkeypatch.setitem(registry.REPORTS, "broken", broken_report)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(notebook_dir() / "profiling.ipynb", notebooks)
    broken = nbformat.read(notebook_dir() / "profiling.ipynb", as_version=4)
    broken.cells.insert(1, nbformat.v4.new_code_cell("raise ValueError('boom: broken on purpose')"))
    nbformat.write(broken, notebooks / "broken.ipynb")
    config = RunConfig(period="2024Q4", exports=(), data_dir=demo_dir, out_dir=tmp_path / "reports",
                       regions=("西北",), notebooks=("broken", "profiling"), notebook_dir=notebooks)  # fmt: skip
    results = {r.notebook: r for r in run_quarterly(config)}
    assert results["profiling"].status == "ok"
    failed = results["broken"]
    assert failed.status == "failed" and "boom: broken on purpose" in failed.error
    assert Path(failed.executed).exists()  # the executed notebook is kept for debugging
    index = (tmp_path / "reports" / "2024Q4" / "index.html").read_text(encoding="utf-8")
    assert index.count('class="failed"') == 1 and "boom: broken on purpose" in index
    assert "失败 1 份" in index


def test_an_unchanged_rerun_renders_nothing_and_keeps_every_page(quarterly, demo_dir, capsys):
    # last in this file: it rewrites runs.json of the shared run
    pages = {p: p.stat().st_mtime_ns for p in quarterly.glob("*/*.html")}
    code = main(["quarterly", "--params", "params/quarterly.yml", "--data-dir", str(demo_dir),
                 "--out", str(quarterly.parent), "--regions", "华东,华南", "--period", "2024Q4",
                 "--no-progress"])  # fmt: skip
    assert code == 0
    assert "14 reports: 0 ran (0 failed), 14 unchanged" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in quarterly.glob("*/*.html")} == pages
    runs = json.loads((quarterly / "runs.json").read_text(encoding="utf-8"))
    assert {r["status"] for r in runs} == {"unchanged"}
    index = (quarterly / "index.html").read_text(encoding="utf-8")
    assert index.count('class="unchanged"') == 14 and "未变更 14 份" in index

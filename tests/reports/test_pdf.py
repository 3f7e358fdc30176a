"""PDF export through Debian's headless Chromium: Chinese text and charts survive as text and
embedded fonts; a missing, failing or hanging browser gives a clear error, never a hang."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from workbench.core.errors import ParameterError
from workbench.reports.config import RunConfig
from workbench.reports.pdf import PdfError, html_to_pdf
from workbench.reports.render import render_html

TITLE = "2024年Q4华东区域客户价值分析报告"


def _pdf_text(pdf: Path) -> str:
    """The PDF's text with line breaks and spaces removed (pdftotext wraps long lines)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, timeout=60).stdout.decode("utf-8")  # fmt: skip
    return re.sub(r"\s+", "", out)


def _fonts(pdf: Path) -> list[list[str]]:
    """pdffonts' table rows: name, type, encoding, emb, sub, uni, object, generation."""
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, timeout=60)
    return [line.split() for line in out.stdout.decode().splitlines()[2:]]


@pytest.fixture
def page(tmp_path: Path, figure_output) -> Path:
    """A report page rendered from a small executed notebook: a title, a number, a chart."""
    from nbformat import write
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    heading = new_output("display_data", data={"text/markdown": f"# {TITLE}"})
    bullet = new_output(
        "display_data", data={"text/markdown": "- 高价值客户 207 家，贡献 67\\.3%。"}
    )
    notebook = new_notebook(metadata={"papermill": {"parameters": {"lang": "zh"}}})
    notebook.cells = [new_code_cell("", outputs=[heading, bullet]),
                      new_code_cell("", outputs=[figure_output([4, 2, 7], "月度销售额")])]  # fmt: skip
    write(notebook, tmp_path / "rfm_clv.ipynb")
    return render_html(tmp_path / "rfm_clv.ipynb", tmp_path / "rfm_clv.html")


def test_the_pdf_holds_the_chinese_title_the_numbers_and_embedded_fonts(page, chromium, pdftotext):
    pdf = html_to_pdf(page, page.with_suffix(".pdf"))
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = _pdf_text(pdf)
    assert TITLE in text and "高价值客户207家，贡献67.3%。" in text
    fonts = _fonts(pdf)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # every font embedded
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, check=True)
    assert len(images.stdout.decode().splitlines()) - 2 >= 1  # the chart, as an image


def _fake_browser(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-chromium"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_a_hanging_browser_is_killed_at_the_time_limit(page, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CHROMIUM", _fake_browser(tmp_path, "sleep 60"))
    started = time.monotonic()
    with pytest.raises(PdfError, match=r"did not finish printing within 1 s \(killed\)"):
        html_to_pdf(page, tmp_path / "out.pdf", timeout=1)
    assert time.monotonic() - started < 10
    assert not (tmp_path / "out.pdf").exists() and not (tmp_path / "out.pdf.part").exists()


def test_a_failing_browser_is_reported_with_its_last_words(page, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CHROMIUM", _fake_browser(tmp_path, "echo 'no display'; exit 3"))
    with pytest.raises(
        PdfError, match=r"rfm_clv.html: Chromium could not print it \(exit 3\): no display"
    ):
        html_to_pdf(page, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_without_chromium_pdf_export_says_how_to_install_it(page, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(PdfError, match="apt-get install chromium"):
        html_to_pdf(page, tmp_path / "out.pdf")
    with pytest.raises(
        ParameterError, match=r"exports: pdf needs Chromium.*apt-get install chromium"
    ):
        RunConfig(exports=("code", "pdf"))
    assert RunConfig(exports=("code", "charts")).exports == ("code", "charts")  # PDF off: fine
    with pytest.raises(ParameterError, match=r"unknown \['docx'\]"):
        RunConfig(exports=("docx",))


@pytest.mark.slow
def test_every_report_of_a_run_has_a_pdf_with_its_title_and_a_number(exported_run, pdftotext):
    if not exported_run.pdf:
        pytest.skip("no chromium: the run made no PDFs")
    pages = sorted(p for p in exported_run.out.glob("*/*.html") if ".code." not in p.name)
    assert len(pages) == 8
    for page in pages:
        html = page.read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", html).group(1)
        text = _pdf_text(page.with_suffix(".pdf"))
        assert title.replace(" ", "") in text, page.name
        assert all(row[-5] == "yes" for row in _fonts(page.with_suffix(".pdf"))), page.name
    value = _pdf_text(exported_run.out / "华东" / "rfm_clv.pdf")
    html = (exported_run.out / "华东" / "rfm_clv.html").read_text(encoding="utf-8")
    count = re.search(r"高价值客户 (\d[\d,]*) 家", html).group(1)  # the summary's first numbers
    assert f"高价值客户{count}家" in value


def test_a_run_without_pdf_says_how_to_switch_it_on(tmp_path, monkeypatch, capsys):
    from workbench import cli
    from workbench.reports import runner

    seen = []
    monkeypatch.setattr(runner, "run_quarterly", lambda config, **_: seen.append(config) or [])
    args = ["quarterly", "--data-dir", str(tmp_path), "--out", str(tmp_path / "reports"),
            "--regions", "华东", "--chart-title", "经营分析会"]  # fmt: skip
    assert cli.main(args) == 0
    assert seen[0].exports == ("code", "charts") and seen[0].chart_title == "经营分析会"
    out = capsys.readouterr().out
    assert (
        "PDF: off" in out
        and "apt-get install chromium" in out
        and "--exports code,charts,pdf" in out
    )
    seen.clear()
    monkeypatch.setenv("WORKBENCH_CHROMIUM", "/bin/true")  # found on PATH: pdf may be asked for
    assert cli.main([*args, "--exports", "code,pdf"]) == 0
    assert seen[0].exports == ("code", "pdf") and "PDF: off" not in capsys.readouterr().out

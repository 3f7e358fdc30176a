"""Chart packs: every chart of a report as PNG and SVG, zipped in page order with a contents file;
the report page itself keeps the PNG only."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import matplotlib.image
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from workbench.reports.chart_pack import chart_pack_path, charts_of, safe_name, write_chart_pack
from workbench.reports.render import render_html

_PNG_IMAGE = re.compile(r'<img [^>]*src="data:image/png;base64,')


@pytest.fixture
def executed(tmp_path: Path, figure_output) -> Path:
    """Three charts: two under 销售额 (a heading cell), one under a heading a cell printed."""
    notebook = new_notebook(metadata={"papermill": {"parameters": {"lang": "zh"}}})
    title = new_output("display_data", data={"text/markdown": "# 2024年Q4华东区域测试报告"})
    section = new_output("display_data", data={"text/markdown": "## 客户\\*分层 Tiers"})
    notebook.cells = [
        new_code_cell("show_title()", outputs=[title]),
        new_markdown_cell("## 销售额 Revenue\n\n按月。"),
        new_code_cell("plot()", outputs=[figure_output([1, 2, 3], "月度销售额")]),
        new_code_cell("plot()", outputs=[figure_output([3, 1], "客户数")]),
        new_code_cell("plot()", outputs=[section, figure_output([5, 4, 1], "分层")]),
    ]
    path = tmp_path / "report.ipynb"
    nbformat.write(notebook, path)
    return path


def test_charts_are_numbered_in_page_order_and_named_after_their_heading(executed):
    charts = charts_of(executed)
    assert [c.stem for c in charts] == [
        "01_销售额_Revenue",
        "02_销售额_Revenue",
        "03_客户_分层_Tiers",
    ]
    assert [c.title for c in charts] == ["销售额 Revenue", "销售额 Revenue", "客户*分层 Tiers"]
    assert all(c.png.startswith(b"\x89PNG") and c.svg.startswith("<?xml") for c in charts)


def test_the_pack_holds_each_chart_as_png_and_svg_with_a_contents_file(executed, tmp_path):
    target = chart_pack_path(tmp_path / "report.html", "经营分析会 2024/Q4")
    assert target.name == "report.经营分析会_2024_Q4.charts.zip"
    write_chart_pack(executed, target, "经营分析会 2024/Q4")
    with zipfile.ZipFile(target) as pack:
        names = pack.namelist()
        assert names == ["经营分析会_2024_Q4/01_销售额_Revenue.png", "经营分析会_2024_Q4/01_销售额_Revenue.svg",
                         "经营分析会_2024_Q4/02_销售额_Revenue.png", "经营分析会_2024_Q4/02_销售额_Revenue.svg",
                         "经营分析会_2024_Q4/03_客户_分层_Tiers.png", "经营分析会_2024_Q4/03_客户_分层_Tiers.svg",
                         "经营分析会_2024_Q4/contents.txt"]  # fmt: skip
        contents = pack.read("经营分析会_2024_Q4/contents.txt").decode("utf-8").splitlines()
        assert contents[:3] == ["经营分析会 2024/Q4", "2024年Q4华东区域测试报告",
                                "3 charts (PNG and SVG), in the order of the report:"]  # fmt: skip
        assert contents[-1] == " 3. 客户*分层 Tiers: 03_客户_分层_Tiers.png, 03_客户_分层_Tiers.svg"
        _check_images(pack)


def test_without_a_title_the_pack_is_named_after_the_report(executed, tmp_path):
    target = write_chart_pack(executed, chart_pack_path(tmp_path / "report.html"))
    assert target.name == "report.charts.zip"
    with zipfile.ZipFile(target) as pack:
        assert pack.namelist()[-1] == "2024年Q4华东区域测试报告/contents.txt"
        assert (
            pack.read(pack.namelist()[-1]).decode().startswith("2024年Q4华东区域测试报告\n3 charts")
        )


def test_the_report_page_embeds_the_png_only(executed, tmp_path):
    page = render_html(executed, tmp_path / "report.html").read_text(encoding="utf-8")
    assert len(_PNG_IMAGE.findall(page)) == 3
    body = page[page.index("<body") :]
    assert "<svg" not in body and not re.search(r'<img [^>]*src="data:image/svg', body)


def test_safe_names_keep_chinese_and_drop_what_a_file_system_refuses():
    assert safe_name('a/b\\c:d*e?"f<g>h|i', "x") == "a_b_c_d_e_f_g_h_i"
    assert safe_name("  ..  ", "charts") == "charts"
    assert safe_name("客户 价值\n分析", "x") == "客户_价值_分析"
    assert len(safe_name("长" * 100, "x")) == 60


def _check_images(pack: zipfile.ZipFile) -> None:
    """Every PNG opens with a size; every SVG parses as XML with an <svg> root of some size."""
    for name in pack.namelist():
        if name.endswith(".png"):
            pixels = matplotlib.image.imread(io.BytesIO(pack.read(name)), format="png")
            assert pixels.shape[0] > 50 and pixels.shape[1] > 50, name
        elif name.endswith(".svg"):
            root = ElementTree.fromstring(pack.read(name))
            assert root.tag == "{http://www.w3.org/2000/svg}svg", name
            assert float(re.sub(r"[a-z]+$", "", root.get("width"))) > 50, name


@pytest.mark.slow
def test_every_report_pack_holds_as_many_charts_as_its_page_shows(exported_run):
    packs = sorted(exported_run.out.glob("*/*.charts.zip"))
    pages = sorted(
        p for p in exported_run.out.glob("*/*.html") if not p.name.endswith(".code.html")
    )
    assert len(packs) == len(pages) == 8  # summary, data quality and six reports for 华东
    total = 0
    for page in pages:
        pack_path = chart_pack_path(page, exported_run.chart_title)
        images = len(_PNG_IMAGE.findall(page.read_text(encoding="utf-8")))
        with zipfile.ZipFile(pack_path) as pack:
            names = pack.namelist()
            folder = names[0].split("/")[0]
            assert folder == safe_name(exported_run.chart_title, "x"), pack_path
            assert len([n for n in names if n.endswith(".png")]) == images, page.name
            assert len([n for n in names if n.endswith(".svg")]) == images, page.name
            contents = pack.read(f"{folder}/contents.txt").decode("utf-8").splitlines()
            assert contents[0] == exported_run.chart_title
            assert contents[2] == f"{images} charts (PNG and SVG), in the order of the report:"
            _check_images(pack)
        total += images
    assert total >= 20, total  # profiling alone has 7

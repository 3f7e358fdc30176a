"""Reports over partial data: extracts without some tables or columns render what they can, and
each report says in words what it could not show and why, instead of failing or drawing empty
charts.

The data is the hand-written corpus of tests/cleaning/test_missing_columns.py (eight customers,
six in 华东). Two quarterly runs go through the command line (`make quarterly DATA=…` runs the
same): customers + orders only, and every table with its required columns only. Representative
dropped columns run the notebooks in this process instead (`run_in_process`): a kernel per
notebook would cost about five seconds each.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pytest
from cleaning.test_missing_columns import write_corpus
from IPython.display import Markdown
from openpyxl import load_workbook
from pii_scan import leaks

from workbench.cleaning.cache import cache_key, load_clean
from workbench.cleaning.settings import CleaningSettings
from workbench.cli import main
from workbench.core.config import notebook_dir
from workbench.core.errors import ExtractError
from workbench.extracts.loader import load_extracts
from workbench.profiling import tables as profiling_tables

NOT_SHOWN = re.compile(r"无法展示[^。]*。|Could not show [^.]*\.")


def _text(page: Path) -> str:
    """The words of an HTML report, tags and embedded images left out."""
    html = re.sub(r"<(style|script)\b.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


def _images(page: Path) -> int:
    """The charts of an HTML report (images embedded as PNG; nbconvert's CSS has one more)."""
    return page.read_text(encoding="utf-8").count('src="data:image/png;base64,')


# --- the loader and the cache: three tables may have no file ------------------------------------


def test_interactions_requirements_and_opportunities_may_have_no_file(tmp_path):
    folder = write_corpus(tmp_path, tables=("customers", "orders"))
    extracts = load_extracts(folder)
    assert set(extracts.tables) == {"customers", "orders"}
    assert cache_key(folder, CleaningSettings())  # the cache does not ask for them either
    data = load_clean(folder)
    assert data.supplied("orders") and not data.supplied("interactions")
    assert data.interactions.empty and "channel" in data.interactions  # there, empty, typed
    assert list(data.reconciliation().index) == ["customers", "orders"]


def test_customers_and_orders_stay_required_and_asked_tables_too(tmp_path):
    folder = write_corpus(tmp_path, tables=("customers",))
    with pytest.raises(ExtractError, match="no extract for table orders"):
        load_extracts(folder)
    write_corpus(folder, tables=("orders",))
    with pytest.raises(ExtractError, match="no extract for table interactions"):
        load_extracts(folder, tables=("customers", "interactions"))
    (folder / "跟进记录.xls").write_bytes(b"\xd0\xcf\x11\xe0")  # named, but a format we cannot read
    with pytest.raises(ExtractError, match=r"save it as \.xlsx"):
        load_extracts(folder)


# --- notebooks in this process, for representative dropped columns ------------------------------


def run_in_process(notebook: str, **parameters: object) -> SimpleNamespace:
    """Execute `notebook`'s code cells in this process as Papermill would (parameters injected
    after the parameters cell, in the notebooks' folder): its namespace, the Markdown it
    displayed and how many charts it drew."""
    cells = json.loads((notebook_dir() / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    namespace: dict[str, object] = {}
    shown: list[object] = []
    plt.close("all")
    exec(code[0], namespace)  # the parameters cell
    namespace.update(parameters)
    exec(code[1], namespace)  # imports and the parameter check
    namespace["display"] = lambda *objects: shown.extend(objects)  # as IPython: any number
    for source in code[2:]:
        exec(compile(source, f"<{notebook}>", "exec"), namespace)
    charts = sum(len(plt.figure(n).axes) for n in plt.get_fignums())
    plt.close("all")
    markdown = [str(o.data) for o in shown if isinstance(o, Markdown)]
    return SimpleNamespace(namespace=namespace, markdown=markdown, charts=charts)


DROPS = {  # dropped column → (charts the profile draws, the profile's gaps, the value report's)
    None: (7, set(), {"clv"}),  # eight customers: too few repeat buyers for CLV, always
    ("customers", "source_channel"): (6, {"source_channel"}, {"clv"}),
    ("orders", "product_category"): (6, {"product_category"}, {"clv"}),
    ("interactions", "channel"): (6, {"channel"}, {"clv"}),
    ("interactions", "satisfaction"): (7, {"kpi_satisfaction"}, {"clv"}),
}


@pytest.mark.slow
@pytest.mark.parametrize("drop", list(DROPS), ids=lambda d: ".".join(d) if d else "nothing")
def test_notebooks_render_without_a_column(tmp_path, monkeypatch, drop):
    charts, profile_gaps, value_gaps = DROPS[drop]
    folder = write_corpus(tmp_path / "data", drop=drop)
    monkeypatch.chdir(notebook_dir())
    common = {"region": "华东", "period": "2024Q4", "data_dir": str(folder), "lang": "zh"}
    profile = run_in_process("profiling", **common)
    assert profile.charts == charts
    gaps = profile.namespace["gaps"]
    assert set(gaps) == profile_gaps
    said = "".join(profile.markdown).replace("\\", "")
    for part in profile_gaps:  # each said in words, where the part would be or in the summary
        assert profiling_tables.gap_note(gaps, part) in said, part
    value = run_in_process("rfm_clv", **common, out_dir=str(tmp_path))
    assert set(value.namespace["gaps"]) == value_gaps
    assert (tmp_path / "rfm_clv.xlsx").is_file()
    run_in_process("data_quality", **{**common, "region": "全国"})


# --- the quarterly run from the command line -----------------------------------------------------


@pytest.mark.slow
def test_quarterly_on_customers_and_orders_only(tmp_path):
    data = write_corpus(tmp_path / "data", tables=("customers", "orders"))
    out = tmp_path / "reports"
    code = main(["quarterly", "--data-dir", str(data), "--out", str(out), "--regions", "华东",
                 "--quarter", "2024Q4", "--workers", "2"])  # fmt: skip
    assert code == 0
    reports = out / "2024Q4"
    runs = json.loads((reports / "runs.json").read_text(encoding="utf-8"))
    assert [(r["notebook"], r["status"]) for r in runs] == [
        ("summary", "ok"), ("data_quality", "ok"), ("profiling", "ok"), ("rfm_clv", "ok"),
        ("churn", "ok"),
        ("requirements", "ok"), ("funnel", "ok"), ("trends", "ok")]  # fmt: skip
    churn = _text(reports / "华东" / "churn.html")  # eight customers: the rule, and why
    assert "无法训练" in churn and "最近购买规则" in churn
    profile = reports / "华东" / "profiling.html"
    assert NOT_SHOWN.findall(_text(profile)) == [
        "无法展示人均跟进次数、投诉次数、平均满意度、90天未跟进客户，因为数据中没有跟进记录文件。",
        "无法展示跟进方式分布，因为数据中没有跟进记录文件。",
    ]
    assert _images(profile) == 6  # seven charts less the follow-ups by channel
    value = _text(reports / "华东" / "rfm_clv.html")
    assert "无法展示跟进报价名单（浏览多或询价的线索），因为数据中没有跟进记录文件。" in value
    assert _images(reports / "华东" / "rfm_clv.html") == 2  # RFM and Pareto: no CLV charts
    book = load_workbook(reports / "华东" / "rfm_clv.xlsx")
    assert any("跟进记录文件" in str(row[1].value) for row in book["说明"].iter_rows())
    assert leaks(reports, data) == []


@pytest.mark.slow
def test_quarterly_on_required_columns_only(tmp_path, capsys):
    """No region and no province: no customer is in 华东, so its reports are not rendered, and
    the run's summary and index say why; the company-wide ones render."""
    data = write_corpus(tmp_path / "data", required_only=True)
    out = tmp_path / "reports"
    code = main(["quarterly", "--data-dir", str(data), "--out", str(out), "--regions", "华东",
                 "--quarter", "2024Q4", "--lang", "en", "--workers", "2", "--no-progress"])  # fmt: skip
    assert code == 0
    why = (
        "region 华东 has no customers: the customers extract has neither a region nor a "
        "province, so no customer can be placed in a region"
    )
    said = capsys.readouterr().out
    assert "8 reports: 2 ran (0 failed), 0 unchanged, 6 not rendered (no customers)" in said
    assert f"  not rendered: {why}" in said
    assert sorted(p.name for p in (out / "2024Q4").glob("*/*.html")) == [
        "data_quality.code.html", "data_quality.html", "summary.code.html", "summary.html"]  # fmt: skip
    assert not (out / "2024Q4" / "华东").exists()
    assert why in html.unescape((out / "2024Q4" / "index.html").read_text(encoding="utf-8"))
    assert leaks(out / "2024Q4", data) == []


@pytest.mark.slow
def test_notebooks_render_required_columns_only_for_all_regions(tmp_path, monkeypatch):
    """全国 needs no region: the report shows what orders alone give and says what it cannot."""
    folder = write_corpus(tmp_path / "data", required_only=True)
    monkeypatch.chdir(notebook_dir())
    common = {"region": "全国", "period": "2024Q4", "data_dir": str(folder), "lang": "en"}
    profile = run_in_process("profiling", **common)
    assert profile.charts == 1  # the revenue trend
    assert set(profile.namespace["gaps"]) == {
        "kpi_new_customers", "kpi_complaints", "kpi_satisfaction", "province", "industry",
        "size", "product_category", "source_channel", "channel"}  # fmt: skip
    said = "".join(profile.markdown).replace("\\", "")
    assert (
        "Could not show New customers because the customers extract has no first_deal_date data"
        in said
    )
    value = run_in_process("rfm_clv", **common, out_dir=str(tmp_path))
    assert set(value.namespace["gaps"]) == {"clv", "leads"}
    assert value.charts == 4  # RFM heatmap and classes, Pareto: what purchases alone give

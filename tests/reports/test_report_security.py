"""Untrusted CRM text never runs in a report: every report rendered from a data set with hostile
text in every text column (tests/hostile_text.py), checked as files and in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from hostile_text import EXTRA_COLUMN, PAYLOADS, PROBE_CLASS, PROBE_TITLE, plant
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from openpyxl import load_workbook

from workbench.reports.config import RunConfig
from workbench.reports.runner import run_quarterly

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every report (data quality, profile, value) and the index, from planted extracts."""
    from workbench.demo import generate

    root = tmp_path_factory.mktemp("hostile")
    generate(root / "demo", customers=400, seed=5)
    planted = plant(root / "demo", root / "data")
    assert {"name", "contact_name", "owner", "summary", "description", "lost_reason",
            "product", "customer_id"} <= {c for cols in planted.values() for c in cols}  # fmt: skip
    config = RunConfig(period="2024Q4", data_dir=root / "data", out_dir=root / "reports",
                       regions=("华东",), notebooks=("data_quality", "profiling", "rfm_clv"),
                       workers=2)  # fmt: skip
    results = run_quarterly(config)
    assert [(r.region, r.notebook, r.status) for r in results] == [
        ("全国", "data_quality", "ok"), ("华东", "profiling", "ok"), ("华东", "rfm_clv", "ok")
    ], [r.error for r in results]  # fmt: skip
    return root / "reports" / "2024Q4"


class _Elements(HTMLParser):
    """Every element as (tag, attributes), and the page's visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


def _live_payloads(page: str) -> list[str]:
    """Elements that exist only because planted markup was taken as HTML."""
    found = []
    for tag, attrs in _parse(page).elements:
        if PROBE_CLASS in attrs.get("class", "") or tag in ("script", "iframe", "svg", "link"):
            found.append(f"<{tag} {attrs}>")
        found += [f"<{tag} {k}>" for k in attrs if k.startswith("on")]
        for key in ("src", "href"):
            value = attrs.get(key, "").lower()
            if value.startswith(("javascript:", "http:", "https:", "//")) or (
                value.startswith("data:") and not value.startswith("data:image/")
            ):
                found.append(f"<{tag} {key}={value[:40]}>")
    return found


def _reports(run: Path) -> list[Path]:
    return [*sorted(run.glob("*/*.html")), run / "index.html"]


def test_planted_text_shows_as_text_and_no_planted_tag_is_an_element(hostile_run):
    pages = {p.relative_to(hostile_run).as_posix(): p.read_text(encoding="utf-8") for p in
             _reports(hostile_run)}  # fmt: skip
    reports = ("全国/data_quality", "华东/profiling", "华东/rfm_clv")
    assert set(pages) == {f"{r}{kind}.html" for r in reports for kind in ("", ".code")} | {
        "index.html"}  # the reviewer pages (with code) as well as the readers'  # fmt: skip
    for name, page in pages.items():
        assert _live_payloads(page) == [], name
        assert 'http-equiv="Content-Security-Policy"' in page.replace("'", '"'), name
    # the value report's CLV ranking and the data-quality tables show planted names as text
    for name in ("华东/rfm_clv.html", "全国/data_quality.html"):
        text = "".join(_parse(pages[name]).text)
        shown = [p for p in PAYLOADS if p[:25] in text]
        assert len(shown) >= 5, (name, shown)
        assert "<img src=x onerror=" in text or "<b class=wb-probe>粗体</b>" in text, name


def test_executed_notebooks_hold_no_live_markup(hostile_run):
    for executed in sorted(hostile_run.glob("*/*.ipynb")):
        notebook = nbformat.read(executed, as_version=4)
        outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
        pages = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
        pages += [markdown2html_mistune(o["data"]["text/markdown"]) for o in outputs
                  if "text/markdown" in o.get("data", {})]  # fmt: skip
        assert pages, executed
        for page in pages:
            assert _live_payloads(page) == [], (executed.name, page[:300])


def test_workbooks_hold_planted_text_as_text_never_formulas(hostile_run):
    book = load_workbook(hostile_run / "华东" / "rfm_clv.xlsx")
    formula_like = 0
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    formula_like += 1
    assert formula_like > 0  # the planted =HYPERLINK(…) names are there, as text
    for sheet in load_workbook(hostile_run / "全国" / "data_quality.xlsx"):
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row), sheet.title


def test_runs_json_and_the_index_name_every_report(hostile_run):
    runs = json.loads((hostile_run / "runs.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in runs] == ["ok", "ok", "ok"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright; skipped locally when absent, an error under CI."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed (make venv installs it)"
    if CHROMIUM is None:
        reason = "no chromium on PATH (.ci/run installs Debian's chromium)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the browser test: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield chromium
        chromium.close()


def test_no_payload_runs_in_a_browser_and_every_image_loads(hostile_run, browser):
    for report in _reports(hostile_run):
        expected_title = _title(report.read_text(encoding="utf-8"))
        page = browser.new_page()
        messages: list[str] = []
        page.on("console", lambda m, messages=messages: messages.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e, messages=messages: messages.append(f"error: {e}"))
        page.on("requestfailed", lambda r, messages=messages: messages.append(f"failed: {r.url}"))
        page.goto(report.as_uri(), wait_until="load")
        page.wait_for_timeout(300)  # let any handler that was going to fire, fire
        assert page.title() == expected_title != PROBE_TITLE, report
        assert page.locator(f".{PROBE_CLASS}").count() == 0, report
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.complete && i.naturalWidth > 0, "
            "i.src.slice(0, 30)])"
        )
        assert all(loaded for loaded, _ in images), (report, images)
        assert messages == [], (report, messages)
        if report.name == "rfm_clv.html":
            assert len(images) >= 4
            text = page.inner_text("body")
            assert f"<b class={PROBE_CLASS}>粗体</b>" in text or "onerror=" in text
        page.close()


def _title(page: str) -> str:
    start = page.index("<title>") + len("<title>")
    import html

    return html.unescape(page[start : page.index("</title>")])


def test_the_planted_extra_column_is_kept_by_the_loader(hostile_run):
    from workbench.io import load_extracts

    extracts = load_extracts(hostile_run.parent.parent / "data")
    assert EXTRA_COLUMN in extracts.customers.columns

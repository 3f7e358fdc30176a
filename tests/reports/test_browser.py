"""The run's index and its pages open in headless Chromium (Debian's, driven by Playwright) with
no console error, no failed request and every image loaded; every link of the index resolves."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

pytestmark = pytest.mark.slow

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="module")
def browser(chromium):
    """Debian's Chromium driven by Playwright (its own browser download is never used)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="make venv installs playwright")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        yield launched
        launched.close()


def _open(browser, page_file: Path) -> tuple[object, list[str]]:
    """The page loaded from file, and every console message, page error and failed request."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url[:80]}"))
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    return page, problems


def _images(page) -> list[tuple[bool, int, str]]:
    return page.evaluate("Array.from(document.images).map(i => "
                         "[i.complete && i.naturalWidth > 0, i.naturalWidth, i.src.slice(0, 30)])")  # fmt: skip


def test_the_index_opens_cleanly_and_every_link_points_at_a_file(exported_run, browser):
    index = exported_run.out / "index.html"
    page, problems = _open(browser, index)
    assert problems == []
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    targets = {Path(unquote(urlparse(h).path)) for h in hrefs if h.startswith("file:")}
    missing = sorted(str(t) for t in targets if not t.is_file())
    assert missing == []
    names = {t.name for t in targets}
    # every report page, its reviewer page, chart pack (and PDF when made) are linked
    for notebook in ("summary", "data_quality", "rfm_clv", "churn", "trends"):
        assert {f"{notebook}.html", f"{notebook}.code.html"} <= names, notebook
        assert any(n.startswith(f"{notebook}.") and n.endswith(".charts.zip") for n in names)
        assert not exported_run.pdf or f"{notebook}.pdf" in names
    page.close()


@pytest.mark.parametrize(
    "report", ["华东/rfm_clv.html", "华东/rfm_clv.code.html", "全国/summary.html"]
)
def test_a_report_opens_cleanly_with_every_image_loaded(exported_run, browser, report):
    page, problems = _open(browser, exported_run.out / report)
    images = _images(page)
    assert len(images) >= 4 if "rfm_clv" in report else len(images) >= 1
    assert [i for i in images if not i[0]] == [], images
    assert all(width >= 300 for _, width, _ in images), images  # charts, not icons
    assert problems == []
    text = page.inner_text("body")
    assert ("io.load_clean(data_dir)" in text) == report.endswith(".code.html")  # code only there
    manifest = report.split("/")[1].split(".")[0] + ".manifest.json"
    assert (
        page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        ).count(manifest)
        == 1
    )  # the same footer on both pages
    page.close()

"""A run of every report for one region with every export on, from a small data set with known
personal data planted in it, shared by the export, privacy and browser tests; and Chromium.

The planted values (tests/planted_pii.py) are written by hand, independently of `workbench.demo`.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
from nbformat.v4 import new_output
from planted_pii import REGION, plant_pii

from workbench.core.charts import use_report_style

CI = bool(os.environ.get("CI"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
PERIOD = "2024Q4"
CHART_TITLE = "经营分析会 2024/Q4"


def _figure_output(values: list[float], title: str) -> nbformat.NotebookNode:
    """A display_data output as the inline backend writes it with PNG and SVG switched on."""
    use_report_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(range(len(values)), values)
    ax.set_title(title)
    data = {}
    for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt)
        raw = buffer.getvalue()
        data[mime] = base64.b64encode(raw).decode() if fmt == "png" else raw.decode()
    plt.close(fig)
    return new_output("display_data", data=data | {"text/plain": "<Figure>"})


@pytest.fixture
def figure_output() -> Callable[[list[float], str], nbformat.NotebookNode]:
    """Make a figure's display_data output as a kernel with PNG and SVG figures writes it."""
    return _figure_output


@dataclass(frozen=True)
class ExportedRun:
    data: Path  # the planted extracts
    out: Path  # reports/<period>
    pdf: bool  # whether PDFs were made (Chromium present)
    planted: dict[str, int]
    chart_title: str


@pytest.fixture(scope="session")
def exported_run(tmp_path_factory: pytest.TempPathFactory) -> ExportedRun:
    """Every report for 华东 (and the company-wide ones) with code, charts and PDF exports."""
    from workbench.demo import generate
    from workbench.reports.config import RunConfig
    from workbench.reports.runner import run_quarterly

    root = tmp_path_factory.mktemp("exported")
    generate(root / "demo", customers=400, seed=23)
    planted = plant_pii(root / "demo", root / "data")
    pdf = CHROMIUM is not None
    if not pdf and CI:
        pytest.fail("CI needs Chromium for the PDF export (.ci/run installs Debian's chromium)")
    exports = ("code", "charts", "pdf") if pdf else ("code", "charts")
    config = RunConfig(period=PERIOD, data_dir=root / "data", out_dir=root / "reports",
                       regions=(REGION,), workers=2, exports=exports,
                       chart_title=CHART_TITLE)  # fmt: skip
    results = run_quarterly(config)
    assert [r.status for r in results] == ["ok"] * len(results), [r.error for r in results]
    return ExportedRun(root / "data", root / "reports" / PERIOD, pdf, planted, CHART_TITLE)


def _required_tool(path: str | None, name: str, package: str) -> str:
    """A tool's path; skip locally when it is missing, fail under CI (env CI, set by .ci/run,
    which installs Debian's `package`)."""
    if path is None:
        if CI:
            pytest.fail(f"CI needs {name} (.ci/run installs Debian's {package})")
        pytest.skip(f"no {name} on PATH (apt-get install {package}; .ci/run does)")
    return path


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path (skipped locally, failed under CI, when missing)."""
    return _required_tool(CHROMIUM, "chromium", "chromium")


@pytest.fixture(scope="session")
def pdftotext() -> str:
    """pdftotext's path (poppler-utils), as `chromium`."""
    return _required_tool(PDFTOTEXT, "pdftotext", "poppler-utils")

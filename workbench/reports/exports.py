"""What a run writes beside a rendered report page, per `RunConfig.exports`: the reviewers' page
with code, a PDF and a chart pack. The runner calls `write_exports` once the page is written."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workbench.reports.chart_pack import chart_pack_path, write_chart_pack
from workbench.reports.pdf import html_to_pdf
from workbench.reports.render import code_html_path, render_html


def write_exports(executed: Path, html: Path, exports: tuple[str, ...],
                  manifest: Mapping[str, Any] | None = None,
                  chart_title: str | None = None) -> list[Path]:  # fmt: skip
    """Write the exports named in `exports` ("code", "pdf", "charts") beside `html`; return them.

    Raises the first export's error (a `PdfError` names Chromium's failure); the page stays.
    """
    written = []
    if "code" in exports:
        written.append(render_html(executed, code_html_path(html), manifest, code=True))
    if "pdf" in exports:
        written.append(html_to_pdf(html, html.with_suffix(".pdf")))
    if "charts" in exports:
        written.append(write_chart_pack(executed, chart_pack_path(html, chart_title), chart_title))
    return written

"""A report's chart pack: every chart of an executed notebook as PNG and SVG, zipped in order,
with a contents file, for slides and print.

The notebooks show each figure as PNG and SVG (`core.charts.use_report_style` in a kernel); the
report page embeds the PNG only (`render.render_html`). A chart is named after the heading it
follows (`03_价值分层.png`), numbered in page order.
"""

from __future__ import annotations

import base64
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from workbench.reports.render import heading_text, report_title

CONTENTS = "contents.txt"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\s]+')


@dataclass(frozen=True)
class Chart:
    """One figure of a report: its number (from 1, page order), title, PNG bytes and SVG text."""

    number: int
    title: str
    png: bytes
    svg: str | None

    @property
    def stem(self) -> str:
        return f"{self.number:02d}_{safe_name(self.title, 'chart')}"


def charts_of(executed: Path) -> list[Chart]:
    """Every figure an executed notebook displayed, titled by the last heading shown before it
    (a Markdown cell's or one a cell printed)."""
    notebook = nbformat.read(executed, as_version=4)
    charts: list[Chart] = []
    heading = ""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            headings = [heading_text(line) for line in cell.source.splitlines()]
            heading = next((h for h in reversed(headings) if h), heading)
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            markdown = data.get("text/markdown")
            if isinstance(markdown, str) and markdown.lstrip().startswith("#"):
                heading = heading_text(markdown) or heading
            if "image/png" in data:
                svg = data.get("image/svg+xml")
                charts.append(Chart(len(charts) + 1, heading,
                                    base64.b64decode(data["image/png"]),
                                    svg if isinstance(svg, str) else None))  # fmt: skip
    return charts


def chart_pack_path(html: Path, title: str | None = None) -> Path:
    """Where a report's pack goes: <notebook>.charts.zip beside its page, the custom title (made
    safe for a file name) inserted when given: <notebook>.<title>.charts.zip."""
    stem = html.name.removesuffix(".html")
    if title:
        stem += "." + safe_name(title, "charts")
    return html.with_name(f"{stem}.charts.zip")


def write_chart_pack(executed: Path, target: Path, title: str | None = None) -> Path:
    """Zip every chart of `executed` as PNG and SVG into `target`, under a folder named after the
    pack's title (`title`, else the report's), with a contents file listing them in order."""
    notebook = nbformat.read(executed, as_version=4)
    report = report_title(notebook) or Path(executed).stem
    pack_title = title.strip() if title and title.strip() else report
    folder = safe_name(pack_title, "charts")
    charts = charts_of(executed)
    lines = [pack_title, report] if pack_title != report else [pack_title]
    lines += [f"{len(charts)} charts (PNG and SVG), in the order of the report:", ""]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        for chart in charts:
            pack.writestr(f"{folder}/{chart.stem}.png", chart.png)
            files = f"{chart.stem}.png"
            if chart.svg is not None:
                pack.writestr(f"{folder}/{chart.stem}.svg", chart.svg.encode("utf-8"))
                files += f", {chart.stem}.svg"
            else:
                files += " (no SVG: the notebook ran without SVG figures)"
            lines.append(f"{chart.number:2d}. {chart.title or '—'}: {files}")
        pack.writestr(f"{folder}/{CONTENTS}", "\n".join(lines) + "\n")
    partial.replace(target)
    return target


def safe_name(text: str, default: str) -> str:
    """`text` as a file name on every system: no path or reserved characters, at most 60 long."""
    name = _UNSAFE.sub("_", text).strip("._")[:60].strip("._")
    return name or default

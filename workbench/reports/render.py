"""Executed notebook → the HTML pages people open: for management without code, for reviewers
with the code cells; both with no script, charts and font embedded, the same footer."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter

from workbench.core.labels import t
from workbench.reports.fonts import embed_cjk_font
from workbench.reports.provenance import footer_html
from workbench.reports.safe_html import CSP_META, check_inert

# nbconvert's lab page without its scripts (require.js, MathJax, Mermaid, widgets: all loaded
# from CDNs, none needed by a static report), with the Content-Security-Policy first and the
# provenance footer (already escaped) at the end of <main>. The print rules keep charts and table
# rows whole on a PDF page (`workbench.reports.pdf`).
_PRINT_CSS = """<style>@page { size: A4; margin: 14mm 12mm; }
@media print { img { max-width: 100% !important; height: auto; }
  img, tr, .jp-OutputArea-child { break-inside: avoid; } }</style>"""
_REPORT_TEMPLATE = f"""{{%- extends 'lab/index.html.j2' -%}}
{{%- block html_head -%}}
{CSP_META}
{{{{ super() }}}}
{_PRINT_CSS}
{{%- endblock html_head -%}}
{{%- block html_head_js -%}}{{%- endblock html_head_js -%}}
{{%- block jupyter_widgets -%}}{{%- endblock jupyter_widgets -%}}
{{%- block html_head_js_mathjax -%}}{{%- endblock html_head_js_mathjax -%}}
{{%- block html_head_js_mermaidjs -%}}{{%- endblock html_head_js_mermaidjs -%}}
{{%- block data_javascript -%}}{{%- endblock data_javascript -%}}
{{%- block data_widget_view -%}}{{%- endblock data_widget_view -%}}
{{% block body_footer %}}
{{{{ resources.workbench_footer }}}}
{{{{ super() }}}}
{{% endblock body_footer %}}
"""


CODE_SUFFIX = ".code.html"  # the reviewer page beside <notebook>.html


def code_html_path(html: Path) -> Path:
    """Where the reviewer page of the report page `html` goes: <notebook>.code.html beside it."""
    return html.with_name(html.name.removesuffix(".html") + CODE_SUFFIX)


def render_html(
    executed: Path, target: Path, manifest: Mapping[str, Any] | None = None, *, code: bool = False
) -> Path:
    """HTML for readers: no code (unless `code`, the reviewers' page), no prompts, no stderr noise,
    no script; charts embedded as PNG (a figure's SVG twin is for the chart pack only).

    With a provenance `manifest` the page ends with its footer (`provenance.footer_html`), linking
    `<notebook>.manifest.json` beside it. The page is checked inert (`safe_html.check_inert`)
    before it is written.
    """
    notebook = nbformat.read(executed, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
            for output in cell.outputs:
                data = output.get("data", {})
                if "image/png" in data:
                    data.pop("image/svg+xml", None)  # nbconvert would prefer it: a big inline <svg>
    exporter = HTMLExporter(
        exclude_input=not code, exclude_input_prompt=True, exclude_output_prompt=True,
        extra_loaders=[DictLoader({"workbench_report.html.j2": _REPORT_TEMPLATE})],
        template_file="workbench_report.html.j2",
    )  # fmt: skip
    lang = _lang_of(notebook)
    exporter.language_code = t("html_lang", lang)  # not taken as a constructor argument
    title = report_title(notebook) or executed.stem
    base = target.name.removesuffix(CODE_SUFFIX).removesuffix(".html")
    footer = "" if manifest is None else footer_html(manifest, lang, f"{base}.manifest.json")
    resources = {"metadata": {"name": title}, "workbench_footer": footer}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    page = embed_cjk_font(body)
    check_inert(page, str(target))
    target.write_text(page, encoding="utf-8")
    return target


def _lang_of(notebook: nbformat.NotebookNode) -> str:
    """The report's language (zh or en): the `lang` parameter Papermill ran it with."""
    return notebook.metadata.get("papermill", {}).get("parameters", {}).get("lang", "zh")


def report_title(notebook: nbformat.NotebookNode) -> str | None:
    """The text of the first level-1 heading a cell printed (Markdown escapes undone)."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            if isinstance(text, str) and text.startswith("# "):
                return heading_text(text)
    return None


def heading_text(markdown: str) -> str | None:
    """The plain text of a Markdown heading line (`## 标题`, escapes undone), or None."""
    match = re.match(r"(#{1,6}) +(.+)", markdown.strip())
    if match is None:
        return None
    return html.unescape(re.sub(r"\\(.)", r"\1", match.group(2).strip().splitlines()[0]))

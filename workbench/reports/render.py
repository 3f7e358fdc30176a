"""Executed notebook → the HTML page readers open: no code, no script, charts and font embedded."""

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
# provenance footer (already escaped) at the end of <main>.
_REPORT_TEMPLATE = f"""{{%- extends 'lab/index.html.j2' -%}}
{{%- block html_head -%}}
{CSP_META}
{{{{ super() }}}}
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


def render_html(executed: Path, target: Path, manifest: Mapping[str, Any] | None = None) -> Path:
    """HTML for readers: no code, no prompts, no stderr noise, no script; charts embedded.

    With a provenance `manifest` the page ends with its footer (`provenance.footer_html`), linking
    `<name>.manifest.json` beside it. The page is checked inert (`safe_html.check_inert`) before
    it is written.
    """
    notebook = nbformat.read(executed, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        extra_loaders=[DictLoader({"workbench_report.html.j2": _REPORT_TEMPLATE})],
        template_file="workbench_report.html.j2",
    )  # fmt: skip
    lang = _lang_of(notebook)
    exporter.language_code = t("html_lang", lang)  # not taken as a constructor argument
    title = _title_of(notebook) or executed.stem
    footer = "" if manifest is None else footer_html(manifest, lang, f"{target.stem}.manifest.json")
    resources = {"metadata": {"name": title}, "workbench_footer": footer}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    page = embed_cjk_font(body)
    check_inert(page, str(target))
    target.write_text(page, encoding="utf-8")
    return target


def _lang_of(notebook: nbformat.NotebookNode) -> str:
    """The report's language (zh or en): the `lang` parameter Papermill ran it with."""
    return notebook.metadata.get("papermill", {}).get("parameters", {}).get("lang", "zh")


def _title_of(notebook: nbformat.NotebookNode) -> str | None:
    """The text of the first level-1 heading a cell printed (Markdown escapes undone)."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            if isinstance(text, str) and text.startswith("# "):
                return html.unescape(re.sub(r"\\(.)", r"\1", text[2:].strip()))
    return None

"""Executed notebook → the HTML page readers open: no code, no script, charts and font embedded."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter

from workbench.core.labels import t
from workbench.reports.fonts import embed_cjk_font
from workbench.reports.safe_html import CSP_META, check_inert

# nbconvert's lab page without its scripts (require.js, MathJax, Mermaid, widgets: all loaded
# from CDNs, none needed by a static report) and with the Content-Security-Policy first.
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
"""


def render_html(executed: Path, target: Path) -> Path:
    """HTML for readers: no code, no prompts, no stderr noise, no script; charts embedded.

    The page is checked inert (`safe_html.check_inert`) before it is written.
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
    exporter.language_code = _html_lang(notebook)  # not taken as a constructor argument
    title = _title_of(notebook) or executed.stem
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    page = embed_cjk_font(body)
    check_inert(page, str(target))
    target.write_text(page, encoding="utf-8")
    return target


def _html_lang(notebook: nbformat.NotebookNode) -> str:
    """The page's language (zh-CN or en) from the `lang` parameter Papermill ran it with."""
    lang = notebook.metadata.get("papermill", {}).get("parameters", {}).get("lang", "zh")
    return t("html_lang", lang)


def _title_of(notebook: nbformat.NotebookNode) -> str | None:
    """The text of the first level-1 heading a cell printed (Markdown escapes undone)."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            if isinstance(text, str) and text.startswith("# "):
                return html.unescape(re.sub(r"\\(.)", r"\1", text[2:].strip()))
    return None

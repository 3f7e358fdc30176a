"""The escaping helpers: data shows as its own text in HTML and Markdown, and nothing else."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hostile_text import PAYLOADS
from hypothesis import example, given
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from workbench.reports.safe_html import (
    UnsafeReportError,
    check_inert,
    escape_html,
    escape_markdown,
    markdown_bullets,
    markdown_heading,
    markdown_link,
    styled_table,
)

ROOT = Path(__file__).resolve().parents[2]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _render(markdown: str) -> _Page:
    """Markdown through nbconvert's own renderer (what the HTML reports use), then parsed."""
    page = _Page()
    page.feed(markdown2html_mistune(markdown))
    return page


def test_escape_html_hand_cases():
    assert escape_html('<img src=x onerror="a()">') == "&lt;img src=x onerror=&quot;a()&quot;&gt;"
    assert escape_html("A&B 'x'") == "A&amp;B &#x27;x&#x27;"
    assert escape_html("控制\x07字符\x1b") == "控制\ufffd字符\ufffd"
    assert escape_html(12.5) == "12.5"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_corpus_payload_renders_as_its_own_text_in_markdown(payload):
    page = _render(escape_markdown(payload))
    assert page.tags == ["p"]  # no link, image, emphasis, code, heading or raw HTML
    expected = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "\ufffd", payload)
    assert "".join(page.text).strip() == expected.strip()


@given(
    st.text(
        st.characters(
            exclude_categories=("Cs",),
            exclude_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
        ),
        max_size=60,
    )
)
@example("[x](javascript:alert(1))")
@example("![](http://example.invalid/a.png)")
@example("<http://example.invalid>")
@example("1. 2) # * - + > `")
@example("a\\*b\\")
@example("\t0")  # once an indented code block
@example("\x1f")  # once stripped as whitespace before it was shown as U+FFFD
def test_escaped_markdown_always_renders_to_exactly_its_text(text):
    page = _render(escape_markdown(text))
    assert set(page.tags) <= {"p"}
    expected = re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]", "\ufffd", text).replace("\t", " ")
    shown = "".join(page.text).replace("\t", " ")
    assert " ".join(shown.split()) == " ".join(expected.split())


def test_markdown_heading_and_bullets_keep_their_structure_and_escape_the_rest():
    assert markdown_heading("2024年Q4<b>华东</b>") == "# 2024年Q4&lt;b&gt;华东&lt;/b&gt;"
    bullets = markdown_bullets(["销售额 *100* 万元", "[链接](javascript:x)\n# 标题"])
    page = _render(bullets)
    assert page.tags == ["ul", "li", "li"]
    assert [t for t in page.text if t.strip()] == [
        "销售额 *100* 万元",
        "[链接](javascript:x) # 标题",
    ]


def test_styled_table_escapes_cells_headers_index_and_formatted_columns():
    frame = pd.DataFrame(
        {"<i>名称</i>": ["<script>x()</script>", None], "金额": [1234.5, None],
         "备注": ["=1+1", "<b>b</b>"]},
        index=pd.Index(["<u>r1</u>", "r2"]),
    )  # fmt: skip
    page = styled_table(frame, {"金额": "{:,.0f}", "备注": "{}"}).to_html()
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page and "&lt;i&gt;名称&lt;/i&gt;" in page
    assert "&lt;b&gt;b&lt;/b&gt;" in page and "1,234" in page and "–" in page
    assert "&lt;u&gt;" not in page and "<u>" not in page  # the index is hidden altogether


def test_check_inert_refuses_scripts_handlers_and_remote_loads():
    fine = ('<html><head><style>@font-face{src:url(data:font/otf;base64,AA)}</style></head><body>'
            '<img src="data:image/png;base64,AA"><a href="华东/profiling.html">报告</a>'
            '<a href="#summary">¶</a><a href="rfm_clv.xlsx">xlsx</a></body></html>')  # fmt: skip
    check_inert(fine)
    for bad in (
        "<script>alert(1)</script>",
        '<img src="x" onerror="a()">',
        '<img src="http://example.invalid/p.png">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JAVASCRIPT:alert(1)">x</a>',
        '<a href="//example.invalid/x">x</a>',
        '<iframe src="data:text/html,x"></iframe>',
        '<link rel="stylesheet" href="http://example.invalid/x.css">',
        "<style>@import 'http://example.invalid/x.css';</style>",
        "<style>body{background:url(https://example.invalid/x.png)}</style>",
        '<div style="background:url(http://example.invalid/x)">x</div>',
        '<meta http-equiv="refresh" content="0;url=http://example.invalid">',
        "<svg><a href='data:text/html,x'>x</a></svg>",
    ):
        with pytest.raises(UnsafeReportError):
            check_inert(bad, "page.html")


def test_no_table_is_styled_outside_the_escaping_helper():
    """pandas' Styler does not escape: every styled table goes through `styled_table`."""
    styled = re.compile(r"(?<!formats)\.style\b")
    modules = [p for p in (ROOT / "workbench").rglob("*.py") if p.name != "safe_html.py"]
    offenders = [str(p) for p in modules if styled.search(p.read_text(encoding="utf-8"))]
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        if styled.search(code) or re.search(r"Markdown\(f?[\"']", code):
            offenders.append(str(notebook))
    assert offenders == []


def test_markdown_link_points_at_a_relative_file_only():
    assert markdown_link("rfm_clv.xlsx", "rfm_clv.xlsx") == "[rfm\\_clv\\.xlsx](rfm_clv.xlsx)"
    assert markdown_link("表 (1).xlsx", "表 (1).xlsx").endswith("(%E8%A1%A8%20%281%29.xlsx)")
    page = _render(markdown_link("客户价值.xlsx", "客户价值.xlsx"))
    assert page.tags == ["p", "a"] and "".join(page.text).strip() == "客户价值.xlsx"
    for target in ("javascript:alert(1)", "http://example.invalid/x", "//example.invalid/x"):
        with pytest.raises(ValueError):
            markdown_link("x", target)

"""Text from the extracts is untrusted: the one place that makes it inert in HTML and Markdown.

CRM text comes from web forms, sales reps and customers themselves (官网注册, 在线客服). Every
value that reaches a report goes through this module: tables through `styled_table` (pandas'
Styler does not escape by default), Markdown built from data through `escape_markdown`, raw
HTML through `escape_html`. `check_inert` is the last line: a rendered page holding a script,
an event handler or a remote load is refused rather than published.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from urllib.parse import quote

import pandas as pd
from pandas.io.formats.style import Styler

# What a report may do: show its own images and fonts (data: URIs) and its inline styles. No
# script runs, nothing loads from anywhere else, no form posts, no <base> rewrites links.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'

# C0/C1 control characters (tab and newline aside) are invalid in HTML and XML: shown as U+FFFD.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Every character Markdown (CommonMark, GFM, nbconvert's math) gives a meaning to; escaped with a
# backslash. ':' too, so a bare URL is not turned into a link.
_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#+-.!|~$:^=")


def replace_controls(text: str) -> str:
    """The text with control characters (other than tab and newline) shown as U+FFFD."""
    return _CONTROL.sub("\ufffd", text)


def escape_html(value: object) -> str:
    """``value`` as HTML text: <, >, &, quotes as entities, control characters replaced."""
    return html.escape(replace_controls(str(value)), quote=True)


def escape_markdown(value: object) -> str:
    """``value`` as Markdown that renders to exactly its text: no link, image, emphasis, raw HTML
    or math; line breaks become spaces and the ends are trimmed (a value never starts a new block
    or an indented code block)."""
    text = replace_controls(str(value).replace("\t", " "))
    text = " ".join(text.splitlines()).strip()
    out = []
    for ch in text:
        if ch in "&<>\"'":
            out.append(html.escape(ch, quote=True))
        elif ch in _MARKDOWN_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def markdown_heading(text: str, level: int = 1) -> str:
    """A Markdown heading showing ``text`` literally (a report title)."""
    return "#" * level + " " + escape_markdown(text)


def markdown_bullets(points: Iterable[str]) -> str:
    """A Markdown list of sentences, each shown literally."""
    return "\n".join(f"- {escape_markdown(p)}" for p in points)


def markdown_link(text: str, target: str) -> str:
    """A Markdown link to a file beside the report: the text escaped, the target a relative path
    (percent-encoded), never a URL with a scheme."""
    if re.match(r"^([a-z][a-z0-9+.-]*:|//|\\\\)", target, re.I):
        raise ValueError(f"not a relative path: {target!r}")
    return f"[{escape_markdown(text)}]({quote(target)})"


def styled_table(
    frame: pd.DataFrame, formats: Mapping[str, str] | None = None, na_rep: str = "–"
) -> Styler:
    """The frame as a notebook table with every cell and header escaped, index hidden.

    The only way the workbench builds a pandas Styler (a test checks): cells, column headers and
    the index are HTML-escaped after formatting.
    """
    shown = frame.copy()
    shown.columns = [_text(c) for c in shown.columns]
    text_columns = [c for c in shown.columns if not pd.api.types.is_numeric_dtype(shown[c])]
    for column in text_columns:
        shown[column] = shown[column].map(lambda v: v if _missing(v) else _text(v))
    styler = shown.style.format(na_rep=na_rep, escape="html")  # every column …
    if formats:  # … then the number formats of some (a dict alone leaves the rest unescaped)
        styler = styler.format(dict(formats), na_rep=na_rep, escape="html")
    styler = styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    return styler.hide(axis="index")


def _text(value: object) -> object:
    return replace_controls(value) if isinstance(value, str) else value


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


class UnsafeReportError(ValueError):
    """A rendered page would run a script, an event handler or load something from elsewhere."""


def check_inert(page: str, name: str = "report") -> None:
    """Raise UnsafeReportError if the page has a script, a handler, a frame or a remote load.

    Allowed: images and fonts as data: URIs, links to relative paths and #anchors.
    """
    finder = _ActiveContent()
    finder.feed(page)
    finder.close()
    if finder.found:
        shown = "; ".join(finder.found[:3])
        raise UnsafeReportError(f"{name}: refusing to write a page with active content: {shown}")


_URL_ATTRIBUTES = frozenset({"src", "href", "action", "formaction", "poster", "srcset",
                             "data", "xlink:href", "background"})  # fmt: skip
_ACTIVE_TAGS = frozenset({"script", "iframe", "frame", "object", "embed", "applet", "base",
                          "form", "link", "meta-refresh"})  # fmt: skip
_REMOTE_CSS = re.compile(r"@import|url\(\s*['\"]?(?!data:)[a-z][a-z0-9+.-]*:", re.I)
_SAFE_URL = re.compile(r"^(data:(image|font)/|#|(?![a-z][a-z0-9+.-]*:)[^/\\]|\./|\.\./)", re.I)


class _ActiveContent(HTMLParser):
    """Collects every element or attribute that could run code or reach outside the file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        if tag in _ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for attr, value in attrs:
            value = (value or "").strip()
            if attr.startswith("on"):
                self.found.append(f"<{tag} {attr}=…>")
            elif attr in _URL_ATTRIBUTES and value and not _SAFE_URL.match(value):
                self.found.append(f"<{tag} {attr}={value[:40]!r}>")
            elif attr == "http-equiv" and value.lower() == "refresh":
                self.found.append("<meta http-equiv=refresh>")
            elif attr == "style" and re.search(r"url\s*\(|expression\s*\(", value, re.I):
                self.found.append(f"<{tag} style=url(…)>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and _REMOTE_CSS.search(data):
            self.found.append(f"<style> {_REMOTE_CSS.search(data)[0][:40]!r}")

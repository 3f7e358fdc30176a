"""reports/<quarter>/index.html: every report of a run with its status, time and files."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from workbench.core.labels import t
from workbench.core.periods import quarter_label
from workbench.reports.config import RunConfig
from workbench.reports.fonts import embed_cjk_font
from workbench.reports.jobs import JobResult
from workbench.reports.registry import report
from workbench.reports.safe_html import CSP_META, check_inert, escape_html


def write_index(config: RunConfig, results: list[JobResult]) -> Path:
    """reports/<quarter>/index.html linking every report with status and run time; plus a JSON."""
    out = (config.out_dir / config.quarter).resolve()
    out.mkdir(parents=True, exist_ok=True)
    (out / "runs.json").write_text(
        json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2), encoding="utf-8"
    )
    target = out / "index.html"
    page = embed_cjk_font(_index_html(config, results, out))
    check_inert(page, str(target))
    target.write_text(page, encoding="utf-8")
    return target


def _index_html(config: RunConfig, results: list[JobResult], out: Path) -> str:
    lang = config.lang
    title = t("index_title", lang, period=quarter_label(config.quarter, lang))
    head = [t(k, lang) for k in ("index_region", "index_report", "index_status", "index_time")]
    rows = []
    for r in results:
        ok = r.status == "ok"
        link = _relative_link(r.html, out, report(r.notebook).title(lang))
        for path in r.files:
            link += " · " + _relative_link(path, out, Path(path).suffix.lstrip(".").upper())
        detail = (
            ""
            if ok
            else escape_html(r.error or "") + " " + _relative_link(r.executed, out, "ipynb")
        )
        rows.append(
            f'<tr class="{r.status}"><td>{escape_html(r.region)}</td><td>{link}</td>'
            f"<td>{escape_html(t('status_' + ('ok' if ok else 'failed'), lang))}</td>"
            f"<td>{r.seconds:.1f} s</td><td class=detail>{detail}</td></tr>"
        )
    failed = sum(r.status != "ok" for r in results)
    summary = t("index_summary", lang, reports=len(results), failed=failed)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    return _INDEX_TEMPLATE.format(
        lang=t("html_lang", lang),
        csp=CSP_META,
        title=escape_html(title),
        summary=escape_html(summary),
        stamp=stamp,
        head="".join(f"<th>{escape_html(h)}</th>" for h in [*head, ""]),
        rows="\n".join(rows),
    )


def _relative_link(path: str | None, base: Path, text: str) -> str:
    if not path:
        return escape_html(text)
    href = Path(path).resolve().relative_to(base).as_posix()
    return f'<a href="{escape_html(href)}">{escape_html(text)}</a>'


_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">{csp}<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; min-width: 40em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .4em .8em; text-align: left; }}
tr.failed td {{ background: #fde8e8; }} td.detail {{ color: #a00; font-size: .9em; }}
</style></head>
<body><h1>{title}</h1><p>{summary} · {stamp}</p>
<table><thead><tr>{head}</tr></thead><tbody>
{rows}
</tbody></table></body></html>
"""

"""reports/<period>/index.html: 全国 and the regions × the reports, with status, time, files and
each row's key figures (customers, revenue, churn rate, KPI statuses), escaped and inert."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import pandas as pd

from workbench.core.labels import t
from workbench.core.periods import period_label
from workbench.extracts.schema import ALL_REGIONS
from workbench.reports.config import RunConfig
from workbench.reports.fonts import embed_cjk_font
from workbench.reports.jobs import STATUSES, JobResult
from workbench.reports.registry import report
from workbench.reports.safe_html import CSP_META, check_inert, escape_html


def write_index(config: RunConfig, results: list[JobResult], figures: pd.DataFrame | None = None
                ) -> Path:  # fmt: skip
    """reports/<period>/index.html: a grid of 全国 and the regions × the reports, each cell
    linking its report with status and run time, each row with its key figures (`figures`,
    `figures.region_figures`; – without them); plus runs.json."""
    out = (config.out_dir / config.period).resolve()
    out.mkdir(parents=True, exist_ok=True)
    (out / "runs.json").write_text(
        json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2), encoding="utf-8"
    )
    target = out / "index.html"
    page = embed_cjk_font(_index_html(config, results, out, figures))
    check_inert(page, str(target))
    target.write_text(page, encoding="utf-8")
    return target


def _index_html(config: RunConfig, results: list[JobResult], out: Path,
                figures: pd.DataFrame | None) -> str:  # fmt: skip
    lang = config.lang
    title = t("index_title", lang, period=period_label(config.period, lang))
    rows = list(dict.fromkeys([ALL_REGIONS, *config.regions, *(r.region for r in results)]))
    columns = list(dict.fromkeys([*config.notebooks, *(r.notebook for r in results)]))
    cells = {(r.region, r.notebook): r for r in results}
    rows = [row for row in rows if any((row, c) in cells for c in columns) or row == ALL_REGIONS]
    shown = figures.set_index("region") if figures is not None else None
    head = [t("index_region", lang), t("customers", lang), t("revenue", lang),
            t("kp_col_churn_rate", lang), t("index_kpis", lang),
            *(report(c).title(lang) for c in columns)]  # fmt: skip
    body = []
    for row in rows:
        facts = _figure_cells(shown, row, lang)
        grid = "".join(_cell(cells.get((row, c)), out, lang) for c in columns)
        body.append(f"<tr><th scope=row>{escape_html(row)}</th>{facts}{grid}</tr>")
    count = {s: sum(r.status == s for r in results) for s in STATUSES}
    summary = t("index_summary", lang, reports=len(results), failed=count["failed"],
                ran=count["ok"] + count["failed"], unchanged=count["unchanged"],
                no_data=count["no_data"])  # fmt: skip
    notes = "".join(
        f"<li>{escape_html(r.region)}: {escape_html(r.error)}</li>"
        for r in {r.region: r for r in results if r.status == "no_data"}.values()
    )
    return _INDEX_TEMPLATE.format(
        lang=t("html_lang", lang),
        csp=CSP_META,
        title=escape_html(title),
        summary=escape_html(summary),
        stamp=datetime.now().strftime("%Y-%m-%d %H:%M"),
        notes=f"<ul class=notes>{notes}</ul>" if notes else "",
        head="".join(f"<th>{escape_html(h)}</th>" for h in head),
        rows="\n".join(body),
    )


def _figure_cells(figures: pd.DataFrame | None, region: str, lang: str) -> str:
    """Customers, revenue, churn rate and KPI statuses of a row; – where unknown."""
    if figures is None or region not in figures.index:
        return "<td class=num>–</td>" * 4
    row = figures.loc[region]
    revenue = "–" if pd.isna(row["revenue"]) else f"{row['revenue']:,.0f}"
    churn = "–" if pd.isna(row["churn_rate"]) else f"{row['churn_rate']:.1%}"
    kpis = "–"
    if not pd.isna(row["kpis_met"]):
        kpis = " · ".join(f"{t('kp_status_' + s, lang)} {int(row['kpis_' + s])}"
                          for s in ("met", "missed", "no_data"))  # fmt: skip
    return (f"<td class=num>{int(row['customers']):,}</td><td class=num>{escape_html(revenue)}</td>"
            f"<td class=num>{escape_html(churn)}</td><td>{escape_html(kpis)}</td>")  # fmt: skip


# What the index calls the files beside a report (the reviewer page is HTML too: say "code").
_FILE_LABELS = {".code.html": "index_file_code", ".charts.zip": "index_file_charts",
                ".xlsx": "index_file_excel"}  # fmt: skip


def file_label(path: str, lang: str) -> str:
    """The link text of a file beside a report: 代码 (the reviewer page), 图表包, Excel, PDF …"""
    name = Path(path).name
    for suffix, key in _FILE_LABELS.items():
        if name.endswith(suffix):
            return t(key, lang)
    return Path(path).suffix.lstrip(".").upper()


def _cell(result: JobResult | None, out: Path, lang: str) -> str:
    """One report of one row: its link and files, its status and run time, why it failed."""
    if result is None:
        return '<td class="none">–</td>'
    link = _relative_link(result.html, out, report(result.notebook).title(lang))
    for path in result.files:
        link += " · " + _relative_link(path, out, file_label(path, lang))
    status = escape_html(t(f"status_{result.status}", lang))
    time = f" · {result.seconds:.1f} s" if result.status in ("ok", "failed", "unchanged") else ""
    detail = ""
    if result.status == "failed":
        detail = (f"<div class=detail>{escape_html(result.error or '')} "
                  f"{_relative_link(result.executed, out, 'ipynb')}</div>")  # fmt: skip
    return f'<td class="{result.status}">{link}<div class=status>{status}{time}</div>{detail}</td>'


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
th, td {{ border-bottom: 1px solid #ddd; padding: .4em .8em; text-align: left; vertical-align: top; }}
td.num {{ text-align: right; white-space: nowrap; }} td.none {{ color: #bbb; }}
td.failed {{ background: #fde8e8; }} td.unchanged {{ background: #f4f6f8; }}
td.no_data {{ color: #888; }} div.status {{ color: #555; font-size: .85em; }}
div.detail {{ color: #a00; font-size: .85em; max-width: 24em; }}
</style></head>
<body><h1>{title}</h1><p>{summary} · {stamp}</p>{notes}
<table><thead><tr>{head}</tr></thead><tbody>
{rows}
</tbody></table></body></html>
"""

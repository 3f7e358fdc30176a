"""The report runner: execute notebooks with Papermill per region, render HTML, write an index.

Each (region, notebook) job runs in its own process, several at once; a failing job keeps its
executed notebook, shows as failed in the index and does not stop the others.
"""

from __future__ import annotations

import contextlib
import html
import json
import multiprocessing
import re
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter

from workbench.core.periods import quarter_label
from workbench.extracts.schema import ALL_REGIONS
from workbench.reports.config import RunConfig
from workbench.reports.fonts import embed_cjk_font
from workbench.reports.safe_html import CSP_META, check_inert, escape_html

NOTEBOOK_TITLES = {
    "profiling": ("客户画像", "Customer profile"),
    "data_quality": ("数据质量", "Data quality"),
    "rfm_clv": ("客户价值", "Customer value"),
}
# Notebooks about the whole company's data run once, as 全国, not once per region.
COMPANY_WIDE = frozenset({"data_quality"})


@dataclass(frozen=True)
class Job:
    """One notebook for one region and quarter, with where its outputs go."""

    notebook: str
    region: str
    quarter: str
    lang: str
    data_dir: str
    source: str
    out_dir: str
    timeout: int

    @property
    def executed_path(self) -> Path:
        return Path(self.out_dir) / self.region / f"{self.notebook}.ipynb"

    @property
    def html_path(self) -> Path:
        return Path(self.out_dir) / self.region / f"{self.notebook}.html"


@dataclass(frozen=True)
class JobResult:
    """How a job went: status ok/failed, seconds taken, the error's last line if it failed."""

    notebook: str
    region: str
    status: str
    seconds: float
    html: str | None
    executed: str
    error: str | None = None
    files: tuple[str, ...] = ()  # what the notebook wrote beside its HTML (Excel tables …)


def plan_jobs(config: RunConfig) -> list[Job]:
    """Every (region, notebook) pair of a run configuration, outputs under out_dir/quarter.

    Company-wide notebooks come first (run once, as 全国), then each region's notebooks.
    """
    out = (config.out_dir / config.quarter).resolve()
    pairs = [(ALL_REGIONS, n) for n in config.notebooks if n in COMPANY_WIDE]
    pairs += [(r, n) for r in config.regions for n in config.notebooks if n not in COMPANY_WIDE]
    return [
        Job(
            notebook=name,
            region=region,
            quarter=config.quarter,
            lang=config.lang,
            data_dir=str(config.data_dir.resolve()),
            source=str((config.notebook_dir / f"{name}.ipynb").resolve()),
            out_dir=str(out),
            timeout=config.timeout,
        )
        for region, name in pairs
    ]


def run_job(job: Job) -> JobResult:
    """Execute one notebook with Papermill and render it to HTML without code cells."""
    import papermill

    job.executed_path.parent.mkdir(parents=True, exist_ok=True)
    started, wall_start = time.perf_counter(), time.time()
    error = None
    try:
        papermill.execute_notebook(
            job.source,
            str(job.executed_path),
            parameters=job_parameters(job),
            cwd=str(Path(job.source).parent),
            kernel_name="python3",
            progress_bar=False,
            execution_timeout=job.timeout,
        )  # fmt: skip
    except Exception as exc:  # a failed report must not stop the others
        error = _last_line(exc)
    seconds = time.perf_counter() - started
    html_file = None
    if job.executed_path.exists():
        try:
            render_html(job.executed_path, job.html_path)
            html_file = str(job.html_path)
        except Exception as exc:
            error = error or f"rendering failed: {_last_line(exc)}"
    status = "ok" if error is None and html_file else "failed"
    return JobResult(
        job.notebook, job.region, status, seconds, html_file, str(job.executed_path), error,
        files=_written_files(job, wall_start),
    )  # fmt: skip


def job_parameters(job: Job) -> dict[str, str]:
    """Region, quarter, data_dir and lang, plus out_dir (the report's folder) for notebooks whose
    parameters cell declares it (papermill would only warn about an unknown parameter)."""
    import papermill

    parameters = {"region": job.region, "quarter": job.quarter, "data_dir": job.data_dir,
                  "lang": job.lang}  # fmt: skip
    if "out_dir" in papermill.inspect_notebook(job.source):
        parameters["out_dir"] = str(job.executed_path.parent)
    return parameters


def _written_files(job: Job, since: float) -> tuple[str, ...]:
    """Files named after the notebook (rfm_clv.xlsx …) written by this run, HTML and ipynb aside."""
    folder = job.executed_path.parent
    return tuple(
        str(path)
        for path in sorted(folder.glob(f"{job.notebook}.*"))
        if path.suffix not in (".html", ".ipynb") and path.stat().st_mtime >= since - 1
    )


def _last_line(exc: BaseException) -> str:
    text = str(exc).strip() or traceback.format_exception_only(exc)[-1].strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:500] if lines else type(exc).__name__


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
    title = _title_of(notebook) or executed.stem
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    page = embed_cjk_font(body)
    check_inert(page, str(target))
    target.write_text(page, encoding="utf-8")
    return target


def _title_of(notebook: nbformat.NotebookNode) -> str | None:
    """The text of the first level-1 heading a cell printed (Markdown escapes undone)."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            if isinstance(text, str) and text.startswith("# "):
                return html.unescape(re.sub(r"\\(.)", r"\1", text[2:].strip()))
    return None


def warm_cache(config: RunConfig) -> None:
    """Load and clean the extracts once, so the parallel notebooks all read the same cache.

    A failure here is not fatal: each notebook then fails with the same clear message.
    """
    from workbench.cleaning.cache import load_clean
    from workbench.core.errors import WorkbenchError

    with contextlib.suppress(WorkbenchError):
        load_clean(config.data_dir)


def run_quarterly(config: RunConfig) -> list[JobResult]:
    """Run every job of the configuration in parallel, write the index, return the results."""
    jobs = plan_jobs(config)
    warm_cache(config)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(config.workers, len(jobs)), mp_context=context
    ) as pool:
        results = list(pool.map(run_job, jobs))
    write_index(config, results)
    return results


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
    zh = config.lang == "zh"
    period = quarter_label(config.quarter, config.lang)
    title = f"{period}客户分析报告" if zh else f"Customer analysis reports, {period}"
    head = (
        ("区域", "报告", "状态", "用时", "") if zh else ("Region", "Report", "Status", "Time", "")
    )
    rows = []
    for r in results:
        name = NOTEBOOK_TITLES.get(r.notebook, (r.notebook, r.notebook))[0 if zh else 1]
        ok = r.status == "ok"
        status = ("成功" if zh else "ok") if ok else ("失败" if zh else "failed")
        link = _relative_link(r.html, out, name)
        for path in r.files:
            link += " · " + _relative_link(path, out, Path(path).suffix.lstrip(".").upper())
        detail = (
            ""
            if ok
            else escape_html(r.error or "") + " " + _relative_link(r.executed, out, "ipynb")
        )
        rows.append(
            f'<tr class="{r.status}"><td>{escape_html(r.region)}</td><td>{link}</td>'
            f"<td>{status}</td><td>{r.seconds:.1f} s</td><td class=detail>{detail}</td></tr>"
        )
    failed = sum(r.status != "ok" for r in results)
    summary = (
        f"共 {len(results)} 份报告，失败 {failed} 份" if zh
        else f"{len(results)} reports, {failed} failed"
    )  # fmt: skip
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    return _INDEX_TEMPLATE.format(
        lang="zh-CN" if zh else "en",
        csp=CSP_META,
        title=escape_html(title),
        summary=escape_html(summary),
        stamp=stamp,
        head="".join(f"<th>{h}</th>" for h in head),
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

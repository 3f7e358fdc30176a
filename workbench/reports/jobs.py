"""One report for one region: a job, executed with Papermill in its own process, and its result.

A failing job keeps its executed notebook and reports the error's last line; it never raises.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from workbench.extracts.schema import ALL_REGIONS
from workbench.reports.config import RunConfig
from workbench.reports.registry import report
from workbench.reports.render import render_html


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
    declared: tuple[str, ...] = ()  # the report's parameters beyond region, quarter, data, lang

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
    company = [n for n in config.notebooks if report(n).scope == "company"]
    pairs = [(ALL_REGIONS, n) for n in company]
    pairs += [(r, n) for r in config.regions for n in config.notebooks if n not in company]
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
            declared=tuple(p.name for p in report(name).parameters),
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
    """Region, quarter, data_dir and lang, plus out_dir (the report's folder) for reports whose
    declaration has it; the report's other parameters keep the notebook's defaults."""
    parameters = {"region": job.region, "quarter": job.quarter, "data_dir": job.data_dir,
                  "lang": job.lang}  # fmt: skip
    if "out_dir" in job.declared:
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

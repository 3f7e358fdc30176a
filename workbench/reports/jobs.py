"""One report for one region: a job, executed with Papermill in its own process, and its result.

A failing job keeps its executed notebook and reports the error's last line; it never raises. A
kernel that fails to start (a port clash or a slow start under parallel load) is retried once;
an error raised by a cell never is. Every job writes its provenance manifest beside its HTML.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from workbench.extracts.schema import ALL_REGIONS
from workbench.reports import provenance
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

    @property
    def manifest_path(self) -> Path:
        """Beside the HTML, wherever a subclass puts that: the page's footer links it there."""
        return self.html_path.with_name(f"{self.notebook}.manifest.json")


@dataclass(frozen=True)
class JobResult:
    """How a job went: status ok/failed, seconds taken, the error's last line if it failed,
    its provenance manifest, and the kernel-start error it retried after, if it did."""

    notebook: str
    region: str
    status: str
    seconds: float
    html: str | None
    executed: str
    error: str | None = None
    files: tuple[str, ...] = ()  # what the notebook wrote beside its HTML (Excel tables …)
    manifest: str | None = None  # <notebook>.manifest.json beside the HTML (provenance)
    retried: str | None = None  # the kernel-start error the job was retried after, if any


# What Papermill raises when a kernel fails to start (jupyter_client's wait_for_ready, a ZMQ port
# clash); seen under parallel load and worth one more try. A cell's own error never matches.
KERNEL_START_ERRORS = ("Address already in use", "Kernel didn't respond",
                       "Kernel died before replying to kernel_info")  # fmt: skip
KERNEL_START_RETRIES = 1
KERNEL_RETRY_DELAY = 2.0  # seconds before the retry, so a clashing neighbour has started


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
    """Execute one notebook with Papermill and render it to HTML without code cells; write its
    provenance manifest beside the HTML (also when it failed)."""
    import papermill

    job.executed_path.parent.mkdir(parents=True, exist_ok=True)
    started, wall_start, started_at = time.perf_counter(), time.time(), provenance.utc_now()
    parameters = job_parameters(job)
    manifest = _provenance(job, parameters, started_at)
    error = retried = None
    for attempt in range(1 + KERNEL_START_RETRIES):
        try:
            papermill.execute_notebook(
                job.source,
                str(job.executed_path),
                parameters=parameters,
                cwd=str(Path(job.source).parent),
                kernel_name="python3",
                progress_bar=False,
                execution_timeout=job.timeout,
            )  # fmt: skip
            error = None
            break
        except Exception as exc:  # a failed report must not stop the others
            error = _job_error(exc)
            if attempt < KERNEL_START_RETRIES and is_kernel_start_error(exc):
                retried = error
                time.sleep(KERNEL_RETRY_DELAY)
                continue
            break
    seconds = time.perf_counter() - started
    html_file = None
    if job.executed_path.exists():
        try:
            render_html(job.executed_path, job.html_path, manifest)
            html_file = str(job.html_path)
        except Exception as exc:
            error = error or f"rendering failed: {_last_line(exc)}"
    status = "ok" if error is None and html_file else "failed"
    files = _written_files(job, wall_start)
    manifest_file = _write_manifest(job, manifest, status=status, error=error, retried=retried,
                                    html=html_file, files=files)  # fmt: skip
    return JobResult(
        job.notebook, job.region, status, seconds, html_file, str(job.executed_path), error,
        files=files, manifest=manifest_file, retried=retried,
    )  # fmt: skip


def is_kernel_start_error(exc: BaseException) -> bool:
    """Whether Papermill failed because the kernel did not start (retried once), as opposed to a
    cell's error, a timeout or a kernel that died while running a cell (never retried)."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError | DeadKernelError | CellTimeoutError):
        return False
    seen: BaseException | None = exc
    while seen is not None:
        if any(sign in str(seen) for sign in KERNEL_START_ERRORS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


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
        if path.suffix not in (".html", ".ipynb")
        and path != job.manifest_path
        and path.stat().st_mtime >= since - 1
    )


def _provenance(job: Job, parameters: dict[str, str], started_at: str) -> dict:
    """The manifest's first part, taken before the run (a failure here is recorded, not raised)."""
    head = {"report": job.notebook, "region": job.region, "quarter": job.quarter,
            "notebook": job.source, "started": started_at}  # fmt: skip
    try:
        return head | provenance.collect(job.data_dir, parameters)
    except Exception as exc:
        return head | {"parameters": parameters, "provenance_error": _last_line(exc)}


def _write_manifest(job: Job, manifest: dict, **outcome: object) -> str | None:
    """Add the end time and the outcome to the manifest and write it beside the HTML."""
    folder = job.manifest_path.parent
    outcome["html"] = Path(outcome["html"]).name if outcome["html"] else None
    outcome["files"] = [Path(f).relative_to(folder).as_posix() for f in outcome["files"]]
    outcome["executed"] = job.executed_path.name if job.executed_path.exists() else None
    try:
        provenance.write_manifest(job.manifest_path, manifest | {"finished": provenance.utc_now()}
                                  | outcome)  # fmt: skip
    except OSError:
        return None
    return str(job.manifest_path)


def _job_error(exc: BaseException) -> str:
    """The error's last line; a kernel that died mid-run says so in words."""
    from nbclient.exceptions import DeadKernelError

    if isinstance(exc, DeadKernelError):
        return f"the kernel died while running the notebook (killed, or out of memory): {exc}"
    return _last_line(exc)


def _last_line(exc: BaseException) -> str:
    text = str(exc).strip() or traceback.format_exception_only(exc)[-1].strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:500] if lines else type(exc).__name__

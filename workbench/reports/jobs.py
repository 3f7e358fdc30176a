"""One report for one region: a job, executed with Papermill in its own process, and its result.

A failing job keeps its executed notebook and reports the error's last line; it never raises. A
kernel that fails to start (a port clash or a slow start under parallel load) is retried once;
an error raised by a cell never is. Every job writes its provenance manifest beside its HTML,
with the key of its inputs (notebook, parameters, data, code, params files): a job whose key
matches its last successful run's is not run again (`unchanged_result`).
"""

from __future__ import annotations

import json
import os
import time
import traceback
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workbench.extracts.schema import ALL_REGIONS
from workbench.reports import provenance
from workbench.reports.config import RunConfig
from workbench.reports.exports import write_exports
from workbench.reports.registry import report
from workbench.reports.render import render_html


@dataclass(frozen=True)
class Job:
    """One notebook for one region and period, with where its outputs go."""

    notebook: str
    region: str
    period: str  # canonical text: 2024-11, 2024Q4 or 2024
    lang: str
    data_dir: str
    source: str
    out_dir: str
    timeout: int
    declared: tuple[str, ...] = ()  # the report's parameters beyond region, period, data, lang
    exports: tuple[str, ...] = ()  # written beside the HTML: code, pdf, charts (exports.py)
    chart_title: str | None = None  # the chart pack's custom title

    parameters: Mapping[str, Any] = field(default_factory=dict)  # more values (a reviewer's)
    folder: str = ""  # where the outputs go; default out_dir/<region>
    cwd: str = ""  # the kernel's working folder; default the notebook's (its ../params paths)
    banner: str = ""  # Markdown shown above the report (a reviewer re-run says so)
    inputs_key: str = ""  # set by the runner (`job_inputs_key`); kept in the manifest

    @property
    def output_dir(self) -> Path:
        return Path(self.folder) if self.folder else Path(self.out_dir) / self.region

    @property
    def working_dir(self) -> Path:
        return Path(self.cwd) if self.cwd else Path(self.source).parent

    @property
    def executed_path(self) -> Path:
        return self.output_dir / f"{self.notebook}.ipynb"

    @property
    def html_path(self) -> Path:
        return self.output_dir / f"{self.notebook}.html"

    @property
    def manifest_path(self) -> Path:
        """Beside the HTML, wherever a subclass puts that: the page's footer links it there."""
        return self.html_path.with_name(f"{self.notebook}.manifest.json")


@dataclass(frozen=True)
class JobResult:
    """How a job went: status ok, failed, unchanged (its last successful run's outputs are
    current, so it was not run) or no_data (its region has no customers: not rendered); seconds
    taken (an unchanged job's: its last run's); the error's last line if it failed (why, if
    no_data); its provenance manifest; the kernel-start error it retried after, if it did."""

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


STATUSES = ("ok", "failed", "unchanged", "no_data")


def plan_jobs(config: RunConfig) -> list[Job]:
    """Every (region, notebook) pair of a run configuration, outputs under out_dir/<period>.

    Company-wide notebooks come first (run once, as 全国), then each region's notebooks.
    """
    out = (config.out_dir / config.period).resolve()
    company = [n for n in config.notebooks if report(n).scope == "company"]
    pairs = [(ALL_REGIONS, n) for n in company]
    pairs += [(r, n) for r in config.regions for n in config.notebooks if n not in company]
    return [
        Job(
            notebook=name,
            region=region,
            period=config.period,
            lang=config.lang,
            data_dir=str(config.data_dir.resolve()),
            source=str((config.notebook_dir / f"{name}.ipynb").resolve()),
            out_dir=str(out),
            timeout=config.timeout,
            declared=tuple(p.name for p in report(name).parameters),
            exports=config.exports,
            chart_title=config.chart_title,
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
    # A run started from a notebook in JupyterLab must not pass the server's session on to its
    # kernels, or they would show widgets (workbench.reports.interactive) in the reports.
    from workbench.reports.interactive import SESSION_VARIABLE  # imports ipywidgets: only here

    os.environ.pop(SESSION_VARIABLE, None)
    for attempt in range(1 + KERNEL_START_RETRIES):
        try:
            papermill.execute_notebook(
                job.source,
                str(job.executed_path),
                parameters=parameters,
                cwd=str(job.working_dir),
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
            if job.banner:
                add_banner(job.executed_path, job.banner)
            render_html(job.executed_path, job.html_path, manifest)
            html_file = str(job.html_path)
        except Exception as exc:
            error = error or f"rendering failed: {_last_line(exc)}"
    extras: list[str] = []
    if error is None and html_file and job.exports:
        try:
            extras = [str(p) for p in write_exports(job.executed_path, job.html_path, job.exports,
                                                    manifest, job.chart_title)]  # fmt: skip
        except Exception as exc:  # the page stays; the run says which export failed
            error = f"export failed: {_last_line(exc)}"
    status = "ok" if error is None and html_file else "failed"
    files = tuple(f for f in _written_files(job, wall_start) if f not in extras) + tuple(extras)
    manifest_file = _write_manifest(job, manifest, status=status, error=error, retried=retried,
                                    html=html_file, files=files, seconds=round(seconds, 1))  # fmt: skip
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


def job_parameters(job: Job) -> dict[str, Any]:
    """Region, period, data_dir and lang, plus out_dir (the report's folder) for reports whose
    declaration has it, plus the job's own values (a reviewer's); the report's other parameters
    keep the notebook's defaults. Exactly what Papermill is given, and the manifest lists."""
    parameters: dict[str, Any] = {"region": job.region, "period": job.period,
                                  "data_dir": job.data_dir, "lang": job.lang}  # fmt: skip
    if "out_dir" in job.declared:
        parameters["out_dir"] = str(job.output_dir)
    return parameters | dict(job.parameters)


PARAMS_SUFFIXES = (".yml", ".yaml")


def params_files(job: Job) -> dict[str, Path]:
    """Parameter name → the params file (params/churn.yml …) the job's notebook reads, given or
    by default, resolved from the kernel's working folder."""
    values = report(job.notebook).defaults() | job_parameters(job)
    return {
        p.name: (job.working_dir / values[p.name]).resolve()
        for p in report(job.notebook).parameters
        if p.type is str and str(values[p.name]).endswith(PARAMS_SUFFIXES)
    }


def job_inputs_key(job: Job, data_digest: str | None, code_digest: str) -> str:
    """The key of everything a job's outputs depend on: the notebook's bytes, the job (its
    parameters, outputs, exports), the input data, the package's code and the params files."""
    described = {k: v for k, v in asdict(job).items() if k not in ("inputs_key", "timeout")}
    files = {name: provenance.digest_or_none(path) for name, path in params_files(job).items()}
    return provenance.inputs_key({
        "notebook": provenance.digest_or_none(Path(job.source)), "job": described,
        "parameters": job_parameters(job), "data": data_digest, "code": code_digest,
        "params_files": files, "packages": provenance.package_versions(),
    })  # fmt: skip


def unchanged_result(job: Job) -> JobResult | None:
    """The job's last run as an `unchanged` result, when it succeeded with the same inputs key
    and its page and files are still there; None when the job must run."""
    try:
        manifest = json.loads(job.manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not job.inputs_key or manifest.get("inputs_key") != job.inputs_key:
        return None
    folder = job.manifest_path.parent
    files = tuple(str(folder / f) for f in manifest.get("files") or [])
    if manifest.get("status") != "ok" or manifest.get("html") != job.html_path.name:
        return None
    if not job.html_path.is_file() or not all(Path(f).is_file() for f in files):
        return None
    return JobResult(
        job.notebook, job.region, "unchanged", float(manifest.get("seconds") or 0.0),
        str(job.html_path), str(job.executed_path), files=files, manifest=str(job.manifest_path),
    )  # fmt: skip


BANNER_TAG = "reviewer-banner"


def add_banner(executed: Path, banner: str) -> None:
    """Put a Markdown cell (a re-run's banner) after the parameters cells of an executed
    notebook, so it shows first on the page (code cells are not shown there)."""
    import nbformat

    notebook = nbformat.read(executed, as_version=4)
    tags = ("parameters", "injected-parameters")
    at = max((i + 1 for i, c in enumerate(notebook.cells)
              if any(t in c.metadata.get("tags", []) for t in tags)), default=0)  # fmt: skip
    cell = nbformat.v4.new_markdown_cell(banner, metadata={"tags": [BANNER_TAG]})
    notebook.cells.insert(at, cell)
    nbformat.write(notebook, executed)


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
    head = {"report": job.notebook, "region": job.region, "period": job.period,
            "notebook": job.source, "started": started_at,
            "inputs_key": job.inputs_key or None}  # fmt: skip
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

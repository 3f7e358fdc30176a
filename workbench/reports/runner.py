"""The report runner: every job of a run configuration in parallel, then the index.

Before any kernel starts, everything that can be checked is (`check_plan`): each job's
parameters against the registry and its notebook, every params file the reports use, the period
against the data. Jobs of a region without customers are not run (said in the summary and the
index), and a job whose inputs did not change since its last successful run is not run again
unless forced. The others run in their own processes, several at once (with one worker: one
after the other in this process), with a progress bar; a failing job keeps its executed notebook, shows as failed in the index and does not stop the
others.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

from workbench.core.config import params_file
from workbench.reports import checks, provenance
from workbench.reports.config import RunConfig
from workbench.reports.index import write_index
from workbench.reports.jobs import (
    Job,
    JobResult,
    job_inputs_key,
    params_files,
    plan_jobs,
    run_job,
    unchanged_result,
)


def check_plan(config: RunConfig, jobs: Sequence[Job]) -> object:
    """Every check that needs no kernel, in the order a user fixes them; returns the cleaned data
    (loaded once, through the cache the notebooks then reuse). Raises ParameterError naming the
    file and the key, or the range the data covers; extracts that do not load stop the run too,
    since every report would fail the same way."""
    from workbench.cleaning.cache import load_clean

    for job in jobs:
        checks.check_job(job)
    checks.check_params_files(jobs)
    data = load_clean(config.data_dir)
    checks.check_period(data.orders, config.period)
    return data


def run_quarterly(config: RunConfig, force: bool = False, progress: bool = True) -> list[JobResult]:
    """Check the plan, run every job that needs it in parallel (all with `force`), write the
    index; the results in plan order (company-wide reports first)."""
    jobs = plan_jobs(config)
    data = check_plan(config, jobs)
    empty = set(checks.regions_without_customers(data.customers, {j.region for j in jobs}))
    digest = provenance.data_digest(provenance.input_digests(config.data_dir))
    code = provenance.code_digest()
    jobs = [replace(j, inputs_key=job_inputs_key(j, digest, code)) for j in jobs]
    results: dict[int, JobResult] = {}
    for i, job in enumerate(jobs):
        if job.region in empty:
            results[i] = JobResult(job.notebook, job.region, "no_data", 0.0, None, "",
                                   checks.no_customers_message(data.customers, job.region))  # fmt: skip
        elif not force and (kept := unchanged_result(job)) is not None:
            results[i] = kept
    todo = [i for i in range(len(jobs)) if i not in results]
    with _progress(len(jobs), progress) as bar:
        for result in results.values():
            _tick(bar, result)
        if todo and config.workers == 1:  # one at a time: in this process (kernels still apart)
            for i in todo:
                results[i] = run_job(jobs[i])
                _tick(bar, results[i])
        elif todo:
            context = multiprocessing.get_context("spawn")
            workers = min(config.workers, len(todo))
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {pool.submit(run_job, jobs[i]): i for i in todo}
                for future in as_completed(futures):
                    results[futures[future]] = result = _outcome(future, jobs[futures[future]])
                    _tick(bar, result)
    ordered = [results[i] for i in range(len(jobs))]
    write_index(config, ordered, _figures(config, jobs, data))
    return ordered


def summary_lines(results: Sequence[JobResult], seconds: float) -> list[str]:
    """The end of a run in a few lines: how many ran, were unchanged, had no customers, failed
    (each failure with its error's last line), and the total time."""
    count = {
        s: sum(r.status == s for r in results) for s in ("ok", "failed", "unchanged", "no_data")
    }
    lines = [
        f"{len(results)} reports: {count['ok'] + count['failed']} ran ({count['failed']} failed), "
        f"{count['unchanged']} unchanged, {count['no_data']} not rendered (no customers), "
        f"{seconds:.0f} s"
    ]
    lines += [f"  failed: {r.region} {r.notebook}: {r.error}" for r in results
              if r.status == "failed"]  # fmt: skip
    said = {r.region: r.error for r in results if r.status == "no_data"}
    lines += [f"  not rendered: {said[region]}" for region in sorted(said)]
    return lines


def _outcome(future: object, job: Job) -> JobResult:
    """The job's result; a worker that died (the pool broke) fails only the jobs it took."""
    try:
        return future.result()
    except Exception as exc:
        return JobResult(job.notebook, job.region, "failed", 0.0, None, str(job.executed_path),
                         f"the worker process stopped: {type(exc).__name__}: {exc}")  # fmt: skip


def _figures(config: RunConfig, jobs: Sequence[Job], data: object) -> object:
    """The index's key figures; None (the index then shows –, and stderr says why) when they
    cannot be computed: the reports are rendered by then, and the index must still be written."""
    from workbench.reports.figures import cached_figures

    files = {name: path for job in jobs for name, path in params_files(job).items()}
    try:
        return cached_figures(
            (config.out_dir / config.period).resolve(), Path(config.data_dir), config.period,
            config.regions, files.get("kpi_params", params_file("kpis.yml")),
            files.get("value_params", params_file("value.yml")), data,
        )  # fmt: skip
    except Exception as exc:  # reported, not fatal (see above)
        print(f"index key figures not computed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None


def _progress(total: int, enabled: bool) -> object:
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit="report", disable=not enabled,
                desc="reports", dynamic_ncols=True)  # fmt: skip


def _tick(bar: object, result: JobResult) -> None:
    counts = getattr(bar, "counts", {"ok": 0, "failed": 0, "skipped": 0})
    key = result.status if result.status in ("ok", "failed") else "skipped"
    counts[key] += 1
    bar.counts = counts
    bar.set_postfix(counts, refresh=False)
    bar.update(1)

"""The report runner: every job of a run configuration in parallel, then the index.

Each (region, report) job runs in its own process, several at once; a failing job keeps its
executed notebook, shows as failed in the index and does not stop the others.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from workbench.reports.config import RunConfig
from workbench.reports.index import write_index
from workbench.reports.jobs import JobResult, plan_jobs, run_job


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

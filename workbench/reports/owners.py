"""The owners run: each sales owner's reports of a region, with only their customers.

`python -m workbench owners --period 2024Q4 --region 华东` (`make owners`) renders the reports
declaring an ``owner`` parameter (`OWNER_REPORTS`) once per owner with customers in the region,
into reports/<period>/<region>/owners/<owner>/, through the quarterly run's jobs.
"""

from __future__ import annotations

import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from workbench.core.audiences import owners_of
from workbench.core.errors import ParameterError
from workbench.reports.audiences import OWNER_REPORTS
from workbench.reports.config import RunConfig
from workbench.reports.jobs import Job, JobResult, plan_jobs, run_job
from workbench.reports.registry import check_region


def owner_folder(owner: str) -> str:
    """A folder name for ``owner``: the name with path separators and control characters
    replaced, never empty or a dot name."""
    name = re.sub(r'[\x00-\x1f/\\:*?"<>|]', "_", owner).strip().strip(".")
    return name or "_"


def plan_owner_jobs(config: RunConfig, region: str, owners: list[str]) -> list[Job]:
    """One job per owner and owner-scoped report of ``config``, each writing into
    <out_dir>/<period>/<region>/owners/<owner>/ with ``owner`` set."""
    check_region(region)
    owners = list(dict.fromkeys(owners))  # each once
    names = tuple(n for n in config.notebooks if n in OWNER_REPORTS) or OWNER_REPORTS
    base = plan_jobs(replace(config, regions=(region,), notebooks=names))
    folders = {owner_folder(o) for o in owners}
    if len(folders) != len(owners):
        raise ParameterError("two owners' names map to one folder; rename one of them")
    return [
        replace(job, parameters={**job.parameters, "owner": owner},
                folder=str(Path(job.out_dir) / region / "owners" / owner_folder(owner)))
        for owner in owners for job in base if job.region == region
    ]  # fmt: skip


def run_owners(config: RunConfig, region: str, owners: list[str] | None = None) -> list[JobResult]:
    """Render the owner-scoped reports for ``owners`` (default: every owner with customers in
    ``region``), in parallel; an unknown owner is a ParameterError naming the known ones."""
    from workbench.cleaning.cache import load_clean

    known = owners_of(load_clean(config.data_dir).customers, region)
    unknown = sorted(set(owners or ()) - set(known))
    if unknown:
        raise ParameterError(f"no customers of {unknown} in {region}; owners: {', '.join(known)}")
    jobs = plan_owner_jobs(config, region, list(owners) if owners else known)
    if not jobs:
        return []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(config.workers, len(jobs)), mp_context=context
    ) as pool:
        return list(pool.map(run_job, jobs))

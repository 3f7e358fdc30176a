"""Checks made before any kernel starts, shared by the quarterly run and the reviewer's re-run.

Papermill only warns about a parameter the notebook does not declare, a malformed params/*.yml
only fails deep inside a notebook, and a period or region the data does not have renders zeros.
Each of these is refused here, naming the file and the key, or the range the data covers.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.core.audiences import check_owner
from workbench.core.errors import ParameterError
from workbench.core.labels import t
from workbench.core.periods import parse_period, period_bounds, period_kind, period_text
from workbench.extracts.schema import ALL_REGIONS
from workbench.reports.jobs import Job, job_parameters, params_files
from workbench.reports.registry import check_parameters


def params_loaders() -> dict[str, Callable[[Path], Any]]:
    """Parameter name → the loader that reads and validates that kind of params file."""
    from workbench import models

    return {
        "value_params": models.load_value_params,
        "churn_params": models.load_churn_params,
        "trend_params": models.load_trend_params,
        "funnel_params": models.load_funnel_params,
        "requirement_params": models.load_requirement_params,
        "kpi_params": models.load_kpi_params,
        "segment_params": models.load_segments,
    }


def declared_in_notebook(source: str | Path) -> tuple[str, ...]:
    """The names the notebook's `parameters` cell assigns (what Papermill can override)."""
    return _declared(str(Path(source).resolve()), Path(source).stat().st_mtime_ns)


@cache
def _declared(source: str, _stamp: int) -> tuple[str, ...]:
    cells = json.loads(Path(source).read_text(encoding="utf-8")).get("cells", [])
    cell = next((c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        raise ParameterError(f"{source}: no cell tagged 'parameters'")
    body = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    names = []
    for node in ast.parse(body).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return tuple(names)


def check_job(job: Job) -> None:
    """A job's parameters against the report's declaration (names, types, values) and against
    the notebook's parameters cell (a name it does not assign would be silently ignored)."""
    values = job_parameters(job)
    try:
        check_parameters(job.notebook, **values)
    except ParameterError as exc:
        raise ParameterError(f"{job.source}: {exc}") from None
    missing = [name for name in values if name not in declared_in_notebook(job.source)]
    if missing:
        raise ParameterError(
            f"{job.source}: its parameters cell does not assign {', '.join(missing)}, "
            "so Papermill would ignore the value given"
        )


def check_params_files(jobs: Iterable[Job]) -> int:
    """Load every params file the jobs use with its report's loader (a malformed churn.yml stops
    the run here, naming the file and the key); returns how many distinct files were read."""
    loaders, seen = params_loaders(), set()
    for job in jobs:
        for name, path in params_files(job).items():
            if (name, path) in seen or name not in loaders:
                continue
            seen.add((name, path))
            try:
                loaders[name](path)
            except ParameterError as exc:
                message = str(exc) if str(path) in str(exc) else f"{path}: {exc}"
                raise ParameterError(f"{job.notebook}, parameter {name}: {message}") from None
    return len(seen)


@dataclass(frozen=True)
class DataRange:
    """The first and last order dates of the data."""

    first: pd.Timestamp
    last: pd.Timestamp

    def covers(self, period: str | pd.Period) -> bool:
        """Whether any day of the period lies between the first and the last order."""
        start, end = period_bounds(period)
        return start <= self.last and end > self.first

    def describe(self, period: str | pd.Period) -> str:
        """The range in the period's kind and in days: 2023Q1–2024Q4 (2023-01-02 to 2024-12-30)."""
        freq = parse_period(period).freqstr[0]
        first, last = (period_text(d.to_period(freq)) for d in (self.first, self.last))
        return f"{first}–{last} ({self.first:%Y-%m-%d} to {self.last:%Y-%m-%d})"


def data_range(orders: pd.DataFrame) -> DataRange | None:
    """The first and last dated order; None when no order has a date."""
    dates = pd.to_datetime(orders.get("order_date", pd.Series(dtype="datetime64[ns]"))).dropna()
    if dates.empty:
        return None
    return DataRange(dates.min(), dates.max())


def check_period(orders: pd.DataFrame, period: str) -> None:
    """Refuse a period the orders do not reach, naming the range they cover."""
    covered = data_range(orders)
    if covered is not None and not covered.covers(period):
        raise ParameterError(
            f"{period_kind(period)} {period_text(parse_period(period))} is outside the data: "
            f"the orders cover {covered.describe(period)}"
        )


def customers_by_region(customers: pd.DataFrame) -> pd.Series:
    """How many customers each region has (regions without any left out)."""
    regions = customers["region"] if "region" in customers else pd.Series(dtype="object")
    return regions.dropna().astype(str).value_counts()


def regions_without_customers(customers: pd.DataFrame, regions: Iterable[str]) -> list[str]:
    """The given regions (全国 meaning every customer) that have no customer in the data."""
    counts = customers_by_region(customers)
    return [r for r in regions if (len(customers) if r == ALL_REGIONS else counts.get(r, 0)) == 0]


def no_customers_message(customers: pd.DataFrame, region: str) -> str:
    """Why a region's report is not rendered: it has no customers; the regions that have some."""
    counts = customers_by_region(customers)
    if counts.empty:  # no region and no province to place anyone: say that, not "none here"
        return f"region {region} has no customers: {t('gap_no_region', 'en')}"
    others = ", ".join(f"{r} {n}" for r, n in counts.items())
    return (
        f"region {region} has no customers in the data, so there is nothing to report "
        f"(customers by region: {others})"
    )


def check_against_data(
    customers: pd.DataFrame, orders: pd.DataFrame, region: str, period: str, owner: str = ""
) -> None:
    """Refuse a period outside the orders' range (naming the range), a region without
    customers (naming the regions that have some) and an owner without customers in the region
    (naming the region's owners), before a kernel renders zeros."""
    check_period(orders, period)
    if regions_without_customers(customers, [region]):
        raise ParameterError(no_customers_message(customers, region))
    if owner:
        check_owner(customers, owner, region)


def check_data_dir(data_dir: Path, region: str, period: str, owner: str = "") -> None:
    """`check_against_data` on the cleaned extracts of `data_dir` (read through the cache the
    notebook then reuses, so the check sees exactly the rows the report will)."""
    from workbench.cleaning.cache import load_clean

    data = load_clean(data_dir)
    check_against_data(data.customers, data.orders, region, period, owner)

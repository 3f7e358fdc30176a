"""The speed-and-scale table's rows and what each of its cells runs (bench_table.py measures them).

A row is one contender of one stage (`ROWS`); `PREPARE` maps its key to a function that, given the
extracts folder and the cleaned cache the parent resolved, does the untimed work (imports, inputs)
and returns the call bench_table.py times in a fresh process. A contender that cannot run here
raises `NotAvailable`. The checks are computed here too: every summary's sums and sums of squares
of its four columns, every fit's parameters, the churn features' checksum.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

STAGES = ("load", "summary", "fits", "churn", "reports")
ENGINES = ("pandas", "duckdb", "spark")
QUARTER = "2024Q4"
REGION = "华东"
SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value")


@dataclass(frozen=True)
class Row:
    """One contender of one stage: a row of the table.

    ``engine`` is the workbench engine it uses (filtered by --engines), or "peer" for the
    contenders that always run; rows of one ``group`` are compared with its ``baseline`` row
    (the workbench's default path): the time ratio, and the check within ``tolerance``."""

    key: str
    stage: str
    label: str
    engine: str
    group: str
    baseline: bool = False
    tolerance: float = 1e-9


ROWS = (
    Row("load", "load", "workbench `load_extracts` + `clean`", "pandas", "load", True),
    Row("load_scan", "load", "DuckDB raw CSV scan (floor: no parsing)", "duckdb", "load"),
    Row("load_cached", "load", "workbench cached read (`load_clean`, warm cache)", "pandas", "load"),
    Row("summary", "summary", "workbench pandas (`summarize`)", "pandas", "summary", True),
    Row("summary_duckdb", "summary", "workbench DuckDB (`summarize_on_engine`)", "duckdb",
        "summary"),
    Row("summary_spark", "summary", "workbench Spark-local (`summarize_on_spark`, session start "
        "included)", "spark", "summary"),
    Row("summary_lifetimes", "summary", "lifetimes `summary_data_from_transaction_data`", "peer",
        "summary"),
    Row("summary_polars", "summary", "polars lazy (`scan_parquet`)", "peer", "summary"),
    Row("bgnbd", "fits", "BG/NBD workbench", "pandas", "bgnbd", True, 1e-4),
    Row("bgnbd_lifetimes", "fits", "BG/NBD lifetimes", "peer", "bgnbd", tolerance=1e-4),
    Row("gg", "fits", "Gamma-Gamma workbench", "pandas", "gg", True, 1e-4),
    Row("gg_lifetimes", "fits", "Gamma-Gamma lifetimes", "peer", "gg", tolerance=1e-4),
    Row("pareto", "fits", "Pareto/NBD workbench (frequency ≤ 120)", "pandas", "pareto", True,
        1e-4),
    Row("pareto_lifetimes", "fits", "Pareto/NBD lifetimes (frequency ≤ 120)", "peer", "pareto",
        tolerance=1e-4),
    Row("features", "churn", "churn features, one snapshot (pandas)", "pandas", "features", True),
    Row("features_duckdb", "churn", "churn features, one snapshot (DuckDB)", "duckdb", "features"),
    Row("fit_churn", "churn", "churn training (`fit_churn`)", "pandas", "fit_churn", True),
    Row("reports", "reports", f"one region's reports ({REGION}, {QUARTER}, serial)", "pandas",
        "reports", True),
)  # fmt: skip
BY_KEY = {row.key: row for row in ROWS}


class NotAvailable(Exception):
    """The contender cannot run here (a missing package or function): not a failure."""


# --- what each cell runs, in its own process ----------------------------------------------


def cache_dir(folder: Path) -> Path:
    """The cleaned cache of the demo extracts in `folder`, with the default settings."""
    from workbench.cleaning.cache import CACHE_DIR, cache_key
    from workbench.cleaning.settings import CleaningSettings

    return folder / CACHE_DIR / cache_key(folder, CleaningSettings())


def orders_parquet(cache: Path) -> str:
    """The cleaned orders table of the cache (what bench_summary.py reads)."""
    return str(cache / "table-orders.parquet")


def read_cache(cache: Path) -> object:
    """The cleaned tables from the cache the parent resolved: what `load_clean` reads when its
    cache is current, but immune to a code edit changing the cache key during the run."""
    from workbench.cleaning.cache import read_result

    return read_result(cache)


def checksum(frame: object, columns: tuple[str, ...] | None = None) -> dict[str, float]:
    """Row count, and the sum and sum of squares of each numeric column: equal frames agree."""
    import numpy as np

    numeric = frame[list(columns)] if columns else frame.select_dtypes("number")
    out = {"rows": float(len(frame))}
    for name in numeric.columns:
        values = numeric[name].to_numpy(dtype=float)
        out[f"sum {name}"] = float(np.nansum(values))
        out[f"sum² {name}"] = float(np.nansum(values * values))
    return out


Call = Callable[[], tuple]  # the timed call: (rows, check[, untimed callback run after])


def prepare_load(folder: Path, cache: Path) -> Call:
    """Load and clean the raw extracts as `load_clean` does when its cache is cold; afterwards,
    untimed, write that cache if missing (the next stages read it)."""
    from workbench.cleaning.cache import clean_afresh, write_result
    from workbench.cleaning.settings import CleaningSettings

    def run() -> tuple:
        result = clean_afresh(folder, CleaningSettings())
        rows = sum(len(frame) for frame in result.tables.values())

        def after() -> None:
            if not (cache / "meta.json").exists():
                write_result(result.redacted(), cache)

        return rows, "–", after

    return run


def prepare_load_scan(folder: Path, cache: Path) -> Call:
    from bench_load import duckdb_scan

    return lambda: (duckdb_scan(folder), "–")


def prepare_load_cached(folder: Path, cache: Path) -> Call:
    """`load_clean`'s work on a current cache: the key (file digests from the stat memo), then
    the tables from Parquet (from the cache the parent resolved, see `read_cache`)."""
    from workbench.cleaning.cache import cache_key
    from workbench.cleaning.settings import CleaningSettings

    def run() -> tuple:
        cache_key(folder, CleaningSettings())
        return sum(len(frame) for frame in read_cache(cache).tables.values()), "–"

    return run


# what each of bench_summary.py's runners imports, imported before the timed call
SUMMARY_IMPORTS = {
    "pandas": ("pyarrow.parquet", "workbench.clv.summary"),
    "engine": ("duckdb", "workbench.clv.summary_engine"),
    "lifetimes": ("pyarrow.parquet", "lifetimes.utils"),
    "polars": ("polars",),
}


def _summary(name: str) -> Callable[[Path, Path], Call]:
    """bench_summary.py's runner `name`: from the cleaned orders Parquet to the summary."""

    def prepare(folder: Path, cache: Path) -> Call:
        import importlib
        import warnings

        from bench_summary import RUNNERS

        with warnings.catch_warnings():  # lifetimes changes the warning filters on import
            for module in SUMMARY_IMPORTS[name]:
                importlib.import_module(module)
        path = orders_parquet(cache)

        def run() -> tuple:
            summary = RUNNERS[name](path, 2)
            return len(summary), checksum(summary, SUMMARY_COLUMNS)

        return run

    return prepare


def prepare_summary_spark(folder: Path, cache: Path) -> Call:
    import importlib.util

    if importlib.util.find_spec("pyspark") is None:
        raise NotAvailable("pyspark not installed")
    if shutil.which("java") is None:
        raise NotAvailable("no java on PATH")
    from workbench import models

    spark = getattr(models, "summarize_on_spark", None)
    if spark is None:
        raise NotAvailable("no workbench.models.summarize_on_spark")
    path = orders_parquet(cache)

    def run() -> tuple:
        summary = spark(path)
        return len(summary), checksum(summary, SUMMARY_COLUMNS)

    return run


def _fit_case(index: int, theirs: bool) -> Callable[[Path, Path], Call]:
    """bench_clv's fit case `index` (0 BG/NBD, 1 Gamma-Gamma, 2 Pareto/NBD), ours or lifetimes',
    on the summary of the cleaned orders with amount > 0 (returns left out, as `fit_clv` does;
    computed untimed); the check is the fitted parameters."""

    def prepare(folder: Path, cache: Path) -> Call:
        from bench_clv import fit_cases, quiet
        from bench_summary import read_frame

        from workbench.clv.summary import summarize

        orders = read_frame(orders_parquet(cache))
        summary = summarize(orders[orders["amount"] > 0])
        del orders
        _, data, model, _, theirs_fn = fit_cases(summary, 120)[index]
        if theirs:
            return lambda: (len(data), {k: float(v) for k, v in quiet(theirs_fn).params_.items()})
        model().fit(summary.iloc[:2000])  # warm-up: the first fit of a process pays lazy imports
        return lambda: (len(data), dict(model().fit(data).params_))

    return prepare


def _features(engine: str) -> Callable[[Path, Path], Call]:
    """`build_features` of one snapshot (bench_churn.py's) on `engine` ("pandas": also the
    code before build_features took an engine); the cleaned tables are read untimed."""

    def prepare(folder: Path, cache: Path) -> Call:
        import inspect

        from bench_churn import snapshot_inputs

        from workbench.churn.features import build_features
        from workbench.core.periods import quarter_bounds

        extra = {}
        if "engine" in inspect.signature(build_features).parameters:
            extra = {"engine": engine}
        elif engine != "pandas":
            raise NotAvailable("build_features takes no engine")
        data = read_cache(cache)
        ids, cutoff, spec = snapshot_inputs(data, quarter_bounds(QUARTER)[1])

        def run() -> tuple:
            features = build_features(data, ids, cutoff, spec, **extra)
            return len(features), checksum(features.sort_index())

        return run

    return prepare


def prepare_fit_churn(folder: Path, cache: Path) -> Call:
    """`fit_churn` at the quarter's end with the default parameters (tables read untimed)."""
    from workbench.churn.training import fit_churn
    from workbench.core.periods import quarter_bounds

    data = read_cache(cache)

    def run() -> tuple:
        fit = fit_churn(data, quarter_bounds(QUARTER)[1])
        if fit.model is None:
            raise RuntimeError(f"fit_churn gave no model: {fit.unavailable}")
        rows = sum(v for k, v in fit.counts.items() if k.endswith(("_churners", "_stayers")))
        return rows, f"grade {fit.grade}"

    return run


def prepare_reports(folder: Path, cache: Path) -> Call:
    """The region-scope reports of params/quarterly.yml for one region, one after the other
    with `run_job` (the caches were warmed untimed by the parent)."""
    from bench_reports import PARAMS

    from workbench.reports.config import load_run_config
    from workbench.reports.jobs import plan_jobs, run_job
    from workbench.reports.registry import report

    out = Path(tempfile.mkdtemp(prefix="bench-table-reports-"))
    config = load_run_config(PARAMS).with_overrides(
        period=QUARTER, data_dir=folder, out_dir=out, regions=REGION
    )
    jobs = [job for job in plan_jobs(config) if report(job.notebook).scope == "region"]

    def run() -> tuple:
        results = [run_job(job) for job in jobs]
        shutil.rmtree(out, ignore_errors=True)
        failed = [f"{r.notebook}: {r.error}" for r in results if r.status not in ("ok", "no_data")]
        if failed:
            raise RuntimeError(f"{len(failed)} of {len(jobs)} failed, e.g. {failed[0]}")
        return len(jobs), f"{len(jobs)} reports ok"

    return run


# each cell: prepared untimed (imports, inputs), then the call it returns is timed
PREPARE: dict[str, Callable[[Path, Path], Call]] = {
    "load": prepare_load,
    "load_scan": prepare_load_scan,
    "load_cached": prepare_load_cached,
    "summary": _summary("pandas"),
    "summary_duckdb": _summary("engine"),
    "summary_spark": prepare_summary_spark,
    "summary_lifetimes": _summary("lifetimes"),
    "summary_polars": _summary("polars"),
    "bgnbd": _fit_case(0, False),
    "bgnbd_lifetimes": _fit_case(0, True),
    "gg": _fit_case(1, False),
    "gg_lifetimes": _fit_case(1, True),
    "pareto": _fit_case(2, False),
    "pareto_lifetimes": _fit_case(2, True),
    "features": _features("pandas"),
    "features_duckdb": _features("duckdb"),
    "fit_churn": prepare_fit_churn,
    "reports": prepare_reports,
}


def prepare_cache(folder: Path, cache: Path) -> None:
    """Write the cleaned cache of `folder` into `cache` (where the parent looks for it)."""
    from workbench.cleaning.cache import clean_afresh, write_result
    from workbench.cleaning.settings import CleaningSettings

    result = clean_afresh(folder, CleaningSettings())
    write_result(result.redacted(), cache)

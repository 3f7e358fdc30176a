"""A reviewer's re-run of one report with other parameters, into its own folder.

`python -m workbench run churn -p region 华南 -p quarter 2024Q3 -p top_n 50`: the values come
as text and are converted to the types the registry declares; every value is checked, also
against the data (a quarter the orders do not cover, a region without customers), before any
kernel starts. The report lands in `<out>/review/<quarter>/<region>/<notebook>__<k>-<v>__…/`,
named after the parameters that differ from the defaults, never over the quarterly reports, and
a banner above it says it is a re-run and with which parameters.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from workbench.core.errors import ParameterError
from workbench.core.labels import t
from workbench.core.periods import parse_quarter, quarter_label
from workbench.extracts.schema import ALL_REGIONS
from workbench.reports.jobs import Job, JobResult, run_job
from workbench.reports.registry import Report, check_parameters, report
from workbench.reports.safe_html import escape_markdown

REVIEW_DIR = "review"
# Set by the run itself: data_dir by --data-dir, out_dir is the review folder.
RESERVED = {"data_dir": "give the data with --data-dir", "out_dir": "it is the review folder"}
# In the folder name: region and quarter are already folders above it.
NOT_IN_FOLDER_NAME = ("region", "quarter", "data_dir", "out_dir")
BANNER_TAG = "reviewer-banner"
VALUES_TAG = "reviewer-parameters"
_UNSAFE = re.compile(r"[^\w.+-]+")  # \w keeps CJK letters; no /, \, spaces, quotes …
_MAX_PART = 40


def convert_parameters(name: str, raw: list[tuple[str, str]]) -> dict[str, Any]:
    """`[("top_n", "50"), …]` from the command line → typed values, checked against the report's
    declaration; an unknown, repeated, reserved or malformed one is a ParameterError naming it."""
    declared = {p.name: p for p in report(name).all_parameters}
    known = sorted(k for k in declared if k not in RESERVED)
    values: dict[str, Any] = {}
    for key, text in raw:
        if key in RESERVED:
            raise ParameterError(f"{name}: parameter {key} cannot be set here ({RESERVED[key]})")
        if key not in declared:
            raise ParameterError(f"{name}: unknown parameter {key!r}; known: {', '.join(known)}")
        if key in values:
            raise ParameterError(f"{name}: parameter {key} given twice")
        values[key] = _convert(name, key, text, declared[key].type)
    check_parameters(name, **values)
    return values


def _convert(name: str, key: str, text: str, wanted: type) -> Any:
    if wanted is str:
        return text
    if wanted is bool:
        if text.lower() in ("true", "yes", "1"):
            return True
        if text.lower() in ("false", "no", "0"):
            return False
    else:
        try:
            return wanted(text)
        except ValueError:
            pass
    raise ParameterError(f"{name}: parameter {key} must be {wanted.__name__}, got {text!r}")


def changed_parameters(name: str, values: dict[str, Any]) -> dict[str, Any]:
    """The given values that differ from the report's defaults, in declaration order."""
    defaults = report(name).defaults()
    return {
        p.name: values[p.name]
        for p in report(name).all_parameters
        if p.name in values and values[p.name] != defaults[p.name]
    }


def safe_part(value: object) -> str:
    """A value as a piece of a folder name: a path by its file name; anything but letters
    (CJK too), digits, `.`, `+`, `-` and `_` becomes `_`; at most 40 characters."""
    text = str(value)
    if "/" in text or "\\" in text:
        text = re.split(r"[/\\]", text.rstrip("/\\"))[-1] or "root"
    text = _UNSAFE.sub("_", text).strip("._") or "_"
    return text[:_MAX_PART]


def review_folder(out_root: Path, name: str, values: dict[str, Any]) -> Path:
    """`<out_root>/review/<quarter>/<region>/<notebook>__<k>-<v>__…`: only the parameters that
    differ from the defaults name it (region and quarter are the folders above it)."""
    spec = report(name)
    merged = spec.defaults() | values
    changed = changed_parameters(name, values)
    parts = [name] + [
        f"{key}-{safe_part(value)}"
        for key, value in changed.items()
        if key not in NOT_IN_FOLDER_NAME
    ]
    quarter = str(parse_quarter(merged["quarter"]))
    return out_root / REVIEW_DIR / quarter / safe_part(merged["region"]) / "__".join(parts)


def banner_markdown(name: str, values: dict[str, Any], lang: str) -> str:
    """The banner above a re-run report: that it is a re-run, its region and quarter, and the
    parameters that differ from the defaults; every value escaped."""
    merged = report(name).defaults() | values
    changed = {
        k: v for k, v in changed_parameters(name, values).items() if k not in ("region", "quarter")
    }
    listed = t("list_sep", lang).join(f"{k} = {v}" for k, v in changed.items())
    sentence = t(
        "rerun_banner",
        lang,
        region=merged["region"],
        period=quarter_label(merged["quarter"], lang),
        changed=listed or t("rerun_no_changes", lang),
    )
    return f"> **{escape_markdown(t('rerun_banner_title', lang))}** {escape_markdown(sentence)}"


@dataclass(frozen=True)
class DataRange:
    """The quarters the orders cover (first and last order date's quarter)."""

    first: pd.Period
    last: pd.Period

    def __str__(self) -> str:
        return f"{self.first}–{self.last}"


def data_range(orders: pd.DataFrame) -> DataRange | None:
    """The quarters of the first and last dated order; None when no order has a date."""
    dates = pd.to_datetime(orders.get("order_date", pd.Series(dtype="datetime64[ns]"))).dropna()
    if dates.empty:
        return None
    return DataRange(dates.min().to_period("Q"), dates.max().to_period("Q"))


def check_against_data(
    customers: pd.DataFrame, orders: pd.DataFrame, region: str, quarter: str
) -> None:
    """Refuse a quarter outside the orders' range (naming the range) and a region without
    customers (naming the regions that have some), before a kernel renders zeros."""
    covered = data_range(orders)
    period = parse_quarter(quarter)
    if covered is not None and not covered.first <= period <= covered.last:
        raise ParameterError(
            f"quarter {period} is outside the data: the orders cover {covered} "
            f"({covered.first.start_time:%Y-%m-%d} to {covered.last.end_time:%Y-%m-%d})"
        )
    regions = customers["region"] if "region" in customers else pd.Series(dtype="object")
    has = len(customers) if region == ALL_REGIONS else int((regions == region).sum())
    if has == 0:
        counts = regions.dropna().astype(str).value_counts()
        others = ", ".join(f"{r} {n}" for r, n in counts.items()) or "none"
        raise ParameterError(
            f"region {region} has no customers in the data, so there is nothing to report "
            f"(customers by region: {others})"
        )


def check_data_dir(data_dir: Path, region: str, quarter: str) -> None:
    """`check_against_data` on the cleaned extracts of `data_dir` (read through the cache the
    notebook then reuses, so the check sees exactly the rows the report will)."""
    from workbench.cleaning.cache import load_clean

    data = load_clean(data_dir)
    check_against_data(data.customers, data.orders, region, quarter)


@dataclass(frozen=True)
class ReviewJob(Job):
    """A Job whose outputs go to one folder (`folder/<notebook>.html`), not out_dir/region."""

    folder: str = ""

    @property
    def executed_path(self) -> Path:
        return Path(self.folder) / f"{self.notebook}.ipynb"

    @property
    def html_path(self) -> Path:
        return Path(self.folder) / f"{self.notebook}.html"


def review_notebook(spec: Report, source: Path, values: dict[str, Any], banner: str) -> Any:
    """A copy of the report's notebook with, after its parameters cell, a cell setting the
    reviewer's values (and the notebook-relative default files made absolute) and the banner."""
    notebook = nbformat.read(source, as_version=4)
    lines = []
    for p in spec.parameters:
        if p.name in RESERVED:
            continue
        value = values.get(p.name, p.default)
        if p.type is str and (p.name in values or str(p.default).startswith("../")):
            base = Path.cwd() if p.name in values else source.parent
            value = str((base / value).resolve()) if str(value) else value
        if p.name in values or value != p.default:
            lines.append(f"{p.name} = {value!r}")
    at = next(
        (i + 1 for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])),
        0,
    )
    cells = [nbformat.v4.new_markdown_cell(banner, metadata={"tags": [BANNER_TAG]})]
    if lines:
        code = "# the reviewer's values (python -m workbench run)\n" + "\n".join(lines)
        cells.insert(0, nbformat.v4.new_code_cell(code, metadata={"tags": [VALUES_TAG]}))
    notebook.cells[at:at] = cells
    return notebook


def rerun(
    name: str,
    raw: list[tuple[str, str]],
    data_dir: Path,
    out_root: Path,
    notebook_dir: Path,
    timeout: int = 900,
) -> JobResult:
    """Check everything (parameters, then against the data), then execute and render one report
    into its review folder with `jobs.run_job`."""
    spec = report(name)
    values = convert_parameters(name, raw)
    source = notebook_dir / f"{name}.ipynb"
    if not source.is_file():
        raise ParameterError(f"no notebook {source.name} in {notebook_dir}")
    if not data_dir.is_dir():
        raise ParameterError(f"{data_dir}: no data (run `make data` for the demo extracts)")
    merged = spec.defaults() | values
    quarter = str(parse_quarter(merged["quarter"]))
    check_data_dir(data_dir, merged["region"], quarter)
    folder = review_folder(out_root, name, values).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    notebook = review_notebook(spec, source, values, banner_markdown(name, values, merged["lang"]))
    with tempfile.TemporaryDirectory(prefix="workbench-rerun-") as scratch:
        copy = Path(scratch) / source.name
        nbformat.write(notebook, copy)
        job = ReviewJob(
            notebook=name, region=merged["region"], quarter=quarter, lang=merged["lang"],
            data_dir=str(data_dir.resolve()), source=str(copy), out_dir=str(folder.parent),
            timeout=timeout, declared=tuple(p.name for p in spec.parameters), folder=str(folder),
        )  # fmt: skip
        return run_job(job)

"""A reviewer's re-run of one report with other parameters, into its own folder.

`python -m workbench run churn -p region 华南 -p period 2024Q3 -p top_n 50`: the values come
as text and are converted to the types the registry declares; every value is checked, also
against the data (a period the orders do not cover, a region without customers) and the params
files it names, before any kernel starts (`checks`). They reach the notebook as Papermill
parameters, so its manifest lists them. The report lands in
`<out>/review/<period>/<region>/<notebook>__<k>-<v>__…/`, named after the parameters that differ
from the defaults, never over the quarterly reports, and a banner above it says it is a re-run
and with which parameters.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from workbench.core.errors import ParameterError
from workbench.core.labels import t
from workbench.core.periods import parse_period, period_label, period_text
from workbench.reports import checks
from workbench.reports.jobs import Job, JobResult, run_job
from workbench.reports.registry import check_parameters, report
from workbench.reports.safe_html import escape_markdown

REVIEW_DIR = "review"
# Set by the run itself: data_dir by --data-dir, out_dir is the review folder.
RESERVED = {"data_dir": "give the data with --data-dir", "out_dir": "it is the review folder"}
# In the folder name: region and period are already folders above it.
NOT_IN_FOLDER_NAME = ("region", "period", "data_dir", "out_dir")
# Given to the job as its own fields, not as extra parameters.
JOB_FIELDS = ("region", "period", "lang")
ALIASES = {"quarter": "period"}  # the older name
_UNSAFE = re.compile(r"[^\w.+-]+")  # \w keeps CJK letters; no /, \, spaces, quotes …
_MAX_PART = 40


def convert_parameters(name: str, raw: list[tuple[str, str]]) -> dict[str, Any]:
    """`[("top_n", "50"), …]` from the command line → typed values, checked against the report's
    declaration; an unknown, repeated, reserved or malformed one is a ParameterError naming it."""
    declared = {p.name: p for p in report(name).all_parameters}
    known = sorted(k for k in declared if k not in RESERVED)
    values: dict[str, Any] = {}
    for key, text in raw:
        key = ALIASES.get(key, key) if key not in declared else key
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
    """`<out_root>/review/<period>/<region>/<notebook>__<k>-<v>__…`: only the parameters that
    differ from the defaults name it (region and period are the folders above it)."""
    spec = report(name)
    merged = spec.defaults() | values
    changed = changed_parameters(name, values)
    parts = [name] + [
        f"{key}-{safe_part(value)}"
        for key, value in changed.items()
        if key not in NOT_IN_FOLDER_NAME
    ]
    period = period_text(parse_period(merged["period"]))
    return out_root / REVIEW_DIR / period / safe_part(merged["region"]) / "__".join(parts)


def banner_markdown(name: str, values: dict[str, Any], lang: str) -> str:
    """The banner above a re-run report: that it is a re-run, its region and period, and the
    parameters that differ from the defaults; every value escaped."""
    merged = report(name).defaults() | values
    changed = {
        k: v for k, v in changed_parameters(name, values).items() if k not in ("region", "period")
    }
    listed = t("list_sep", lang).join(f"{k} = {v}" for k, v in changed.items())
    sentence = t(
        "rerun_banner",
        lang,
        region=merged["region"],
        period=period_label(merged["period"], lang),
        changed=listed or t("rerun_no_changes", lang),
    )
    return f"> **{escape_markdown(t('rerun_banner_title', lang))}** {escape_markdown(sentence)}"


def rerun(
    name: str,
    raw: list[tuple[str, str]],
    data_dir: Path,
    out_root: Path,
    notebook_dir: Path,
    timeout: int = 900,
) -> JobResult:
    """Check everything (parameters, params files, then against the data), then execute and
    render one report into its review folder with `jobs.run_job`, the reviewer's values passed
    as Papermill parameters and the banner above the report."""
    spec = report(name)
    values = convert_parameters(name, raw)
    source = notebook_dir / f"{name}.ipynb"
    if not source.is_file():
        raise ParameterError(f"no notebook {source.name} in {notebook_dir}")
    if not data_dir.is_dir():
        raise ParameterError(f"{data_dir}: no data (run `make data` for the demo extracts)")
    merged = spec.defaults() | values
    period = period_text(parse_period(merged["period"]))
    folder = review_folder(out_root, name, values).resolve()
    extra = {k: v for k, v in values.items() if k not in JOB_FIELDS}
    for p in spec.parameters:  # a file the reviewer names is relative to where they are
        if p.name in extra and p.type is str and extra[p.name]:
            extra[p.name] = str(Path(extra[p.name]).resolve())
    job = Job(
        notebook=name, region=merged["region"], period=period, lang=merged["lang"],
        data_dir=str(data_dir.resolve()), source=str(source.resolve()), out_dir=str(folder.parent),
        timeout=timeout, declared=tuple(p.name for p in spec.parameters), parameters=extra,
        folder=str(folder), banner=banner_markdown(name, values, merged["lang"]),
    )  # fmt: skip
    checks.check_job(job)
    checks.check_params_files([job])
    checks.check_data_dir(data_dir, job.region, period, str(merged.get("owner", "")))
    folder.mkdir(parents=True, exist_ok=True)
    return run_job(job)

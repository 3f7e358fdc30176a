"""Command line: `python -m workbench generate | load | schema | quarterly | run | owners`
(see `--help`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from workbench.core.errors import WorkbenchError


def _generate(args: argparse.Namespace) -> int:
    from workbench.demo import generate

    started = time.perf_counter()
    result = generate(args.out, customers=args.customers, seed=args.seed)
    rows = ", ".join(f"{name} {n:,}" for name, n in result.rows.items())
    print(f"wrote {result.out_dir} in {time.perf_counter() - started:.1f} s: {rows}")
    print(f"ground truth of the injected dirt: {result.truth_dir}")
    return 0


def _pairs(items: list[str] | None, what: str) -> dict[str, str]:
    """['orders=新数据', …] → {'orders': '新数据'}; a malformed item is a user error."""
    out = {}
    for item in items or []:
        table, sep, value = item.partition("=")
        if not sep or not table or not value:
            raise WorkbenchError(f"{what} must look like table=value, got {item!r}")
        out[table.strip()] = value.strip()
    return out


def _load(args: argparse.Namespace) -> int:
    from workbench.extracts.loader import load_extracts
    from workbench.extracts.sql import load_extracts_sql

    if args.sql:
        sources = _pairs(args.source, "--source")
        tables = tuple(sources) if sources else None  # with --source: just those tables
        extracts = load_extracts_sql(args.sql, sources=sources or None, tables=tables)
    elif args.path:
        extracts = load_extracts(args.path, sheets=_pairs(args.sheet, "--sheet") or None)
    else:
        raise WorkbenchError("give a folder of extracts, or --sql URL")
    print(extracts.reconciliation().to_string())
    if len(extracts.quarantine):
        print("\nquarantined rows by reason:")
        print(extracts.quarantine.groupby(["table", "reason"]).size().to_string())
    if len(extracts.issues):
        print("\nissues (cells set to missing, formula text, repeated lines, unread sheets):")
        print(extracts.issues.groupby(["table", "column"]).size().to_string())
    return 0


PDF_OFF = (
    "PDF: off. To switch it on, install Chromium (sudo apt-get install chromium) and add "
    "pdf to exports in the params file, or pass --exports code,charts,pdf"
)


def _quarterly(args: argparse.Namespace) -> int:
    from workbench.core.config import params_file
    from workbench.reports.config import load_run_config
    from workbench.reports.runner import run_quarterly, summary_lines

    config = load_run_config(args.params or params_file("quarterly.yml"))
    config = config.with_overrides(
        period=args.period, data_dir=args.data_dir, out_dir=args.out,
        regions=args.regions, notebooks=args.notebooks, workers=args.workers, lang=args.lang,
        exports=args.exports, chart_title=args.chart_title,
    )  # fmt: skip
    if not Path(config.data_dir).is_dir():
        raise WorkbenchError(f"{config.data_dir}: no data (run `make data` for the demo extracts)")
    started = time.perf_counter()
    results = run_quarterly(config, force=args.force, progress=not args.no_progress)
    marks = {"ok": "ok    ", "failed": "FAILED", "unchanged": "same  ", "no_data": "empty "}
    for r in results:
        where = r.html or r.executed or ""
        print(f"{marks[r.status]} {r.region} {r.notebook:<12} {r.seconds:6.1f} s  {where}")
        if r.error and r.status == "failed":
            print(f"       {r.error}")
    for line in summary_lines(results, time.perf_counter() - started):
        print(line)
    print(f"index: {Path(config.out_dir) / config.period / 'index.html'}")
    if "pdf" not in config.exports:
        print(PDF_OFF)
    return 1 if any(r.status == "failed" for r in results) else 0


def _owners(args: argparse.Namespace) -> int:
    from workbench.core.config import params_file
    from workbench.reports.config import load_run_config
    from workbench.reports.owners import run_owners

    config = load_run_config(args.params or params_file("quarterly.yml"))
    config = config.with_overrides(
        period=args.period, data_dir=args.data_dir, out_dir=args.out, workers=args.workers,
        lang=args.lang, exports=args.exports,
    )  # fmt: skip
    if not Path(config.data_dir).is_dir():
        raise WorkbenchError(f"{config.data_dir}: no data (run `make data` for the demo extracts)")
    results = run_owners(config, args.region, args.owner)
    for r in results:
        mark = "ok    " if r.status == "ok" else "FAILED"
        print(f"{mark} {r.notebook:<12} {r.seconds:6.1f} s  {r.html or r.executed}")
        if r.error and r.status == "failed":
            print(f"       {r.error}")
    owners = Path(config.out_dir) / config.period / args.region / "owners"
    print(f"{len(results)} reports in {owners}")
    return 1 if any(r.status == "failed" for r in results) else 0


def _run(args: argparse.Namespace) -> int:
    from workbench.core.config import notebook_dir
    from workbench.reports.rerun import rerun

    result = rerun(
        args.notebook, [tuple(p) for p in args.param or []], data_dir=args.data_dir,
        out_root=args.out, notebook_dir=notebook_dir(), timeout=args.timeout,
    )  # fmt: skip
    mark = "ok    " if result.status == "ok" else "FAILED"
    print(f"{mark} {result.region} {result.notebook} {result.seconds:.1f} s  "
          f"{result.html or result.executed}")  # fmt: skip
    if result.error:
        print(f"       {result.error}")
    return 0 if result.status == "ok" else 1


def _template(args: argparse.Namespace) -> int:
    from workbench.collection.templates import write_templates

    tables = tuple(t.strip() for t in args.tables.split(",")) if args.tables else None
    try:
        files = write_templates(args.out, tables)
    except ValueError as exc:
        raise WorkbenchError(str(exc)) from exc
    for file in files:
        print(f"wrote {file}")
    return 0


def _completion(args: argparse.Namespace) -> int:
    from datetime import date

    from workbench.cleaning.cache import load_clean
    from workbench.collection.approvals import write_approval_log
    from workbench.collection.completion import write_completion_workbooks

    if not Path(args.data_dir).is_dir():
        raise WorkbenchError(f"{args.data_dir}: no data (run `make data` for the demo extracts)")
    try:
        issued = date.fromisoformat(args.issued) if args.issued else date.today()
    except ValueError as exc:
        raise WorkbenchError(f"--issued must be YYYY-MM-DD, got {args.issued!r}") from exc
    result = load_clean(args.data_dir)
    out = Path(args.out) / issued.isoformat()
    files = write_completion_workbooks(
        result, out, issued, data_dir=None if args.no_ledger else args.data_dir
    )
    applied = result.corrections["status"].value_counts().to_dict()
    print(f"{len(files)} completion workbooks in {out}")
    if len(result.approvals):
        log = write_approval_log(result.approvals, out / "变更审批记录.xlsx")
        print(f"{len(result.approvals)} approved changes of protected fields: {log}")
    if applied:
        print("corrections already in " + str(Path(args.data_dir) / "corrections") + ": "
              + ", ".join(f"{k} {v}" for k, v in sorted(applied.items())))  # fmt: skip
    return 0


def _schema(args: argparse.Namespace) -> int:
    from workbench.extracts.schema import schema_markdown

    print(schema_markdown(), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its sub-commands."""
    parser = argparse.ArgumentParser(prog="workbench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write deterministic synthetic CRM extracts")
    gen.add_argument("--out", default="data/demo", help="output folder (default data/demo)")
    gen.add_argument("--customers", type=int, default=5000, help="customers before duplicates")
    gen.add_argument("--seed", type=int, default=7)
    gen.set_defaults(run=_generate)

    load = sub.add_parser("load", help="load extracts and report what did not load")
    load.add_argument("path", nargs="?", help="a folder of extract files")
    load.add_argument("--sheet", action="append", help="XLSX sheet of a table: orders=新数据")
    load.add_argument("--sql", help="a SQLAlchemy URL instead of a folder")
    load.add_argument("--source", action="append", help="SQL table or query: orders='SELECT …'")
    load.set_defaults(run=_load)

    schema = sub.add_parser("schema", help="print the extract tables' columns as Markdown")
    schema.set_defaults(run=_schema)

    template = sub.add_parser(
        "template", help="write the standard collection templates (one workbook per table)"
    )
    template.add_argument("--out", type=Path, default=Path("reports/templates"))
    template.add_argument("--tables", help="comma-separated, e.g. customers,orders (default all)")
    template.set_defaults(run=_template)

    completion = sub.add_parser(
        "completion", help="write each sales rep's workbook of fields to complete or correct"
    )
    completion.add_argument("--data-dir", type=Path, default=Path("data/demo"))
    completion.add_argument("--out", type=Path, default=Path("reports/completion"),
                            help="workbooks go to OUT/<issued date>/ (default reports/completion)")  # fmt: skip
    completion.add_argument("--issued", help="the date sent, YYYY-MM-DD (default today)")
    completion.add_argument("--no-ledger", action="store_true",
                            help="do not record the issues as sent (no steward's queue ageing)")  # fmt: skip
    completion.set_defaults(run=_completion)

    q = sub.add_parser(
        "quarterly", help="render every region's reports for a period (month, quarter or year)"
    )
    q.add_argument(
        "--params", help="YAML run configuration (default: the shipped params/quarterly.yml)"
    )
    q.add_argument("--period", "--quarter", dest="period",
                   help="a month 2024-11, a quarter 2024Q4 or a year 2024 (--quarter: same)")  # fmt: skip
    q.add_argument("--force", action="store_true",
                   help="run every report, also those whose inputs did not change")  # fmt: skip
    q.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    q.add_argument("--data-dir", type=Path)
    q.add_argument("--out", type=Path, help="reports folder (default reports/)")
    q.add_argument("--regions", help="comma-separated, e.g. 华东,华南")
    q.add_argument("--notebooks", help="comma-separated reports, e.g. profiling,churn")
    q.add_argument("--workers", type=int)
    q.add_argument("--lang", choices=("zh", "en"))
    q.add_argument("--exports", help="beside each page, comma-separated: code,charts,pdf")
    q.add_argument("--chart-title", help="the chart packs' title (default: each report's)")
    q.set_defaults(run=_quarterly)

    run = sub.add_parser(
        "run", help="re-run one report with other parameters into reports/review/ (reviewers)"
    )
    run.add_argument("notebook", help="the report, e.g. churn")
    run.add_argument(
        "-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
        help="a parameter of the report, e.g. -p region 华南 -p top_n 50",
    )  # fmt: skip
    run.add_argument("--data-dir", type=Path, default=Path("data/demo"))
    run.add_argument("--out", type=Path, default=Path("reports"),
                     help="reports root; the report goes under OUT/review/ (default reports/)")  # fmt: skip
    run.add_argument("--timeout", type=int, default=900, help="seconds a cell may take")
    run.set_defaults(run=_run)

    own = sub.add_parser(
        "owners", help="each sales owner's reports of a region, with only their customers"
    )
    own.add_argument("--region", required=True, help="the region, e.g. 华东")
    own.add_argument("--owner", action="append",
                     help="one owner (repeatable; default: every owner with customers there)")  # fmt: skip
    own.add_argument("--params", help="YAML run configuration (default: params/quarterly.yml)")
    own.add_argument("--period", "--quarter", dest="period", help="2024-11, 2024Q4 or 2024")
    own.add_argument("--data-dir", type=Path)
    own.add_argument("--out", type=Path, help="reports folder (default reports/)")
    own.add_argument("--workers", type=int)
    own.add_argument("--lang", choices=("zh", "en"))
    own.add_argument("--exports", help="beside each page, comma-separated: code,charts,pdf")
    own.set_defaults(run=_owners)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors print one clear line and exit 2, without a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

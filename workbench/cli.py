"""Command line: `python -m workbench generate | load | schema | quarterly | run` (see `--help`)."""

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
        print("\nissues (cells set to missing, formula text, lines that may be repeats):")
        print(extracts.issues.groupby(["table", "column"]).size().to_string())
    return 0


def _quarterly(args: argparse.Namespace) -> int:
    from workbench.core.config import params_file
    from workbench.reports.config import load_run_config
    from workbench.reports.runner import run_quarterly

    config = load_run_config(args.params or params_file("quarterly.yml"))
    config = config.with_overrides(
        quarter=args.quarter, data_dir=args.data_dir, out_dir=args.out,
        regions=args.regions, workers=args.workers, lang=args.lang,
    )  # fmt: skip
    if not Path(config.data_dir).is_dir():
        raise WorkbenchError(f"{config.data_dir}: no data (run `make data` for the demo extracts)")
    started = time.perf_counter()
    results = run_quarterly(config)
    for r in results:
        mark = "ok    " if r.status == "ok" else "FAILED"
        print(f"{mark} {r.region} {r.notebook:<12} {r.seconds:6.1f} s  {r.html or r.executed}")
        if r.error:
            print(f"       {r.error}")
    index = Path(config.out_dir) / config.quarter / "index.html"
    failed = sum(r.status != "ok" for r in results)
    print(
        f"{len(results)} reports, {failed} failed, {time.perf_counter() - started:.0f} s → {index}"
    )
    return 1 if failed else 0


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

    q = sub.add_parser("quarterly", help="render every region's reports for a quarter")
    q.add_argument(
        "--params", help="YAML run configuration (default: the shipped params/quarterly.yml)"
    )
    q.add_argument("--quarter", help="e.g. 2024Q4")
    q.add_argument("--data-dir", type=Path)
    q.add_argument("--out", type=Path, help="reports folder (default reports/)")
    q.add_argument("--regions", help="comma-separated, e.g. 华东,华南")
    q.add_argument("--workers", type=int)
    q.add_argument("--lang", choices=("zh", "en"))
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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors print one clear line and exit 2, without a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

"""The speed-and-scale table's page: the measured cells, and their projection to 10M and 100M.

Pure formatting and arithmetic over bench_table.py's results ({(row key, size): cell}): the time
ratio to each group's baseline row, the check against the baseline's numbers, and the growth
t = a·n^b between the two largest measured sizes, extended to `PROJECT_TO` customers; a path whose
projected peak passes `LIMIT_GB` is marked as not fitting.
"""

from __future__ import annotations

import math

from table_cells import ROWS, Row

LIMIT_GB = 24.0  # the machine's memory, GiB (ru_maxrss is KiB: /1024² gives GiB)
PROJECT_TO = (10_000_000, 100_000_000)


def growth(n1: int, v1: float, n2: int, v2: float) -> float:
    """Exponent b of v = a·n^b through (n1, v1) and (n2, v2)."""
    return math.log(v2 / v1) / math.log(n2 / n1)


def project(n: int, value: float, exponent: float, to: int) -> float:
    """`value` measured at `n`, grown to `to` with the exponent."""
    return value * (to / n) ** exponent


def duration(seconds: float) -> str:
    """Seconds for people: 0.42 s, 12 s, 3.5 min, 2.1 h, 3.0 days."""
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.1f} days"


def compare(row: Row, result: dict, reference: dict | None) -> str:
    """The check cell: the largest relative difference from the baseline's numbers."""
    check = result.get("check")
    if not isinstance(check, dict):
        return str(check) if check is not None else "–"
    if row.baseline:
        return "reference"
    if reference is None or not isinstance(reference.get("check"), dict):
        return "–"
    theirs = reference["check"]
    common = [k for k in check if k in theirs]
    if not common:
        return "–"
    worst = max(
        abs(check[k] - theirs[k]) / max(abs(theirs[k]), 1e-300) if check[k] != theirs[k] else 0.0
        for k in common
    )
    verdict = "same" if worst <= row.tolerance else "DIFFERS"
    return f"{verdict} ({worst:.0e})"


def cells(row: Row, size: int, results: dict) -> list[str]:
    """seconds, peak GB, × baseline, check for one row at one size."""
    result = results.get((row.key, size))
    if result is None:
        return ["", "", "", ""]
    status = result["status"]
    if status != "ok":
        text = {"timeout": f"> timeout ({result['reason']})", "skipped": result["reason"],
                "unavailable": f"not available: {result['reason']}"}.get(
            status, f"failed: {result.get('reason', '')}")  # fmt: skip
        return [text.replace("|", "/"), "", "", ""]
    base_row = next(r for r in ROWS if r.group == row.group and r.baseline)
    base = results.get((base_row.key, size))
    if row.baseline:
        ratio = "1 (baseline)"
    elif base and base["status"] == "ok" and base["seconds"] > 0:
        ratio = f"{result['seconds'] / base['seconds']:.2f}×"
    else:
        ratio = "–"
    check = compare(row, result, base if base and base["status"] == "ok" else None)
    return [duration(result["seconds"]), f"{result['peak_gb']:.2f}", ratio, check]


def table(rows: list[Row], sizes: list[int], results: dict) -> list[str]:
    """The measured table, markdown: one row per contender, four columns per size."""
    head = ["stage", "contender"]
    for n in sizes:
        head += [f"{n:,} time", "peak GB", "× baseline", "check"]
    lines = ["| " + " | ".join(head) + " |", "|:---|:---|" + "---:|---:|---:|:---|" * len(sizes)]
    for row in rows:
        body = [row.stage, row.label]
        for n in sizes:
            body += cells(row, n, results)
        lines.append("| " + " | ".join(body) + " |")
    return lines


def projection(rows: list[Row], sizes: list[int], results: dict) -> list[str]:
    """Growth exponents between the two largest measured sizes, and time and peak memory
    projected to 10M and 100M customers; 'does not fit' where the peak passes 24 GiB."""
    head = ["stage", "contender", "from", "b time", "b memory"]
    for n in PROJECT_TO:
        head += [f"{n:,} time", f"{n:,} GB"]
    lines = ["| " + " | ".join(head) + " |",
             "|:---|:---|:---|---:|---:|" + "---:|---:|" * len(PROJECT_TO)]  # fmt: skip
    for row in rows:
        measured = [n for n in sorted(sizes) if results.get((row.key, n), {}).get("status") == "ok"]
        if len(measured) < 2:
            continue
        n1, n2 = measured[-2:]
        a, b = results[row.key, n1], results[row.key, n2]
        bt = growth(n1, a["seconds"], n2, b["seconds"])
        bm = growth(n1, a["peak_gb"], n2, b["peak_gb"])
        body = [row.stage, row.label, f"{n1:,} → {n2:,}", f"{bt:.2f}", f"{bm:.2f}"]
        for n in PROJECT_TO:
            gb = project(n2, b["peak_gb"], bm, n)
            fits = "" if gb <= LIMIT_GB else f" — does not fit in {LIMIT_GB:.0f} GiB"
            body += [duration(project(n2, b["seconds"], bt, n)), f"{gb:,.1f}{fits}"]
        lines.append("| " + " | ".join(body) + " |")
    if len(lines) == 2:
        lines.append("| (needs a row measured at two sizes) | | | | |" + " |" * 2 * len(PROJECT_TO))
    return lines


def render(rows: list[Row], sizes: list[int], results: dict, header: list[str]) -> str:
    """The whole page: header lines, the measured table, the projection."""
    parts = [*header, "", "## Measured", "", *table(rows, sizes, results), "",
             f"## Projected from the measured growth (peak > {LIMIT_GB:.0f} GiB: does not fit)",
             "", *projection(rows, sizes, results), ""]  # fmt: skip
    return "\n".join(parts)

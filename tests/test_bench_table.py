"""benchmarks/bench_table.py (with table_cells.py and table_render.py): the growth projection,
the table's cells, and one tiny real run.

The measurements here are made up by hand (100k: 2 s / 1 GB, 1M: 20 s / 10 GB grows as n¹), so
every projected figure can be checked on paper.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_table as bt  # noqa: E402  (benchmarks/ is not a package)
import table_cells as tc  # noqa: E402
import table_render as tr  # noqa: E402

K100, M1 = 100_000, 1_000_000


def split(line: str) -> list[str]:
    """The cells of one markdown table line."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def ok(seconds: float, peak_gb: float, check: object = "–") -> dict:
    return {"status": "ok", "seconds": seconds, "peak_gb": peak_gb, "rows": 1, "check": check}


def test_growth_and_projection_on_paper():
    assert tr.growth(K100, 2.0, M1, 20.0) == pytest.approx(1.0)
    assert tr.growth(K100, 1.0, M1, 100.0) == pytest.approx(2.0)
    assert tr.growth(K100, 3.0, M1, 3.0) == pytest.approx(0.0)
    assert tr.project(M1, 20.0, 1.0, 10_000_000) == pytest.approx(200.0)
    assert tr.project(M1, 10.0, 1.0, 100_000_000) == pytest.approx(1000.0)
    assert tr.project(M1, 4.0, 0.5, 100_000_000) == pytest.approx(40.0)


def test_projection_table_marks_what_does_not_fit():
    rows = [tc.BY_KEY["summary"], tc.BY_KEY["summary_duckdb"], tc.BY_KEY["summary_polars"]]
    results = {
        ("summary", K100): ok(2.0, 1.0),  # b = 1 for both: 10M 200 s / 100 GB
        ("summary", M1): ok(20.0, 10.0),
        ("summary_duckdb", K100): ok(1.0, 0.5),  # memory flat (b = 0), time b = 1
        ("summary_duckdb", M1): ok(10.0, 0.5),
        ("summary_polars", K100): ok(1.0, 1.0),  # only one size: no projection row
    }
    lines = tr.projection(rows, [K100, M1], results)
    pandas = split(next(line for line in lines if "workbench pandas" in line))
    # stage, contender, from, b time, b memory, 10M time, 10M GB, 100M time, 100M GB
    assert pandas[2:5] == ["100,000 → 1,000,000", "1.00", "1.00"]
    assert pandas[5] == "3.3 min"  # 200 s
    assert pandas[6] == "100.0 — does not fit in 24 GiB"
    assert pandas[7] == "33.3 min"  # 2000 s
    assert pandas[8] == "1,000.0 — does not fit in 24 GiB"
    duck = split(next(line for line in lines if "DuckDB" in line))
    assert duck[5:9] == ["100 s", "0.5", "16.7 min", "0.5"]
    assert not any("polars" in line for line in lines)


def test_projection_needs_two_sizes():
    lines = tr.projection([tc.BY_KEY["summary"]], [K100], {("summary", K100): ok(2.0, 1.0)})
    assert "needs a row measured at two sizes" in lines[-1]


def test_cells_ratio_check_and_failures():
    reference = {"rows": 100.0, "sum frequency": 250.0}
    results = {
        ("summary", K100): ok(4.0, 1.5, reference),
        ("summary_duckdb", K100): ok(1.0, 0.5, {"rows": 100.0, "sum frequency": 250.0}),
        ("summary_polars", K100): ok(8.0, 2.0, {"rows": 100.0, "sum frequency": 250.001}),
        ("summary_lifetimes", K100): {"status": "failed", "reason": "ValueError: boom | x"},
        ("summary_spark", K100): {"status": "timeout", "reason": "> 60 s"},
    }
    assert tr.cells(tc.BY_KEY["summary"], K100, results) == [
        "4.00 s", "1.50", "1 (baseline)", "reference"]  # fmt: skip
    assert tr.cells(tc.BY_KEY["summary_duckdb"], K100, results) == [
        "1.00 s", "0.50", "0.25×", "same (0e+00)"]  # fmt: skip
    polars = tr.cells(tc.BY_KEY["summary_polars"], K100, results)
    assert polars[2] == "2.00×"
    assert polars[3] == "DIFFERS (4e-06)"  # 0.001 / 250 > 1e-9
    assert (
        tr.cells(tc.BY_KEY["summary_lifetimes"], K100, results)[0] == "failed: ValueError: boom / x"
    )
    assert tr.cells(tc.BY_KEY["summary_spark"], K100, results)[0].startswith("> timeout")


def test_fit_parameters_checked_with_the_fit_tolerance():
    ours = {"r": 1.0, "alpha": 5.0}
    results = {
        ("bgnbd", K100): ok(0.1, 0.3, ours),
        ("bgnbd_lifetimes", K100): ok(2.0, 0.4, {"r": 1.00001, "alpha": 5.0}),
    }
    cells = tr.cells(tc.BY_KEY["bgnbd_lifetimes"], K100, results)
    assert cells[2] == "20.00×"
    assert cells[3] == "same (1e-05)"  # within 1e-4: optimisers stop at different places


def test_plan_keeps_peers_and_filters_engines():
    keys = [row.key for row in bt.plan(["summary"], ["pandas"])]
    assert keys == ["summary", "summary_lifetimes", "summary_polars"]
    assert "features_duckdb" in [row.key for row in bt.plan(["churn"], ["duckdb"])]


def test_slow_peers_are_capped_by_size():
    args = bt.argparse.Namespace(pareto_lifetimes_up_to=K100, reports_up_to=K100,
                                 training_up_to=K100)  # fmt: skip
    assert bt.skipped(tc.BY_KEY["pareto_lifetimes"], K100, args) is None
    assert bt.skipped(tc.BY_KEY["pareto_lifetimes"], M1, args).startswith("not run above 100,000")
    assert bt.skipped(tc.BY_KEY["reports"], M1, args) is not None
    assert bt.skipped(tc.BY_KEY["pareto"], M1, args) is None
    assert bt.skipped(tc.BY_KEY["fit_churn"], K100, args) is None
    assert bt.skipped(tc.BY_KEY["fit_churn"], M1, args).startswith("not run above 100,000")
    assert bt.skipped(tc.BY_KEY["features"], M1, args) is None


def test_a_cell_past_its_timeout_is_reported_not_raised():
    assert bt.spawn(["--help"], timeout=0.001) == {"status": "timeout", "reason": "> 0 s"}


def test_tiny_summary_run_end_to_end(tmp_path: Path):
    out = tmp_path / "TABLE.md"
    command = [sys.executable, str(ROOT / "benchmarks" / "bench_table.py"), "--customers", "300",
               "--data-dir", str(tmp_path), "--stages", "summary", "--engines", "pandas",
               "duckdb", "--out", str(out)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    page = out.read_text(encoding="utf-8")
    assert page == done.stdout.rstrip("\n") + "\n" or page.strip() == done.stdout.strip()
    rows = {split(line)[1]: split(line) for line in page.splitlines()
            if line.startswith("| summary |")}  # fmt: skip
    assert set(rows) == {"workbench pandas (`summarize`)", "workbench DuckDB (`summarize_on_engine`)",
                         "lifetimes `summary_data_from_transaction_data`",
                         "polars lazy (`scan_parquet`)"}  # fmt: skip
    for name, cells in rows.items():
        assert cells[2].endswith(" s"), (name, cells)  # measured, not failed
        assert 0.05 < float(cells[3]) < 4.0  # peak GB of a tiny run: the interpreter and pandas
        assert cells[5] in ("reference", "same (0e+00)") or cells[5].startswith("same ("), cells
    assert "Spark" not in page  # not asked for
    assert "needs a row measured at two sizes" in page


def test_make_bench_table_runs_the_script_with_sizes():
    done = subprocess.run(["make", "-n", "--no-print-directory", "bench-table", "SIZES=300 4000"],
                          cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip()
        .splitlines()[-1]
        .endswith("/python benchmarks/bench_table.py --customers 300 4000")
    )


def test_a_cell_skipped_now_keeps_its_earlier_measurement():
    earlier = {("fit_churn", K100): ok(300.0, 1.5, {}), ("load", K100): ok(90.0, 1.4, {})}
    measured = {("fit_churn", K100): {"status": "skipped", "reason": "not run above 99,999"},
                ("load", K100): ok(30.0, 1.4, {}), ("load", M1): ok(300.0, 10.0, {})}  # fmt: skip
    result = bt.merged(earlier, measured)
    assert result[("fit_churn", K100)] is earlier[("fit_churn", K100)]
    assert result[("load", K100)]["seconds"] == 30.0 and ("load", M1) in result
    fresh = bt.merged({}, measured)
    assert fresh[("fit_churn", K100)]["status"] == "skipped"


def test_results_file_keeps_cells_between_runs(tmp_path: Path):
    path = tmp_path / "results.json"
    assert bt.read_results(path) == {}
    results = {("summary", K100): ok(2.0, 1.0, {"rows": 5.0}), ("reports", M1): {
        "status": "skipped", "reason": "not run above 100,000"}}  # fmt: skip
    bt.write_results(path, results)
    assert bt.read_results(path) == results

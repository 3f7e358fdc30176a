"""Run the benchmarks: the one speed-and-scale table of bench_table.py (`make bench`).

Every stage (load + clean, CLV summary, CLV fits, churn features and training, one region's
reports) for every engine and peer at 100k and 1M customers, projected to 10M and 100M, written
to benchmarks/TABLE.md; arguments are passed on (`run_all.py --customers 100000`). The
per-topic scripts (bench_load.py, bench_summary.py, bench_clv.py, bench_churn.py,
bench_reports.py, bench_order_lines.py) look closer at one stage each; run them by hand (their
recorded figures are in benchmarks/RESULTS.md).
"""

from bench_table import main  # benchmarks/bench_table.py

if __name__ == "__main__":
    main()

"""The CLV transaction summary on DuckDB, for order logs too large for pandas (or not in memory).

`summarize_on_engine` computes exactly `workbench.clv.summary.summarize` (same columns, index,
numbers to float rounding; see that module's glossary) from a Parquet file, folder or glob, a CSV
file, or a data frame, in DuckDB: one GROUP BY over (customer, purchase day) collapses same-day
orders, a second one per customer takes first and last day, the count of days and the repeat
total (all days minus the first, via ``arg_min``). No global sort of the orders: only the
per-customer result is ordered. DuckDB runs out of core under ``memory_limit``, spilling to
``temp_directory``. `summarize_auto` picks the engine: pandas/numpy for a Parquet file that says
it is in customer order (the cleaned cache's orders: then the summary is one linear pass over the
columns, `summary_grouped`), DuckDB for other files and for frames of at least ``ENGINE_MIN_ROWS``
orders, pandas/numpy below (handing DuckDB a frame costs more than the numpy pass on logs that fit
in memory).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.clv.summary import summarize
from workbench.core.duckdb_engine import connect_duckdb, sql_ident, sql_text
from workbench.core.errors import WorkbenchError

# frames with at least this many orders go to DuckDB. On a frame already in memory the numpy pass
# is faster up to ~4M orders (0.4 s vs 0.75 s at 1M) and even at 10M (5.4 s vs 5.1 s); past that
# DuckDB's bounded memory counts. From a file DuckDB wins outright: it skips pandas' read of the
# ids (benchmarks/RESULTS.md, "Summary on an engine").
ENGINE_MIN_ROWS = 10_000_000

_SUMMARY_SQL = """
WITH days AS (
    SELECT {customer} AS customer, {day} AS day, sum(coalesce({amount}, 0)) AS value
    FROM source
    {where}
    GROUP BY ALL
), per_customer AS (
    SELECT customer,
           count(*) FILTER (WHERE day IS NOT NULL) - 1 AS repeats,
           count(*) FILTER (WHERE day IS NULL) AS missing_days,
           min(day) AS first_day,
           max(day) AS last_day,
           sum(value) - arg_min(value, day) AS repeat_total
    FROM days
    GROUP BY customer
)
SELECT customer, repeats, missing_days, repeat_total,
       last_day - first_day AS span_days,  -- whole days (DATE - DATE), no date conversion
       end_day - first_day AS age_days,
       end_day - last_day AS idle_days
FROM per_customer, (SELECT {end} AS end_day)
ORDER BY customer
"""


def summarize_on_engine(
    source: str | Path | pd.DataFrame,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str | None = "amount",
    observation_end: str | pd.Timestamp | None = None,
    unit_days: float = 7.0,
    memory_limit: str | None = None,
    temp_directory: str | Path | None = None,
    threads: int | None = None,
) -> pd.DataFrame:
    """`summarize` computed by DuckDB from a Parquet/CSV path or a frame (same-day orders collapse).

    ``memory_limit`` (e.g. ``"2GB"``; DuckDB's default is 80% of RAM) caps DuckDB's memory and
    what does not fit spills to ``temp_directory`` (default: a folder in the system temp dir).
    """
    import duckdb  # a dependency; imported here so the pandas path does not load it

    if not unit_days > 0:
        raise WorkbenchError(f"unit_days must be positive, not {unit_days!r}")
    con = None
    try:
        con = connect_duckdb(memory_limit, temp_directory, threads)
        index_dtype = _register(con, source, customer, date)
        columns = {name for name, *_ in con.execute("DESCRIBE source").fetchall()}
        missing = [c for c in [customer, date] + ([amount] if amount else []) if c not in columns]
        if missing:
            raise WorkbenchError(f"missing column(s) {missing}; have {sorted(columns)}")
        types = dict(
            con.execute("SELECT column_name, column_type FROM (DESCRIBE source)").fetchall()
        )
        day = _day_expression(sql_ident(date), types[date])
        if observation_end is not None:
            end = f"DATE '{pd.Timestamp(observation_end).date().isoformat()}'"
            where = f"WHERE {day} <= {end} OR {day} IS NULL OR {sql_ident(customer)} IS NULL"
        else:
            end, where = "(SELECT max(day) FROM days)", ""
        query = _SUMMARY_SQL.format(
            customer=sql_ident(customer),
            day=day,
            amount=sql_ident(amount) if amount else "0.0",
            where=where,
            end=end,
        )
        table = con.sql(query).to_arrow_table()
    except duckdb.Error as error:
        raise WorkbenchError(f"DuckDB could not summarise the orders: {error}") from error
    finally:
        if con is not None:
            con.close()
    return to_summary(table, customer, amount is not None, unit_days, index_dtype)


def summarize_auto(
    source: str | Path | pd.DataFrame,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str | None = "amount",
    observation_end: str | pd.Timestamp | None = None,
    unit_days: float = 7.0,
    min_engine_rows: int = ENGINE_MIN_ROWS,
    **engine: object,
) -> pd.DataFrame:
    """The summary on DuckDB for files and frames of ``min_engine_rows`` orders or more, else
    on pandas/numpy (`summarize`): the same frame either way; ``engine`` goes to DuckDB."""
    if isinstance(source, pd.DataFrame) and len(source) < min_engine_rows:
        return summarize(source, customer, date, amount, observation_end, unit_days)
    if not isinstance(source, pd.DataFrame) and _declared_customer_order(source, customer):
        import pyarrow.parquet as pq

        columns = [customer, date] + ([amount] if amount else [])
        # pyarrow's reader directly: pd.read_parquet takes 2.5× as long for the same frame
        frame = pq.read_table(source, columns=columns).to_pandas(date_as_object=False)
        # then one linear pass (`summary_grouped`), or the general path if the file is not in order
        return summarize(frame, customer, date, amount, observation_end, unit_days)
    return summarize_on_engine(source, customer, date, amount, observation_end, unit_days, **engine)  # type: ignore[arg-type]


def _declared_customer_order(source: str | Path, customer: str) -> bool:
    """Whether ``source`` is one Parquet file whose row groups all say it is sorted by
    ``customer`` first (the cleaned cache's orders do: `workbench.cleaning.order_sort`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(source)
    if not path.is_file() or path.suffix.lower() != ".parquet":
        return False
    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, pa.ArrowException):
        return False
    names = meta.schema.names
    groups = [meta.row_group(k).sorting_columns for k in range(meta.num_row_groups)]
    return bool(groups) and all(g and names[g[0].column_index] == customer for g in groups)


def _register(con: object, source: str | Path | pd.DataFrame, customer: str, date: str) -> object:
    """Make ``source`` the view ``source``; the dtype the pandas path would give the index."""
    if isinstance(source, pd.DataFrame):
        frame = source
        dates = frame[date] if date in frame.columns else None
        if dates is not None and isinstance(dates.dtype, pd.DatetimeTZDtype):
            frame = frame.assign(**{date: dates.dt.tz_localize(None)})  # local wall time, as pandas
        con.register("source", frame)  # type: ignore[attr-defined]
        return frame[customer].dtype if customer in frame.columns else None
    path = str(source)
    if Path(path).is_dir():
        path = str(Path(path) / "**" / "*.parquet")
    elif not any(ch in path for ch in "*?[") and not Path(path).exists():
        raise WorkbenchError(f"no order log at {path}")
    lower = path.lower()
    if lower.endswith((".csv", ".csv.gz", ".txt", ".tsv")):
        reader = f"read_csv('{sql_text(path)}')"
    else:
        reader = f"read_parquet('{sql_text(path)}')"
    con.execute(f"CREATE VIEW source AS SELECT * FROM {reader}")  # type: ignore[attr-defined]
    return None


def _day_expression(column: str, duckdb_type: str) -> str:
    """SQL for the calendar day of a date column (time-zone-aware ones in their local time)."""
    if duckdb_type == "DATE":
        return column
    if duckdb_type.startswith("TIMESTAMP WITH TIME ZONE"):
        raise WorkbenchError(
            "time-zone-aware order dates in a file: store local dates (or pass a frame)"
        )
    if duckdb_type.startswith("TIMESTAMP"):
        return f"CAST({column} AS DATE)"
    return f"CAST(CAST({column} AS TIMESTAMP) AS DATE)"  # text: ISO dates with or without times


def to_summary(
    table: object, customer: str, with_amount: bool, unit_days: float, index_dtype: object
) -> pd.DataFrame:
    """An engine's per-customer rows (DuckDB's, Spark's: ``customer``, ``repeats``,
    ``missing_days``, ``repeat_total``, ``span_days``, ``age_days``, ``idle_days``) → the frame
    `summarize` returns, after the input checks."""
    result = table.to_pandas()  # type: ignore[attr-defined]
    ids = result["customer"]
    if ids.isna().any():  # DuckDB groups them into one customer NULL
        raise WorkbenchError(f"some orders have no {customer}: clean them first")
    undated = int(result["missing_days"].sum())
    if undated:
        raise WorkbenchError(f"orders without a date for {undated} customer(s): clean them first")
    frequency = result["repeats"].to_numpy(dtype=float)
    index = pd.Index(ids.to_numpy(), name=customer)
    if index_dtype is not None:
        index = index.astype(index_dtype)
    summary = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": result["span_days"].to_numpy(dtype=float) / unit_days,
            "T": result["age_days"].to_numpy(dtype=float) / unit_days,
        },
        index=index,
    )
    if with_amount:
        totals = result["repeat_total"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            summary["monetary_value"] = np.where(frequency > 0, totals / frequency, 0.0)
    summary["days_since_last"] = result["idle_days"].to_numpy(dtype=float)
    return summary

"""The CLV transaction summary on Spark, for order logs spread over a cluster.

`summarize_on_spark` returns exactly `workbench.clv.summary_engine.summarize_on_engine`'s frame
(same columns, index, numbers to float rounding, same errors), computed by the same two
aggregations: one over (customer, purchase day) collapses same-day orders, one per customer takes
first and last day, the count of days and the repeat total (all days minus the first, via
``min_by``). Only the per-customer result is sorted and collected to the driver, which takes the
day spans from it (so the default end, the last day of all, needs no second pass); a Parquet or
CSV source is read by Spark itself, so on a cluster the orders never pass through pandas. Days are
computed without a time zone (dates, local timestamps, text), so the session's zone cannot shift
them. pyspark (an optional extra, ``pip install -e .[spark]``, plus Java 17) is imported inside
the functions only. How to run it on a cluster: docs/spark.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from workbench.clv.summary_engine import to_summary
from workbench.core.errors import WorkbenchError

MASTER_ENV = "WORKBENCH_SPARK_MASTER"
LOCAL_MASTER = "local[2]"
_NANOS_PER_DAY = 86_400_000_000_000
# Parquet timestamps in nanoseconds (pandas' default unit) are an error in Spark unless read as
# longs: the day is then computed from the long (see `_day_column`).
_NANOS_AS_LONG = "spark.sql.legacy.parquet.nanosAsLong"
_CSV_SUFFIXES = (".csv", ".csv.gz", ".txt", ".tsv")


def summarize_on_spark(
    source: str | Path | pd.DataFrame,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str | None = "amount",
    observation_end: str | pd.Timestamp | None = None,
    unit_days: float = 7.0,
    spark: object | None = None,
    master: str | None = None,
) -> pd.DataFrame:
    """`summarize` computed by Spark from a Parquet file/folder/glob, a CSV or a frame.

    ``spark`` is a running SparkSession (reuse one: starting Spark takes seconds); without it
    the active session is used, else one is started on ``master`` (default env
    ``WORKBENCH_SPARK_MASTER``, else ``local[2]``) and stopped after the call.
    """
    if not unit_days > 0:
        raise WorkbenchError(f"unit_days must be positive, not {unit_days!r}")
    if spark is None:
        from pyspark.sql import SparkSession

        spark = SparkSession.getActiveSession()
    if spark is None:
        with spark_session(master) as session:
            return _summarize(session, source, customer, date, amount, observation_end, unit_days)
    return _summarize(spark, source, customer, date, amount, observation_end, unit_days)


@contextmanager
def spark_session(master: str | None = None, app_name: str = "crm-workbench") -> Iterator[object]:
    """A SparkSession for the block, stopped after it: UTC, quiet, few shuffle partitions locally.

    ``master``: a Spark master URL (``local[4]``, ``spark://host:7077``, ``yarn``); default env
    ``WORKBENCH_SPARK_MASTER``, else ``local[2]``.
    """
    from pyspark.sql import SparkSession

    master = master or os.environ.get(MASTER_ENV) or LOCAL_MASTER
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if master.startswith("local"):  # one machine: no UI, a handful of partitions, loopback only
        builder = (
            builder.config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
        )
    with warnings.catch_warnings():  # pyspark warns that pandas 3 is "not yet fully supported";
        # the summary hands Spark Arrow tables, never pandas frames
        warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
        session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def _summarize(
    spark: object,
    source: str | Path | pd.DataFrame,
    customer: str,
    date: str,
    amount: str | None,
    observation_end: str | pd.Timestamp | None,
    unit_days: float,
) -> pd.DataFrame:
    """The two aggregations on ``spark``, collected as Arrow and shaped by `to_summary`."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException
    from pyspark.sql import functions as F

    previous = spark.conf.get(_NANOS_AS_LONG, None)  # type: ignore[attr-defined]
    spark.conf.set(_NANOS_AS_LONG, "true")  # type: ignore[attr-defined]
    try:
        frame, kind, index_dtype = _read(spark, source, customer, date, amount)
        missing = [
            c for c in [customer, date] + ([amount] if amount else []) if c not in frame.columns
        ]
        if missing:
            raise WorkbenchError(f"missing column(s) {missing}; have {sorted(frame.columns)}")
        ids = _col(customer)
        if kind == "csv" and _type_name(frame, customer) in ("byte", "short", "int"):
            ids = ids.cast("long")  # DuckDB reads integer ids from a CSV as BIGINT
        value = F.coalesce(_col(amount), F.lit(0)) if amount else F.lit(0.0)
        rows = frame.select(
            ids.alias("customer"), _day_column(frame, date, kind).alias("day"), value.alias("value")
        )
        if observation_end is not None:
            end, day = F.lit(pd.Timestamp(observation_end).date()), F.col("day")
            rows = rows.where((day <= end) | day.isNull() | F.col("customer").isNull())
        days = rows.groupBy("customer", "day").agg(F.sum("value").alias("value"))
        per_customer = days.groupBy("customer").agg(
            (F.count("day") - 1).alias("repeats"),
            F.count_if(F.col("day").isNull()).alias("missing_days"),
            F.unix_date(F.min("day")).alias("first_day"),  # days since 1970-01-01
            F.unix_date(F.max("day")).alias("last_day"),
            (F.sum("value") - F.min_by("value", "day")).alias("repeat_total"),
        )
        result = per_customer.orderBy("customer")  # the only sort: one row per customer
        with _quiet_query_errors():  # the error is raised below, with its message
            table = result.toArrow()
    except (PySparkException, Py4JError) as error:
        raise WorkbenchError(f"Spark could not summarise the orders: {error}") from error
    finally:
        if previous is None:
            spark.conf.unset(_NANOS_AS_LONG)  # type: ignore[attr-defined]
        else:
            spark.conf.set(_NANOS_AS_LONG, previous)  # type: ignore[attr-defined]
    end_day = _unix_day(observation_end) if observation_end is not None else None
    table = _with_day_spans(table, end_day)
    return to_summary(table, customer, amount is not None, unit_days, index_dtype)


def _unix_day(day: str | pd.Timestamp) -> int:
    """A calendar day as days since 1970-01-01 (Spark's ``unix_date``)."""
    return (pd.Timestamp(day).date() - dt.date(1970, 1, 1)).days


def _with_day_spans(table: object, end_day: int | None) -> object:
    """Add span, age and idle days from first/last day, as the DuckDB query does; the end is
    the last purchase day of all when not given (taken here, from the collected rows: no second
    pass over the orders)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    first, last = table.column("first_day"), table.column("last_day")  # type: ignore[attr-defined]
    end = pa.scalar(end_day if end_day is not None else pc.max(last).as_py(), pa.int64())
    spans = {
        "span_days": pc.subtract(last, first),
        "age_days": pc.subtract(end, first),
        "idle_days": pc.subtract(end, last),
    }
    for name, values in spans.items():
        table = table.append_column(name, values)  # type: ignore[attr-defined]
    return table


@contextmanager
def _quiet_query_errors() -> Iterator[None]:
    """Silence pyspark's loggers that dump a failed query's context (a JSON traceback)."""
    from pyspark.logger import PySparkLogger

    loggers = [
        PySparkLogger.getLogger(f"{kind}QueryContextLogger") for kind in ("DataFrame", "SQL")
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _read(
    spark: object, source: str | Path | pd.DataFrame, customer: str, date: str, amount: str | None
) -> tuple[object, str, object]:
    """``source`` as a Spark frame, its kind (frame, csv, parquet) and the pandas index dtype."""
    if isinstance(source, pd.DataFrame):
        return _from_pandas(spark, source, customer, date, amount)
    path = str(source)
    remote = "://" in path  # hdfs://, s3a://, …: Spark's file systems, not checked here
    if not remote and not any(ch in path for ch in "*?[") and not Path(path).exists():
        raise WorkbenchError(f"no order log at {path}")
    reader = spark.read  # type: ignore[attr-defined]
    if path.lower().endswith(_CSV_SUFFIXES):
        sep = "\t" if path.lower().endswith(".tsv") else ","
        return reader.csv(path, header=True, inferSchema=True, sep=sep), "csv", None
    return reader.parquet(path), "parquet", None


def _from_pandas(
    spark: object, frame: pd.DataFrame, customer: str, date: str, amount: str | None
) -> tuple[object, str, object]:
    """A frame's needed columns as a Spark frame via Arrow; datetimes become their local day."""
    import pyarrow as pa

    wanted = [customer, date] + ([amount] if amount else [])
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise WorkbenchError(f"missing column(s) {missing}; have {sorted(frame.columns)}")
    columns = {}
    for name in dict.fromkeys(wanted):
        values = frame[name]
        if name == date and isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_localize(None)  # local wall time, as pandas and DuckDB
        if name == date and pd.api.types.is_datetime64_dtype(values.dtype):
            array = pa.array(values.to_numpy().astype("datetime64[D]"), mask=values.isna())
        else:
            array = pa.array(values, from_pandas=True)
            if pa.types.is_large_string(array.type):
                array = array.cast(pa.string())
        columns[name] = array
    table = spark.createDataFrame(pa.table(columns))  # type: ignore[attr-defined]
    return table, "frame", frame[customer].dtype


def _day_column(frame: object, date: str, kind: str) -> object:
    """The calendar day of ``date`` as a Spark column, without any time-zone conversion."""
    from pyspark.sql import functions as F

    column, name = _col(date), _type_name(frame, date)
    if name == "date":
        return column
    if name == "timestamp_ntz" or (name == "timestamp" and kind == "csv"):
        return F.to_date(column)  # a CSV's times are parsed and read back in one zone
    if name == "timestamp":
        raise WorkbenchError(
            "time-zone-aware order dates in a file: store local dates (or pass a frame)"
        )
    if name == "bigint" and kind == "parquet":  # nanosecond timestamps read as longs
        whole = f"({_sql(date)} - pmod({_sql(date)}, {_NANOS_PER_DAY})) div {_NANOS_PER_DAY}"
        return F.expr(f"date_from_unix_date(CAST({whole} AS INT))")
    if name == "string":
        return F.to_date(column.cast("timestamp_ntz"))  # ISO dates with or without times
    raise WorkbenchError(f"order dates {date!r} are of type {name}: expected dates or timestamps")


def _type_name(frame: object, name: str) -> str:
    """Spark's simple type name of a column (``date``, ``timestamp_ntz``, ``bigint``, …)."""
    return frame.schema[name].dataType.simpleString()  # type: ignore[attr-defined]


def _col(name: str) -> object:
    """A Spark column by its exact name (dots and spaces allowed)."""
    from pyspark.sql import functions as F

    return F.col(_sql(name))


def _sql(name: str) -> str:
    """A column name quoted for Spark SQL."""
    return "`" + name.replace("`", "``") + "`"

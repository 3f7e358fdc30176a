"""The per-customer totals behind the churn order and interaction features, on DuckDB.

`order_aggregates` and `interaction_aggregates` return, for each customer of ``ids`` in their
order, the same totals as the numpy pass of `workbench.churn.features` (which turns them into
features either way): first and last purchase, counts and revenue in the windows before the
cutoff, negative lines, complaints, channel and type counts, satisfaction sums. The frames are
registered with DuckDB, not copied; customers are matched by a join with ``ids``, not an ``isin``
over every row. An order's lines are summed by its number (its date and customer its first
line's), as `purchases_of` does; a purchase is an order with amount > 0. ``ENGINE_MIN_ROWS`` is
the size from which `build_features(engine="auto")` comes here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.core.duckdb_engine import connect_duckdb, sql_ident, sql_text
from workbench.core.errors import WorkbenchError

ENGINES = ("auto", "pandas", "duckdb")
# Tables (orders, interactions) with at least this many rows go to DuckDB under engine="auto".
# On frames already in memory the numpy pass is as fast or faster at every size measured (2 cores,
# shared): demo data at 100k customers (1M orders) orders 1.7 s vs 3.2 s, interactions 0.7 s vs
# 1.4 s; at 1M customers (10M orders) orders 12.8 s vs 18.1 s, interactions 4.7 s vs 8.5 s, with
# the same peak memory (the frames are in memory either way). So no crossover was seen and the
# threshold sits far above it; DuckDB stays for `engine="duckdb"` and tables larger still.
ENGINE_MIN_ROWS = 50_000_000
ORDER_TOTALS = ("first", "last", "purchases", "purchase_days", "orders_last_90d",
                "orders_prev_90d", "revenue_last_90d", "revenue_prev_90d", "revenue_365d",
                "revenue_total", "returns_365d")  # fmt: skip
_ZERO_WHEN_NONE = ORDER_TOTALS[2:]  # counts and sums: 0 for a customer without rows

_ORDERS_SQL = """
WITH lines AS (
    SELECT w.pos, o._row, {order_key} AS order_key, o.order_date AS ts, o.amount
    FROM source o JOIN wanted w ON o.customer_id = w.customer_id
    WHERE o.order_date < {cut}
), orders AS (  -- lines without a number: each its own group
    SELECT order_key IS NULL AS unnumbered,
           arg_min(pos, _row) AS pos,
           arg_min(ts, _row) AS ts,
           sum(amount) AS amount,
           count(*) AS lines,
           count(*) FILTER (WHERE amount < 0 AND ts >= {year}) AS returned
    FROM lines
    GROUP BY order_key, CASE WHEN order_key IS NULL THEN _row END
), numbered AS (  -- as order_totals: numbers not unique → lines without one are dropped
    SELECT max(lines) = 1 AND count(*) FILTER (WHERE unnumbered) <= 1 AS unique_numbers
    FROM orders
), flagged AS (
    SELECT orders.*, amount > 0 AND (NOT unnumbered OR unique_numbers) AS buy
    FROM orders, numbered
)
SELECT pos,
       min(ts) FILTER (WHERE buy) AS first,
       max(ts) FILTER (WHERE buy) AS last,
       count(*) FILTER (WHERE buy) AS purchases,
       count(DISTINCT CAST(ts AS DATE)) FILTER (WHERE buy) AS purchase_days,
       count(*) FILTER (WHERE buy AND ts >= {last_90}) AS orders_last_90d,
       count(*) FILTER (WHERE buy AND ts >= {prev_90} AND ts < {last_90}) AS orders_prev_90d,
       sum(amount) FILTER (WHERE buy AND ts >= {last_90}) AS revenue_last_90d,
       sum(amount) FILTER (WHERE buy AND ts >= {prev_90} AND ts < {last_90}) AS revenue_prev_90d,
       sum(amount) FILTER (WHERE buy AND ts >= {year}) AS revenue_365d,
       sum(amount) FILTER (WHERE buy) AS revenue_total,
       sum(returned) AS returns_365d
FROM flagged
GROUP BY pos
"""

_INTERACTIONS_SQL = """
WITH rows AS (
    SELECT w.pos, i.interaction_date AS ts, {complaint} AS complaint, {score} AS score{extra}
    FROM source i JOIN wanted w ON i.customer_id = w.customer_id
    WHERE i.interaction_date < {cut}
)
SELECT pos,
       max(ts) AS "last",
       count(*) FILTER (WHERE ts >= {last_90}) AS "interactions_90d",
       count(*) FILTER (WHERE complaint AND ts >= {last_90}) AS "complaints_90d",
       count(*) FILTER (WHERE complaint AND ts >= {year}) AS "complaints_365d",
       sum(score) FILTER (WHERE ts >= {recent}) AS "satisfaction_sum_180d",
       count(score) FILTER (WHERE ts >= {recent}) AS "satisfaction_n_180d",
       sum(score) FILTER (WHERE ts < {recent} AND ts >= {year}) AS "satisfaction_sum_before",
       count(score) FILTER (WHERE ts < {recent} AND ts >= {year}) AS "satisfaction_n_before"
       {counts}
FROM rows
GROUP BY pos
"""


def order_aggregates(
    ids: pd.Index, orders: pd.DataFrame, cutoff: pd.Timestamp, **engine: object
) -> dict[str, np.ndarray]:
    """Per customer of ``ids`` (unique, in their order): the `ORDER_TOTALS` as of ``cutoff``
    (first/last purchase as datetime64, NaT when none; the rest float, 0 when none)."""
    cutoff = pd.Timestamp(cutoff)
    columns = [c for c in ("customer_id", "order_id", "order_date", "amount") if c in orders]
    frame = orders[columns].assign(_row=np.arange(len(orders), dtype=np.int64))
    key = "o.order_id" if "order_id" in orders.columns else "o._row"
    query = _ORDERS_SQL.format(order_key=key, **_bounds(cutoff))
    found = _run(query, frame, ids, **engine)
    return _by_position(found, len(ids), ORDER_TOTALS, orders["order_date"].dtype)


def interaction_aggregates(
    ids: pd.Index, interactions: pd.DataFrame, cutoff: pd.Timestamp, spec: object, **engine: object
) -> dict[str, np.ndarray]:
    """Per customer of ``ids``: the last interaction, the counts of the interaction features
    (with ``spec``'s channels and types) and the satisfaction sums and counts."""
    cutoff = pd.Timestamp(cutoff)
    bounds = _bounds(cutoff)
    names = [c for c in ("customer_id", "interaction_date", "type", "channel", "satisfaction")
             if c in interactions]  # fmt: skip
    frame = interactions[names]
    texts = {c for c in ("type", "channel") if c in frame and _is_text(frame[c])}
    extra, counts, wanted = "", "", ["last", "interactions_90d", "complaints_90d",
                                     "complaints_365d"]  # fmt: skip
    for column, values in (("channel", spec.channels), ("type", spec.types)):  # type: ignore[attr-defined]
        for k, value in enumerate(values):
            flag = f"{column}_{k}"
            test = f"{column}::VARCHAR = '{sql_text(value)}'" if column in texts else "false"
            extra += f", {test} AS {flag}"
            name = f"{column}:{value}"
            counts += f",\n       count(*) FILTER (WHERE {flag} AND ts >= {bounds['year']}) AS {sql_ident(name)}"
            wanted.append(name)
    rated = "satisfaction_180d" in spec.numeric  # type: ignore[attr-defined]
    if rated:
        wanted += ["satisfaction_sum_180d", "satisfaction_n_180d", "satisfaction_sum_before",
                   "satisfaction_n_before"]  # fmt: skip
    query = _INTERACTIONS_SQL.format(
        complaint="type::VARCHAR = '投诉'" if "type" in texts else "false",  # an ENUM: any text
        score=_score(frame) if rated else "NULL::DOUBLE",
        extra=extra,
        counts=counts,
        recent=_stamp(cutoff - pd.Timedelta(days=180)),
        **bounds,
    )
    found = _run(query, frame, ids, **engine)
    return _by_position(found, len(ids), tuple(wanted), interactions["interaction_date"].dtype)


def _bounds(cutoff: pd.Timestamp) -> dict[str, str]:
    """SQL timestamps of the cutoff and the starts of the windows before it."""
    return {"cut": _stamp(cutoff), "last_90": _stamp(cutoff - pd.Timedelta(days=90)),
            "prev_90": _stamp(cutoff - pd.Timedelta(days=180)),
            "year": _stamp(cutoff - pd.Timedelta(days=365))}  # fmt: skip


def _stamp(moment: pd.Timestamp) -> str:
    return f"TIMESTAMP '{moment.isoformat(sep=' ')}'"


def _score(frame: pd.DataFrame) -> str:
    """SQL for satisfaction as a number, NULL where it is not one (as ``pd.to_numeric``)."""
    if pd.api.types.is_numeric_dtype(frame["satisfaction"]):
        return "CAST(satisfaction AS DOUBLE)"
    return "TRY_CAST(satisfaction AS DOUBLE)"


def _is_text(column: pd.Series) -> bool:
    """Whether values compare as text (pandas compares a number with a string as unequal): text,
    or a categorical of text (an event log's category column, `Table.coded`)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return pd.api.types.is_string_dtype(column.dtype.categories)
    return pd.api.types.is_string_dtype(column)


def _run(
    query: str,
    frame: pd.DataFrame,
    ids: pd.Index,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    threads: int | None = None,
) -> pd.DataFrame:
    """``query`` over ``frame`` (as ``source``) and ``ids`` (as ``wanted``: customer_id, pos)."""
    import duckdb  # a dependency; imported here so the pandas path does not load it

    wanted = pd.DataFrame({"customer_id": ids.to_numpy(), "pos": np.arange(len(ids))})
    con = None
    try:
        con = connect_duckdb(memory_limit, temp_directory, threads)
        con.register("source", frame)
        con.register("wanted", wanted)
        return con.sql(query).to_arrow_table().to_pandas()
    except duckdb.Error as error:
        raise WorkbenchError(f"DuckDB could not build the churn features: {error}") from error
    finally:
        if con is not None:
            con.close()


def _by_position(
    found: pd.DataFrame, n: int, names: tuple[str, ...], date_dtype: object
) -> dict[str, np.ndarray]:
    """DuckDB's rows (one per customer found, column ``pos``) → arrays over all ``n`` customers:
    dates NaT and counts/sums 0 where a customer has no row (or no row of that kind)."""
    pos = found["pos"].to_numpy()
    out: dict[str, np.ndarray] = {}
    for name in names:
        column = found[name]
        if name in ("first", "last"):
            values = np.full(n, np.datetime64("NaT"), dtype=np.dtype(date_dtype))
            values[pos] = column.to_numpy(dtype=values.dtype, na_value=np.datetime64("NaT"))
        else:
            values = np.zeros(n)
            values[pos] = column.to_numpy(dtype=float, na_value=0.0)
        out[name] = values
    return out

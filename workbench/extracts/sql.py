"""SQL sources: load the five extracts from a database through SQLAlchemy.

Each table comes from a table (found by its English or Chinese name, like the files) or from a
`SELECT …` query, and then takes the same path as a file (`workbench.extracts.loader.type_extract`): the
same header aliases, parsers, quarantine and issues. In those rows `file` is
`sql:<table or query>` and `row` is the 1-based row number in the result.
"""

from __future__ import annotations

import re

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from workbench.core.errors import ExtractError
from workbench.extracts.loader import Extracts, check_table_names, combine_extracts, type_extract
from workbench.extracts.raw import RawExtract, one_line
from workbench.extracts.schema import TABLES, Table, norm_header

FETCH_ROWS = 50_000  # rows fetched per round trip (server-side cursor where the driver has one)
_QUERY = re.compile(r"^\s*(\(\s*)*(select|with|values|table)\b", re.IGNORECASE)
_LABEL_CHARS = 60


def load_extracts_sql(
    url: str,
    sources: dict[str, str] | None = None,
    tables: tuple[str, ...] | None = None,
    schema: str | None = None,
) -> Extracts:
    """Load the extracts from the database at `url` (e.g. postgresql+psycopg2://…, sqlite:///…).

    `sources`: table → table name or `SELECT …`; others are found by name in `schema`.
    """
    engine = _engine(url)
    where = _safe_url(url)
    wanted = tables or tuple(TABLES)
    chosen = _sources_by_table(sources or {})
    check_table_names(wanted, {})
    results = {}
    try:
        with engine.connect() as connection:
            present = None
            for name in wanted:
                table = TABLES[name]
                source = chosen.get(name)
                if source is None:
                    if present is None:
                        present = _table_names(connection, schema)
                    source = _find_table(present, table, schema, where)
                label, query = _query(source, schema, connection)
                raw = _fetch(connection, query, label, where)
                results[name] = (label, type_extract(raw, table, source=label, where=label))
    except SQLAlchemyError as exc:
        raise ExtractError(f"{where}: {one_line(getattr(exc, 'orig', None) or exc)}") from None
    finally:
        engine.dispose()
    return combine_extracts(results)


def _engine(url: str) -> sa.Engine:
    try:
        return sa.create_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise ExtractError(
            f"{_safe_url(url)}: not a usable database URL ({one_line(exc)})"
        ) from None
    except ImportError as exc:
        raise ExtractError(f"{_safe_url(url)}: the database driver is missing ({exc})") from None


def _safe_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the database URL"


def _sources_by_table(sources: dict[str, str]) -> dict[str, str]:
    """Keys may be a table's English or Chinese name or a file alias (客户信息, orders …)."""
    names = {
        norm_header(alias): table.name
        for table in TABLES.values()
        for alias in (table.name, table.zh, *table.file_aliases)
    }
    chosen = {}
    for key, source in sources.items():
        name = names.get(norm_header(key))
        if name is None:
            raise ExtractError(
                f"sources: unknown table {key!r}; the tables are {', '.join(TABLES)}"
            )
        chosen[name] = source
    return chosen


def _table_names(connection: Connection, schema: str | None) -> list[str]:
    inspector = sa.inspect(connection)
    return [*inspector.get_table_names(schema=schema), *inspector.get_view_names(schema=schema)]


def _find_table(present: list[str], table: Table, schema: str | None, where: str) -> str:
    """The one table or view named like `table` (customers, 客户基本信息表, 客户信息 …)."""
    names = {norm_header(n) for n in (table.name, table.zh, *table.file_aliases)}
    found = [t for t in present if norm_header(t) in names]
    place = f"schema {schema}" if schema else "the default schema"
    if not found:
        tried = ", ".join(sorted({table.name, table.zh, *table.file_aliases}))
        listed = ", ".join(present[:30]) or "none"
        raise ExtractError(
            f"{where}: no table for {table.name} ({table.zh}) in {place}; expected one named "
            f"[{tried}]; tables found: {listed}"
        )
    if len(found) > 1:
        raise ExtractError(f"{where}: several tables could be {table.name}: {', '.join(found)}")
    return f"{schema}.{found[0]}" if schema else found[0]


def _query(source: str, schema: str | None, connection: Connection) -> tuple[str, str]:
    """(label, SQL) for a table name or a query."""
    if _QUERY.match(source):
        text = " ".join(source.split())
        short = text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"
        return f"sql:{short}", source
    owner, _, name = source.rpartition(".")
    owner = owner or schema
    quote = connection.dialect.identifier_preparer.quote
    qualified = f"{quote(owner)}.{quote(name)}" if owner else quote(name)
    return f"sql:{source}", f"SELECT * FROM {qualified}"


def _fetch(connection: Connection, query: str, label: str, where: str) -> RawExtract:
    """Run the query and keep every cell as the driver gives it (int, Decimal, date, str …).

    Cells stay Python objects so a phone stored as BIGINT keeps no '.0' and a NUMERIC keeps
    its digits; the shared parsers type them like spreadsheet cells.
    """
    if connection.dialect.paramstyle in ("format", "pyformat"):
        query = query.replace("%", "%%")  # a literal % (LIKE '10%') is not a placeholder
    try:
        result = connection.execution_options(stream_results=True).exec_driver_sql(query)
        columns = list(map(str, result.keys()))
        chunks = [
            pd.DataFrame(list(part), columns=range(len(columns)), dtype=object)
            for part in result.partitions(FETCH_ROWS)
        ]
    except SQLAlchemyError as exc:
        connection.rollback()
        detail = one_line(getattr(exc, "orig", None) or exc)
        raise ExtractError(f"{label}: the query failed on {where} ({detail})") from None
    frame = (
        pd.concat(chunks, ignore_index=True)
        if chunks
        else pd.DataFrame(columns=range(len(columns)), dtype=object)
    )
    frame.columns = columns
    rows = pd.Series(range(1, len(frame) + 1), dtype="int64")
    return RawExtract(frame, rows, header_row=0)

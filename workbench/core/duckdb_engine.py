"""How the workbench opens DuckDB for its engine paths (the CLV summary, the churn aggregates),
and quotes what goes into their SQL: one place, so every path streams, stays quiet in notebooks
and spills the same way."""

from __future__ import annotations

import tempfile
from pathlib import Path


def connect_duckdb(
    memory_limit: str | None = None,
    temp_directory: str | Path | None = None,
    threads: int | None = None,
) -> object:
    """A DuckDB connection that streams (no insertion order kept), prints no progress bar into
    notebooks' output, and past ``memory_limit`` (e.g. ``"2GB"``; DuckDB's default is 80% of
    RAM) spills to ``temp_directory`` (default: a folder in the system temp dir)."""
    import duckdb  # a dependency; imported here so the pandas paths do not load it

    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")
        spill = Path(temp_directory) if temp_directory else Path(tempfile.gettempdir())
        con.execute(f"SET temp_directory = '{sql_text(str(spill / 'workbench-duckdb'))}'")
        if memory_limit:
            con.execute(f"SET memory_limit = '{sql_text(memory_limit)}'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
    except BaseException:
        con.close()
        raise
    return con


def sql_text(text: str) -> str:
    """Text for inside a single-quoted SQL literal."""
    return text.replace("'", "''")


def sql_ident(name: str) -> str:
    """A column name as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'

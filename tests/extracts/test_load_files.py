"""Tests for `load_extracts` reading workbooks on a second thread: the same tables as one file at a
time, the workbooks really beside the other files, and the error the files in order give first."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest

from workbench.core.errors import ExtractError
from workbench.extracts import loader
from workbench.extracts.loader import load_extracts

TABLE_ORDER = ["customers", "orders", "interactions", "requirements", "opportunities"]


@pytest.fixture
def two_workbooks(demo_dir: Path, tmp_path: Path) -> Path:
    """The demo's extracts with the customers as a workbook too: customers.xlsx (1st table) and
    requirements.xlsx (4th), CSVs between and after them."""
    folder = tmp_path / "extracts"
    shutil.copytree(demo_dir, folder, ignore=shutil.ignore_patterns("_cache", "_truth"))
    csv = folder / "customers.csv"
    cells = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="gb18030")
    cells.to_excel(folder / "customers.xlsx", index=False, engine="openpyxl")
    csv.unlink()
    return folder


def assert_same_extracts(one, other) -> None:
    assert list(one.tables) == list(other.tables)
    for name in one.tables:
        pd.testing.assert_frame_equal(one.tables[name], other.tables[name], check_exact=True)
    pd.testing.assert_frame_equal(one.quarantine, other.quarantine, check_exact=True)
    pd.testing.assert_frame_equal(one.issues, other.issues, check_exact=True)
    assert (one.sources, one.rows_read, one.in_file) == (
        other.sources,
        other.rows_read,
        other.in_file,
    )


def test_workbooks_load_on_a_second_thread_as_one_file_at_a_time_would(
    two_workbooks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: dict[str, str] = {}
    load_counted = loader._load_counted

    def recorded(file, table, sheet):
        threads[file.name] = threading.current_thread().name
        return load_counted(file, table, sheet)

    monkeypatch.setattr(loader, "_load_counted", recorded)
    together = load_extracts(two_workbooks)
    main = threading.main_thread().name
    assert {f for f, t in threads.items() if t != main} == {"customers.xlsx", "requirements.xlsx"}
    assert list(together.tables) == TABLE_ORDER  # the tables' order, not the loads'
    assert list(together.sources) == TABLE_ORDER and list(together.in_file) == TABLE_ORDER
    assert len(together.customers) > 0 and together.reconciliation()["balanced"].all()
    monkeypatch.setattr(loader, "XLSX_SUFFIXES", ())  # every file on this thread, in order
    assert_same_extracts(together, load_extracts(two_workbooks))


@pytest.mark.parametrize(
    ("broken", "named"),
    [
        (["orders.csv", "requirements.xlsx"], r"orders\.csv"),  # a CSV before a workbook
        (["customers.xlsx", "orders.csv"], r"customers\.xlsx"),  # a workbook before a CSV
        (["customers.xlsx", "requirements.xlsx"], r"customers\.xlsx"),  # both workbooks
        (["requirements.xlsx"], r"requirements\.xlsx"),  # the second workbook alone
        (["interactions.csv", "requirements.xlsx"], r"interactions\.csv"),
    ],
)
def test_the_error_is_the_one_the_files_in_order_give_first(
    two_workbooks: Path, broken: list[str], named: str
) -> None:
    for name in broken:
        (two_workbooks / name).write_bytes(b"\x00\x01\x02binary\x00")
    with pytest.raises(ExtractError, match=named):
        load_extracts(two_workbooks)


def test_a_workbook_before_a_failing_csv_fails_first_though_later_in_time(
    two_workbooks: Path,
) -> None:
    """requirements.xlsx (4th) is broken and opportunities.csv (5th) empty: the CSV fails on
    this thread while the workbook is still being read; the workbook's error is the one raised."""
    (two_workbooks / "opportunities.csv").write_bytes(b"")
    (two_workbooks / "requirements.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ExtractError, match=r"requirements\.xlsx"):
        load_extracts(two_workbooks)


def test_the_largest_csv_loads_first_and_the_tables_keep_their_order(
    two_workbooks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file's load holds its raw cells beside its typed ones: the largest, first, does so
    while no other table is held yet."""
    order: list[str] = []
    load_counted = loader._load_counted

    def recorded(file, table, sheet):
        if threading.current_thread() is threading.main_thread():
            order.append(file.name)
        return load_counted(file, table, sheet)

    monkeypatch.setattr(loader, "_load_counted", recorded)
    extracts = load_extracts(two_workbooks)
    csvs = sorted(two_workbooks.glob("*.csv"), key=lambda p: p.stat().st_size, reverse=True)
    assert order == [p.name for p in csvs] and order[0] == "interactions.csv"
    assert list(extracts.tables) == TABLE_ORDER and list(extracts.sources) == TABLE_ORDER


def _without_date_column(file: Path) -> None:
    """`file` as large as it was, its date header renamed: a required column missing."""
    data = file.read_bytes()
    for encoding in ("utf-8", "gb18030"):
        try:
            header = data[: data.index(b"\n")].decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    renamed = header.replace("跟进日期", "跟进日子").encode(encoding)
    file.write_bytes(renamed + data[data.index(b"\n") :])


def test_a_failing_large_file_read_first_gives_way_to_an_earlier_tables_error(
    two_workbooks: Path,
) -> None:
    """interactions.csv (3rd, the largest: read first) fails; orders.csv (2nd, read after it)
    fails too: the orders' error is the one raised, as reading in order would give."""
    _without_date_column(two_workbooks / "interactions.csv")
    with pytest.raises(ExtractError, match=r"interactions\.csv.*missing required"):
        load_extracts(two_workbooks)
    (two_workbooks / "orders.csv").write_bytes(b"\x00\x01\x02binary\x00")
    with pytest.raises(ExtractError, match=r"orders\.csv"):
        load_extracts(two_workbooks)

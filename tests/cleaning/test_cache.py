import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from workbench.cleaning import cache
from workbench.cleaning.settings import CleaningSettings


@pytest.fixture
def data_dir(demo_dir, tmp_path):
    target = tmp_path / "extracts"
    shutil.copytree(demo_dir, target, ignore=shutil.ignore_patterns("_cache"))
    return target


def test_cache_is_written_then_read_back_identically(data_dir):
    first = cache.load_clean(data_dir)
    entries = [p for p in (data_dir / "_cache").iterdir() if p.name != "digests"]
    assert len(entries) == 1 and (entries[0] / "meta.json").exists()
    second = cache.load_clean(data_dir)
    for name in first.tables:
        pd.testing.assert_frame_equal(first[name], second[name], check_dtype=False)
    pd.testing.assert_frame_equal(first.changes, second.changes, check_dtype=False)
    assert second.reconciliation()["balanced"].all()
    assert second.as_of == first.as_of
    declared = pq.ParquetFile(entries[0] / "table-orders.parquet").metadata.row_group(0)
    names = second.orders.columns
    assert [names[c.column_index] for c in declared.sorting_columns] == [
        "customer_id",
        "order_date",
    ]  # what summarize_auto reads it by


def test_changed_input_bytes_or_settings_or_code_give_a_new_key(data_dir, monkeypatch):
    settings = CleaningSettings()
    key = cache.cache_key(data_dir, settings)
    assert cache.cache_key(data_dir, CleaningSettings(completeness_target=0.95)) != key
    orders = data_dir / "orders.csv"
    orders.write_bytes(orders.read_bytes() + b"\n")
    assert cache.cache_key(data_dir, settings) != key
    memoised = cache.cache_key(data_dir, settings)
    orders.write_bytes(orders.read_bytes().replace(b"\r\n", b"\n", 1))  # same path, new bytes
    assert cache.cache_key(data_dir, settings) != memoised
    monkeypatch.setattr(cache, "code_version", lambda: "another-version")
    assert cache.cache_key(data_dir, settings) not in (key,)


def test_a_lost_race_to_write_the_same_cache_is_harmless(data_dir):
    result = cache.load_clean(data_dir)
    target = data_dir / "_cache" / cache.cache_key(data_dir, CleaningSettings())
    cache.write_result(result, target)  # already there: the second writer gives way
    assert sorted(p.name for p in (data_dir / "_cache").iterdir()) == sorted(
        [target.name, "digests"]
    )


def test_nothing_written_to_the_cache_holds_raw_pii(data_dir):
    from workbench.cleaning.pipeline import clean
    from workbench.io import load_extracts

    raw = clean(load_extracts(data_dir))
    phones = set(raw.customers["phone"].dropna()) | set(
        raw.changes.loc[raw.changes["field"] == "phone", "old"].dropna()
    )
    ids = set(raw.customers["id_number"].dropna())
    emails = set(raw.customers["email"].dropna())
    assert phones and ids and emails
    cache.load_clean(data_dir)
    target = data_dir / "_cache" / cache.cache_key(data_dir, CleaningSettings())
    for file in target.glob("*.parquet"):
        frame = pd.read_parquet(file)
        cells = set(frame.astype("str").to_numpy().ravel())
        assert not cells & phones, file.name
        assert not cells & ids, file.name
        assert not cells & emails, file.name
    cached = cache.load_clean(data_dir)
    assert "phone" not in cached.customers and "phone_masked" in cached.customers
    assert "raw" not in cached.quarantine


def test_the_code_version_hashes_every_module_loading_and_cleaning_depend_on():
    """Move or add a module the cleaning imports, and the cache key must follow it."""
    from test_architecture import import_graph

    graph, seen, todo = import_graph(), set(), ["workbench.cleaning.cache"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += graph[module]
    assert {
        "workbench.extracts.loader",
        "workbench.cleaning.dedupe",
        "workbench.core.geography",
    } <= seen
    package = Path(cache.__file__).resolve().parents[1]
    hashed = set()
    for part in cache._CODE_PARTS:
        path = package / part
        hashed |= set(path.rglob("*.py")) if path.is_dir() else {path}
    seen.discard("workbench")  # the package itself: its __version__ is hashed
    needed = {package.parent / (m.replace(".", "/") + ".py") for m in seen}
    needed = {p if p.exists() else p.with_suffix("") / "__init__.py" for p in needed}
    assert sorted(str(p) for p in needed - hashed) == []

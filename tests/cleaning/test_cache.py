import dataclasses
import gc
import os
import shutil
import weakref
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.ipc
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
        pd.testing.assert_frame_equal(first[name], second[name], check_exact=True)
        file = entries[0] / f"table-{name}.arrow"  # mapped, not decoded: one batch, uncompressed
        assert pa.ipc.open_file(pa.memory_map(str(file))).num_record_batches == 1
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
    files = sorted(target.glob("*.parquet")) + sorted(target.glob("*.arrow"))
    assert len(files) == len(list(target.iterdir())) - 1  # all but meta.json
    for file in files:
        frame = pd.read_parquet(file) if file.suffix == ".parquet" else cache.read_table(file)
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


def test_a_cached_table_can_be_changed_like_any_frame(data_dir):
    cache.load_clean(data_dir)
    orders = cache.load_clean(data_dir).orders  # mapped from the file, privately
    first = orders.loc[0, "amount"]
    before = orders.copy(deep=True)
    orders["amount"] *= 2
    orders.loc[0, "customer_id"] = "C-EDITED"
    assert orders.loc[0, "amount"] == 2 * first and orders.loc[0, "customer_id"] == "C-EDITED"
    # written in place, as an analyst does: numbers, dates, a category (pyarrow's views of the
    # file are read-only; pandas refused these with "assignment destination is read-only")
    orders.loc[0, "source_row"] = -1
    orders.loc[orders["amount"] > 0, "amount"] = 1.0
    orders.loc[1, "order_date"] = pd.Timestamp("2001-02-03")
    orders.loc[1, "payment_method"] = orders["payment_method"].cat.categories[0]
    assert orders.loc[0, "source_row"] == -1 and (orders["amount"] <= 1).all()
    assert orders.loc[1, "order_date"] == pd.Timestamp("2001-02-03")
    again = cache.load_clean(data_dir).orders  # the file is untouched
    assert again.loc[0, "amount"] == first and again.loc[0, "customer_id"] != "C-EDITED"
    pd.testing.assert_frame_equal(again, before)


def test_a_table_read_for_some_columns_has_those_columns_as_read_whole(data_dir):
    orders = cache.load_clean(data_dir).orders
    target = data_dir / "_cache" / cache.cache_key(data_dir, CleaningSettings())
    some = cache.read_table(target / "table-orders.arrow", columns=["order_date", "amount"])
    assert list(some.columns) == ["order_date", "amount"]
    pd.testing.assert_frame_equal(some, orders[["order_date", "amount"]], check_exact=True)


def test_only_the_most_recently_used_entries_are_kept(tmp_path):
    folder = tmp_path / "_cache"
    (folder / "digests").mkdir(parents=True)
    for age, name in enumerate(["e0", "e1", "e2", "e3", "e4"]):  # e0 the newest
        (folder / name).mkdir()
        (folder / name / "meta.json").write_text("{}")
        os.utime(folder / name / "meta.json", ns=(0, 10**18 - age * 10**9))
    cache.prune(folder, keep=folder / "e4")
    assert sorted(p.name for p in folder.iterdir()) == ["digests", "e0", "e1", "e2", "e4"]
    cache.prune(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["digests", "e0", "e1", "e2"]


def test_reading_an_entry_marks_it_used_and_a_broken_entry_is_cleaned_afresh(data_dir):
    first = cache.load_clean(data_dir)
    entry = data_dir / "_cache" / cache.cache_key(data_dir, CleaningSettings())
    os.utime(entry / "meta.json", ns=(0, 10**9))
    cache.load_clean(data_dir)
    assert (entry / "meta.json").stat().st_mtime_ns > 10**9  # pruning sees it as used
    (entry / "table-orders.arrow").unlink()  # another process pruning it right now
    again = cache.load_clean(data_dir)
    pd.testing.assert_frame_equal(again.orders, first.orders)
    assert (entry / "table-orders.arrow").is_file()  # written again


@pytest.mark.parametrize("use_cache", [True, False])
def test_load_clean_leaves_the_loaded_extracts_to_clean_alone(data_dir, monkeypatch, use_cache):
    """`clean` frees each loaded table as its cleaned one replaces it, if nothing else holds the
    `Extracts`: a call's argument tuple (``clean(load_extracts(…), *inputs)``) held them through
    the whole cleaning, 1.2 GB more at 1M customers."""
    held = []
    real_clean = cache.clean

    def spy(extracts, *rest):
        copy = dataclasses.replace(extracts)  # cleaned instead: the one given is let go
        given = weakref.ref(extracts)
        del extracts
        gc.collect()
        held.append(given() is not None)
        return real_clean(copy, *rest)

    monkeypatch.setattr(cache, "clean", spy)
    result = cache.load_clean(data_dir, use_cache=use_cache)
    assert held == [False] and len(result.orders)


def test_a_tables_categoricals_are_read_as_codes_in_the_files_pages(tmp_path):
    """An event log's categoricals come back as they were written, their codes a view of the
    file's pages rather than converted (the cached read's main cost at 1M customers): a full
    column, an all-missing one (text categories) and one with some missing (converted)."""
    text = pd.CategoricalDtype(pd.Index(["微信", "支付宝", "现金"], dtype="str"))
    frame = pd.DataFrame({
        "order_id": [f"O{i}" for i in range(6)],
        "paid": pd.Categorical(["支付宝", "微信", "现金", "微信", "微信", "支付宝"], dtype=text),
        "absent": pd.Categorical([None] * 6, dtype=pd.CategoricalDtype(pd.Index([], dtype="str"))),
        "some": pd.Categorical(["a", None, "b", "a", None, "b"]).set_categories(
            pd.Index(["a", "b"], dtype="str")
        ),
        "amount": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    })  # fmt: skip
    cache.write_table(frame, tmp_path / "t.arrow")
    back = cache.read_table(tmp_path / "t.arrow")
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert not back["paid"].array.codes.flags.owndata  # the file's pages, not a copy
    assert back["absent"].dtype.categories.dtype == "str" and back["absent"].isna().all()
    back.loc[0, "paid"] = "现金"  # a private mapping: written like any frame, the file untouched
    assert back.loc[0, "paid"] == "现金"
    assert cache.read_table(tmp_path / "t.arrow").loc[0, "paid"] == "支付宝"
    some = cache.read_table(tmp_path / "t.arrow", columns=["some", "paid"])
    pd.testing.assert_frame_equal(some, frame[["some", "paid"]], check_exact=True)


def test_a_tables_nullable_integers_are_read_on_the_files_pages(tmp_path):
    """Nullable integers (scores, line numbers) come back as written, their values a view of the
    file's pages and their mask from the validity bits: full, all missing, some missing at
    places a byte's bits cross (the 9th and 17th), and unsigned; written like any column."""
    n = 20
    frame = pd.DataFrame({
        "score": pd.array(list(range(n)), dtype="Int64"),
        "line_no": pd.array([None] * n, dtype="Int64"),
        "pages": pd.array([None if i in (0, 8, 16, 19) else i for i in range(n)], dtype="Int32"),
        "small": pd.array([i % 3 if i % 4 else None for i in range(n)], dtype="UInt8"),
    })  # fmt: skip
    cache.write_table(frame, tmp_path / "t.arrow")
    back = cache.read_table(tmp_path / "t.arrow")
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert not back["score"].array._data.flags.owndata  # the file's pages, not a copy
    assert not back["pages"].array._data.flags.owndata
    back.loc[1, "score"] = 100
    back.loc[0, "line_no"] = 7
    assert back.loc[1, "score"] == 100 and back.loc[0, "line_no"] == 7
    pd.testing.assert_frame_equal(cache.read_table(tmp_path / "t.arrow"), frame, check_exact=True)
    some = cache.read_table(tmp_path / "t.arrow", columns=["pages", "score"])
    pd.testing.assert_frame_equal(some, frame[["pages", "score"]], check_exact=True)

"""The whole cleaning pipeline on a small generated demo set, scored against its ground truth."""

import gc
import weakref

import pandas as pd
import pytest

from workbench.cleaning import industry, normalise, pipeline, regions
from workbench.cleaning.audit import Audit
from workbench.cleaning.order_sort import in_order
from workbench.cleaning.pipeline import clean
from workbench.cleaning.privacy import public_view
from workbench.cleaning.retention import retention_list
from workbench.cleaning.settings import CleaningSettings
from workbench.core import threads
from workbench.extracts.loader import Extracts
from workbench.io import load_extracts


@pytest.fixture(scope="module")
def cleaned(demo_dir):
    return clean(load_extracts(demo_dir))


@pytest.fixture(scope="module")
def truth(demo_dir):
    dirt = pd.read_csv(demo_dir / "_truth" / "dirt.csv", dtype=str)
    duplicates = pd.read_csv(demo_dir / "_truth" / "duplicates.csv", dtype=str)
    return dirt, duplicates


def test_every_row_is_clean_merged_or_quarantined(cleaned):
    rec = cleaned.reconciliation()
    assert rec["balanced"].all(), rec
    assert rec.loc["customers", "merged"] == len(cleaned.merges) > 0
    assert rec.loc["orders", "quarantined"] > 0


def test_orders_are_in_customer_order_after_the_merge(cleaned, demo_dir):
    orders = cleaned["orders"]
    assert in_order(orders)  # sorted before the merge, re-pointed ids would break the order
    assert list(orders.index) == list(range(len(orders)))
    raw = load_extracts(demo_dir)["orders"]  # every clean order still traces to its source row
    assert set(orders["source_row"]) <= set(raw["source_row"])
    assert orders["source_row"].is_unique


def test_children_point_at_survivors_only(cleaned):
    merged = set(cleaned.merges["customer_id"])
    for name in ("orders", "interactions", "requirements", "opportunities"):
        assert not merged & set(cleaned[name]["customer_id"]), name
    assert not merged & set(cleaned.customers["customer_id"])
    repointed = cleaned.changes[cleaned.changes["rule"] == "merge_repoint"]
    assert len(repointed) > 0
    assert set(repointed["old"]) <= merged and set(repointed["new"]) <= set(
        cleaned.merges["survivor_id"]
    )


def test_audit_rows_are_complete_and_traceable(cleaned):
    changes = cleaned.changes
    assert len(changes) > 0
    assert changes[["table", "key", "field", "rule"]].notna().all().all()
    phone = changes[changes["field"] == "phone"].iloc[0]
    customers = cleaned.customers.set_index("customer_id")
    if phone["key"] in customers.index:
        assert customers.loc[phone["key"], "phone"] == phone["new"]


def test_injected_contradictions_are_flagged(cleaned, truth):
    dirt, _ = truth
    flags = cleaned.flags
    for kind, rule in (("negative_amount", "negative_amount"), ("deal_before_contact", "deal_before_contact"),
                       ("unknown_customer", "unknown_customer")):  # fmt: skip
        keys = set(dirt.loc[dirt["kind"] == kind, "key"])
        flagged = set(flags.loc[flags["rule"] == rule, "key"])
        assert keys and keys <= flagged, kind


def test_dedupe_recall_and_precision_against_truth(cleaned, truth):
    _, duplicates = truth
    true_pairs = {
        frozenset(p) for p in duplicates[["duplicate_id", "survivor_id"]].itertuples(index=False)
    }
    found = {
        frozenset(p) for p in cleaned.merges[["customer_id", "survivor_id"]].itertuples(index=False)
    }
    recall = len(found & true_pairs) / len(true_pairs)
    precision = len(found & true_pairs) / len(found)
    assert recall >= 0.95 and precision >= 0.98, (recall, precision)


def test_pii_is_masked_for_display(cleaned):
    customers = cleaned.customers
    mobile = customers["phone"].str.fullmatch(r"1\d{10}", na=False)
    assert customers.loc[mobile, "phone_masked"].str.fullmatch(r"1\d{2}\*{4}\d{4}").all()
    shown = public_view(customers)
    assert not {"phone", "email", "id_number"} & set(shown.columns)


def test_completeness_to_complete_and_retention(cleaned):
    table = cleaned.completeness.set_index("field")
    assert set(table.index) == set(CleaningSettings().key_fields)
    assert (table["completeness"] > 0.8).all()
    listed = cleaned.to_complete
    assert len(listed) > 0 and set(listed["customer_id"]) <= set(cleaned.customers["customer_id"])
    assert cleaned.as_of == cleaned.orders["order_date"].max()
    assert (cleaned.retention["keep_until"] < cleaned.as_of).all()


def test_clean_lets_go_of_loaded_extracts_the_caller_does_not_keep(tiny_extracts, monkeypatch):
    """`clean(load_extracts(...))`, as load_clean calls it: by the time the orders are sorted the
    loaded Extracts are gone, so each loaded table goes when its cleaned one replaces it."""
    loaded, alive = [], []
    sort = pipeline.in_customer_order

    def in_customer_order(orders: pd.DataFrame, release: bool = False) -> pd.DataFrame:
        gc.collect()
        alive.append(loaded[0]() is not None)
        return sort(orders, release)

    def load() -> Extracts:
        extracts = load_extracts(tiny_extracts)
        loaded.append(weakref.ref(extracts))
        return extracts

    monkeypatch.setattr(pipeline, "in_customer_order", in_customer_order)
    result = clean(load())
    assert alive == [False]
    assert result.rows_read == {"customers": 3, "orders": 7} and len(result.quarantine) > 0


def test_lookups_in_row_slices_give_the_same_result(demo_dir, cleaned, monkeypatch):
    """Validation, merging and retention look customer ids up in row slices on threads from
    `SLICE_FROM` rows on (1M); sliced from 2 rows on, every table and frame is the same."""
    monkeypatch.setattr(threads, "SLICE_FROM", 2)
    sliced = clean(load_extracts(demo_dir))
    assert len(sliced.merges) > 0 and (sliced.flags["rule"] == "unknown_customer").any()
    for name, table in cleaned.tables.items():
        pd.testing.assert_frame_equal(sliced.tables[name], table)
    for frame in pipeline.FRAMES:
        pd.testing.assert_frame_equal(getattr(sliced, frame), getattr(cleaned, frame))


def test_steps_side_by_side_leave_the_trail_they_leave_in_turn(demo_dir, cleaned, monkeypatch):
    """Validation runs beside the matcher and the other tables' categories beside the
    customers' rules, each into an audit of its own: joined, the trail is the serial one."""
    pair = cleaned.pairs.iloc[0]
    decisions = pd.DataFrame(
        {
            "customer_id_a": [pair["left_id"], "X404"],
            "customer_id_b": [pair["right_id"], "X405"],
            "decision": ["keep_apart", "merge"],
        }
    )  # fmt: skip (a matched pair kept apart, and a pair of customers the extracts lack)

    def extracts() -> Extracts:  # with two interactions' channels to canonicalise and to flag
        loaded = load_extracts(demo_dir)
        channel = loaded.tables["interactions"]["channel"].astype(object)
        channel.iloc[:2] = ["phone", "飞鸽传书"]
        loaded.tables["interactions"]["channel"] = channel.astype("str")
        return loaded

    threaded = clean(extracts(), decisions=decisions)
    monkeypatch.setattr(pipeline, "side_by_side", lambda *calls: [call() for call in calls])
    in_turn = clean(extracts(), decisions=decisions)
    trail = pd.concat([in_turn.changes, in_turn.flags])
    rules = set(trail["rule"])
    assert {"phone_format", "merge_repoint", "unknown_customer", "dedupe_decision",
            "decision_unknown_customer"} <= rules  # fmt: skip
    others = trail[trail["table"] == "interactions"]
    assert {"category_canonical", "unknown_category"} <= set(others["rule"])
    for name, table in in_turn.tables.items():
        pd.testing.assert_frame_equal(threaded.tables[name], table)
    for frame in pipeline.FRAMES:
        pd.testing.assert_frame_equal(getattr(threaded, frame), getattr(in_turn, frame))


def test_the_customers_rules_on_two_threads_give_what_they_give_in_turn(demo_dir):
    """Names and places on one thread, contacts then the other tables beside them: the tables
    and the trail are those of every rule run in turn, columns in the same order."""
    settings = CleaningSettings()
    loaded = load_extracts(demo_dir).tables
    tables = {name: normalise.with_schema_columns(loaded[name], name) for name in loaded}
    customers = tables["customers"].copy()
    customers.loc[customers.index[:3], "region"] = ["华南", "火星", None]  # fill, flag
    customers.loc[customers.index[:2], "email"] = [" Li.Na@Example.COM ", "ｗａｎｇ@qq.com"]
    customers.loc[customers.index[3], "name"] = " 杭州云帆（中国）科技有限公司　"
    tables["customers"] = customers.assign(id_number=customers["id_number"].str.lower())
    in_turn = Audit()
    frame = tables["customers"]
    for rule in (normalise.normalise_names, normalise.normalise_phones,
                 normalise.normalise_emails, normalise.normalise_ids,
                 regions.map_regions, industry.map_industry):  # fmt: skip
        frame = rule(frame, in_turn)
    expected = {"customers": normalise.normalise_categories(
        frame, in_turn, "customers", settings.size_bands
    )}  # fmt: skip
    for name, table in tables.items():
        if name != "customers":
            expected[name] = normalise.normalise_categories(
                table, in_turn, name, settings.size_bands
            )
    threaded = Audit()
    out = pipeline._normalise(dict(tables), threaded, settings)
    assert "phone_kind" not in tables["customers"] and "phone_kind" in out["customers"]
    for name, table in expected.items():
        pd.testing.assert_frame_equal(out[name], table, check_exact=True)
    rules = set(in_turn.changes["rule"]) | set(in_turn.flags["rule"])
    assert {"name_format", "phone_format", "email_format", "id_format", "region_from_province",
            "unknown_category"} <= rules  # fmt: skip
    pd.testing.assert_frame_equal(threaded.changes, in_turn.changes)
    pd.testing.assert_frame_equal(threaded.flags, in_turn.flags)


def test_the_retention_list_reads_no_row_order(cleaned):
    """It is made beside the orders' sort, from the orders as merged: any row order gives it."""
    tables = dict(cleaned.tables)
    tables["orders"] = tables["orders"].iloc[::-1]
    assert len(cleaned.retention) > 0
    kept = retention_list(tables, CleaningSettings(), cleaned.as_of)
    pd.testing.assert_frame_equal(kept, cleaned.retention)

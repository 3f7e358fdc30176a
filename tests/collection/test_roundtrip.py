"""The round trip on the demo data: export every rep's completion workbook, fill them in as reps
would (a wrong value and a conflict included), re-import, and check the audit, the rejected
cells, completeness rising, and that nothing else changed."""

from __future__ import annotations

import html
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench.cleaning.cache import load_clean
from workbench.collection.completion import write_completion_workbooks
from workbench.collection.ledger import read_issued
from workbench.collection.queue import correction_effect, open_issues, queue_counts

ISSUED = date(2025, 1, 6)
DERIVED = {"phone": ("phone_masked", "phone_kind"),
           "industry": ("industry_section", "industry_division")}  # fmt: skip


@pytest.fixture(scope="module")
def round_trip(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("roundtrip") / "data"
    shutil.copytree(demo_dir, data, ignore=shutil.ignore_patterns("_cache", "_truth"))
    before = load_clean(data)
    sent = write_completion_workbooks(before, data.parent / "sent", ISSUED, data_dir=data)
    back = data / "corrections"
    back.mkdir(exist_ok=True)
    typed = {}  # (file, cell) → what was typed
    wrong = conflict = None
    for owner, path in sent.items():
        book = load_workbook(path)
        sheet = book["待补充与更正"]
        for row in sheet.iter_rows(min_row=2):
            field, cell = row[3].value, row[6]
            if field == "contact_title":
                cell.value = "销售经理" if owner == min(sent) else " 销售 经理 "
            elif field == "phone" and wrong is None:
                cell.value = "138-0013-800"  # ten digits: wrong
                wrong = (path.name, cell.coordinate, row[0].value)
            if cell.value is not None:
                typed[(path.name, cell.coordinate)] = (row[0].value, field)
        book.save(back / path.name)
        if conflict is None and any(f == "contact_title" for _, f in typed.values()):
            first = next(
                r for r in sheet.iter_rows(min_row=2) if r[3].value == "contact_title"
            )  # the same title, typed differently in a second copy
            first[6].value = "总监"
            book.save(back / f"再次提交_{path.name}")
            conflict = first[0].value
    after = load_clean(data)
    return before, after, typed, wrong, conflict, data


def test_every_applied_change_is_an_audit_row_with_its_source(round_trip):
    _, after, typed, _, _, _ = round_trip
    audit = after.changes[after.changes["rule"] == "manual_correction"]
    applied = after.corrections[after.corrections["status"] == "applied"]
    assert len(audit) == len(applied) > 20
    assert set(audit["field"]) == {"contact_title"}
    assert set(audit["new"]) == {"销售 经理", "销售经理"}  # spaces collapsed, not dropped
    assert audit["old"].isna().all()
    first = applied.iloc[0]
    source = audit.set_index("key").at[first["customer_id"], "source"]
    assert source.startswith(f"{first['owner']} · ") and source.endswith(
        f"{first['file']}!{first['cell']}"
    )
    copy = after.corrections.loc[after.corrections["file"].str.startswith("再次提交_"), "file"]
    copied = sum(file == copy.iloc[0].removeprefix("再次提交_") for file, _ in typed)
    assert len(after.corrections) == len(typed) + copied  # the second copy: every row again
    status = after.corrections["status"].value_counts().to_dict()
    assert status == {"applied": len(typed) - 2, "conflict": 2, "duplicate": copied - 1,
                      "rejected": 1}  # fmt: skip


def test_the_wrong_value_is_rejected_with_its_cell_named(round_trip):
    before, after, _, wrong, _, _ = round_trip
    file, cell, customer = wrong
    rejected = after.corrections[after.corrections["status"] == "rejected"]
    assert rejected[["file", "cell", "customer_id"]].values.tolist() == [[file, cell, customer]]
    assert rejected["reason"].iloc[0] == "联系电话无效：不是有效的手机或座机号码"
    assert "138-0013-800" not in after.corrections.to_csv()  # shown masked: ****-800
    phones = [r.customers.set_index("customer_id").loc[[customer], "phone_masked"]
              for r in (before, after)]  # fmt: skip
    pd.testing.assert_series_equal(*phones)  # left as it was (missing)


def test_the_conflict_is_listed_and_not_applied(round_trip):
    _, after, _, _, customer, _ = round_trip
    clash = after.corrections[after.corrections["status"] == "conflict"]
    assert clash["customer_id"].unique().tolist() == [customer]
    assert len(clash) == 2 and clash["field"].unique().tolist() == ["contact_title"]
    assert pd.isna(after.customers.set_index("customer_id").at[customer, "contact_title"])


def test_completeness_rises_by_the_cells_filled(round_trip):
    before, after, _, _, _, _ = round_trip
    effect = correction_effect(after).set_index("field").loc["contact_title"]
    records = len(before.customers)
    missing = before.customers["contact_title"].isna().sum()
    filled = (after.corrections["status"] == "applied").sum()
    assert effect["filled"] == filled
    assert effect["before"] == pytest.approx(1 - missing / records)
    assert effect["after"] == pytest.approx(1 - (missing - filled) / records)
    assert after.customers["contact_title"].isna().sum() == missing - filled == 1  # the conflict


def test_nothing_else_changed(round_trip):
    before, after, _, _, _, _ = round_trip
    for name in ("orders", "interactions", "requirements", "opportunities"):
        pd.testing.assert_frame_equal(before.tables[name], after.tables[name])
    old = before.customers.set_index("customer_id").drop(columns="to_complete")
    new = after.customers.set_index("customer_id").drop(columns="to_complete")
    assert list(old.index) == list(new.index) and list(old.columns) == list(new.columns)
    corrected = set(after.corrections.loc[after.corrections["status"] == "applied", "customer_id"])
    same = ~old.index.isin(corrected)
    pd.testing.assert_frame_equal(old[same], new[same])
    others = old.columns.drop("contact_title")
    pd.testing.assert_frame_equal(old.loc[~same, others], new.loc[~same, others])
    pd.testing.assert_frame_equal(before.merges, after.merges)
    kept = after.changes[after.changes["rule"] != "manual_correction"].reset_index(drop=True)
    pd.testing.assert_frame_equal(before.changes.reset_index(drop=True), kept, check_dtype=False)


def test_the_queue_after_the_round(round_trip):
    before, after, _, _, _, data = round_trip
    ledger = read_issued(data)
    assert len(ledger) == len(open_issues(before, ledger.iloc[:0]))  # every issue was sent
    issues = open_issues(after, ledger, today=date(2025, 1, 13))  # 5 working days later
    counts = queue_counts(issues)
    fixed = (after.corrections["status"] == "applied").sum()
    assert counts == {"open": len(ledger) - fixed, "overdue": len(ledger) - fixed, "not_sent": 0}


@pytest.mark.slow
def test_the_data_quality_report_shows_the_round_and_the_queue(round_trip, tmp_path):
    """The steward's view, rendered: the data-quality report re-run with a 5-day target over the
    returned workbooks shows the queue against that target, the rejected cell by file and
    coordinate (its value masked) and the completeness the corrections added."""
    from workbench.reports import rerun

    _, after, _, wrong, conflict, data = round_trip
    notebooks = Path(__file__).resolve().parents[2] / "notebooks"
    result = rerun.rerun("data_quality", [("steward_days", "5")], data, tmp_path, notebooks)
    assert result.status == "ok", result.error
    page = html.unescape(Path(result.html).read_text(encoding="utf-8"))
    counts = queue_counts(open_issues(after, read_issued(data), target_days=5))
    assert f"共 {counts['open']} 个未解决问题，其中 {counts['overdue']} 个超过 5 个工作日" in page
    file, cell, customer = wrong
    assert file in page and cell in page and customer in page and conflict in page
    assert "138-0013-800" not in page and "13800138" not in page
    effect = correction_effect(after).set_index("field").loc["contact_title"]
    assert f"{effect['before']:.1%}" in page and f"{effect['after']:.1%}" in page

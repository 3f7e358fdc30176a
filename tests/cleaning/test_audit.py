"""The audit trail's logs joined: what two audits written side by side give, in order."""

from __future__ import annotations

import pandas as pd

from workbench.cleaning.audit import Audit


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {"customer_id": ["C1", "C2"], "source_row": [2, 3], "name": ["恒泰", "华为"],
         "phone": ["138", "021-1"]}
    )  # fmt: skip


def _orders() -> pd.DataFrame:
    return pd.DataFrame({"order_id": ["O1", "O2"], "source_row": [2, 3], "amount": [5.0, -1.0]})


def test_extend_appends_the_other_logs_after_these_as_if_written_in_turn() -> None:
    customers, orders = _customers(), _orders()
    in_turn, first, second = Audit(), Audit(), Audit()
    for audit in (in_turn, first):
        audit.record_changes("customers", customers, "name", pd.Series(["恒泰", "华为技术"]), "r1")
        audit.flag("customers", customers, pd.Series([True, False]), "phone", "f1", "short")
    for audit in (in_turn, second):
        audit.record_changes("orders", orders, "amount", pd.Series([5.0, 1.0]), "r2")
        audit.flag("orders", orders, pd.Series([False, True]), "amount", "f2", "negative")
    first.extend(second)
    pd.testing.assert_frame_equal(first.changes, in_turn.changes)
    pd.testing.assert_frame_equal(first.flags, in_turn.flags)
    assert first.changes["key"].tolist() == ["C2", "O2"]
    assert first.flags[["key", "rule"]].values.tolist() == [["C1", "f1"], ["O2", "f2"]]
    assert len(second.changes) == 1 and len(second.flags) == 1  # the other log is left as it was

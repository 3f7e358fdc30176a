"""Possible duplicates (疑似重复) for review, and the reviewers' decisions file.

The review list holds the pairs a person should look at instead of the matcher deciding: pairs
scoring between ``CleaningSettings.review_threshold`` and the merge threshold (reason ``score``),
and links the coherence check refused (reasons ``group_conflict`` and ``ambiguous``, see
`workbench.cleaning.dedupe_groups`). Left out: pairs already in one group, pairs decided, and
``score`` pairs whose two groups contradict each other (a name with the trade of another group).

Decisions: a CSV kept beside the extracts, ``<data_dir>/dedupe_decisions.csv`` (UTF-8 or GBK),
one reviewed pair a row — ``customer_id_a``, ``customer_id_b``, ``decision``: ``merge`` (合并)
or ``keep_apart`` (不合并); other columns and rows without a decision are ignored, so the
review sheet of the data-quality workbook, filled in and saved as CSV, is such a file. The next run applies it: a merge links the two customers whatever
the matcher says, keep_apart keeps them out of one group (even through others); a later row
for the same pair wins. Each applied decision is an audit change (rule ``dedupe_decision``:
field ``dedupe_decision``, old = what the matcher said of the pair and the other id, new = the
decision and the other id); a decision naming an unknown customer is flagged
(``decision_unknown_customer``) and not applied. The cache key includes the file.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.cleaning.audit import Audit
from workbench.cleaning.dedupe_coherence import groups_conflict
from workbench.cleaning.dedupe_keys import CodedKeys
from workbench.cleaning.privacy import mask_person_names, mask_phones
from workbench.cleaning.settings import CleaningSettings
from workbench.core.errors import WorkbenchError

DECISIONS_FILE = "dedupe_decisions.csv"
DECISION_COLUMNS = ["customer_id_a", "customer_id_b", "decision"]
REVIEW_COLUMNS = ["left_id", "right_id", "rule", "score", "reason"]
SIDE_FIELDS = ("name", "customer_type", "city", "phone_masked", "owner")
_HEADERS = {
    "customer_id_a": ("customer_id_a", "客户编号a", "客户编号1"),
    "customer_id_b": ("customer_id_b", "客户编号b", "客户编号2"),
    "decision": ("decision", "决定", "复核结果", "处理结果", "结论"),
}
_DECISIONS = {
    "merge": ("merge", "合并", "是", "同一客户", "same", "yes"),
    "keep_apart": ("keep_apart", "keep apart", "keep-apart", "不合并", "分开", "否",
                   "不同客户", "different", "no"),
}  # fmt: skip


def read_decisions(path: str | Path) -> pd.DataFrame:
    """The decisions file: customer_id_a, customer_id_b, decision (merge / keep_apart), row.

    Headers and decisions may be written in Chinese (客户编号A, 决定, 合并 / 不合并); rows without
    a decision are skipped (not reviewed yet); a missing column, an unknown decision or a pair
    of one id stop with the file and row named.
    """
    path = Path(path)
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise WorkbenchError(f"{path}: not UTF-8 or GBK text")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
    names = {alias: column for column, aliases in _HEADERS.items() for alias in aliases}
    frame.columns = [names.get(str(c).strip().lower(), str(c).strip()) for c in frame.columns]
    missing = [c for c in DECISION_COLUMNS if c not in frame.columns]
    if missing:
        raise WorkbenchError(f"{path}: no column {', '.join(missing)} (need {DECISION_COLUMNS})")
    frame = frame[DECISION_COLUMNS].apply(lambda column: column.str.strip())
    frame["row"] = np.arange(2, len(frame) + 2)
    frame = frame[frame["decision"] != ""]  # not reviewed yet (a row of the report's workbook)
    words = {w: code for code, aliases in _DECISIONS.items() for w in aliases}
    decision = frame["decision"].str.lower().map(words)
    if decision.isna().any():
        row, value = (
            frame["row"][decision.isna()].iloc[0],
            frame["decision"][decision.isna()].iloc[0],
        )
        raise WorkbenchError(f"{path}, row {row}: decision {value!r} is not merge or keep_apart")
    bad = (frame["customer_id_a"] == "") | (frame["customer_id_a"] == frame["customer_id_b"])
    bad |= frame["customer_id_b"] == ""
    if bad.any():
        row = frame["row"][bad].iloc[0]
        raise WorkbenchError(f"{path}, row {row}: a decision needs two different customer ids")
    return frame.assign(decision=decision).reset_index(drop=True)


def apply_decisions(
    customers: pd.DataFrame,
    pairs: pd.DataFrame,
    decisions: pd.DataFrame | None,
    settings: CleaningSettings,
    audit: Audit | None = None,
) -> pd.DataFrame:
    """The decisions on known customers as left_id < right_id, decision (the last row of a pair
    wins); each is logged in `audit`, unknown customers flagged (module docstring)."""
    empty = pd.DataFrame(columns=["left_id", "right_id", "decision"], dtype="str")
    if decisions is None or not len(decisions):
        return empty
    a = decisions["customer_id_a"].astype("str").str.strip().to_numpy(dtype=object)
    b = decisions["customer_id_b"].astype("str").str.strip().to_numpy(dtype=object)
    decided = pd.DataFrame(
        {
            "left_id": np.where(a < b, a, b),
            "right_id": np.where(a < b, b, a),
            "decision": decisions["decision"].to_numpy(dtype=object),
        }
    ).drop_duplicates(["left_id", "right_id"], keep="last")
    ids = customers["customer_id"].astype("str").str.strip()
    known = decided["left_id"].isin(ids) & decided["right_id"].isin(ids)
    if audit is not None:
        _log(customers, pairs, decided, known, settings, audit)
    return decided[known].reset_index(drop=True).astype("str")


def review_list(
    pairs: pd.DataFrame,
    merges: pd.DataFrame,
    refused: pd.DataFrame,
    decided: pd.DataFrame,
    settings: CleaningSettings,
    customers: pd.DataFrame | None = None,
    keys: CodedKeys | None = None,
) -> pd.DataFrame:
    """疑似重复: the pairs to review (module docstring), highest score first (`keys`: the
    customers' `customer_keys`, when the caller has them)."""
    band = pairs[
        (pairs["score"] >= settings.review_threshold)
        & (pairs["score"] < settings.fuzzy_name_threshold)
    ].assign(reason="score")
    refused = refused[refused["reason"].isin(["group_conflict", "ambiguous"])]
    review = pd.concat([refused, band], ignore_index=True)[REVIEW_COLUMNS]
    review = review.drop_duplicates(["left_id", "right_id"])
    group = dict(zip(merges["customer_id"], merges["survivor_id"], strict=True))
    left = np.array([group.get(c, c) for c in review["left_id"]], dtype=object)
    right = np.array([group.get(c, c) for c in review["right_id"]], dtype=object)
    keep = left != right
    if len(decided):
        done = pd.MultiIndex.from_frame(decided[["left_id", "right_id"]].astype("str"))
        keep &= ~pd.MultiIndex.from_frame(review[["left_id", "right_id"]]).isin(done)
    review = review[keep]
    if customers is not None and len(review):
        moot = (review["reason"] == "score").to_numpy() & groups_conflict(
            customers, merges, review["left_id"].to_numpy(), review["right_id"].to_numpy(), keys
        )
        review = review[~moot]
    review = review.sort_values(["score", "left_id", "right_id"], ascending=[0, 1, 1])
    return review.reset_index(drop=True).astype({"left_id": "str", "right_id": "str"})


def review_records(review: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """The review list with both records side by side for a reader: left_/right_ name, type,
    city, masked phone, owner; the names of all but companies masked (张**)."""
    view = customers.assign(customer_id=customers["customer_id"].astype("str").str.strip())
    view = view.drop_duplicates("customer_id").set_index("customer_id")
    if len(review):  # only the customers on the list are shown: mask those, not every customer
        view = view[view.index.isin(review[["left_id", "right_id"]].to_numpy().ravel())]
    shown = pd.DataFrame(index=view.index)
    company = view["customer_type"].eq("企业") if "customer_type" in view else False
    shown["name"] = view["name"].where(company, mask_person_names(view["name"].astype("str")))
    shown["customer_type"] = view.get("customer_type")
    shown["city"] = view.get("city")
    shown["phone_masked"] = mask_phones(view["phone"]) if "phone" in view else None
    shown["owner"] = view.get("owner")
    out = review[REVIEW_COLUMNS].copy()
    for side in ("left", "right"):
        part = shown.reindex(out[f"{side}_id"].to_numpy()).set_axis(
            [f"{side}_{f}" for f in SIDE_FIELDS], axis=1
        )
        out = pd.concat([out, part.set_index(out.index)], axis=1)
    return out


def _log(
    customers: pd.DataFrame,
    pairs: pd.DataFrame,
    decided: pd.DataFrame,
    known: pd.Series,
    settings: CleaningSettings,
    audit: Audit,
) -> None:
    """Audit rows of the decisions: applied ones as changes, unknown customers as flags."""
    score = pairs.set_index(["left_id", "right_id"])["score"]
    score = score[~score.index.duplicated()]
    found = score.reindex(pd.MultiIndex.from_frame(decided[["left_id", "right_id"]])).to_numpy()
    verdict = np.where(
        found >= settings.fuzzy_name_threshold,
        "matched",
        np.where(found >= settings.review_threshold, "review", "unmatched"),
    )
    ids = customers["customer_id"].astype("str").str.strip()
    rows = (
        pd.Series(customers["source_row"].to_numpy(), index=ids).groupby(level=0).first()
        if "source_row" in customers
        else pd.Series(dtype="Int64")
    )
    applied = decided[known.to_numpy()]
    frame = pd.DataFrame(
        {
            "customer_id": applied["left_id"].to_numpy(),
            "source_row": rows.reindex(applied["left_id"]).to_numpy(),
            "dedupe_decision": verdict[known.to_numpy()] + " " + applied["right_id"].to_numpy(),
        }
    )
    new = pd.Series(applied["decision"].to_numpy() + " " + applied["right_id"].to_numpy())
    audit.record_changes("customers", frame, "dedupe_decision", new, rule="dedupe_decision")
    unknown = decided[~known.to_numpy()]
    if len(unknown):
        frame = pd.DataFrame(
            {
                "customer_id": unknown["left_id"].to_numpy(),
                "dedupe_decision": unknown["decision"].to_numpy()
                + " "
                + unknown["right_id"].to_numpy(),
            }
        )
        audit.flag(
            "customers", frame, pd.Series(True, index=frame.index), "dedupe_decision",
            "decision_unknown_customer",
            "复核决定中的客户编号不存在，未应用 (a decision names an unknown customer: not applied)",
        )  # fmt: skip

"""Dirt injection at known rates, with a ground-truth line for every defect.

Each defect touches one cell (or, for ``duplicate_order_row``/``duplicate_customer``, one whole
row) and is logged as (table, row, key, column, kind, written, true): ``row`` is the 0-based
data-row index in the written file, ``written`` the cell as written, ``true`` the canonical
value (for ``duplicate_customer`` the survivor's id; for ``duplicate_order_row`` empty: the
row should not exist). A cell carries at most one defect; cells not logged are clean.
Duplicate customers and their originals get no other customer defects, so every duplicate
stays detectable through its stated key (name, phone, USCC or ID number).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.demo import vocab
from workbench.demo.dates import NO_DATE, alt_format, iso
from workbench.demo.formats import GARBAGE_DATES, amount_variant, canonical_amount, phone_variant
from workbench.demo.identity import USCC_ALPHABET, wrong_check
from workbench.demo.tables import Frame
from workbench.extracts.schema import TABLES

# Share of defective cells/rows, each of its scope (see SCOPES).
DIRT_RATES: dict[str, float] = {
    "duplicate_customer": 0.03,
    "malformed_phone": 0.05,
    "mixed_date_format": 0.10,
    "garbage_date": 0.003,
    "amount_format": 0.05,
    "negative_amount": 0.002,
    "unknown_customer": 0.001,
    "missing_key_field": 0.04,
    "bad_uscc_check": 0.01,
    "bad_id_check": 0.01,
    "free_text_industry": 0.08,
    "deal_before_contact": 0.005,
    "duplicate_order_row": 0.001,
}
SCOPES: dict[str, str] = {
    "duplicate_customer": "original customers",
    "malformed_phone": "customer rows",
    "mixed_date_format": "non-empty date cells of customers and of orders (each)",
    "garbage_date": "order rows",
    "amount_format": "order rows",
    "negative_amount": "order rows",
    "unknown_customer": "order rows",
    "missing_key_field": "customer rows",
    "bad_uscc_check": "enterprise rows",
    "bad_id_check": "individual rows",
    "free_text_industry": "enterprise rows",
    "deal_before_contact": "customer rows",
    "duplicate_order_row": "order rows",
}
XLSX_TEXT_DATE_RATE = 0.03  # requirements.xlsx date cells written as text (mixed_date_format)
INVALID_PHONE_SHARE = 0.1  # of malformed phones: not just formatted, truly invalid
KEY_FIELDS_ENTERPRISE = ("contact_title", "industry", "phone", "contact_name")
KEY_FIELDS_PERSON = ("phone", "contact_name")
_FREE_TEXT = {row[0]: row[4] for row in vocab.INDUSTRIES}


class DirtLog:
    """Collects defects as arrays; ``frame`` renders ``_truth/dirt.csv``."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(self, table: str, rows: np.ndarray, column: str | np.ndarray, kind: str,
            written: np.ndarray, true: np.ndarray) -> None:  # fmt: skip
        """Record defects at ``rows`` of ``table`` (rows as they are at this moment)."""
        rows = np.asarray(rows, dtype=np.int64)
        self.parts.append(
            pd.DataFrame(
                {
                    "table": table,
                    "row": rows,
                    "column": np.broadcast_to(np.asarray(column, dtype=object), rows.shape),
                    "kind": kind,
                    "written": np.asarray(written, dtype=object),
                    "true": np.asarray(true, dtype=object),
                }
            )
        )

    def shift_rows(self, table: str, new_index: np.ndarray) -> None:
        """Renumber the rows of ``table`` after rows were inserted."""
        for part in self.parts:
            if len(part) and part["table"].iat[0] == table:
                part["row"] = new_index[part["row"].to_numpy()]

    def frame(self, frames: dict[str, Frame]) -> pd.DataFrame:
        """All defects with the key of their row, ordered by table, row and column."""
        df = pd.concat(self.parts, ignore_index=True)
        key = np.empty(len(df), dtype=object)
        for name, fr in frames.items():
            sel = (df["table"] == name).to_numpy()
            key[sel] = fr.cols[TABLES[name].key][df["row"].to_numpy()[sel]]
        df.insert(2, "key", key)
        rank = {t: i for i, t in enumerate(TABLES)}
        df["_t"] = df["table"].map(rank)
        df = df.sort_values(["_t", "row", "column", "kind"], kind="stable")
        return df.drop(columns="_t").reset_index(drop=True)


def _choose(rng: np.random.Generator, candidates: np.ndarray, count: int) -> np.ndarray:
    """``count`` distinct rows among the True positions of ``candidates`` (sorted)."""
    pool = np.flatnonzero(candidates)
    return np.sort(rng.choice(pool, size=min(count, len(pool)), replace=False))


def _customers(rng: np.random.Generator, c: Frame, log: DirtLog) -> None:
    n, m = c.n, c.meta
    ent, dup = m["enterprise"], m["is_dup"]
    clean = ~dup & ~m["is_survivor"]
    touched = {col: np.zeros(n, dtype=bool) for col in c.cols}

    rows = np.flatnonzero(dup)
    log.add("customers", rows, "customer_id", "duplicate_customer",
            c.cols["customer_id"][rows], m["survivor_id"][rows])  # fmt: skip
    rows = np.flatnonzero(dup & m["reformatted_phone"])
    log.add("customers", rows, "phone", "malformed_phone", c.cols["phone"][rows],
            m["true_phone"][rows])  # fmt: skip
    already_phone = len(rows)

    rows = _choose(rng, clean, round(DIRT_RATES["missing_key_field"] * n))
    pick_e = rng.integers(0, len(KEY_FIELDS_ENTERPRISE), len(rows))
    pick_p = rng.integers(0, len(KEY_FIELDS_PERSON), len(rows))
    column = np.where(
        ent[rows],
        np.asarray(KEY_FIELDS_ENTERPRISE, dtype=object)[pick_e],
        np.asarray(KEY_FIELDS_PERSON, dtype=object)[pick_p],
    )
    for col in sorted(set(column)):
        r = rows[column == col]
        log.add("customers", r, col, "missing_key_field", np.full(len(r), ""), c.cols[col][r])
        c.cols[col][r] = ""
        touched[col][r] = True

    count = max(round(DIRT_RATES["malformed_phone"] * n) - already_phone, 0)
    rows = _choose(rng, clean & ~touched["phone"], count)
    true = c.cols["phone"][rows].copy()
    c.cols["phone"][rows] = phone_variant(true, rng, INVALID_PHONE_SHARE)
    touched["phone"][rows] = True
    log.add("customers", rows, "phone", "malformed_phone", c.cols["phone"][rows], true)

    for kind, col, who, alphabet in (
        ("bad_uscc_check", "uscc", ent, USCC_ALPHABET),
        ("bad_id_check", "id_number", ~ent, "0123456789X"),
    ):
        rows = _choose(rng, clean & who, round(DIRT_RATES[kind] * int(who.sum())))
        true = c.cols[col][rows].copy()
        c.cols[col][rows] = wrong_check(true, alphabet, rng)
        touched[col][rows] = True
        log.add("customers", rows, col, kind, c.cols[col][rows], true)

    count = round(DIRT_RATES["free_text_industry"] * int(ent.sum()))
    rows = _choose(rng, clean & ent & ~touched["industry"], count)
    true = c.cols["industry"][rows].copy()
    c.cols["industry"][rows] = [
        _FREE_TEXT[t][j % len(_FREE_TEXT[t])]
        for t, j in zip(true, rng.integers(0, 6, len(rows)), strict=True)
    ]
    log.add("customers", rows, "industry", "free_text_industry", c.cols["industry"][rows], true)

    deal = c.date_days["first_deal_date"]
    count = round(DIRT_RATES["deal_before_contact"] * n)
    rows = _choose(rng, clean & (deal != NO_DATE), count)
    contact = c.date_days["first_contact_date"][rows]
    c.cols["first_deal_date"][rows] = iso(contact - rng.integers(3, 91, len(rows)))
    touched["first_deal_date"][rows] = True
    log.add("customers", rows, "first_deal_date", "deal_before_contact",
            c.cols["first_deal_date"][rows], iso(deal[rows]))  # fmt: skip

    _mixed_dates(rng, c, log, clean, touched, ("founded", "first_contact_date", "first_deal_date"))


def _mixed_dates(rng: np.random.Generator, fr: Frame, log: DirtLog, allowed: np.ndarray,
                 touched: dict[str, np.ndarray], columns: tuple[str, ...],
                 rate: float = DIRT_RATES["mixed_date_format"]) -> None:  # fmt: skip
    """Rewrite ``rate`` of the non-empty date cells of ``columns`` in a non-canonical format."""
    cells = np.stack([fr.date_days[col] != NO_DATE for col in columns])
    target = round(rate * int(cells.sum()))
    ok = cells & allowed[None, :] & ~np.stack([touched[col] for col in columns])
    flat = _choose(rng, ok.ravel(), target)
    which, rows = np.divmod(flat, fr.n)
    for j, col in enumerate(columns):
        r = rows[which == j]
        days = fr.date_days[col][r]
        fr.cols[col][r] = alt_format(days, rng.integers(0, 4, len(r)))
        touched[col][r] = True
        log.add(fr.name, r, col, "mixed_date_format", fr.cols[col][r], iso(days))


def _fake_customer_ids(rng: np.random.Generator, existing: np.ndarray, n: int) -> np.ndarray:
    """Customer ids in the house format (a real first-contact day, a high serial) of nobody."""
    width = len(existing[0]) - 9
    known = set(existing.tolist())
    out: list[str] = []
    while len(out) < n:
        day8 = existing[rng.integers(0, len(existing))][1:9]
        candidate = f"C{day8}{rng.integers(9 * 10 ** (width - 1), 10**width):0{width}d}"
        if candidate not in known:
            known.add(candidate)
            out.append(candidate)
    return np.asarray(out, dtype=object)


def _orders(rng: np.random.Generator, o: Frame, log: DirtLog, customer_ids: np.ndarray) -> None:
    n = o.n
    free = np.ones(n, dtype=bool)
    sources = _choose(rng, free, round(DIRT_RATES["duplicate_order_row"] * n))
    free[sources] = False
    touched = {col: np.zeros(n, dtype=bool) for col in o.cols}

    rows = _choose(rng, free, round(DIRT_RATES["unknown_customer"] * n))
    true = o.cols["customer_id"][rows].copy()
    o.cols["customer_id"][rows] = _fake_customer_ids(rng, customer_ids, len(rows))
    log.add("orders", rows, "customer_id", "unknown_customer", o.cols["customer_id"][rows], true)

    amount = o.meta["amount"]
    rows = _choose(rng, free, round(DIRT_RATES["negative_amount"] * n))
    o.cols["amount"][rows] = "-" + canonical_amount(amount[rows])
    touched["amount"][rows] = True
    log.add("orders", rows, "amount", "negative_amount", o.cols["amount"][rows],
            canonical_amount(amount[rows]))  # fmt: skip
    rows = _choose(rng, free & ~touched["amount"], round(DIRT_RATES["amount_format"] * n))
    o.cols["amount"][rows] = amount_variant(amount[rows], rng)
    log.add("orders", rows, "amount", "amount_format", o.cols["amount"][rows],
            canonical_amount(amount[rows]))  # fmt: skip

    days = o.date_days["order_date"]
    rows = _choose(rng, free, round(DIRT_RATES["garbage_date"] * n))
    o.cols["order_date"][rows] = np.asarray(GARBAGE_DATES, dtype=object)[
        rng.integers(0, len(GARBAGE_DATES), len(rows))
    ]
    touched["order_date"][rows] = True
    log.add("orders", rows, "order_date", "garbage_date", o.cols["order_date"][rows],
            iso(days[rows]))  # fmt: skip
    _mixed_dates(rng, o, log, free, touched, ("order_date",))

    # Written twice: the copy follows its source.
    shift = np.searchsorted(sources, np.arange(n), side="left")
    new_index = np.arange(n) + shift
    log.shift_rows("orders", new_index)
    take = np.sort(np.concatenate([np.arange(n), sources]), kind="stable")
    o.take(take)
    copies = new_index[sources] + 1
    log.add("orders", copies, "order_id", "duplicate_order_row", o.cols["order_id"][copies],
            np.full(len(copies), ""))  # fmt: skip


def inject(rng: np.random.Generator, frames: dict[str, Frame]) -> DirtLog:
    """Inject every defect into the frames in place and return the log of what was done."""
    log = DirtLog()
    _customers(rng, frames["customers"], log)
    _orders(rng, frames["orders"], log, frames["customers"].cols["customer_id"])
    r = frames["requirements"]
    touched = {col: np.zeros(r.n, dtype=bool) for col in r.date_days}
    _mixed_dates(rng, r, log, np.ones(r.n, dtype=bool), touched, tuple(r.date_days),
                 rate=XLSX_TEXT_DATE_RATE)  # fmt: skip
    return log

"""Duplicate customers: the same customer entered again, later, under another spelling.

Kinds (the ``how`` in ``_truth/duplicates.csv``): ``abbreviated_name`` (华为技术有限公司 → 华为 or
北京某某科技有限公司 → 某某科技有限公司, with the same phone or the same USCC), ``phone_reentry``
(re-entered from another channel, the phone written differently), ``same_uscc`` (another name
variant and contact, same USCC) and ``same_id_number`` (an individual with the same ID number).
Each duplicate gets a later first-contact date and takes over some of the original's later
orders, interactions and requirements, so a merge must re-point children to the survivor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.demo import vocab
from workbench.demo.customers import CustomerBase
from workbench.demo.dates import NO_DATE
from workbench.demo.draw import categorical
from workbench.demo.formats import phone_variant
from workbench.demo.identity import make_mobiles
from workbench.demo.purchases import CHURN_SILENCE_DAYS

DUPLICATE_RATE = 0.03
HOW = ("abbreviated_name", "phone_reentry", "same_uscc", "same_id_number")
HOW_WEIGHTS_ENTERPRISE = (0.45, 0.25, 0.3, 0.0)
HOW_WEIGHTS_PERSON = (0.0, 0.4, 0.0, 0.6)
REPOINT_PROB = 0.5


@dataclass
class Duplicates:
    """Duplicate rows (appended after the n originals) and what they duplicate."""

    survivor: np.ndarray  # original customer index of each duplicate
    how: np.ndarray  # index into HOW
    contact_day: np.ndarray
    deal_day: np.ndarray
    status: np.ndarray
    cols: dict[str, np.ndarray]  # written master data of the duplicate rows
    reformatted_phone: np.ndarray  # True where the phone is a re-typed variant (also dirt)
    true_phone: np.ndarray


def _repoint(
    rng: np.random.Generator, owner: np.ndarray, day: np.ndarray, dup_of: np.ndarray,
    dup_day: np.ndarray, n: int, keep: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """New owner index per child row: some children of a survivor after the duplicate's entry."""
    k = dup_of[owner]  # duplicate index or -1
    move = (k >= 0) & (rng.random(len(owner)) < REPOINT_PROB)
    move &= day >= np.where(k >= 0, dup_day[k.clip(0)], 0)
    if keep is not None:
        move &= ~keep
    return np.where(move, n + k, owner)


def make_duplicates(
    rng: np.random.Generator, base: CustomerBase, status: np.ndarray,
    children: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray | None]], end: int,
) -> tuple[Duplicates, dict[str, np.ndarray]]:  # fmt: skip
    """Draw ~3 % duplicates and re-point children; returns them and the children's new owners.

    ``children`` maps a table to (customer index, day, rows that must stay with the original).
    """
    n = base.n
    eligible = np.flatnonzero(base.contact_day <= end - 60)
    k = min(round(DUPLICATE_RATE * n), len(eligible))
    surv = np.sort(rng.choice(eligible, size=k, replace=False))
    ent = base.enterprise[surv]
    w = np.where(ent[:, None], HOW_WEIGHTS_ENTERPRISE, HOW_WEIGHTS_PERSON)
    how = (np.cumsum(w, axis=1) <= rng.random(k)[:, None]).sum(axis=1)
    lo = base.contact_day[surv] + 30
    day = lo + (rng.random(k) * (end - lo + 1)).astype(np.int64)

    cols = {c: v[surv].copy() for c, v in base.cols.items()}
    # Another channel and, half the time, another rep of the region.
    shift = rng.integers(1, len(vocab.CHANNELS), k)
    ch_idx = np.array([vocab.CHANNELS.index(c) for c in cols["source_channel"]])
    cols["source_channel"] = np.asarray(vocab.CHANNELS, dtype=object)[(ch_idx + shift) % 6]
    new_rep = rng.random(k) < 0.5
    for i in np.flatnonzero(new_rep):
        reps = vocab.OWNERS[cols["region"][i]]
        cols["owner"][i] = reps[rng.integers(len(reps))]

    abbrev = how == 0
    style = rng.integers(0, 2, k)
    short = base.core[surv] + base.legal[surv]
    cols["name"] = np.where(abbrev, np.where(style == 0, base.trade[surv], short), cols["name"])
    same_phone = abbrev & (rng.random(k) < 0.5)
    cols["uscc"] = np.where(abbrev & same_phone, "", cols["uscc"])
    city, core, legal = base.city_short[surv], base.core[surv], base.legal[surv]
    prefixed = np.char.startswith(cols["name"].astype(str), city.astype(str))
    toggled = np.where(prefixed, core + "（" + city + "）" + legal, city + core + legal)
    cols["name"] = np.where(how == 2, toggled, cols["name"])
    new_contact = (abbrev & ~same_phone) | (how == 2) | (how == 3)
    fresh = make_mobiles(rng, k)
    taken = set(base.cols["phone"].tolist())
    for i in np.flatnonzero([f in taken for f in fresh]):  # a new number must be nobody's
        while fresh[i] in taken:
            fresh[i] = make_mobiles(rng, 1)[0]
    cols["phone"] = np.where(new_contact, fresh, cols["phone"])
    true_phone = cols["phone"].copy()
    reformatted = how == 1
    cols["phone"][reformatted] = phone_variant(cols["phone"][reformatted], rng, 0.0)
    person_change = new_contact & ent
    if person_change.any():
        titles = [t for t, *_ in vocab.TITLES]
        others = base.cols["contact_name"][rng.integers(0, n, int(person_change.sum()))]
        cols["contact_name"][person_change] = others
        cols["contact_title"][person_change] = np.asarray(titles, dtype=object)[
            categorical(rng, int(person_change.sum()), [t[1] for t in vocab.TITLES])
        ]
    cols["email"] = np.where(how == 3, "", cols["email"])

    dup_of = np.full(n, -1, dtype=np.int64)
    dup_of[surv] = np.arange(k)
    owners = {
        name: _repoint(rng, cust, d, dup_of, day, n, keep)
        for name, (cust, d, keep) in children.items()
    }
    o_owner, o_day = owners["orders"], children["orders"][1]
    moved = o_owner >= n
    dup_deal = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(dup_deal, o_owner[moved] - n, o_day[moved])
    dup_last = np.full(k, NO_DATE)
    np.maximum.at(dup_last, o_owner[moved] - n, o_day[moved])
    has = dup_deal != np.iinfo(np.int64).max
    dup_deal = np.where(has, dup_deal, NO_DATE)
    churned = (status[surv] == 2) & (dup_last < end - CHURN_SILENCE_DAYS)
    dup_status = np.where(~has, 0, np.where(churned, 2, 1))
    dups = Duplicates(
        survivor=surv,
        how=how,
        contact_day=day,
        deal_day=dup_deal,
        status=dup_status,
        cols=cols,
        reformatted_phone=reformatted,
        true_phone=true_phone,
    )
    return dups, owners

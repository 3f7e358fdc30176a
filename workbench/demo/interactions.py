"""Follow-ups and contacts (跟进记录) that track each customer's activity.

A customer's timeline is cut into segments with their own contact rate and mix of types:
prospecting (first contact → first deal, or a few months for those who never buy), active
buying, the ~6 months before dropout (more 投诉, lower satisfaction), and after dropout
(thin: mostly marketing touches). Counts are Poisson per segment and dates uniform within it,
so everything is vectorised over customers and rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.demo import vocab
from workbench.demo.customers import ALL_OWNERS, OWNER_COUNT, OWNER_OFFSET, CustomerBase
from workbench.demo.dates import NO_DATE
from workbench.demo.draw import Coded, categorical, coded, numbers
from workbench.demo.purchases import Purchases

PRE_DROPOUT_DAYS = 180
# Contacts per day in each segment (enterprise, individual); the active rate is scaled per
# customer by a Gamma(2, 1/2) engagement factor.
RATE_PROSPECT = (1 / 14, 1 / 24)
RATE_ACTIVE = (1 / 42, 1 / 75)
PRE_DROPOUT_RATE_FACTOR = 1.3
POST_DROPOUT_RATE_FACTOR = 0.1
PROSPECT_ENGAGED_DAYS = 75.0  # mean engaged period of those who never buy
SEGMENTS = ("prospect", "active", "pre_dropout", "post")
# P(咨询, 投诉, 表扬, 售后, 活动) per segment.
TYPE_MIX = np.array(
    [
        [0.62, 0.03, 0.03, 0.04, 0.28],
        [0.30, 0.09, 0.13, 0.33, 0.15],
        [0.20, 0.38, 0.04, 0.30, 0.08],
        [0.25, 0.10, 0.03, 0.12, 0.50],
    ]
)
# P(satisfaction = 1..5) per type; in the pre-dropout segment one point lower w.p. 0.45.
SATISFACTION_MIX = np.array(
    [
        [0.02, 0.06, 0.22, 0.42, 0.28],
        [0.45, 0.38, 0.15, 0.02, 0.00],
        [0.00, 0.00, 0.03, 0.27, 0.70],
        [0.03, 0.08, 0.25, 0.40, 0.24],
        [0.01, 0.04, 0.20, 0.42, 0.33],
    ]
)
PRE_DROPOUT_SATISFACTION_DROP = 0.45
PAGES_MEAN = np.array([6.0, 1.5, 1.0, 2.0, 3.0])  # pages viewed per type (prospects ×1.8)


@dataclass
class Interactions:
    """Interaction rows: customer index, day and coded columns (ids assigned later)."""

    customer: np.ndarray
    day: np.ndarray
    segment: np.ndarray  # index into SEGMENTS
    cols: dict[str, Coded]


def _segments(
    base: CustomerBase, pu: Purchases, rng: np.random.Generator, end: int
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per segment (in SEGMENTS order): start day, end day and contact rate per customer."""
    ent = base.enterprise
    contact = base.contact_day
    buyer = pu.deal_day != NO_DATE
    engaged = contact + (1 + rng.gamma(2.0, PROSPECT_ENGAGED_DAYS / 2.0, base.n)).astype(np.int64)
    pre_end = np.where(buyer, pu.deal_day, np.minimum(engaged, end))
    act_rate = np.where(ent, RATE_ACTIVE[0], RATE_ACTIVE[1]) * rng.gamma(2.0, 0.5, base.n)
    drop = np.where(pu.dropped, pu.dropout_day, end)
    warn = np.maximum(pu.deal_day, drop - PRE_DROPOUT_DAYS)
    act_end = np.where(pu.dropped, warn, end)
    out = [
        (contact, pre_end, np.where(ent, RATE_PROSPECT[0], RATE_PROSPECT[1])),
        (np.where(buyer, pu.deal_day, 0), np.where(buyer, act_end, 0), act_rate),
        (
            np.where(pu.dropped, warn, 0),
            np.where(pu.dropped, drop, 0),
            act_rate * PRE_DROPOUT_RATE_FACTOR,
        ),
        (
            np.where(buyer, np.where(pu.dropped, drop, end), pre_end),
            np.full(base.n, end),
            np.where(buyer, act_rate, act_rate * 0.6) * POST_DROPOUT_RATE_FACTOR,
        ),
    ]
    return out


def simulate_interactions(
    rng: np.random.Generator, base: CustomerBase, pu: Purchases, end: int
) -> Interactions:
    """Draw every customer's interactions segment by segment, with types and satisfaction."""
    cust_parts, day_parts, seg_parts = [], [], []
    for seg, (s, e, rate) in enumerate(_segments(base, pu, rng, end)):
        length = np.maximum(e - s, 0)
        count = rng.poisson(rate * length)
        c = np.repeat(np.arange(base.n), count)
        d = s[c] + (rng.random(len(c)) * (length[c] + 1)).astype(np.int64)
        cust_parts.append(c)
        day_parts.append(np.minimum(d, end))
        seg_parts.append(np.full(len(c), seg))
    cust = np.concatenate(cust_parts)
    day = np.concatenate(day_parts)
    seg = np.concatenate(seg_parts)
    n = len(cust)
    ent = base.enterprise[cust]

    itype = np.empty(n, dtype=np.int64)
    for k in range(len(SEGMENTS)):
        sel = seg == k
        itype[sel] = categorical(rng, int(sel.sum()), TYPE_MIX[k])
    sat = np.empty(n, dtype=np.int64)
    for k in range(len(vocab.INTERACTION_TYPES)):
        sel = itype == k
        sat[sel] = 1 + categorical(rng, int(sel.sum()), SATISFACTION_MIX[k])
    lower = (seg == 2) & (rng.random(n) < PRE_DROPOUT_SATISFACTION_DROP)
    sat = np.where(lower, np.maximum(sat - 1, 1), sat)

    channel = np.empty(n, dtype=np.int64)
    for is_ent, w in (
        (True, vocab.INTERACTION_CHANNEL_WEIGHTS_ENTERPRISE),
        (False, vocab.INTERACTION_CHANNEL_WEIGHTS_PERSON),
    ):
        sel = ent == is_ent
        channel[sel] = categorical(rng, int(sel.sum()), w)
    question = np.empty(n, dtype=np.int64)
    for k, w in enumerate(vocab.QUESTION_BY_TYPE):
        sel = itype == k
        question[sel] = categorical(rng, int(sel.sum()), w)
    pages = rng.poisson(PAGES_MEAN[itype] * np.where(seg == 0, 1.8, 1.0))

    # Summaries: template of the type, with a product where the template has one.
    products = [p for p, *_ in vocab.PRODUCTS]
    tables = [[t.format(p=p) for t in templates for p in products] for templates in vocab.SUMMARIES]
    sizes = np.array([len(t) for t in tables])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    summary = offsets[itype] + (rng.random(n) * sizes[itype]).astype(np.int64)

    owner = base.owner_code[cust].copy()  # mostly the account's rep, sometimes a colleague
    other = rng.random(n) < 0.08
    reg = base.region_idx[cust[other]]
    draw = (rng.random(int(other.sum())) * OWNER_COUNT[reg]).astype(np.int64)
    owner[other] = OWNER_OFFSET[reg] + draw

    cols = {
        "channel": coded(vocab.INTERACTION_CHANNELS, channel),
        "type": coded(vocab.INTERACTION_TYPES, itype),
        "summary": coded([s for t in tables for s in t], summary),
        "satisfaction": numbers(sat),
        "owner": coded(ALL_OWNERS, owner),
        "pages_viewed": numbers(pages),
        "question_type": coded(vocab.QUESTION_TYPES, question),
    }
    return Interactions(customer=cust, day=day, segment=seg, cols=cols)

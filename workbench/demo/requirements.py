"""Customer needs (需求分析表): category, nature, urgency, status and resolution over time.

About 1.4 needs per buying customer arise while they buy (a few from prospects); a need is
resolved, rejected (无法满足, with a reason) or still open at the end of the window depending on
how long it has had. Descriptions are assembled from fragments per category, so recurring
keywords (报表, 导出, 接口, 培训, 折扣 …) exist for the keyword analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.demo import vocab
from workbench.demo.customers import ALL_OWNERS, CustomerBase
from workbench.demo.dates import NO_DATE
from workbench.demo.draw import Coded, categorical, categorical_rows, coded
from workbench.demo.purchases import Purchases

NEEDS_PER_BUYER = 1.4
NEEDS_PER_PROSPECT = 0.25
REJECT_PROB = (0.06, 0.28, 0.05, 0.3, 0.03, 0.12)  # per category
DUE_DAYS = ((7, 21), (15, 60), (30, 120))  # by urgency: 紧急, 重要, 一般
URGENCY_WEIGHTS = (0.2, 0.45, 0.35)
# P(高, 中, 低) per urgency
PRIORITY_BY_URGENCY = np.array([[0.7, 0.25, 0.05], [0.3, 0.55, 0.15], [0.08, 0.42, 0.5]])


@dataclass
class Requirements:
    """Requirement rows: customer index, created day, other days and coded columns."""

    customer: np.ndarray
    day: np.ndarray
    due_day: np.ndarray
    resolved_day: np.ndarray
    cols: dict[str, Coded]


def _descriptions(rng: np.random.Generator, category: np.ndarray) -> Coded:
    """A description per need: lead-in + object + wish, from its category's fragments."""
    tables = [
        [a + b + c for a in leads for b in objects for c in wishes]
        for leads, objects, wishes in vocab.REQ_FRAGMENTS
    ]
    sizes = np.array([len(t) for t in tables])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    draw = (rng.random(len(category)) * sizes[category]).astype(np.int64)
    return coded([s for t in tables for s in t], offsets[category] + draw)


def simulate_requirements(
    rng: np.random.Generator, base: CustomerBase, pu: Purchases, end: int
) -> Requirements:
    """Draw needs per customer during their active time, then their handling and outcome."""
    buyer = pu.deal_day != NO_DATE
    lo = np.where(buyer, pu.deal_day, base.contact_day)
    hi_buyer = np.where(pu.dropped, np.minimum(pu.dropout_day + 60, end), end)
    hi = np.where(buyer, hi_buyer, np.minimum(base.contact_day + 120, end))
    count = rng.poisson(np.where(buyer, NEEDS_PER_BUYER, NEEDS_PER_PROSPECT))
    cust = np.repeat(np.arange(base.n), count)
    span = np.maximum(hi - lo, 0)[cust]
    created = lo[cust] + (rng.random(len(cust)) * (span + 1)).astype(np.int64)
    n = len(cust)

    category = categorical(rng, n, vocab.REQ_CATEGORY_WEIGHTS)
    nature = np.array(vocab.REQ_NATURE_OF_CATEGORY)[category]
    flip = (rng.random(n) < 0.06) & (nature < 2)  # 功能需求 ↔ 服务需求 is a judgement call
    nature = np.where(flip, 1 - nature, nature)
    explicit = (rng.random(n) < 0.3).astype(np.int64)
    urgency = categorical(rng, n, URGENCY_WEIGHTS)
    prio_p = PRIORITY_BY_URGENCY[urgency].copy()
    large = base.size[cust] == 2
    prio_p[large] = prio_p[large] * np.array([1.6, 1.0, 0.6])
    priority = categorical_rows(rng, prio_p)
    due_lo = np.array([d[0] for d in DUE_DAYS])[urgency]
    due_hi = np.array([d[1] for d in DUE_DAYS])[urgency]
    due = created + rng.integers(due_lo, due_hi + 1)

    # Outcome: rejected after a decision, or resolved after a handling time, if before `end`.
    reject = rng.random(n) < np.array(REJECT_PROB)[category]
    handling = (rng.gamma(2.0, 0.45, n) * (due - created)).astype(np.int64) + 1
    decided = created + handling
    done = decided <= end
    status = np.where(
        done,
        np.where(reject, 3, 2),
        np.where((end - created > 10) | (rng.random(n) < 0.3), 1, 0),
    )
    resolved = np.where(status == 2, decided, NO_DATE)
    late = resolved > due
    sat_p = np.where(late[:, None], [0.08, 0.17, 0.35, 0.3, 0.1], [0.02, 0.05, 0.18, 0.4, 0.35])
    sat = 1 + categorical_rows(rng, sat_p)
    reason = rng.integers(0, len(vocab.REQ_REJECTION_REASONS), n)

    cols = {
        "category": coded(vocab.REQ_CATEGORIES, category),
        "nature": coded(vocab.REQ_NATURES, nature),
        "explicitness": coded(vocab.REQ_EXPLICITNESS, explicit),
        "urgency": coded(vocab.REQ_URGENCIES, urgency),
        "priority": coded(vocab.REQ_PRIORITIES, priority),
        "description": _descriptions(rng, category),
        "status": coded(vocab.REQ_STATUSES, status),
        "owner": coded(ALL_OWNERS, base.owner_code[cust]),
        "satisfaction": coded(("", "1", "2", "3", "4", "5"), np.where(status == 2, sat, 0)),
        "rejection_reason": coded(
            ("", *vocab.REQ_REJECTION_REASONS), np.where(status == 3, reason + 1, 0)
        ),
    }
    return Requirements(customer=cust, day=created, due_day=due, resolved_day=resolved, cols=cols)

"""Sales leads (销售漏斗) with monotone stage-entry dates, tied to the purchase process.

Every customer has the lead they came in on: for buyers it is won on the first deal date (the
day of their first order); for the others it stalls or is lost (价格偏高 most often). Buyers
get further upsell leads, won on the day of one of their later orders or lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.demo import vocab
from workbench.demo.customers import CustomerBase
from workbench.demo.dates import NO_DATE
from workbench.demo.draw import categorical
from workbench.demo.purchases import Purchases

UPSELL_LEADS_PER_BUYER = 0.4
UPSELL_WIN_PROB = 0.6
PROSPECT_REACH = (0.4, 0.35, 0.25)  # furthest stage of a lead that is not won
STALE_PROB = 0.12  # an unwon lead nobody closes: stays open in its stage
WON, LOST = 3, 4  # indices into vocab.STAGES


@dataclass
class Leads:
    """Lead rows: customer index, stage-entry days (NO_DATE if not entered), written columns."""

    customer: np.ndarray
    day: np.ndarray
    intent: np.ndarray
    proposal: np.ndarray
    won: np.ndarray
    lost: np.ndarray
    stage: np.ndarray
    amount: np.ndarray
    reason: np.ndarray  # index into vocab.LOST_REASONS, -1 if not lost


def _between(rng: np.random.Generator, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
    """Two ordered days a ≤ x ≤ y ≤ b (intent and proposal before a win)."""
    f = np.sort(rng.random((len(a), 2)), axis=1)
    span = (b - a).astype(float)
    return a + (f[:, 0] * span).astype(np.int64), a + (f[:, 1] * span).astype(np.int64)


def _unwon(rng: np.random.Generator, created: np.ndarray, end: int) -> tuple[np.ndarray, ...]:
    """Stages, stage days and loss of leads that are not won by the end of the window."""
    n = len(created)
    reach = categorical(rng, n, PROSPECT_REACH)
    intent = created + 1 + rng.gamma(2.0, 10.0, n).astype(np.int64)
    proposal = intent + 1 + rng.gamma(2.0, 12.0, n).astype(np.int64)
    intent = np.where((reach >= 1) & (intent <= end), intent, NO_DATE)
    proposal = np.where((reach >= 2) & (proposal <= end) & (intent != NO_DATE), proposal, NO_DATE)
    last = np.maximum(created, np.maximum(intent, proposal))
    lost = last + 1 + rng.gamma(2.0, 15.0, n).astype(np.int64)
    lost = np.where((lost <= end) & (rng.random(n) >= STALE_PROB), lost, NO_DATE)
    stage = np.where(
        lost != NO_DATE, LOST, np.where(proposal != NO_DATE, 2, np.where(intent != NO_DATE, 1, 0))
    )
    reason = np.where(lost != NO_DATE, categorical(rng, n, vocab.LOST_REASON_WEIGHTS), -1)
    return stage, intent, proposal, lost, reason


def simulate_leads(rng: np.random.Generator, base: CustomerBase, pu: Purchases, end: int) -> Leads:
    """One entry lead per customer plus upsell leads for buyers, consistent with the orders."""
    n = base.n
    buyer = pu.deal_day != NO_DATE
    created = np.minimum(base.contact_day + rng.integers(0, 4, n), end)
    created = np.where(buyer, np.minimum(created, pu.deal_day), created)
    stage, intent, proposal, lost, reason = _unwon(rng, created, end)
    w_int, w_prop = _between(rng, created, np.where(buyer, pu.deal_day, created))
    stage = np.where(buyer, WON, stage)
    intent = np.where(buyer, w_int, intent)
    proposal = np.where(buyer, w_prop, proposal)
    won = np.where(buyer, pu.deal_day, NO_DATE)
    lost = np.where(buyer, NO_DATE, lost)
    reason = np.where(buyer, -1, reason)
    first_amount = np.zeros(n)
    first_row = np.unique(pu.order_customer, return_index=True)
    first_amount[first_row[0]] = pu.order_amount[first_row[1]]
    base_amount = np.where(buyer, first_amount, pu.spend_mean)

    # Upsell leads: aim at one of the buyer's orders; won on its day or lost before.
    order_by_c = np.argsort(pu.order_customer, kind="stable")
    counts = np.bincount(pu.order_customer, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    k = rng.poisson(UPSELL_LEADS_PER_BUYER * buyer)
    uc = np.repeat(np.arange(n), k)
    target = order_by_c[starts[uc] + (rng.random(len(uc)) * counts[uc]).astype(np.int64)]
    t_day = pu.order_day[target]
    u_created = np.maximum(
        t_day - 1 - rng.gamma(2.0, 20.0, len(uc)).astype(np.int64), pu.deal_day[uc]
    )
    win = (rng.random(len(uc)) < UPSELL_WIN_PROB) & (t_day > pu.deal_day[uc])
    u_stage, u_int, u_prop, u_lost, u_reason = _unwon(rng, u_created, end)
    w_int, w_prop = _between(rng, u_created, t_day)
    u_stage = np.where(win, WON, u_stage)
    u_int = np.where(win, w_int, u_int)
    u_prop = np.where(win, w_prop, u_prop)
    u_won = np.where(win, t_day, NO_DATE)
    u_lost = np.where(win, NO_DATE, u_lost)
    u_reason = np.where(win, -1, u_reason)
    u_amount = pu.order_amount[target]

    amount = np.concatenate([base_amount, u_amount]) * rng.uniform(0.8, 1.4, n + len(uc))
    ent = base.enterprise[np.concatenate([np.arange(n), uc])]
    amount = np.where(ent, np.round(amount / 1000) * 1000, np.round(amount / 100) * 100)
    return Leads(
        customer=np.concatenate([np.arange(n), uc]),
        day=np.concatenate([created, u_created]),
        intent=np.concatenate([intent, u_int]),
        proposal=np.concatenate([proposal, u_prop]),
        won=np.concatenate([won, u_won]),
        lost=np.concatenate([lost, u_lost]),
        stage=np.concatenate([stage, u_stage]),
        amount=np.maximum(amount, 100.0),
        reason=np.concatenate([reason, u_reason]),
    )

"""Repeat buying with dropout (BG/NBD-like) and spend per order (Gamma-Gamma-like).

Each buyer has a purchase rate λ ~ Gamma and, after every purchase, drops out with probability
p ~ Beta; the first order falls on the first deal date and orders follow until dropout or the
end of the window. 华南's dropout probability is raised in the window's last calendar year, so
its churn rises visibly there. The loop runs over purchase *rounds* (all live customers at once),
never over orders or customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.demo import vocab
from workbench.demo.customers import CustomerBase
from workbench.demo.dates import NO_DATE, year_start, ymd
from workbench.demo.draw import categorical
from workbench.extracts.schema import REGIONS

BUYER_SHARE = 0.89  # designated buyers; those whose first deal would fall after `end` never buy
DEAL_LAG_DAYS = {True: 55.0, False: 28.0}  # mean days first contact → first deal (企业, 个人)
LAMBDA_SHAPE = 1.5  # heterogeneity of the purchase rate λ (per day) ~ Gamma(shape, mean/shape)
LAMBDA_MEAN = {True: 1 / 30, False: 1 / 40}
LAMBDA_MAX = 1 / 4
P_BETA = (1.4, 21.0)  # dropout probability after each purchase ~ Beta(a, b), mean ≈ 0.0625
LAST_YEAR_DROPOUT_FACTOR = {"华南": 3.0}  # multiplies p for purchases in the last year
MULTI_ORDER_PROB = 0.12  # a purchase event that is written as 2–3 same-day orders
# Gamma-Gamma spend: customer mean ν ~ Gamma(SPEND_SHAPE, mean/SPEND_SHAPE); order ~ Gamma(q, ν/q).
SPEND_SHAPE = 2.5
ORDER_Q = 3.0
SPEND_MEAN = {"小型": 50_000.0, "中型": 130_000.0, "大型": 320_000.0, "个人": 6_000.0}
AMOUNT_RANGE = {True: (10_000.0, 2_000_000.0), False: (500.0, 50_000.0)}
CHURN_SILENCE_DAYS = 180  # 流失客户 = dropped out and no order in the last 180 days


@dataclass
class Purchases:
    """Per-customer latent process and per-order rows (customer index, day, amount, …)."""

    deal_day: np.ndarray  # NO_DATE for customers who never bought
    lam: np.ndarray
    p: np.ndarray
    dropped: np.ndarray
    dropout_day: np.ndarray  # day of the purchase after which the customer dropped out
    last_day: np.ndarray
    status: np.ndarray  # index into vocab.STATUSES
    spend_mean: np.ndarray
    order_customer: np.ndarray
    order_day: np.ndarray
    order_amount: np.ndarray  # yuan, 2 decimals
    order_product: np.ndarray  # index into vocab.PRODUCTS
    order_payment: np.ndarray  # index into vocab.PAYMENT_METHODS


def _deal_days(rng: np.random.Generator, base: CustomerBase, end: int) -> np.ndarray:
    """First deal after a lag for designated buyers; NO_DATE if none (or after ``end``)."""
    lag_mean = np.where(base.enterprise, DEAL_LAG_DAYS[True], DEAL_LAG_DAYS[False])
    lag = 1 + rng.gamma(2.0, lag_mean / 2.0)
    deal = base.contact_day + lag.astype(np.int64)
    buyer = (rng.random(base.n) < BUYER_SHARE) & (deal <= end)
    return np.where(buyer, deal, NO_DATE)


def _simulate(
    rng: np.random.Generator,
    deal: np.ndarray,
    lam: np.ndarray,
    p: np.ndarray,
    factor: np.ndarray,
    last_year: int,
    end: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Purchase events (customer, day) and the dropout flag/day of each customer."""
    n = len(deal)
    buyers = np.flatnonzero(deal != NO_DATE)
    t = deal.astype(float)
    dropped = np.zeros(n, dtype=bool)
    dropout = np.full(n, NO_DATE, dtype=np.int64)
    ev_c, ev_t = [buyers], [deal[buyers]]
    active = buyers
    while active.size:
        cur = t[active]
        p_eff = np.minimum(p[active] * np.where(cur >= last_year, factor[active], 1.0), 1.0)
        drop = rng.random(active.size) < p_eff
        dropped[active[drop]] = True
        dropout[active[drop]] = cur[drop].astype(np.int64)
        active = active[~drop]
        nxt = t[active] + rng.exponential(1.0 / lam[active])
        ok = nxt < end + 1
        active = active[ok]
        t[active] = nxt[ok]
        ev_c.append(active)
        ev_t.append(nxt[ok].astype(np.int64))
    return np.concatenate(ev_c), np.concatenate(ev_t), dropped, dropout


def simulate_purchases(
    rng: np.random.Generator, base: CustomerBase, start: int, end: int
) -> Purchases:
    """Draw first deals, the repeat-buying process and the orders it produces, with status."""
    n = base.n
    ent = base.enterprise
    deal = _deal_days(rng, base, end)
    lam_mean = np.where(ent, LAMBDA_MEAN[True], LAMBDA_MEAN[False])
    lam = np.minimum(rng.gamma(LAMBDA_SHAPE, lam_mean / LAMBDA_SHAPE), LAMBDA_MAX)
    p = rng.beta(*P_BETA, size=n)
    factor_by_region = np.array([LAST_YEAR_DROPOUT_FACTOR.get(r, 1.0) for r in REGIONS])
    last_year = max(start, year_start(int(ymd(np.array([end]))[0][0])))
    ev_c, ev_day, dropped, dropout = _simulate(
        rng, deal, lam, p, factor_by_region[base.region_idx], last_year, end
    )

    # Some purchase events are several orders on the same day.
    first = np.zeros(len(ev_c), dtype=bool)
    first[: int((deal != NO_DATE).sum())] = True
    extra = np.where(
        rng.random(len(ev_c)) < MULTI_ORDER_PROB, 1 + (rng.random(len(ev_c)) < 0.25), 0
    )
    rep = np.repeat(np.arange(len(ev_c)), 1 + extra)
    cust, day, is_first = ev_c[rep], ev_day[rep], first[rep] & ~_repeat_tail(1 + extra)

    # Spend: customer mean ν, orders Gamma(q, ν/q) around it.
    by_size = np.array([SPEND_MEAN[s] for s, _ in vocab.SIZES])
    mean = np.where(ent, by_size[base.size.clip(0)], SPEND_MEAN["个人"])
    nu = rng.gamma(SPEND_SHAPE, mean / SPEND_SHAPE)
    raw = rng.gamma(ORDER_Q, nu[cust] / ORDER_Q)
    ent_o = ent[cust]
    lo = np.where(ent_o, AMOUNT_RANGE[True][0], AMOUNT_RANGE[False][0])
    hi = np.where(ent_o, AMOUNT_RANGE[True][1], AMOUNT_RANGE[False][1])
    amount = np.where(ent_o, np.round(raw / 100) * 100, np.round(raw)).clip(lo, hi)

    product = np.empty(len(cust), dtype=np.int64)
    payment = np.empty(len(cust), dtype=np.int64)
    licence = np.array([cat == "软件许可" for _, cat, *_ in vocab.PRODUCTS])
    for is_ent, col in ((True, 2), (False, 3)):
        w = np.array([row[col] for row in vocab.PRODUCTS])
        for first_order in (True, False):
            sel = (ent_o == is_ent) & (is_first == first_order)
            wf = w * np.where(licence, 5.0, 1.0) if first_order else w
            product[sel] = categorical(rng, int(sel.sum()), wf)
        pw = vocab.PAYMENT_WEIGHTS_ENTERPRISE if is_ent else vocab.PAYMENT_WEIGHTS_PERSON
        sel = ent_o == is_ent
        payment[sel] = categorical(rng, int(sel.sum()), pw)

    last = np.full(n, NO_DATE, dtype=np.int64)
    np.maximum.at(last, cust, day)
    buyer = deal != NO_DATE
    churned = dropped & (last < end - CHURN_SILENCE_DAYS)
    status = np.where(~buyer, 0, np.where(churned, 2, 1))
    return Purchases(
        deal_day=deal,
        lam=lam,
        p=p,
        dropped=dropped,
        dropout_day=dropout,
        last_day=last,
        status=status,
        spend_mean=nu,
        order_customer=cust,
        order_day=day,
        order_amount=amount,
        order_product=product,
        order_payment=payment,
    )


def _repeat_tail(counts: np.ndarray) -> np.ndarray:
    """For np.repeat(…, counts): True on every copy but the first of each element."""
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    tail = np.ones(int(counts.sum()), dtype=bool)
    tail[starts] = False
    return tail

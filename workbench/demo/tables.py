"""Turn the simulated processes into the five extract tables, with ids, in written row order.

A ``Frame`` holds the written cells (object arrays of strings, schema column order) and, aligned
with its rows, the latent values the dirt injection and the writers need (true days, amounts …).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.demo import vocab
from workbench.demo.customers import CustomerBase
from workbench.demo.dates import iso, stamped_ids
from workbench.demo.draw import pick
from workbench.demo.duplicates import Duplicates
from workbench.demo.formats import canonical_amount
from workbench.demo.funnel import Leads
from workbench.demo.interactions import Interactions
from workbench.demo.purchases import Purchases
from workbench.demo.requirements import Requirements
from workbench.extracts.schema import TABLES


@dataclass
class Frame:
    """One table as written: cells per column, plus row-aligned latent values in ``meta``."""

    name: str
    cols: dict[str, np.ndarray]
    meta: dict[str, np.ndarray] = field(default_factory=dict)
    date_days: dict[str, np.ndarray] = field(default_factory=dict)  # true day per date column

    @property
    def n(self) -> int:
        """Number of rows."""
        return len(next(iter(self.cols.values())))

    def take(self, rows: np.ndarray) -> None:
        """Reorder (or repeat) rows in place."""
        for d in (self.cols, self.meta, self.date_days):
            for k in d:
                d[k] = d[k][rows]


def _ids(
    rng: np.random.Generator, prefix: str, day: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Row order (by day, random within a day) and ids ``prefix + yyyymmdd + serial``."""
    order = np.lexsort((rng.random(len(day)), day))
    sd = day[order]
    serial = np.arange(len(sd)) - np.searchsorted(sd, sd, side="left") + 1
    w = max(width, len(str(int(serial.max(initial=1)))))
    return order, stamped_ids(prefix, sd, serial, w)


def _frame(name: str, cells: dict[str, np.ndarray]) -> Frame:
    """The table's columns the generator made, in schema order (no order-line columns: the demo
    writes one row per order)."""
    table = TABLES[name]
    return Frame(
        name, {c: np.asarray(cells[c], dtype=object) for c in table.column_names if c in cells}
    )


def assemble(
    rng: np.random.Generator, base: CustomerBase, pu: Purchases, inter: Interactions,
    reqs: Requirements, leads: Leads, dups: Duplicates, owners: dict[str, np.ndarray],
) -> dict[str, Frame]:  # fmt: skip
    """Build the five frames in written order; children refer to customers by written id."""
    n, k = base.n, len(dups.survivor)
    contact = np.concatenate([base.contact_day, dups.contact_day])
    deal = np.concatenate([pu.deal_day, dups.deal_day])
    founded = np.concatenate([base.founded_day, base.founded_day[dups.survivor]])
    status = np.concatenate([pu.status, dups.status])
    order, ids_sorted = _ids(rng, "C", contact, 3)
    cust_id = np.empty(n + k, dtype=object)
    cust_id[order] = ids_sorted
    cells = {c: np.concatenate([base.cols[c], dups.cols[c]]) for c in base.cols}
    cells |= {
        "customer_id": cust_id,
        "founded": iso(founded),
        "first_contact_date": iso(contact),
        "first_deal_date": iso(deal),
        "status": pick(vocab.STATUSES, status),
    }
    customers = _frame("customers", cells)
    is_dup = np.arange(n + k) >= n
    survivor = np.full(n + k, -1)
    survivor[n:] = dups.survivor
    surv_flag = np.zeros(n + k, dtype=bool)
    surv_flag[dups.survivor] = True
    customers.meta = {
        "index": np.arange(n + k),
        "enterprise": np.concatenate([base.enterprise, base.enterprise[dups.survivor]]),
        "is_dup": is_dup,
        "is_survivor": surv_flag,
        "survivor_id": np.where(is_dup, cust_id[survivor.clip(0)], ""),
        "how": np.concatenate([np.full(n, -1), dups.how]),
        "true_phone": np.concatenate([base.cols["phone"], dups.true_phone]),
        "reformatted_phone": np.concatenate([np.zeros(n, dtype=bool), dups.reformatted_phone]),
    }
    customers.date_days = {
        "founded": founded,
        "first_contact_date": contact,
        "first_deal_date": deal,
    }
    customers.take(order)

    # Children: ordered by day first, then their cells are made in that order (gathering
    # numbers and codes is cheap; gathering millions of strings is not).
    order, oid = _ids(rng, "O", pu.order_day, 4)
    o_cust, o_day, product = owners["orders"][order], pu.order_day[order], pu.order_product[order]
    orders = _frame(
        "orders",
        {
            "order_id": oid,
            "customer_id": cust_id[o_cust],
            "order_date": iso(o_day),
            "amount": canonical_amount(pu.order_amount[order]),
            "product": pick([p for p, *_ in vocab.PRODUCTS], product),
            "product_category": pick([c for _, c, *_ in vocab.PRODUCTS], product),
            "payment_method": pick(vocab.PAYMENT_METHODS, pu.order_payment[order]),
        },
    )
    orders.meta = {"amount": pu.order_amount[order], "customer": o_cust}
    orders.date_days = {"order_date": o_day}

    order, iid = _ids(rng, "I", inter.day, 4)
    i_cust, i_day = owners["interactions"][order], inter.day[order]
    interactions = _frame(
        "interactions",
        {name: col.cells(order) for name, col in inter.cols.items()}
        | {"interaction_id": iid, "customer_id": cust_id[i_cust], "interaction_date": iso(i_day)},
    )
    interactions.meta = {"segment": inter.segment[order], "customer": i_cust}
    interactions.date_days = {"interaction_date": i_day}

    order, rid = _ids(rng, "R", reqs.day, 4)
    days = {"created_date": reqs.day, "due_date": reqs.due_day, "resolved_date": reqs.resolved_day}
    days = {name: d[order] for name, d in days.items()}
    requirements = _frame(
        "requirements",
        {name: col.cells(order) for name, col in reqs.cols.items()}
        | {"req_id": rid, "customer_id": cust_id[owners["requirements"][order]]}
        | {name: iso(d) for name, d in days.items()},
    )
    requirements.date_days = days

    order, lid = _ids(rng, "L", leads.day, 4)
    reason = leads.reason[order]
    opportunities = _frame(
        "opportunities",
        {
            "lead_id": lid,
            "customer_id": cust_id[leads.customer[order]],
            "created_date": iso(leads.day[order]),
            "stage": pick(vocab.STAGES, leads.stage[order]),
            "intent_date": iso(leads.intent[order]),
            "proposal_date": iso(leads.proposal[order]),
            "won_date": iso(leads.won[order]),
            "lost_date": iso(leads.lost[order]),
            "expected_amount": canonical_amount(leads.amount[order]),
            "lost_reason": pick(("", *vocab.LOST_REASONS), reason + 1),
        },
    )
    return {
        "customers": customers,
        "orders": orders,
        "interactions": interactions,
        "requirements": requirements,
        "opportunities": opportunities,
    }

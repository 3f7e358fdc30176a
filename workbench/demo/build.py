"""Orchestration: one seed → customers, behaviour, children, duplicates, dirt, files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.random import PCG64, Generator

from workbench.demo.customers import build_customers
from workbench.demo.dates import NO_DATE, day_number, iso
from workbench.demo.dirt import DIRT_RATES, SCOPES, XLSX_TEXT_DATE_RATE, inject
from workbench.demo.duplicates import HOW, make_duplicates
from workbench.demo.funnel import simulate_leads
from workbench.demo.interactions import simulate_interactions
from workbench.demo.places import load_places
from workbench.demo.purchases import simulate_purchases
from workbench.demo.requirements import simulate_requirements
from workbench.demo.tables import Frame, assemble
from workbench.demo.writer import FILES, write_csv, write_requirements, write_truth

TRUE_STATUS = ("prospect", "active", "dropped")  # never bought / buying at `end` / dropped out
EXPORT_DELAY_DAYS = 2  # the export is dated two days after the end of the window


@dataclass
class GenerationResult:
    """Where the generated extracts went: directory, file per table, rows per table, truth."""

    out_dir: Path
    files: dict[str, Path]
    rows: dict[str, int]
    truth_dir: Path


def generate(
    out_dir: str | Path,
    customers: int = 5000,
    seed: int = 7,
    start: str = "2021-01-01",
    end: str = "2024-12-31",
) -> GenerationResult:
    """Write a deterministic synthetic CRM export (five dirty extracts + ground truth).

    Same arguments → byte-identical files; used for demos, tests and benchmarks.
    """
    if customers < 50:
        raise ValueError("customers must be at least 50")
    s, e = day_number(start), day_number(end)
    if e - s < 365:
        raise ValueError("the window start..end must span at least a year")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = Generator(PCG64(seed))

    base = build_customers(rng, customers, s, e, load_places())
    pu = simulate_purchases(rng, base, s, e)
    inter = simulate_interactions(rng, base, pu, e)
    reqs = simulate_requirements(rng, base, pu, e)
    leads = simulate_leads(rng, base, pu, e)
    first_order = np.zeros(len(pu.order_customer), dtype=bool)
    first_order[np.unique(pu.order_customer, return_index=True)[1]] = True
    dups, owners = make_duplicates(
        rng,
        base,
        pu.status,
        {
            "orders": (pu.order_customer, pu.order_day, first_order),
            "interactions": (inter.customer, inter.day, None),
            "requirements": (reqs.customer, reqs.day, None),
        },
        e,
    )
    frames = assemble(rng, base, pu, inter, reqs, leads, dups, owners)
    del inter, reqs, leads, owners  # their cells now live in the frames
    log = inject(rng, frames)

    files = {name: out / FILES[name] for name in FILES}
    rows = {name: frames[name].n for name in FILES}
    dirt = log.frame(frames)
    summary_rates = achieved_rates(dirt, frames, customers)
    for name in ("orders", "interactions", "opportunities", "requirements"):
        frame = frames.pop(name)  # written, then released: keeps big runs within memory
        if name == "requirements":
            write_requirements(frame, files[name], e + EXPORT_DELAY_DAYS)
        else:
            write_csv(frame, files[name])
        del frame
    write_csv(frames["customers"], files["customers"])
    c = frames["customers"]
    dup_rows = c.meta["is_dup"]
    duplicates = pd.DataFrame(
        {
            "duplicate_id": c.cols["customer_id"][dup_rows],
            "survivor_id": c.meta["survivor_id"][dup_rows],
            "how": np.asarray(HOW, dtype=object)[c.meta["how"][dup_rows]],
        }
    )
    original = ~dup_rows
    idx = c.meta["index"][original]
    true_status = np.where(pu.deal_day == NO_DATE, 0, np.where(pu.dropped, 2, 1))[idx]
    customers_true = pd.DataFrame(
        {
            "customer_id": c.cols["customer_id"][original],
            "region": base.region[idx],
            "true_status": np.asarray(TRUE_STATUS, dtype=object)[true_status],
            "dropout_date": iso(pu.dropout_day[idx]),
            "lambda": np.round(pu.lam[idx], 8),
            "p": np.round(pu.p[idx], 8),
            "spend_mean": np.round(pu.spend_mean[idx], 2),
        }
    )
    summary = {
        "seed": seed,
        "customers": customers,
        "start": start,
        "end": end,
        "rows": rows,
        "duplicates": int(dup_rows.sum()),
        "dirt_counts": {k: int(v) for k, v in dirt["kind"].value_counts().sort_index().items()},
        "dirt_rates": DIRT_RATES | {"xlsx_text_date": XLSX_TEXT_DATE_RATE},
        "dirt_scopes": SCOPES,
        "dirt_rates_achieved": summary_rates,
    }
    truth = out / "_truth"
    write_truth(truth, dirt, duplicates, customers_true, summary)
    return GenerationResult(out_dir=out, files=files, rows=rows, truth_dir=truth)


def achieved_rates(dirt: pd.DataFrame, frames: dict[str, Frame], customers: int) -> dict:
    """Defects per kind divided by the size of the kind's scope (see ``dirt.SCOPES``)."""
    c, o = frames["customers"], frames["orders"]
    ent = int(c.meta["enterprise"].sum())
    scope = {
        "duplicate_customer": customers,
        "malformed_phone": c.n,
        "missing_key_field": c.n,
        "deal_before_contact": c.n,
        "bad_uscc_check": ent,
        "bad_id_check": c.n - ent,
        "free_text_industry": ent,
    }
    out: dict[str, float] = {}
    counts = dirt.groupby(["table", "kind"]).size()
    for (table, kind), n in counts.items():
        if kind == "mixed_date_format":
            fr = frames[table]
            cells = sum(int((d != NO_DATE).sum()) for d in fr.date_days.values())
            out[f"mixed_date_format.{table}"] = round(n / cells, 5)
        else:
            out[kind] = round(n / scope.get(kind, o.n), 5)
    return dict(sorted(out.items()))

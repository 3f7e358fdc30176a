"""The index's key figures per region and 全国: customers, the period's revenue, the churn rate
and how many KPIs are met, missed or without data.

Computed once per run from the cleaned data with the analyses' own functions (through the
`workbench.models` front door, as a notebook would), never parsed out of rendered pages, and
kept beside the index keyed by everything they depend on, so an unchanged re-run reads them back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from workbench.core.errors import ParameterError
from workbench.extracts.schema import ALL_REGIONS
from workbench.reports import provenance
from workbench.reports.checks import customers_by_region

FIGURE_COLUMNS = ("region", "customers", "revenue", "churn_rate", "kpis_met", "kpis_missed",
                  "kpis_no_data")  # fmt: skip
FIGURES_FILE = "figures.json"


def region_figures(
    data: object,
    period: str,
    regions: Sequence[str],
    kpi_params: Path | None = None,
    value_params: Path | None = None,
) -> pd.DataFrame:
    """FIGURE_COLUMNS, 全国 first then `regions`: customers (`customers_by_region`), revenue
    of the period net of returns (`revenue_by_customer`), the behavioural churn rate and the KPI
    statuses (`analyse_kpis` against params/kpis.yml); NaN where the KPIs cannot be computed
    for the period."""
    from workbench import models

    customers, orders = data.customers, data.orders
    counts = customers_by_region(customers)
    scopes = [ALL_REGIONS, *regions]
    out = pd.DataFrame(index=pd.Index(scopes, name="region"), columns=FIGURE_COLUMNS[1:])
    for scope in scopes:
        mine = customers if scope == ALL_REGIONS else customers[customers["region"] == scope]
        revenue = models.revenue_by_customer(orders, mine["customer_id"], period)["revenue"]
        out.loc[scope, "customers"] = (
            len(customers) if scope == ALL_REGIONS else counts.get(scope, 0)
        )
        out.loc[scope, "revenue"] = float(revenue.sum())
    try:
        kpis = models.analyse_kpis(data, period, models.load_kpi_params(kpi_params),
                                   models.load_value_params(value_params))  # fmt: skip
    except ParameterError:  # the KPIs are not defined for this period: shown as –
        kpis = None
    if kpis is not None:
        table = kpis.table[kpis.table["region"].isin(scopes)]
        churn = table[table["kpi"] == "churn_rate"].set_index("region")["current"]
        out["churn_rate"] = churn.reindex(scopes)
        for status in ("met", "missed", "no_data"):
            counted = (table["status"] == status).groupby(table["region"]).sum()
            out[f"kpis_{status}"] = counted.reindex(scopes)
    return out.reset_index().astype({"customers": "int64", "revenue": "float64",
                                     "churn_rate": "float64"})  # fmt: skip


def cached_figures(
    folder: Path,
    data_dir: Path,
    period: str,
    regions: Sequence[str],
    kpi_params: Path | None = None,
    value_params: Path | None = None,
    data: object | None = None,
) -> pd.DataFrame:
    """`region_figures`, read back from `folder/figures.json` when the data, the code, the
    params files, the period and the regions are those they were computed from; `data` the
    cleaned extracts of `data_dir` if already loaded."""
    from workbench.cleaning.cache import load_clean

    key = provenance.inputs_key({
        "data": provenance.data_digest(provenance.input_digests(data_dir)),
        "code": provenance.code_digest(), "period": period, "regions": list(regions),
        "params": [provenance.digest_or_none(p) if p else None for p in (kpi_params, value_params)],
    })  # fmt: skip
    stored = folder / FIGURES_FILE
    try:
        kept = json.loads(stored.read_text(encoding="utf-8"))
        if kept.get("key") == key:
            return pd.DataFrame(kept["rows"], columns=list(FIGURE_COLUMNS))
    except (OSError, ValueError, KeyError):
        pass
    data = load_clean(data_dir) if data is None else data
    figures = region_figures(data, period, regions, kpi_params, value_params)
    rows = json.loads(figures.to_json(orient="records", force_ascii=False))
    folder.mkdir(parents=True, exist_ok=True)
    stored.write_text(json.dumps({"key": key, "rows": rows}, ensure_ascii=False, indent=1),
                      encoding="utf-8")  # fmt: skip
    return figures

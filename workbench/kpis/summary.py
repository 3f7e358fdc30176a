"""The company-wide summary's figures: the regions side by side, the period's largest movements
and its anomalies, from the KPI report (`analysis.analyse_kpis`) and the trends report of 全国
(`workbench.trends.analysis.analyse_trends`). Frames in, frames out, codes only.

Expected value per region: the 12-month CLV of its customers from one company-wide fit
(`workbench.clv.fit.company_clv`), summed; the region value reports fit their own models.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.churn.definition import purchases_of
from workbench.clv.fit import company_clv
from workbench.core.periods import period_bounds
from workbench.extracts.schema import ALL_REGIONS, REGIONS
from workbench.kpis.analysis import KPIS, MET, SCOPES, KpiReport
from workbench.trends.analysis import TrendReport
from workbench.value.params import ClvParams

OVERVIEW_COLUMNS = ("region", "customers", "revenue", "revenue_qoq", "revenue_yoy", "churn_rate",
                    "expected_value", "win_rate", "resolution_rate", "completeness",
                    "kpis_met")  # fmt: skip
MOVEMENTS = ("revenue_qoq", "revenue_yoy", "new_buyers_qoq", "churn_rate_change")
ANOMALY_COLUMNS = ("region", "complaints", "complaint_z", "complaint_rise", "order_drops")


def expected_value(data: object, period: str, clv_params: ClvParams | None = None) -> pd.Series:
    """12-month expected value (CLV, 元) per region and 全国 as of the period's end, from one
    company-wide fit; NaN when there are no orders or the models cannot be fitted."""
    customers, orders = data.tables["customers"], data.tables.get("orders")
    scopes = pd.Index(list(SCOPES), name="region")
    if orders is None or orders.empty or "region" not in customers:
        return pd.Series(np.nan, index=scopes, name="expected_value")
    _, as_of = period_bounds(period)
    ids = pd.Index(customers["customer_id"].unique(), name="customer_id")
    clv = company_clv(purchases_of(orders), as_of, clv_params, ids)
    if clv.isna().all():
        return pd.Series(np.nan, index=scopes, name="expected_value")
    region = customers.drop_duplicates("customer_id").set_index("customer_id")["region"]
    sums = clv.groupby(region.reindex(clv.index)).sum()
    sums[ALL_REGIONS] = clv.sum()
    return sums.reindex(scopes).fillna(0.0).rename("expected_value")


def region_overview(kpis: KpiReport, trends: TrendReport, customers: pd.DataFrame,
                    expected: pd.Series | None = None) -> pd.DataFrame:  # fmt: skip
    """OVERVIEW_COLUMNS, one row per region and 全国: customers, the period's revenue and its
    growth (trends), churn, expected value (``expected``, `expected_value`; NaN without it),
    win rate, resolution and completeness (KPIs), KPIs met."""
    region = customers["region"] if "region" in customers else pd.Series(dtype="object")
    counts = region.value_counts().reindex(list(REGIONS), fill_value=0)
    counts[ALL_REGIONS] = len(customers)
    table = kpis.table.pivot(index="region", columns="kpi", values="current")
    met = kpis.table.assign(met=kpis.table["status"] == MET).groupby("region")["met"].sum()
    growth = trends.comparison.set_index("region")[["revenue", "revenue_qoq", "revenue_yoy"]]
    out = pd.DataFrame(index=pd.Index(list(SCOPES), name="region"))
    out["customers"] = counts.astype("int64")
    out = out.join(growth).join(table[[k for k in KPIS if k != "high_value_repurchase"]])
    out["kpis_met"] = met.reindex(out.index).astype("int64")
    out["expected_value"] = np.nan if expected is None else expected.reindex(out.index)
    return out.reset_index()[list(OVERVIEW_COLUMNS)]


def largest_movements(trends: TrendReport, top: int = 5) -> pd.DataFrame:
    """region, measure (MOVEMENTS), change: the regions' largest changes of the period by
    absolute size (全国 left out), at most `top`; changes are relative, churn's in points."""
    rows = trends.comparison[trends.comparison["region"] != ALL_REGIONS]
    long = rows.melt(id_vars="region", value_vars=list(MOVEMENTS), var_name="measure",
                     value_name="change").dropna(subset=["change"])  # fmt: skip
    long = long[np.isfinite(long["change"].astype("float64"))]
    order = long["change"].abs().sort_values(ascending=False, kind="stable").index
    return long.loc[order].head(top).reset_index(drop=True)


def anomalies(trends: TrendReport, customers: pd.DataFrame) -> pd.DataFrame:
    """ANOMALY_COLUMNS per region and 全国: the period's complaints, their robust z and whether
    they rose abnormally; customers whose orders dropped suddenly (`trends.anomalies`)."""
    rises = trends.complaint_rises.set_index("region")
    region = customers.drop_duplicates("customer_id").set_index("customer_id").get("region")
    drops = trends.drops["customer_id"]
    where = drops.map(region) if region is not None else pd.Series(np.nan, index=drops.index)
    counts = where.value_counts().reindex(list(REGIONS), fill_value=0)
    counts[ALL_REGIONS] = len(drops)
    out = pd.DataFrame({
        "complaints": rises["complaints"].reindex(list(SCOPES)),
        "complaint_z": rises["z"].reindex(list(SCOPES)),
        "complaint_rise": rises["flagged"].reindex(list(SCOPES)).fillna(False).astype(bool),
        "order_drops": counts.reindex(list(SCOPES)).astype("int64"),
    })  # fmt: skip
    return out.rename_axis("region").reset_index()[list(ANOMALY_COLUMNS)]

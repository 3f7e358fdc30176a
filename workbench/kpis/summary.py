"""The company-wide summary's figures: the regions side by side, the quarter's largest movements
and its anomalies, from the KPI report (`analysis.analyse_kpis`) and the trends report of 全国
(`workbench.trends.analysis.analyse_trends`). Frames in, frames out, codes only.

Expected value (CLV) per region is not shown: it needs a model fit per region (the value
report's), too slow to run seven times in the summary.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.extracts.schema import ALL_REGIONS, REGIONS
from workbench.kpis.analysis import KPIS, MET, SCOPES, KpiReport
from workbench.trends.analysis import TrendReport

OVERVIEW_COLUMNS = ("region", "customers", "revenue", "revenue_qoq", "revenue_yoy", "churn_rate",
                    "win_rate", "resolution_rate", "completeness", "kpis_met")  # fmt: skip
MOVEMENTS = ("revenue_qoq", "revenue_yoy", "new_buyers_qoq", "churn_rate_change")
ANOMALY_COLUMNS = ("region", "complaints", "complaint_z", "complaint_rise", "order_drops")


def region_overview(kpis: KpiReport, trends: TrendReport, customers: pd.DataFrame
                    ) -> pd.DataFrame:  # fmt: skip
    """OVERVIEW_COLUMNS, one row per region and 全国: customers, the quarter's revenue and its
    growth (trends), churn, win rate, resolution and completeness (KPIs), KPIs met."""
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
    return out.reset_index()[list(OVERVIEW_COLUMNS)]


def largest_movements(trends: TrendReport, top: int = 5) -> pd.DataFrame:
    """region, measure (MOVEMENTS), change: the regions' largest changes of the quarter by
    absolute size (全国 left out), at most `top`; changes are relative, churn's in points."""
    rows = trends.comparison[trends.comparison["region"] != ALL_REGIONS]
    long = rows.melt(id_vars="region", value_vars=list(MOVEMENTS), var_name="measure",
                     value_name="change").dropna(subset=["change"])  # fmt: skip
    long = long[np.isfinite(long["change"].astype("float64"))]
    order = long["change"].abs().sort_values(ascending=False, kind="stable").index
    return long.loc[order].head(top).reset_index(drop=True)


def anomalies(trends: TrendReport, customers: pd.DataFrame) -> pd.DataFrame:
    """ANOMALY_COLUMNS per region and 全国: the quarter's complaints, their robust z and whether
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

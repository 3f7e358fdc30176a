"""KPIs against targets: five management KPIs per region (and 全国) and period (a month, a quarter
or a year), this period against the comparison period (the previous period of its kind or the
same period a year before), with a status 达标 / 未达标 / 无数据 (codes met / missed / no_data).
Targets apply unchanged to any kind of period (`workbench.kpis.params`: they are rates).

Definitions (also in docs/glossary.md); a region's figures are its customers', and a lead's or a
requirement's region is its customer's:
- completeness: key-field cells filled ÷ key-field cells (industry, size, USCC count for
  enterprises only: `cleaning.completeness.field_cells`) over the customers known by the
  period's end (first contact before it or unrecorded). The extracts hold the fields as exported
  now, so an earlier period's figure is today's fields of the customers known then.
- high_value_repurchase: 复购率 (`profiling.analysis.order_kpis`: customers buying on ≥ 2 days of
  the period ÷ customers buying in it) of the customers in the RFM class 高价值 at the period's
  start, classes scored company-wide (`value.rfm.rfm_classes`, params/value.yml) so one
  definition of 高价值 holds in every region.
- churn_rate: `churn.definition.behavioural_churn_rate` (lower is better).
- win_rate: the lead conversion shown is the win rate, won ÷ (won + lost)
  (`funnel.metrics.win_rate`), of the leads created in the period as they stood at its end
  (the funnel report's period cohort); open leads are left out.
- resolution_rate: requirements created in the period resolved by its end
  (`requirements.prepare.resolved_by`) ÷ requirements created in it.

A value that cannot be computed (no extract, nothing in the period) is NaN, and a status that
needs it is no_data, never a crash. Frames in, frames out, codes only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.churn.definition import behavioural_churn_rate, purchases_of
from workbench.cleaning.completeness import field_cells
from workbench.cleaning.settings import CleaningSettings
from workbench.core.periods import parse_period, period_bounds, period_kind, period_text
from workbench.extracts.loader import TableAccess
from workbench.extracts.schema import ALL_REGIONS, REGIONS
from workbench.funnel.analysis import with_customers
from workbench.funnel.metrics import win_rate
from workbench.funnel.stages import lead_stages
from workbench.kpis.params import KpiParams, Target
from workbench.profiling.analysis import order_kpis
from workbench.requirements.prepare import resolved_by
from workbench.value.params import HIGH, ValueParams
from workbench.value.rfm import rfm_classes

KPIS: tuple[str, ...] = ("completeness", "high_value_repurchase", "churn_rate", "win_rate",
                         "resolution_rate")  # fmt: skip
LOWER_IS_BETTER: frozenset[str] = frozenset({"churn_rate"})
SCOPES: tuple[str, ...] = (*REGIONS, ALL_REGIONS)
MET, MISSED, NO_DATA = "met", "missed", "no_data"  # statuses: label keys kpi_status_<code>
TABLE_COLUMNS = ("region", "kpi", "period", "comparison_period", "current", "comparison",
                 "change", "points", "kind", "target", "status")  # fmt: skip


@dataclass(frozen=True)
class KpiReport:
    """The KPIs of a period (see `analyse_kpis`)."""

    period: str
    comparison_period: str
    table: pd.DataFrame  # TABLE_COLUMNS, one row per region (and 全国) and KPI
    trend: pd.DataFrame  # region, period, kpi, value: `params.quarters` periods ending with it

    def company(self) -> pd.DataFrame:
        """The 全国 rows of the table, in the order of KPIS."""
        return self.table[self.table["region"] == ALL_REGIONS].reset_index(drop=True)

    def counts(self, region: str = ALL_REGIONS) -> dict[str, int]:
        """How many KPIs of `region` are met, missed and without data."""
        status = self.table.loc[self.table["region"] == region, "status"]
        return {s: int((status == s).sum()) for s in (MET, MISSED, NO_DATA)}


def _regions(customers: pd.DataFrame) -> pd.Series:
    """customer_id → region (NaN when unknown)."""
    region = customers["region"] if "region" in customers else pd.Series(np.nan, customers.index)
    return pd.Series(region.to_numpy(), index=customers["customer_id"]).groupby(level=0).first()


def _ratio(numerator: pd.Series, denominator: pd.Series, region: pd.Series) -> pd.Series:
    """Σ numerator ÷ Σ denominator per region of SCOPES (全国: every row); NaN where Σ is 0."""
    frame = pd.DataFrame({"n": numerator.to_numpy(float), "d": denominator.to_numpy(float),
                          "region": region.to_numpy()})  # fmt: skip
    sums = frame.groupby("region")[["n", "d"]].sum().reindex(list(REGIONS), fill_value=0.0)
    sums.loc[ALL_REGIONS] = frame[["n", "d"]].sum()
    return sums["n"] / sums["d"].where(sums["d"] > 0)


def completeness_rates(customers: pd.DataFrame, fields: tuple[str, ...],
                       periods: pd.PeriodIndex) -> pd.DataFrame:  # fmt: skip
    """completeness per scope (rows) and period (columns): filled ÷ counted key-field cells of
    the customers known by each period's end."""
    counted = pd.Series(0, index=customers.index)
    filled = pd.Series(0, index=customers.index)
    for name in fields:
        c, f = field_cells(customers, name)
        counted, filled = counted + c.astype(int), filled + f.astype(int)
    region = customers["region"] if "region" in customers else pd.Series(np.nan, customers.index)
    first = customers.get("first_contact_date", pd.Series(pd.NaT, index=customers.index))
    columns = {}
    for period in periods:
        _, end = period_bounds(period)
        known = (first.isna() | (first < end)).astype(int)
        columns[period_text(period)] = _ratio(filled * known, counted * known, region)
    return pd.DataFrame(columns)


def high_value_repurchase(orders: pd.DataFrame, customers: pd.DataFrame,
                          periods: pd.PeriodIndex, value: ValueParams) -> pd.DataFrame:  # fmt: skip
    """复购率 of the customers 高价值 at each period's start, per scope and period."""
    purchases = purchases_of(orders)
    regions = _regions(customers)
    columns = {}
    for period in periods:
        label = period_text(period)
        start, end = period_bounds(period)
        classes = rfm_classes(purchases, start, value.rfm.bins, value.rfm.window_days, value)
        high = classes.loc[classes["value_class"] == HIGH, "customer_id"]
        mine = orders[(orders["order_date"] >= start) & (orders["order_date"] < end)
                      & orders["customer_id"].isin(high)]  # fmt: skip
        where = high.map(regions)
        columns[label] = pd.Series({
            scope: order_kpis(mine, high if scope == ALL_REGIONS else high[where == scope],
                              label)["repurchase_rate"]
            for scope in SCOPES
        })  # fmt: skip
    return pd.DataFrame(columns)


def churn_rates(orders: pd.DataFrame, customers: pd.DataFrame, periods: pd.PeriodIndex,
                params: KpiParams, as_of: pd.Timestamp) -> pd.DataFrame:  # fmt: skip
    """Behavioural churn rate per scope and period (purchases before ``as_of`` only)."""
    purchases = purchases_of(orders)
    purchases = purchases[purchases["order_date"] < as_of]
    where = purchases["customer_id"].map(_regions(customers))
    labels = [period_text(p) for p in periods]
    rows = {}
    for scope in SCOPES:
        mine = purchases if scope == ALL_REGIONS else purchases[where == scope]
        rates = behavioural_churn_rate(mine, labels, params.churn.window_days,
                                       params.churn.active_days, as_of)  # fmt: skip
        rows[scope] = rates.set_index("period")["churn_rate"].reindex(labels)
    return pd.DataFrame(rows).T.astype("float64")


def _per_period(frame: pd.DataFrame, periods: pd.PeriodIndex, date: str,
                 figure: Callable[[pd.DataFrame, pd.Timestamp], pd.Series]) -> pd.DataFrame:  # fmt: skip
    """`figure(rows created in the period, its end)` per scope, one column per period."""
    dates = pd.to_datetime(frame[date], errors="coerce") if date in frame else pd.Series(
        pd.NaT, index=frame.index)  # fmt: skip
    columns = {}
    for period in periods:
        start, end = period_bounds(period)
        columns[period_text(period)] = figure(frame[(dates >= start) & (dates < end)], end)
    return pd.DataFrame(columns).reindex(list(SCOPES))


def win_rates(leads: pd.DataFrame, customers: pd.DataFrame, periods: pd.PeriodIndex
              ) -> pd.DataFrame:  # fmt: skip
    """Win rate of the leads created in each period as they stood at its end, per scope."""

    def figure(created: pd.DataFrame, end: pd.Timestamp) -> pd.Series:
        if created.empty:
            return pd.Series(np.nan, index=list(SCOPES))
        stages = with_customers(lead_stages(created, end), customers)
        rates = {s: win_rate(stages[stages["region"] == s]) for s in REGIONS}
        return pd.Series(rates | {ALL_REGIONS: win_rate(stages)})

    return _per_period(leads, periods, "created_date", figure)


def resolution_rates(requirements: pd.DataFrame, customers: pd.DataFrame,
                     periods: pd.PeriodIndex) -> pd.DataFrame:  # fmt: skip
    """Requirements created in each period resolved by its end ÷ created, per scope."""
    regions = _regions(customers)

    def figure(created: pd.DataFrame, end: pd.Timestamp) -> pd.Series:
        if created.empty:
            return pd.Series(np.nan, index=list(SCOPES))
        done = resolved_by(created["status"], created["resolved_date"], end)
        ones = pd.Series(1, index=created.index)
        return _ratio(done.astype(int), ones, created["customer_id"].map(regions))

    return _per_period(requirements, periods, "created_date", figure)


def status(kpi: str, target: Target, current: float, comparison: float) -> str:
    """met / missed / no_data of one KPI against its target (module docstring of params)."""
    if target.kind == "level":
        value = current
    elif target.kind == "points":
        value = current - comparison
    else:
        value = current / comparison - 1 if comparison else np.nan
    if pd.isna(value):
        return NO_DATA
    good = value <= target.value if kpi in LOWER_IS_BETTER else value >= target.value
    return MET if good else MISSED


def kpi_table(values: dict[str, pd.DataFrame], period: str, params: KpiParams) -> pd.DataFrame:
    """TABLE_COLUMNS from the KPIs' scope × period frames: this period, the comparison, the
    relative change and points, the target and the status."""
    now = parse_period(period)
    then = period_text(now - params.lag(period_kind(now)))
    rows = []
    for scope in SCOPES:
        for kpi in KPIS:
            frame = values[kpi]
            current = float(frame.at[scope, period_text(now)])
            before = float(frame.at[scope, then]) if then in frame else np.nan
            target = getattr(params.targets, kpi)
            rows.append({
                "region": scope, "kpi": kpi, "period": period_text(now), "comparison_period": then,
                "current": current, "comparison": before,
                "change": current / before - 1 if before else np.nan,
                "points": current - before, "kind": target.kind, "target": target.value,
                "status": status(kpi, target, current, before),
            })  # fmt: skip
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def analyse_kpis(data: TableAccess, period: str, params: KpiParams | None = None,
                 value: ValueParams | None = None) -> KpiReport:  # fmt: skip
    """Every KPI for every region and 全国, for the trend's periods (of the report's kind) and the
    comparison, in one pass per KPI; ``data`` the cleaned extracts (a missing extract gives
    no_data)."""
    params, value = params or KpiParams(), value or ValueParams()
    now = parse_period(period)
    lag = params.lag(period_kind(now))
    _, as_of = period_bounds(now)
    first = now - max(params.quarters - 1, lag)
    periods = pd.period_range(start=first, end=now, freq=now.freq)
    known = getattr(data, "completeness", None)
    fields = tuple(known["field"]) if known is not None else CleaningSettings().key_fields
    customers = data.customers
    values = {
        "completeness": completeness_rates(customers, fields, periods),
        "high_value_repurchase": high_value_repurchase(data.orders, customers, periods, value),
        "churn_rate": churn_rates(data.orders, customers, periods, params, as_of),
        "win_rate": win_rates(data.opportunities, customers, periods),
        "resolution_rate": resolution_rates(data.requirements, customers, periods),
    }
    shown = [period_text(p) for p in periods[-params.quarters :]]
    trend = pd.concat(
        [frame[shown].rename_axis("region").reset_index()
         .melt(id_vars="region", var_name="period", value_name="value").assign(kpi=kpi)
         for kpi, frame in values.items()],
        ignore_index=True,
    )[["region", "period", "kpi", "value"]]  # fmt: skip
    text = period_text(now)
    return KpiReport(text, period_text(now - lag), kpi_table(values, text, params),
                     trend.astype({"value": "float64"}))  # fmt: skip

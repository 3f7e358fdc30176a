"""Funnel figures from the per-lead frame of `stages.lead_stages`: counts and conversion under both
conventions, win rate, days in stage, the weakest stage, loss reasons, per group, per period.

Definitions (docs/glossary.md): conversion into a stage = leads at it / leads at the stage before;
overall conversion = leads won / leads; win rate = won / (won + lost), open leads left out; the
weakest stage is the one with the lowest conversion out of it (into the next stage), among the
stages holding at least ``min_leads`` leads, the earlier on a tie.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from workbench.core.periods import parse_period
from workbench.funnel.params import CONVENTIONS
from workbench.funnel.stages import ALL_STAGES, DAY_STAGES, LOST, STAGES, lead_stages
from workbench.profiling.analysis import MISSING

GROUP_COLUMNS = ("group", "leads", "intent", "proposal", "won", "lost", "conversion", "win_rate")
QUARTER_METRICS = ("leads", "intent", "proposal", "won", "lost", "conversion", "win_rate")
RATE_METRICS = ("conversion", "win_rate")  # their change is in points, the others' relative


def _counts(stages: pd.DataFrame, convention: str) -> pd.Series:
    """Leads at each stage of STAGES under a convention (NaN: in_order not computable)."""
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    columns = [f"{convention}_{s}" for s in STAGES]
    frame = stages[columns]
    if frame.isna().any().any():  # in_order without every stage-date column
        return pd.Series(np.nan, index=list(STAGES))
    return pd.Series(frame.astype(bool).sum().to_numpy(dtype="float64"), index=list(STAGES))


def funnel_table(
    stages: pd.DataFrame, convention: str = "reached", min_leads: int = 10
) -> pd.DataFrame:
    """One row per stage (lead, intent, proposal, won, lost): current (leads in it now), and per
    convention the leads at it, the conversion from the stage before and overall (from the first
    stage); weakest marks the weakest stage under ``convention``. The lost row counts lost leads,
    its overall their share of all leads."""
    out = pd.DataFrame({"stage": list(ALL_STAGES)})
    out["current"] = out["stage"].map(stages["stage"].value_counts()).fillna(0).astype(int)
    lost = float((stages["outcome"] == LOST).sum())
    for name in CONVENTIONS:
        counts = _counts(stages, name)
        first = counts.iloc[0]
        conversion = counts / counts.shift(1)
        values = [*counts.to_numpy(), lost if counts.notna().all() else np.nan]
        out[name] = values
        out[f"{name}_conversion"] = [*conversion.to_numpy(), np.nan]
        out[f"{name}_overall"] = [v / first if first else np.nan for v in values]
    out["weakest"] = out["stage"] == weakest_stage(out, convention, min_leads)
    return out


def weakest_stage(
    table: pd.DataFrame, convention: str = "reached", min_leads: int = 10
) -> str | None:
    """The stage with the lowest conversion out of it under ``convention`` (of `funnel_table`),
    among stages holding ≥ min_leads leads; the earlier on a tie; None when no stage qualifies."""
    rows = table.set_index("stage")
    best, lowest = None, np.inf
    for stage, nxt in itertools.pairwise(STAGES):
        held, rate = rows.loc[stage, convention], rows.loc[nxt, f"{convention}_conversion"]
        if pd.notna(rate) and held >= min_leads and rate < lowest:
            best, lowest = stage, rate
    return best


def win_rate(stages: pd.DataFrame) -> float:
    """won / (won + lost) of the leads; NaN when none is closed."""
    won, lost = (stages["outcome"] == "won").sum(), (stages["outcome"] == LOST).sum()
    return float(won / (won + lost)) if won + lost else np.nan


def stage_days(stages: pd.DataFrame) -> pd.DataFrame:
    """Days in each stage one leaves (lead, intent, proposal) and the whole cycle (created → won):
    stage, leads (with a span), mean_days, median_days."""
    rows = []
    for stage, column in [*((s, f"days_{s}") for s in DAY_STAGES), ("cycle", "cycle_days")]:
        days = pd.to_numeric(stages[column], errors="coerce").dropna()
        rows.append((stage, len(days), days.mean(), days.median()))
    frame = pd.DataFrame(rows, columns=["stage", "leads", "mean_days", "median_days"])
    return frame.astype({"mean_days": "float64", "median_days": "float64"})


def loss_reasons(stages: pd.DataFrame) -> pd.DataFrame:
    """Lost leads per reason: reason (as written; `MISSING` when blank), leads, share of the lost
    leads; most frequent first, blank last."""
    lost = stages.loc[stages["outcome"] == LOST, "lost_reason"].astype("object")
    blank = lost.isna() | lost.astype("str").str.strip().eq("")
    counts = lost[~blank].astype("str").str.strip().value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    if blank.any():
        counts[MISSING] = int(blank.sum())
    frame = counts.rename_axis("reason").reset_index(name="leads")
    frame["share"] = frame["leads"] / len(lost) if len(lost) else np.nan
    return frame


def funnel_by(stages: pd.DataFrame, by: str, convention: str = "reached") -> pd.DataFrame:
    """Per value of column ``by`` (owner, region; blank = `MISSING`): leads, leads at intent,
    proposal and won under ``convention``, lost, overall conversion, win rate; most leads first."""
    keys = stages[by].astype("object").where(stages[by].notna(), MISSING)
    rows = []
    for key, group in stages.groupby(keys, sort=True):
        counts = _counts(group, convention)
        lost = int((group["outcome"] == LOST).sum())
        rows.append((key, len(group), *counts.iloc[1:], lost, counts["won"] / len(group),
                     win_rate(group)))  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(GROUP_COLUMNS))
    return frame.sort_values(["leads", "group"], ascending=[False, True], ignore_index=True)


def cohort_figures(stages: pd.DataFrame, convention: str = "reached") -> pd.Series:
    """QUARTER_METRICS of a cohort of leads: counts, overall conversion and win rate."""
    counts = _counts(stages, convention)
    n = len(stages)
    return pd.Series(
        {
            "leads": float(n),
            "intent": counts["intent"],
            "proposal": counts["proposal"],
            "won": counts["won"],
            "lost": float((stages["outcome"] == LOST).sum()),
            "conversion": counts["won"] / n if n else np.nan,
            "win_rate": win_rate(stages),
        }
    )


def period_cohorts(leads: pd.DataFrame, period: str, convention: str = "reached") -> pd.DataFrame:
    """This period against the previous one of its kind (2024-10 for 2024-11): each cohort is the
    leads **created in** the period, as they stood at **that period's end** (same time to
    mature). metric, current, previous, change: relative for counts, in points for rates."""
    period = parse_period(period)
    figures = {}
    for name, p in (("current", period), ("previous", period - 1)):
        start, end = p.start_time.normalize(), (p + 1).start_time.normalize()
        created = pd.to_datetime(leads["created_date"], errors="coerce")
        figures[name] = cohort_figures(lead_stages(leads[created >= start], end), convention)
    frame = pd.DataFrame(figures).reindex(list(QUARTER_METRICS)).rename_axis("metric")
    rate = frame.index.isin(RATE_METRICS)
    relative = frame["current"] / frame["previous"].where(frame["previous"] > 0) - 1
    frame["change"] = np.where(rate, frame["current"] - frame["previous"], relative)
    return frame.reset_index()

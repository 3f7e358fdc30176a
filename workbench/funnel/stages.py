"""Where each lead got to: the stages it reached, whether it went through them in order, how long
it stayed in each — per lead, as of a cut-off. Frames in, frames out; stages are codes.

Stages, in funnel order: lead 潜在线索 → intent 意向客户 → proposal 方案洽谈 → won 成交; lost 流失
ends a lead anywhere. Stage names are read through the cleaning vocabulary, so 意向, qualified,
Closed Won … are understood on raw frames too.

Two conventions (docs/glossary.md):

- **reached** (到达口径): a lead counts at a stage if it was ever in it: it has the stage's date,
  or its current stage is that stage. A stage whose date column the extract lacks entirely is
  read from the current stage alone: a lead at a later stage (or won) is taken to have passed
  it; a lost lead is not (the extract does not say how far it got).
- **in_order** (逐级口径): a lead counts at a stage only if it has the date of every stage up to
  it and those dates never go backwards. It needs every stage-date column; without one it is
  not computed (NA).

Days in a stage: from entering it to the next thing that happened to the lead — the first later
stage with a date, or the lost date — for leads that left the stage; leads still in it are not
counted (their stay is not over), nor negative spans (dates out of order). Needs every
stage-date column, as in_order does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.cleaning.vocabulary import OPPORTUNITIES, canonical_values

STAGES: tuple[str, ...] = ("lead", "intent", "proposal", "won")  # funnel order
LOST = "lost"
ALL_STAGES: tuple[str, ...] = (*STAGES, LOST)
STAGE_VALUES: dict[str, str] = {"lead": "潜在线索", "intent": "意向客户", "proposal": "方案洽谈",
                                "won": "成交", LOST: "流失"}  # fmt: skip
STAGE_DATES: dict[str, str] = {"lead": "created_date", "intent": "intent_date",
                               "proposal": "proposal_date", "won": "won_date"}  # fmt: skip
DATED = tuple(STAGE_DATES[s] for s in STAGES[1:])  # the columns in_order and days need
DAY_STAGES: tuple[str, ...] = STAGES[:-1]  # stages one stays in (won is the end)
OUTCOMES = ("open", "won", "lost")
_CODE = {value: code for code, value in STAGE_VALUES.items()}


def stage_codes(stage: pd.Series) -> pd.Series:
    """Stage codes (lead … lost) of written stage names, variants and English included; NA for an
    empty or unknown stage."""
    canonical, _ = canonical_values(stage.astype("object"), OPPORTUNITIES["stage"])
    return canonical.map(_CODE).astype("object")


def _dates(leads: pd.DataFrame, column: str) -> pd.Series:
    if column not in leads:
        return pd.Series(pd.NaT, index=leads.index, dtype="datetime64[ns]")
    return pd.to_datetime(leads[column], errors="coerce").astype("datetime64[ns]")


def dated_columns(leads: pd.DataFrame) -> tuple[str, ...]:
    """The stage-date columns (intent, proposal, won, lost) with at least one date."""
    return tuple(c for c in (*DATED, "lost_date") if c in leads and _dates(leads, c).notna().any())


def lead_stages(leads: pd.DataFrame, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """One row per lead created before ``as_of`` (exclusive; None: all), as it stood then: lead_id,
    customer_id, created_date, stage (its code as of the cut-off), outcome (open / won / lost),
    reached_<stage> and in_order_<stage> for each stage (in_order NA when the extract lacks a
    stage-date column), days_<stage> for lead, intent, proposal, cycle_days (created → won),
    expected_amount and lost_reason. Dates on or after the cut-off have not happened yet.
    """
    end = pd.Timestamp.max if as_of is None else pd.Timestamp(as_of)
    created = _dates(leads, "created_date")
    mine = leads[created < end]
    raw = {s: _dates(mine, STAGE_DATES[s]) for s in STAGES} | {LOST: _dates(mine, "lost_date")}
    dates = {s: d.where(d < end) for s, d in raw.items()}
    now = stage_codes(mine["stage"]) if "stage" in mine else pd.Series(pd.NA, index=mine.index)
    dated = set(dated_columns(leads))
    rank = now.map({s: i for i, s in enumerate(STAGES)}).astype("float64")

    def evidence(stage: str, column: str) -> pd.Series:
        if column in dated:  # its date, or its current stage when that row has no date
            return dates[stage].notna() | ((now == stage) & raw[stage].isna())
        return (rank >= STAGES.index(stage)) if stage != LOST else (now == LOST)

    won = evidence("won", "won_date").fillna(False).astype(bool)
    lost = evidence(LOST, "lost_date").fillna(False).astype(bool) & ~won
    out = pd.DataFrame(
        {
            "lead_id": mine["lead_id"] if "lead_id" in mine else mine.index.to_series(),
            "customer_id": mine["customer_id"],
            "created_date": created[mine.index],
        }
    )
    reached = {"lead": pd.Series(True, index=mine.index), "won": won}
    for stage in ("intent", "proposal"):
        reached[stage] = evidence(stage, STAGE_DATES[stage]).fillna(False).astype(bool)
    out["outcome"] = np.select([won, lost], ["won", "lost"], default="open")
    out["stage"] = _stage_now(reached, won, lost)
    for stage in STAGES:
        out[f"reached_{stage}"] = reached[stage]
    complete = set(DATED) <= dated
    for stage, flags in _in_order(dates, won).items():
        out[f"in_order_{stage}"] = flags if complete else pd.Series(pd.NA, index=mine.index)
    for stage, days in _days(dates).items():
        out[f"days_{stage}"] = days if complete else np.nan
    cycle = (dates["won"] - dates["lead"]).dt.days.where(won)
    out["cycle_days"] = cycle.where(cycle >= 0)  # no won dates: all NaN
    for column in ("expected_amount", "lost_reason"):
        out[column] = mine.get(column, np.nan)
    return out.reset_index(drop=True)


def _stage_now(reached: dict[str, pd.Series], won: pd.Series, lost: pd.Series) -> pd.Series:
    """The furthest stage reached, or won / lost."""
    furthest = pd.Series("lead", index=won.index, dtype="object")
    for stage in STAGES[1:]:
        furthest = furthest.mask(reached[stage], stage)
    return furthest.mask(lost, LOST).mask(won, "won")


def _in_order(dates: dict[str, pd.Series], won: pd.Series) -> dict[str, pd.Series]:
    """Per stage: every stage up to it dated, the dates never going backwards (won: and won)."""
    ok = dates["lead"].notna()
    last = dates["lead"]
    out = {"lead": ok.copy()}
    for stage in STAGES[1:]:
        ok = ok & dates[stage].notna() & (dates[stage] >= last)
        last = dates[stage]
        out[stage] = (ok & won) if stage == "won" else ok.copy()
    return {stage: flags.fillna(False).astype(bool) for stage, flags in out.items()}


def _days(dates: dict[str, pd.Series]) -> dict[str, pd.Series]:
    """Days in each stage one leaves: to the first later stage with a date, else the lost date."""
    out = {}
    for i, stage in enumerate(DAY_STAGES):
        following = [dates[s] for s in STAGES[i + 1 :]] + [dates[LOST]]
        nxt = following[0]
        for later in following[1:]:
            nxt = nxt.fillna(later)
        span = (nxt - dates[stage]).dt.days.astype("float64")
        out[stage] = span.where(span >= 0)
    return out

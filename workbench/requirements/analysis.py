"""The requirement-distribution report (需求分布) of one region and period (a month, a quarter
or a year; in_quarter / resolved_in_quarter in the frame mean "in the report's period"):
shares, the value × urgency quadrants, service levels per quadrant, overdue and follow-up lists, resolution and
satisfaction, 无法满足 reasons and recurring themes, in one call.

Frames in, frames out, codes not words (a missing value is `MISSING`). Which requirements count
where (definitions in `workbench.requirements.prepare` and docs/glossary.md):
- the period's requirements (created in the period): shares, quadrant counts, resolution rate,
  无法满足 reasons, themes;
- resolved in the period: time to resolve, service levels, satisfaction, unsatisfied follow-ups;
- open at the period's end (created any time before): the Q1 / Q4 lists and the overdue list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.core.periods import period_bounds, previous_period
from workbench.extracts.loader import TableAccess
from workbench.profiling.analysis import MISSING, customers_of_region
from workbench.requirements.params import QUADRANTS, RequirementParams
from workbench.requirements.prepare import (
    REJECTED,
    customer_values,
    public_descriptions,
    requirement_frame,
)
from workbench.requirements.themes import (
    corpus_idf,
    described,
    keywords,
    rising_themes,
    theme_examples,
    themes,
)
from workbench.value.params import ValueParams

DIMENSIONS = ("category", "nature", "explicitness", "urgency", "priority", "status")
BREAKDOWNS = ("region", "industry", "value_class")
LIST_COLUMNS = ("req_id", "quadrant", "customer", "owner", "category", "urgency", "priority",
                "status", "created_date", "due_date", "days_overdue", "description")  # fmt: skip
FOLLOW_UP_COLUMNS = ("req_id", "reason", "customer", "owner", "category", "status",
                     "resolved_date", "satisfaction", "description")  # fmt: skip
NO_CLASS = "none"  # the value class of a customer without purchases (label key rq_value_none)


@dataclass(frozen=True)
class RequirementReport:
    """Everything the requirement report shows for one region and period."""

    region: str
    period: str
    as_of: pd.Timestamp
    requirements: pd.DataFrame  # prepare.FRAME_COLUMNS: the region's, created before as_of
    shares: dict[str, pd.DataFrame]  # DIMENSIONS → label, count, share (the period's)
    breakdown: pd.DataFrame  # by, group, dimension, label, count, share
    quadrants: pd.DataFrame  # quadrant, high_value, urgent, requirements, share
    service_levels: pd.DataFrame  # per quadrant (see `service_levels`)
    resolution: dict[str, float]  # see `resolution_kpis`
    rejections: pd.DataFrame  # label (reason), count, share
    themes: pd.DataFrame  # top themes of the period with an example requirement
    themes_by: dict[str, pd.DataFrame]  # category / region → themes per group
    rising: pd.DataFrame  # themes rising period over period
    params: RequirementParams

    @property
    def current(self) -> pd.DataFrame:
        """The period's requirements (created in the period)."""
        return self.requirements[self.requirements["in_quarter"]]

    def quadrant_list(self, quadrant: str) -> pd.DataFrame:
        """Requirements open at the period's end in ``quadrant``: the Q1 list (do first) is most
        overdue first, then earliest due; the others oldest first."""
        return open_list(self.requirements, quadrant)

    def overdue(self) -> pd.DataFrame:
        """Requirements open at the period's end past their due date, most overdue first."""
        frame = self.requirements[self.requirements["overdue"]]
        return _listed(frame.sort_values(["days_overdue", "req_id"], ascending=[False, True]))

    def follow_ups(self) -> pd.DataFrame:
        """Resolved in the period with low satisfaction ('unsatisfied'), or re-opened."""
        return follow_up_list(self.requirements, self.params.unsatisfied_max)


def analyse_requirements(
    data: TableAccess,
    region: str,
    period: str,
    params: RequirementParams | None = None,
    value_params: ValueParams | None = None,
) -> RequirementReport:
    """The requirement report of ``region`` (or 全国) for ``period`` (2024-11, 2024Q4 or 2024) from
    cleaned extracts; rising themes compare it with the previous period of its kind."""
    params = params or RequirementParams()
    start, as_of = period_bounds(period)
    customers = customers_of_region(data.customers, region)
    values = customer_values(data.orders, customers["customer_id"], as_of,
                             value_params or ValueParams())  # fmt: skip
    frame = requirement_frame(data.requirements, customers, values, (start, as_of), params)
    frame["value_class"] = frame["value_class"].fillna(NO_CLASS)
    current = frame[frame["in_quarter"]]
    previous = frame[frame["created_date"] >= period_bounds(previous_period(period))[0]]
    previous = previous[~previous["in_quarter"]]
    corpus = data.requirements.assign(
        description=public_descriptions(data.requirements, data.customers)
    )  # the IDF's corpus: every requirement of the extract, PII masked as shown
    words = keywords(corpus, params.themes)
    idf = corpus_idf(words, described(corpus))
    mine = words[words["req_id"].isin(frame["req_id"])]
    top = params.themes.top
    return RequirementReport(
        region=region,
        period=period,
        as_of=as_of,
        requirements=frame,
        shares={d: shares(current[d]) for d in DIMENSIONS},
        breakdown=breakdown(current),
        quadrants=quadrant_counts(current),
        service_levels=service_levels(frame, params),
        resolution=resolution_kpis(frame),
        rejections=shares(current.loc[current["status"].eq(REJECTED), "rejection_reason"]),
        themes=theme_examples(themes(mine, idf, current, top=top), mine, current),
        themes_by={by: themes(mine, idf, current, by, top) for by in ("category", "region")},
        rising=rising_themes(mine, current, previous, params.themes),
        params=params,
    )


def shares(values: pd.Series) -> pd.DataFrame:
    """label, count, share of each value, largest first (ties by label); blanks as MISSING."""
    text = values.astype("object").where(values.notna() & values.astype("str").str.strip().ne(""))
    counts = text.fillna(MISSING).value_counts().rename_axis("label").reset_index(name="count")
    counts = counts.sort_values(["count", "label"], ascending=[False, True], ignore_index=True)
    counts["share"] = counts["count"] / counts["count"].sum() if len(counts) else 0.0
    return counts.astype({"count": "int64", "share": "float64"})


def breakdown(current: pd.DataFrame) -> pd.DataFrame:
    """Shares of every DIMENSIONS value within each region, industry and value class: by, group,
    dimension, label, count, share (of the group's requirements)."""
    parts = []
    for by in BREAKDOWNS:
        groups = current[by].astype("object").fillna(MISSING)
        for group, rows in current.groupby(groups, sort=True):
            for dimension in DIMENSIONS:
                table = shares(rows[dimension])
                parts.append(table.assign(by=by, group=group, dimension=dimension))
    columns = ["by", "group", "dimension", "label", "count", "share"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def quadrant_counts(current: pd.DataFrame) -> pd.DataFrame:
    """The four quadrants with their requirements and share: quadrant, high_value, urgent,
    requirements, share (every quadrant listed, empty ones with 0)."""
    counts = current["quadrant"].value_counts().reindex(list(QUADRANTS), fill_value=0)
    total = int(counts.sum())
    return pd.DataFrame({
        "quadrant": list(QUADRANTS),
        "high_value": [True, True, False, False],
        "urgent": [True, False, True, False],
        "requirements": counts.to_numpy(dtype="int64"),
        "share": counts.to_numpy(dtype="float64") / total if total else 0.0,
    })  # fmt: skip


def service_levels(frame: pd.DataFrame, params: RequirementParams) -> pd.DataFrame:
    """Per quadrant: target_days, resolved (in the period), mean_days and median_days to
    resolve, within_target and on_time (shares of those resolved, of those with the dates),
    open_at_end and overdue counts."""
    done = frame[frame["resolved_in_quarter"]]
    rows = []
    for quadrant in QUADRANTS:
        mine, open_ = done[done["quadrant"] == quadrant], frame[frame["quadrant"] == quadrant]
        days = mine["days_to_resolve"].dropna().astype("float64")
        rows.append({
            "quadrant": quadrant,
            "target_days": getattr(params.target_days, quadrant),
            "resolved": len(mine),
            "mean_days": days.mean() if len(days) else float("nan"),
            "median_days": days.median() if len(days) else float("nan"),
            "within_target": _rate(mine["within_target"]),
            "on_time": _rate(mine["on_time"]),
            "open_at_end": int(open_["open_at_end"].sum()),
            "overdue": int(open_["overdue"].sum()),
        })  # fmt: skip
    return pd.DataFrame(rows)


def resolution_kpis(frame: pd.DataFrame) -> dict[str, float]:
    """The period's requirements, resolved_by_end, resolution_rate, rejected, rejection_rate;
    resolved in the period, their mean_days_to_resolve, on_time_rate, mean_satisfaction; open
    at the end, overdue, reopened."""
    current, done = frame[frame["in_quarter"]], frame[frame["resolved_in_quarter"]]
    n = len(current)
    resolved = int(current["resolved_by_end"].sum())
    rejected = int(current["status"].eq(REJECTED).sum())
    satisfaction = done["satisfaction"].dropna().astype("float64")
    days = done["days_to_resolve"].dropna().astype("float64")
    return {
        "requirements": n,
        "resolved": resolved,
        "resolution_rate": resolved / n if n else float("nan"),
        "rejected": rejected,
        "rejection_rate": rejected / n if n else float("nan"),
        "resolved_in_quarter": len(done),
        "mean_days_to_resolve": days.mean() if len(days) else float("nan"),
        "on_time_rate": _rate(done["on_time"]),
        "mean_satisfaction": satisfaction.mean() if len(satisfaction) else float("nan"),
        "rated": len(satisfaction),
        "open_at_end": int(frame["open_at_end"].sum()),
        "overdue": int(frame["overdue"].sum()),
        "reopened": int(frame["reopened"].sum()),
    }


def open_list(frame: pd.DataFrame, quadrant: str) -> pd.DataFrame:
    """LIST_COLUMNS of the requirements of ``quadrant`` open at the period's end; Q1 (do
    first) most overdue then earliest due first, the other quadrants oldest first."""
    mine = frame[frame["open_at_end"] & (frame["quadrant"] == quadrant)]
    if quadrant == "Q1":
        order = mine.assign(_late=mine["days_overdue"].fillna(0)).sort_values(
            ["_late", "due_date", "req_id"], ascending=[False, True, True], na_position="last"
        )
    else:
        order = mine.sort_values(["created_date", "req_id"])
    return _listed(order)


def follow_up_list(frame: pd.DataFrame, unsatisfied_max: int | None = None) -> pd.DataFrame:
    """FOLLOW_UP_COLUMNS: requirements resolved in the period rated at most ``unsatisfied_max``
    (reason 'unsatisfied'), then re-opened ones ('reopened'); ``unsatisfied_max`` defaults to
    the parameter's default (2)."""
    limit = unsatisfied_max or RequirementParams().unsatisfied_max
    low = frame["resolved_in_quarter"] & (frame["satisfaction"].astype("Float64") <= limit)
    parts = [frame[low.fillna(False).astype(bool)].assign(reason="unsatisfied"),
             frame[frame["reopened"]].assign(reason="reopened")]  # fmt: skip
    out = pd.concat(parts, ignore_index=True).drop_duplicates("req_id")
    return out[list(FOLLOW_UP_COLUMNS)].reset_index(drop=True)


def _listed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[list(LIST_COLUMNS)].reset_index(drop=True)


def _rate(flags: pd.Series) -> float:
    """Share of True among the known flags (NaN when none is known)."""
    known = flags.dropna()
    return float(known.astype(bool).mean()) if len(known) else float("nan")

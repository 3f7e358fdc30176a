"""Transaction log → the per-customer summary the CLV models need (frequency, recency, T, value).

Glossary (the one definition of each metric; columns are named after it):

- **purchase day**: a calendar day on which the customer bought. Several orders of one customer on
  the same day are *collapsed* into one purchase whose value is their sum (the same-day rule), so
  that frequency can never exceed recency and the models see one event per day. Order lines
  collapse the same way (an order's lines share its day): lines and the orders summed from them
  (`workbench.extracts.order_lines.order_totals`) give one summary. Leave returns out per order,
  not per line, before summarising (purchases: orders with amount > 0).
- **frequency**: number of *repeat* purchase days = purchase days - 1 (the first one is not counted).
- **recency**: time from the customer's first to their last purchase day, in units. It is NOT the
  time since the last purchase: that is ``days_since_last`` (in days, as its name says).
- **T**: time from the first purchase day to the end of observation, in units (the customer's age).
- **monetary_value**: mean value of the repeat purchase days (same-day orders summed first);
  0 for customers without repeat purchases. The first purchase is excluded, as in the models.
- **unit**: ``unit_days`` days (default 7: weeks of 7 days, not calendar weeks).

The numbers equal ``lifetimes.utils.summary_data_from_transaction_data(..., freq="D",
freq_multiplier=unit_days)`` (lifetimes divides days by ``freq_multiplier``), computed with one sort
and numpy reductions instead of pandas group-bys, and without the sort when the log is already in
customer order, as the cleaned orders are (`workbench.clv.summary_grouped`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.clv.summary_grouped import grouped_purchase_days
from workbench.core.errors import WorkbenchError

SUMMARY_COLUMNS = ["frequency", "recency", "T", "monetary_value", "days_since_last"]
FIT_COLUMNS = ("frequency", "recency", "T")


def summarize(
    transactions: pd.DataFrame,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str | None = "amount",
    observation_end: str | pd.Timestamp | None = None,
    unit_days: float = 7.0,
    same_day: str = "collapse",
) -> pd.DataFrame:
    """Per-customer frequency, recency, T (in units of ``unit_days``) and monetary value.

    Orders after ``observation_end`` (a day, inclusive; default the last order's day) are ignored;
    same-day orders are one purchase (``same_day="collapse"``) or an error (``"raise"``). Indexed by
    customer, sorted; see the module glossary for each column.
    """
    _check_columns(transactions, [customer, date] + ([amount] if amount else []))
    if same_day not in ("collapse", "raise"):
        raise WorkbenchError(f"same_day must be 'collapse' or 'raise', not {same_day!r}")
    if not unit_days > 0:
        raise WorkbenchError(f"unit_days must be positive, not {unit_days!r}")
    (starts, customers), days, values, end_day = _purchase_days(
        transactions, customer, date, amount, observation_end
    )
    if same_day == "raise" and _has_same_day(transactions, customer, date):
        raise WorkbenchError("several orders of one customer on the same day (same_day='raise')")
    # one row per customer: bounds of each run of purchase days in the sorted arrays
    ends = np.append(starts[1:], len(days))
    first, last = days[starts], days[ends - 1]
    frequency = (ends - starts - 1).astype(float)
    index = pd.Index(customers, name=customer)
    summary = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last - first) / unit_days,
            "T": (end_day - first) / unit_days,
        },
        index=index,
    )
    if amount:
        repeat = values.copy()
        repeat[starts] = 0.0  # the first purchase does not count
        totals = np.add.reduceat(repeat, starts) if len(repeat) else repeat
        with np.errstate(invalid="ignore", divide="ignore"):
            summary["monetary_value"] = np.where(frequency > 0, totals / frequency, 0.0)
    summary["days_since_last"] = (end_day - last).astype(float)
    return summary


def calibration_holdout(
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    observation_end: str | pd.Timestamp | None = None,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str | None = "amount",
    unit_days: float = 7.0,
) -> pd.DataFrame:
    """Summary of the calibration period plus what each customer did in the holdout period.

    Calibration is up to ``calibration_end`` (day inclusive), holdout the days after it up to
    ``observation_end``; customers first seen in the holdout are not included. Columns as in
    ``lifetimes.utils.calibration_and_holdout_data``, which it matches on date-only logs, except
    that ``monetary_value_holdout`` also sums same-day orders first (lifetimes averages raw orders)
    and it works without an amount column.
    """
    _check_columns(transactions, [customer, date] + ([amount] if amount else []))
    cal_end = _day(calibration_end)
    dates = _dates(transactions[date])
    obs_end = _day(observation_end) if observation_end is not None else _day(dates.max())
    if obs_end <= cal_end:
        raise WorkbenchError(f"observation_end {obs_end} must be after calibration_end {cal_end}")
    day = dates.to_numpy().astype("datetime64[D]")
    in_cal = day <= np.datetime64(cal_end, "D")
    cal = summarize(
        transactions.loc[in_cal], customer, date, amount, cal_end, unit_days=unit_days
    ).drop(columns="days_since_last")
    cal.columns = [f"{column}_cal" for column in cal.columns]
    result = cal.copy()
    (starts, customers), _, values, _ = _purchase_days(
        transactions.loc[~in_cal], customer, date, amount, obs_end
    )
    counts = np.diff(np.append(starts, len(values)))
    held = pd.Index(customers)
    frequency = pd.Series(counts.astype(float), index=held)  # every holdout purchase day counts
    result["frequency_holdout"] = frequency.reindex(cal.index).fillna(0.0).to_numpy()
    if amount:
        means = pd.Series(
            np.add.reduceat(values, starts) / counts if len(values) else [], index=held
        )
        result["monetary_value_holdout"] = means.reindex(cal.index).fillna(0.0).to_numpy()
    result["duration_holdout"] = (obs_end - cal_end).days / unit_days
    return result


def compress(
    summary: pd.DataFrame, columns: Sequence[str] = FIT_COLUMNS
) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct rows of ``columns`` and how many customers share each: fit on these with weights.

    Models' likelihoods depend on a customer only through these columns, so fitting the distinct
    rows weighted by their counts gives the same parameters, much faster on large bases.
    """
    _check_columns(summary, list(columns))
    counts = summary.groupby(list(columns), sort=True).size()
    distinct = counts.index.to_frame(index=False)
    return distinct, counts.to_numpy().astype(np.int64)


def _purchase_days(
    transactions: pd.DataFrame,
    customer: str,
    date: str,
    amount: str | None,
    observation_end: str | pd.Timestamp | None,
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, np.ndarray, np.int64]:
    """Purchase days by customer, then day: (each customer's first day's position, the customers'
    sorted ids), day numbers, day totals; and the end day."""
    ids = transactions[customer]
    if ids.isna().any():
        raise WorkbenchError(f"{int(ids.isna().sum())} orders without {customer}: clean them first")
    dates = _dates(transactions[date])
    if dates.isna().any():
        raise WorkbenchError(f"{int(dates.isna().sum())} orders without {date}: clean them first")
    day = dates.to_numpy().astype("datetime64[D]").view(np.int64)
    end = _day(observation_end) if observation_end is not None else _day(dates.max())
    end_day = np.datetime64(end, "D").astype(np.int64)
    if amount:
        values = transactions[amount].to_numpy(dtype=float)  # a view of the column if it can be
        if not np.isfinite(values).all():
            values = np.nan_to_num(values, nan=0.0)
    else:
        values = np.zeros(len(day))
    if observation_end is not None:  # (with none, every day is on or before the last one)
        keep = day <= end_day
        if not keep.all():  # (a copy of 10M ids costs more than the check)
            ids, day, values = ids[keep], day[keep], values[keep]
    grouped = grouped_purchase_days(ids, day, values)  # one pass when in customer order
    if grouped is not None:
        return *grouped, end_day
    codes, uniques = pd.factorize(ids, sort=True)
    order = np.lexsort((day, codes))
    codes, day, values = codes[order], day[order], values[order]
    new = np.ones(len(day), dtype=bool)
    new[1:] = (codes[1:] != codes[:-1]) | (day[1:] != day[:-1])
    starts = np.flatnonzero(new)
    totals = np.add.reduceat(values, starts) if len(values) else values
    codes = codes[starts]
    customer_starts = _run_starts(codes)
    customers = np.asarray(uniques)[codes[customer_starts]]
    return (customer_starts, customers), day[starts], totals, end_day


def _has_same_day(transactions: pd.DataFrame, customer: str, date: str) -> bool:
    """Whether some customer has two orders on one calendar day."""
    days = _dates(transactions[date]).dt.floor("D")
    return bool(pd.DataFrame({"c": transactions[customer], "d": days}).duplicated().any())


def _run_starts(codes: np.ndarray) -> np.ndarray:
    """Positions where a new customer starts in sorted customer codes."""
    new = np.ones(len(codes), dtype=bool)
    new[1:] = codes[1:] != codes[:-1]
    return np.flatnonzero(new)


def _dates(values: pd.Series) -> pd.Series:
    """Order dates as naive datetimes (time-zone-aware ones in their own local time)."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":
        return values  # naive datetimes already (to_datetime would take 0.1 s at 10M orders)
    dates = pd.to_datetime(values)
    return dates.dt.tz_localize(None) if dates.dt.tz is not None else dates


def _day(value: str | pd.Timestamp) -> pd.Timestamp:
    """The calendar day of a date-like value (time of day dropped)."""
    return pd.Timestamp(value).floor("D")


def _check_columns(frame: pd.DataFrame, required: list[str]) -> None:
    """Raise a readable error naming the required columns that are missing."""
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise WorkbenchError(f"missing column(s) {missing}; have {list(frame.columns)}")

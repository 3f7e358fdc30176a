"""Cleaning parameters: every threshold a rule uses, in one validated place.

The defaults are what `load_clean` uses; pass your own `CleaningSettings` to change them (the
cache key includes them).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class CleaningSettings:
    """Thresholds and reference dates of the cleaning rules; defaults follow domain.md §2 and §5."""

    as_of: str | None = (
        None  # 'today' for future-date and retention checks; None = latest date in data
    )
    max_order_amount: float = 50_000_000.0  # one order above this (元) is flagged as absurd
    completeness_target: float = 0.90  # share of non-empty key fields
    key_fields: tuple[str, ...] = ("name", "industry", "contact_name", "phone")
    to_complete_fields: tuple[str, ...] = (
        "name",
        "industry",
        "contact_name",
        "contact_title",
        "phone",
    )
    fuzzy_name_threshold: float = 90.0  # rapidfuzz score (0–100) for two company names to match
    retention_years_after_end: int = (
        2  # active customers: kept 2 years after the relationship ended
    )
    retention_years_after_churn: int = 1  # churned customers: kept 1 year after churn was confirmed
    relationship_end_days: int = 365  # no order or interaction for this long = relationship ended

    def as_of_date(self, fallback: pd.Timestamp) -> pd.Timestamp:
        """The reference date: `as_of` if set, else `fallback` (the latest date seen in the data)."""
        return pd.Timestamp(self.as_of) if self.as_of else pd.Timestamp(fallback).normalize()

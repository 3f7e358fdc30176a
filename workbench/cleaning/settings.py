"""Cleaning parameters: every threshold a rule uses, in one validated place.

The defaults are what `load_clean` uses; pass your own `CleaningSettings` to change them (the
cache key includes them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from workbench.core.errors import ParameterError


@dataclass(frozen=True)
class SizeBands:
    """Company-size classes (企业规模) by employees and by yearly revenue (元): 小型 below the
    first bound, 中型 from the first to the second (both included), 大型 above the second.

    Two employee conventions occur (domain.md §1): (50, 200), the default, and (100, 500). The
    revenue default follows the 工业 thresholds of 统计上大中小微型企业划分办法（2017）.
    """

    employees: tuple[float, float] = (50, 200)
    revenue: tuple[float, float] = (20_000_000, 400_000_000)  # 2000万 / 4亿 元

    def __post_init__(self) -> None:
        for name in ("employees", "revenue"):
            bounds = getattr(self, name)
            if (
                not isinstance(bounds, tuple | list)
                or len(bounds) != 2
                or not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
                or not all(math.isfinite(b) for b in bounds)
                or not 0 < bounds[0] < bounds[1]
            ):
                raise ParameterError(
                    f"size_bands.{name} must be two numbers 0 < 小型/中型 bound < 中型/大型 bound, "
                    f"got {bounds!r}"
                )
            object.__setattr__(self, name, (float(bounds[0]), float(bounds[1])))


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
    fuzzy_name_threshold: float = 90.0  # pair score (0–100) from which two customers are merged
    review_threshold: float = 80.0  # pair score from which a pair not merged is listed as 疑似重复
    retention_years_after_end: int = (
        2  # active customers: kept 2 years after the relationship ended
    )
    retention_years_after_churn: int = 1  # churned customers: kept 1 year after churn was confirmed
    relationship_end_days: int = 365  # no order or interaction for this long = relationship ended
    size_bands: SizeBands = field(default_factory=SizeBands)  # 企业规模 by employees / revenue

    def __post_init__(self) -> None:
        if isinstance(self.size_bands, dict):  # as read from YAML or JSON
            unknown = set(self.size_bands) - {"employees", "revenue"}
            if unknown:
                raise ParameterError(f"size_bands: unknown key(s) {', '.join(sorted(unknown))}")
            object.__setattr__(self, "size_bands", SizeBands(**self.size_bands))
        if not isinstance(self.size_bands, SizeBands):
            raise ParameterError(
                f"size_bands must be a SizeBands (or a dict of its fields), got {self.size_bands!r}"
            )

    def as_of_date(self, fallback: pd.Timestamp) -> pd.Timestamp:
        """The reference date: `as_of` if set, else `fallback` (the latest date seen in the data)."""
        return pd.Timestamp(self.as_of) if self.as_of else pd.Timestamp(fallback).normalize()

"""Audiences: the cleaned data as one sales owner sees it.

A sales rep's reports contain only their customers: `owner_view` narrows the customers table to
the customers whose ``owner`` is the rep, and every region report selects its rows (orders,
follow-ups, requirements, leads) through the region's customers, so each table, list, chart and
workbook holds only that owner's customers and each aggregate is the owner's. The other tables
stay whole because company-wide fits (the churn model, the CLV behind the value at risk) train
on everybody: they read `company_data(view)`, which is the data the view was made from, so the
cached model of the region reports is reused. Marketing and management read the unscoped data.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.core.errors import ParameterError

ALL_OWNERS = ""  # the reports' `owner` parameter: "" = every owner's customers


class OwnerView:
    """The cleaned data with only ``owner``'s customers; anything else reads the whole data.

    ``tables`` (and ``customers``, ``orders`` …) are the scoped tables; ``company`` is the data it
    was made from; other attributes (``reconciliation()``, ``as_of``, ``supplied()``) are the
    company's, as they describe the extracts rather than customers.
    """

    def __init__(self, company: Any, owner: str) -> None:
        self.company = company
        self.owner = owner
        self.tables = owner_tables(company.tables, owner)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def __getattr__(self, name: str) -> Any:
        if name in {"company", "owner", "tables"}:  # not set yet (unpickling): no recursion
            raise AttributeError(name)
        if name in self.tables:
            return self.tables[name]
        return getattr(self.company, name)


def owner_tables(tables: dict[str, pd.DataFrame], owner: str) -> dict[str, pd.DataFrame]:
    """``tables`` with the customers table cut to the customers whose ``owner`` is ``owner``
    (the owner column keeps no other owner's name among its categories); the rest unchanged."""
    customers = tables["customers"]
    mine = customers[customers["owner"].astype("string").eq(owner).fillna(False).to_numpy()].copy()
    if isinstance(mine["owner"].dtype, pd.CategoricalDtype):
        mine["owner"] = mine["owner"].cat.remove_unused_categories()
    return {**tables, "customers": mine}


def owners_of(customers: pd.DataFrame, region: str | None = None) -> list[str]:
    """The sales owners with customers (in ``region`` when given; None or 全国 = every region),
    sorted: whom the owners run writes reports for."""
    if region not in (None, "全国"):
        customers = customers[customers["region"] == region]
    names = customers["owner"].dropna().astype(str).str.strip()
    return sorted(set(names[names != ""]))


def check_owner(customers: pd.DataFrame, owner: str, region: str | None = None) -> None:
    """A ParameterError naming the owners (in ``region`` when given) unless ``owner`` has
    customers there: a misspelt name stops a report before it renders an empty one."""
    known = owners_of(customers, region)
    if owner not in known:
        where = f" in {region}" if region not in (None, "全国") else ""
        listed = ", ".join(known[:30]) + (" …" if len(known) > 30 else "")
        raise ParameterError(f"owner {owner!r} has no customers{where}; the owners are: {listed}")


def owner_view(data: Any, owner: str, region: str | None = None) -> Any:
    """``data`` as ``owner`` sees it (`OwnerView`); ``owner`` "" returns ``data`` itself.

    An owner with no customers (in ``region`` when given) is a ParameterError naming the owners
    there, so a misspelt name stops the report instead of rendering an empty one.
    """
    if not isinstance(owner, str):
        raise ParameterError(f"owner must be a sales owner's name or '', got {owner!r}")
    if owner == ALL_OWNERS:
        return data
    check_owner(data.tables["customers"], owner, region)
    return OwnerView(data, owner)


def company_data(data: Any) -> Any:
    """The whole data behind an `OwnerView` (``data`` itself otherwise): what company-wide fits
    train on, so an owner's report scores with the same cached model as the region's."""
    return data.company if isinstance(data, OwnerView) else data

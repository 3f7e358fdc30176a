"""Audiences of the reports: management, marketing and each sales owner.

Management reads every report and the summary; marketing every region's reports over all
customers; a sales rep the reports declaring an ``owner`` parameter (`OWNER_REPORTS`) with
only their customers (`workbench.core.audiences`; `workbench.reports.owners` renders them for
each owner of a region). `audience_note` is the line under such a report's title saying whose
figures they are.
"""

from __future__ import annotations

from typing import Any

from IPython.display import Markdown

from workbench.core.audiences import OwnerView
from workbench.core.labels import t
from workbench.extracts.schema import ALL_REGIONS
from workbench.reports.registry import REPORTS
from workbench.reports.safe_html import escape_markdown

OWNER_REPORTS = tuple(n for n, r in REPORTS.items() if "owner" in {p.name for p in r.parameters})


def audience_note(data: Any, region: str, lang: str = "zh") -> tuple[Markdown, ...]:
    """What goes under an owner-scoped report's title, for `display(*…)`: one bold line saying
    whose customers, how many, and that the models still learn from everybody; nothing at all
    (not an empty output) for a report over every owner's customers."""
    if not isinstance(data, OwnerView):
        return ()
    customers = data.tables["customers"]
    if region != ALL_REGIONS:
        customers = customers[customers["region"] == region]
    text = t("owner_scope", lang, owner=data.owner, customers=f"{len(customers):,}")
    return (Markdown(f"**{escape_markdown(text)}**"),)

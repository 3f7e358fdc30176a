"""Front door for data: load the five CRM extracts, clean them, cache the result.

Notebooks, users and the tests of the public API import from here. The work is done in
`workbench.extracts` (files and databases → typed tables + quarantine) and `workbench.cleaning`
(the cleaning rules, the audit trail and the Parquet cache).
"""

from workbench.cleaning.cache import load_clean
from workbench.cleaning.pipeline import CleanResult, clean
from workbench.collection.completion import write_completion_workbooks
from workbench.collection.corrections import read_corrections
from workbench.collection.ledger import read_issued
from workbench.collection.templates import write_templates
from workbench.core.audiences import OwnerView, owner_view, owners_of
from workbench.extracts.loader import Extracts, load_extracts
from workbench.extracts.sql import load_extracts_sql

__all__ = [
    "CleanResult",
    "Extracts",
    "OwnerView",
    "clean",
    "load_clean",
    "load_extracts",
    "load_extracts_sql",
    "owner_view",
    "owners_of",
    "read_corrections",
    "read_issued",
    "write_completion_workbooks",
    "write_templates",
]

"""Front door for data: load the five CRM extracts, clean them, cache the result.

Notebooks, users and the tests of the public API import from here. The work is done in
`workbench.extracts` (files and databases → typed tables + quarantine) and `workbench.cleaning`
(the cleaning rules, the audit trail and the Parquet cache).
"""

from workbench.cleaning.cache import load_clean
from workbench.cleaning.pipeline import CleanResult, clean
from workbench.extracts.loader import Extracts, load_extracts
from workbench.extracts.sql import load_extracts_sql

__all__ = [
    "CleanResult",
    "Extracts",
    "clean",
    "load_clean",
    "load_extracts",
    "load_extracts_sql",
]

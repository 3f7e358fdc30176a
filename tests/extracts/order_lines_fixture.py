"""A small shop export written by hand, one row per invoice line, like UCI Online Retail: English
headers (InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID,
Country), no amount column (amount = Quantity × UnitPrice), cancellations numbered C…, plus a
column naming the cancelled invoice (OriginalInvoiceNo) that UCI does not have.

Written independently of `workbench.demo`; every expected number in the tests that use it is
worked out by hand in the comments below (file row = Excel's row number, header = row 1).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.conftest import write_csv

HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
          "CustomerID", "Country", "OriginalInvoiceNo"]  # fmt: skip
UK = "United Kingdom"
LINES = [
    # row 2-5: invoice 536365 of 17850, four lines; row 5 repeats row 3 exactly
    ["536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", "6", "2010-12-01 08:26", "2.55",
     "17850", UK, ""],  # 15.30
    ["536365", "71053", "WHITE METAL LANTERN", "6", "2010-12-01 08:26", "3.39", "17850", UK, ""],
    # 20.34
    ["536365", "84406B", "CREAM CUPID HEARTS COAT HANGER", "8", "2010-12-01 08:26", "2.75",
     "17850", UK, ""],  # 22.00
    ["536365", "71053", "WHITE METAL LANTERN", "6", "2010-12-01 08:26", "3.39", "17850", UK, ""],
    # 20.34, kept: a possible repeat → 536365 = 15.30 + 20.34 + 22.00 + 20.34 = 77.98
    # row 6-7: invoice 536366 of 17850, two lines of the same amount (different products)
    ["536366", "22633", "HAND WARMER UNION JACK", "6", "2010-12-01 08:28", "1.85", "17850", UK,
     ""],  # 11.10
    ["536366", "22632", "HAND WARMER RED POLKA DOT", "6", "2010-12-01 08:28", "1.85", "17850", UK,
     ""],  # 11.10 → 536366 = 22.20
    # row 8-9: invoice 536367 of 13047
    ["536367", "84879", "ASSORTED COLOUR BIRD ORNAMENT", "32", "2010-12-01 08:34", "1.69",
     "13047", UK, ""],  # 54.08
    ["536367", "22745", "POPPY'S PLAYHOUSE BEDROOM", "6", "2010-12-01 08:34", "2.10", "13047", UK,
     ""],  # 12.60 → 536367 = 66.68
    # row 10-11: invoice 536368 of 13047, one line written twice: row 11 is a true repeat
    ["536368", "22960", "JAM MAKING SET WITH JARS", "6", "2010-12-01 08:34", "4.25", "13047", UK,
     ""],  # 25.50
    ["536368", "22960", "JAM MAKING SET WITH JARS", "6", "2010-12-01 08:34", "4.25", "13047", UK,
     ""],  # quarantined duplicate_row (25.50)
    # row 12-13: C536391 of 13047 cancels part of 536367 (the next day)
    ["C536391", "84879", "ASSORTED COLOUR BIRD ORNAMENT", "-12", "2010-12-02 10:24", "1.69",
     "13047", UK, "536367"],  # -20.28
    ["C536391", "22745", "POPPY'S PLAYHOUSE BEDROOM", "-6", "2010-12-02 10:24", "2.10", "13047",
     UK, "536367"],  # -12.60 → C536391 = -32.88
    # row 14-16: no customer: quarantined missing_required, 90.00 + 90.00 + 204.00 = 384.00
    ["536370", "22728", "ALARM CLOCK BAKELIKE PINK", "24", "2010-12-01 08:45", "3.75", "", "France",
     ""],
    ["536370", "22727", "ALARM CLOCK BAKELIKE RED", "24", "2010-12-01 08:45", "3.75", "", "France",
     ""],
    ["536371", "22086", "PAPER CHAIN KIT 50'S CHRISTMAS", "80", "2010-12-01 09:00", "2.55", "", UK,
     ""],
    # row 17: 17850's second purchase day
    ["536372", "22632", "HAND WARMER RED POLKA DOT", "6", "2010-12-02 09:01", "1.85", "17850", UK,
     ""],  # 11.10
    # row 18: the number 536366 again, for another customer: quarantined duplicate_key (11.10)
    ["536366", "22633", "HAND WARMER UNION JACK", "6", "2010-12-01 08:28", "1.85", "12583", UK,
     ""],
    # row 19: a cancellation by number only (no original invoice named), 14527 never bought
    ["C536379", "D", "Discount", "-1", "2010-12-01 09:41", "27.50", "14527", UK, ""],  # -27.50
    # row 20: 17850 returns two lanterns of 536365 in the next quarter
    ["C540001", "71053", "WHITE METAL LANTERN", "-2", "2011-01-04 10:00", "3.39", "17850", UK,
     "536365"],  # -6.78
]  # fmt: skip

# What the tests expect, each worked out from the rows above.
ROWS = 19
LOADED_ROWS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 17, 19, 20]
QUARANTINE = {11: "duplicate_row", 14: "missing_required", 15: "missing_required",
              16: "missing_required", 18: "duplicate_key"}  # fmt: skip
ORDER_TOTALS = {  # order → (customer, lines, amount)
    "536365": ("17850", 4, 77.98),
    "536366": ("17850", 2, 22.20),
    "536367": ("13047", 2, 66.68),
    "536368": ("13047", 1, 25.50),
    "C536391": ("13047", 2, -32.88),
    "536372": ("17850", 1, 11.10),
    "C536379": ("14527", 1, -27.50),
    "C540001": ("17850", 1, -6.78),
}


def write_order_lines(folder: Path, name: str = "orders.csv") -> Path:
    """The shop export above as `folder/name` (UTF-8 CSV)."""
    folder.mkdir(parents=True, exist_ok=True)
    return write_csv(folder / name, HEADER, LINES)


def load_order_lines(folder: Path) -> pd.DataFrame:
    """The export above, written into `folder` and loaded: the 14 order lines kept."""
    from workbench.extracts.loader import load_extracts

    write_order_lines(folder)
    return load_extracts(folder, tables=("orders",)).orders

"""crm-workbench: raw CRM extracts → cleaned tables → customer analyses → management reports.

Front doors: `workbench.extracts.loader` (loading extracts) and `workbench.models` (the analyses).
"""

__version__ = "0.1.0"

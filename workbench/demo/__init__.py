"""Deterministic synthetic CRM extracts for demos, tests and benchmarks.

``generate(out_dir, customers=5000, seed=7)`` writes the five extracts a Chinese CRM exports
(customers.csv in GBK, orders.csv UTF-8 with BOM, interactions.csv, opportunities.csv,
requirements.xlsx), with behaviour that carries signal (repeat buying with dropout, regional
growth and churn, complaints before dropout) and dirt injected at known rates, plus the ground
truth in ``out_dir/_truth/`` (dirt.csv, duplicates.csv, customers_true.csv, summary.json).
"""

from __future__ import annotations

from workbench.demo.build import GenerationResult, generate

__all__ = ["GenerationResult", "generate"]

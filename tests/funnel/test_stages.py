"""Per-lead stages: names in English or variants, a missing stage-date column, the cut-off."""

from __future__ import annotations

import pandas as pd

from workbench.funnel.metrics import funnel_table, stage_days
from workbench.funnel.stages import lead_stages, stage_codes

from .conftest import frame, lead


def test_stage_names_in_english_and_variants():
    written = pd.Series(["潜在线索", "意向", "Proposal", "closed won", "输单", "LOST", "", None,
                         "暂停"])  # fmt: skip
    assert stage_codes(written).tolist()[:6] == ["lead", "intent", "proposal", "won", "lost",
                                                 "lost"]  # fmt: skip
    assert stage_codes(written).iloc[6:].isna().all()


def test_only_a_stage_column_gives_the_reached_funnel_from_the_current_stage():
    leads = pd.DataFrame(
        {
            "lead_id": [f"L{i}" for i in range(6)],
            "customer_id": [f"C{i}" for i in range(6)],
            "created_date": pd.to_datetime(["2024-01-01"] * 6),
            "stage": ["lead", "意向", "Proposal", "Closed Won", "流失", "lost"],
        }
    )
    stages = lead_stages(leads)
    table = funnel_table(stages)
    # a lead at a later stage passed the earlier ones; a lost lead only counts as a lead
    assert table.set_index("stage")["reached"].tolist() == [6, 3, 2, 1, 2]
    assert table["in_order"].isna().all()  # cannot be checked without stage dates
    assert stage_days(stages)["leads"].tolist() == [0, 0, 0, 0]
    assert stages["outcome"].tolist() == ["open", "open", "open", "won", "lost", "lost"]


def test_an_empty_stage_date_column_counts_as_missing(ten_leads):
    undated = ten_leads.assign(proposal_date=pd.NaT)
    stages = lead_stages(undated)
    table = funnel_table(stages).set_index("stage")
    # proposal read from the current stage: L2 (in proposal) and the won L1 L3 L4 L10
    assert table.loc["proposal", "reached"] == 5
    assert table["in_order"].isna().all()
    assert stages["days_lead"].isna().all()


def test_the_cut_off_hides_what_happened_later():
    leads = frame(
        [lead(1, "成交", 5, 10, 20), lead(2, "流失", 3, lost=30), lead(3, "潜在线索", created=40)]
    )
    stages = lead_stages(leads, pd.Timestamp("2024-01-16"))  # day 15
    assert stages["lead_id"].tolist() == ["L001", "L002"]  # L003 not created yet
    assert stages["stage"].tolist() == ["proposal", "intent"]
    assert stages["outcome"].tolist() == ["open", "open"]
    assert stages["days_proposal"].isna().all()  # not over by the cut-off

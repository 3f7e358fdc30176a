"""The funnel charts draw the numbers they are given."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from workbench.funnel.metrics import funnel_table, loss_reasons, stage_days
from workbench.funnel.plots import plot_funnel, plot_loss_reasons, plot_stage_days
from workbench.funnel.stages import lead_stages


def test_the_funnel_draws_each_stage_and_marks_the_weakest(ten_leads):
    table = funnel_table(lead_stages(ten_leads), "in_order", min_leads=1)
    _, ax = plt.subplots()
    assert plot_funnel(table, "in_order", lang="en", ax=ax) is ax
    assert [p.get_width() for p in ax.patches] == [10, 6, 4, 2]
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["Lead", "Qualified",
                                                                  "Proposal", "Won"]  # fmt: skip
    colors = [p.get_facecolor() for p in ax.patches]
    assert colors[2] != colors[0] and colors[0] == colors[1] == colors[3]  # proposal: weakest
    texts = [t.get_text() for t in ax.texts]
    assert "↓ 60.0%" in texts and "↓ 50.0%" in texts
    plt.close("all")


def test_reasons_and_days_and_no_data(worked_example):
    stages = lead_stages(worked_example)
    ax = plot_loss_reasons(loss_reasons(stages))
    assert [p.get_width() for p in ax.patches] == [0.45, 0.30, 0.15, 0.10]
    ax = plot_stage_days(stage_days(stages))
    assert [p.get_height() for p in ax.patches] == [15, 10, 7, 10, 8, 4]  # means, then medians
    empty = funnel_table(lead_stages(worked_example.iloc[:0]))
    ax = plot_funnel(empty, lang="en")
    assert [t.get_text() for t in ax.texts] == ["No data"]
    assert len(plot_loss_reasons(pd.DataFrame(columns=["reason", "leads", "share"])).patches) == 0
    plt.close("all")

"""The requirement charts draw the analysis' numbers and say 无数据 for nothing."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from workbench.requirements import plots


def test_each_plot_draws_on_the_given_axes(report):
    fig, axes = plt.subplots(2, 2)
    assert plots.plot_shares(report.shares["nature"], "en", ax=axes[0, 0]) is axes[0, 0]
    labels = [tick.get_text() for tick in axes[0, 0].get_yticklabels()]
    assert labels == ["Functional", "Service", "Price"]
    assert plots.plot_quadrants(report.quadrants, ax=axes[0, 1]) is axes[0, 1]
    texts = [t.get_text() for t in axes[0, 1].texts]
    assert "Q1 高价值·紧急：优先处理\n3 条（20.0%）" in texts
    assert plots.plot_service_levels(report.service_levels, ax=axes[1, 0]) is axes[1, 0]
    heights = [bar.get_height() for bar in axes[1, 0].patches]
    assert heights == [7.0, 20.0, 7.0, 65.0]  # the medians
    assert plots.plot_themes(report.themes, ax=axes[1, 1]) is axes[1, 1]
    plt.close(fig)


def test_empty_inputs_say_no_data():
    empty = pd.DataFrame(columns=["label", "count", "share"])
    for ax in (plots.plot_shares(empty, "en"),
               plots.plot_themes(pd.DataFrame(columns=["keyword", "mentions"]), "en")):  # fmt: skip
        assert [t.get_text() for t in ax.texts] == ["No data"]
    plt.close("all")

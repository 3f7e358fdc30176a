"""Customer-value plots: the numbers drawn, zh/en labels, empty inputs and CJK rendering."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from clv.test_summary import CAL_END, HOLDOUT_END
from matplotlib.axes import Axes

from workbench.clv.matrix import expected_purchases_matrix, p_alive_matrix
from workbench.clv.purchase import BGNBD, holdout_by_frequency
from workbench.clv.spend import CLV, GammaGamma
from workbench.clv.summary import calibration_holdout
from workbench.core.charts import use_report_style
from workbench.core.errors import ParameterError
from workbench.value.plots import (
    plot_calibration,
    plot_clv_distribution,
    plot_expected_purchases_matrix,
    plot_p_alive_matrix,
    plot_pareto_curve,
    plot_rfm_heatmap,
    plot_segment_value,
    rfm_grid,
)
from workbench.value.rfm import rfm_scores, rfm_table
from workbench.value.segments import abc_classes

AS_OF = "1998-07-01"  # the day after the CDNOW sample ends


@pytest.fixture(autouse=True)
def report_style():
    """The report style (CJK font) for each test, rcParams restored and figures closed after."""
    with plt.rc_context():
        use_report_style()
        yield
    plt.close("all")


@pytest.fixture(scope="module")
def calibration(cdnow_raw: pd.DataFrame) -> pd.DataFrame:
    cal = calibration_holdout(cdnow_raw, CAL_END, HOLDOUT_END)
    return holdout_by_frequency(BGNBD().fit(cal), cal)


@pytest.fixture(scope="module")
def clv(cdnow_summary: pd.DataFrame) -> pd.Series:
    return CLV(BGNBD(), GammaGamma()).fit(cdnow_summary).customer_lifetime_value(cdnow_summary)


@pytest.fixture(scope="module")
def abc(cdnow_raw: pd.DataFrame) -> pd.DataFrame:
    return abc_classes(cdnow_raw, AS_OF)


def hand_scores() -> pd.DataFrame:
    """Scores of 1,241 customers: (R, F) = (5, 5) × 1,234, (5, 1) × 2, (3, 2) × 1, (1, 4) × 4."""
    cells = [(5, 5, 1234, 1000.0), (5, 1, 2, 1500.5), (3, 2, 1, 80.0), (1, 4, 4, 20.0)]
    rows = [(r, f, money + i) for r, f, n, money in cells for i in range(n)]
    frame = pd.DataFrame(rows, columns=["r_score", "f_score", "monetary"])
    frame["m_score"] = 3
    return frame


def annotations(ax: Axes) -> dict[tuple[int, int], str]:
    """Heatmap cell texts by (R, F) as drawn: rows labelled by the y ticks, top row first."""
    rows = [int(label.get_text()) for label in ax.get_yticklabels()]
    columns = [int(label.get_text()) for label in ax.get_xticklabels()]
    cells = {}
    for text in ax.texts:
        x, y = text.get_position()
        cells[rows[int(y)], columns[int(x)]] = text.get_text()
    return cells


def render(ax: Axes, caplog: pytest.LogCaptureFixture) -> None:
    """Draw the figure to PNG: no missing-glyph warning, no font fallback logged."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with caplog.at_level(logging.WARNING, logger="matplotlib"):
            ax.figure.savefig(io.BytesIO(), format="png")
    assert not [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert "findfont" not in caplog.text


# --- RFM heatmap -------------------------------------------------------------------------------


def test_rfm_heatmap_counts(caplog: pytest.LogCaptureFixture) -> None:
    scores = hand_scores()
    _, ax = plt.subplots()
    assert plot_rfm_heatmap(scores, ax=ax, title="RFM 分布") is ax
    counts = pd.crosstab(scores["r_score"], scores["f_score"])
    expected = {
        (r, f): f"{counts.loc[r, f]:,}" if r in counts.index and f in counts.columns else "0"
        for r in range(1, 6)
        for f in range(1, 6)
    }
    drawn = annotations(ax)
    assert drawn == expected
    assert drawn[5, 5] == "1,234" and drawn[2, 2] == "0"
    assert [label.get_text() for label in ax.get_yticklabels()] == ["5", "4", "3", "2", "1"]
    assert ax.get_title() == "RFM 分布"
    assert ax.get_ylabel().startswith("R 分") and ax.get_xlabel().startswith("F 分")
    assert ax.collections[0].colorbar.ax.get_ylabel() == "客户数"
    render(ax, caplog)


def test_rfm_heatmap_mean_monetary_in_english() -> None:
    scores = hand_scores()
    ax = plot_rfm_heatmap(scores, "monetary", lang="en")
    drawn = annotations(ax)
    means = scores.groupby(["r_score", "f_score"])["monetary"].mean()
    assert drawn == {cell: f"{value:,.0f}" for cell, value in means.items()}
    assert drawn[5, 1] == "1,501"  # mean of 1,500.5 and 1,501.5; empty cells have no text
    assert ax.get_xlabel() == "F score (high = frequent)"
    assert ax.collections[0].colorbar.ax.get_ylabel() == "Mean spend (CNY)"


def test_rfm_grid_levels_and_bad_value() -> None:
    scores = hand_scores().query("r_score < 5 and f_score < 5")  # scores up to 4 only
    assert rfm_grid(scores, bins=4).shape == (4, 4)
    ax = plot_rfm_heatmap(scores)  # bins default to the largest score present
    assert len(ax.get_yticklabels()) == 4
    with pytest.raises(ParameterError, match="customers' or 'monetary'"):
        rfm_grid(scores, "revenue")


def test_rfm_heatmap_on_real_scores(cdnow_raw: pd.DataFrame) -> None:
    scores = rfm_scores(rfm_table(cdnow_raw, AS_OF))
    drawn = annotations(plot_rfm_heatmap(scores))
    assert sum(int(text.replace(",", "")) for text in drawn.values()) == len(scores) == 2357


# --- segments and Pareto -----------------------------------------------------------------------


def segment_frame() -> pd.DataFrame:
    classes = pd.Categorical(["高价值", "潜在价值", "中价值", "低价值"])
    return pd.DataFrame(
        {
            "class": classes.reorder_categories(["高价值", "潜在价值", "中价值", "低价值"]),
            "customers": [50, 0, 150, 300],
            "customer_share": [0.1, 0.0, 0.3, 0.6],
            "revenue": [600.0, 0.0, 300.0, 100.0],
            "revenue_share": [0.6, 0.0, 0.3, 0.1],
        }
    )


def test_segment_value_bars(caplog: pytest.LogCaptureFixture) -> None:
    segments = segment_frame()
    ax = plot_segment_value(segments, title="价值分层")
    customers, revenue = ax.containers
    assert [bar.get_width() for bar in customers] == [0.1, 0.0, 0.3, 0.6]
    assert [bar.get_width() for bar in revenue] == [0.6, 0.0, 0.3, 0.1]
    assert [label.get_text() for label in ax.get_yticklabels()] == list(segments["class"])
    assert ax.yaxis_inverted()  # the first class on top
    values = [text.get_text() for text in ax.texts]
    assert values[:4] == ["10.0%", "0.0%", "30.0%", "60.0%"]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["客户占比", "销售额占比"]
    assert ax.xaxis.get_major_formatter()(0.5, 0) == "50%"
    render(ax, caplog)
    english = plot_segment_value(segments, lang="en")
    legend = [text.get_text() for text in english.get_legend().get_texts()]
    assert legend == ["Share of customers", "Share of revenue"]


def test_pareto_curve(abc: pd.DataFrame, caplog: pytest.LogCaptureFixture) -> None:
    _, ax = plt.subplots()
    assert plot_pareto_curve(abc, ax=ax) is ax
    curve, diagonal = ax.lines[:2]
    x, y = curve.get_xdata(), curve.get_ydata()
    assert (x[0], y[0]) == (0.0, 0.0)  # from the origin
    np.testing.assert_allclose(y[1:], abc["cum_share"])
    assert x[-1] == 1.0 and y[-1] == pytest.approx(1.0)
    assert list(diagonal.get_xdata()) == [0, 1] == list(diagonal.get_ydata())
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    counts = abc["abc_class"].value_counts()
    n = len(abc)
    assert legend[2] == "ABC 分界：累计销售额 20%、70%"
    assert legend[3:] == [f"{c} 类：{counts[c]:,} 位客户（{counts[c] / n:.1%}）" for c in "ABC"]
    assert legend[5] == "C 类：2,143 位客户（90.9%）"
    render(ax, caplog)
    english = plot_pareto_curve(abc, lang="en")
    assert english.get_xlabel() == "Cumulative share of customers (highest revenue first)"
    assert [text.get_text() for text in english.get_legend().get_texts()][3] == (
        f"A: {counts['A']} customers ({counts['A'] / n:.1%})"
    )


def test_pareto_bands_by_hand() -> None:
    # revenue 50, 30, 10, 5, 5 → A = a (1 of 5), B = b, C = c, d, e
    abc = pd.DataFrame(
        {
            "customer_id": list("abcde"),
            "revenue": [50.0, 30.0, 10.0, 5.0, 5.0],
            "cum_share": [0.5, 0.8, 0.9, 0.95, 1.0],
            "abc_class": pd.Categorical(list("ABCCC"), categories=list("ABC")),
        }
    )
    ax = plot_pareto_curve(abc)
    spans = [patch.get_x() for patch in ax.patches] + [ax.patches[-1].get_x() + 0.6]
    widths = [patch.get_width() for patch in ax.patches]
    np.testing.assert_allclose(spans[:3], [0.0, 0.2, 0.4])
    np.testing.assert_allclose(widths, [0.2, 0.2, 0.6])
    assert [text.get_text() for text in ax.texts] == ["A", "B", "C"]


# --- CLV model plots ---------------------------------------------------------------------------


def test_expected_purchases_matrix_plot(
    cdnow_bgnbd: BGNBD, cdnow_summary: pd.DataFrame, caplog: pytest.LogCaptureFixture
) -> None:
    matrix = expected_purchases_matrix(cdnow_bgnbd, 10, summary=cdnow_summary)
    _, ax = plt.subplots()
    assert plot_expected_purchases_matrix(matrix, ax=ax) is ax
    image = ax.images[0]
    drawn = np.ma.filled(image.get_array().astype(float), np.nan)
    np.testing.assert_array_equal(drawn, matrix.to_numpy())  # NaN cells too
    assert image.origin == "lower"  # frequency 0 at the bottom, the highest on top
    assert image.get_extent() == [-0.5, 38.5, -0.5, 29.5]
    assert image.colorbar.ax.get_ylabel() == "未来 10 周预期购买次数"
    assert ax.get_xlabel() == "近度（首次至末次购买，周）；客户年龄 T = 38 周"
    assert ax.get_ylabel() == "频次（重复购买次数）"
    for ticks in (ax.get_xticks(), ax.get_yticks()):
        assert len(ticks) <= 12 and all(float(tick).is_integer() for tick in ticks)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["不可能的组合"]
    render(ax, caplog)


def test_p_alive_matrix_plot_in_english(cdnow_bgnbd: BGNBD, cdnow_summary: pd.DataFrame) -> None:
    matrix = p_alive_matrix(cdnow_bgnbd, summary=cdnow_summary)
    ax = plot_p_alive_matrix(matrix, unit_days=1, lang="en", title="P(alive)")
    image = ax.images[0]
    assert image.get_clim() == (0, 1)
    assert image.colorbar.ax.get_ylabel() == "Probability alive"
    assert ax.get_xlabel() == "Recency (first to last purchase, days); customer age T = 38 days"
    assert ax.get_title() == "P(alive)"
    expected = expected_purchases_matrix(cdnow_bgnbd, 10, summary=cdnow_summary).iloc[1:, 1:]
    plain = plot_expected_purchases_matrix(expected, unit_days=3)
    assert plain.images[0].colorbar.ax.get_ylabel() == "未来 10 单位（3 天）预期购买次数"
    assert plain.get_legend() is None  # no NaN cell left: nothing to explain
    no_horizon = plot_expected_purchases_matrix(pd.DataFrame(expected.to_numpy()))  # attrs lost
    assert no_horizon.images[0].colorbar.ax.get_ylabel() == "预期购买次数"
    assert no_horizon.get_xlabel() == "近度（首次至末次购买，周）"


def test_calibration(calibration: pd.DataFrame, caplog: pytest.LogCaptureFixture) -> None:
    _, ax = plt.subplots()
    assert plot_calibration(calibration, ax=ax, title="校准") is ax
    actual, predicted = ax.lines
    np.testing.assert_array_equal(actual.get_ydata(), calibration["actual"])
    np.testing.assert_array_equal(predicted.get_ydata(), calibration["predicted"])
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["实际", "模型预测"]
    ticks = [label.get_text() for label in ax.get_xticklabels()]
    assert ticks[0] == f"0\n{calibration['customers'].iloc[0]:,}人" == "0\n1,411人"
    assert ticks[-1].startswith("7+\n")
    render(ax, caplog)
    english = plot_calibration(calibration, lang="en")
    assert [text.get_text() for text in english.get_legend().get_texts()] == [
        "Actual",
        "Predicted",
    ]
    assert english.get_xticklabels()[0].get_text() == "0\nn=1,411"


def test_clv_distribution(clv: pd.Series, caplog: pytest.LogCaptureFixture) -> None:
    _, ax = plt.subplots()
    assert plot_clv_distribution(clv, ax=ax) is ax
    heights = [patch.get_height() for patch in ax.patches]
    assert sum(heights) == len(clv) == 2357  # the tail is clipped into the last bar, not dropped
    cut = np.quantile(clv, 0.99)
    over = int((clv > cut).sum())
    assert ax.patches[-1].get_x() + ax.patches[-1].get_width() == pytest.approx(cut)
    assert heights[-1] >= over > 0
    assert f"{over} 位客户计入最右一栏" in ax.get_xlabel()
    median, top = (line.get_xdata()[0] for line in ax.lines)
    assert median == pytest.approx(clv.median()) and top == pytest.approx(clv.quantile(0.8))
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == [
        f"中位数 {clv.median():,.0f} 元",
        f"前 20% 客户门槛 {clv.quantile(0.8):,.0f} 元",
    ]
    render(ax, caplog)


def test_clv_distribution_unclipped_in_english() -> None:
    clv = pd.Series([100.0, 200.0, 300.0, 400.0, np.nan, 5000.0])
    ax = plot_clv_distribution(clv, clip_quantile=None, top_share=0.1, bins=10, lang="en")
    assert sum(patch.get_height() for patch in ax.patches) == 5  # NaN left out
    assert ax.get_xlabel() == "Customer lifetime value (CNY)"
    assert ax.patches[-1].get_x() + ax.patches[-1].get_width() == pytest.approx(5000.0)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["Median 300", "Top 10% from 3,160"]  # 400 + 0.6 × 4,600
    clipped = plot_clv_distribution(clv, lang="en")
    assert "1 customers above the 99th percentile (4,816) counted in the last bar" in (
        clipped.get_xlabel()
    )


# --- every plot: empty input, new axes ---------------------------------------------------------

EMPTY: dict[str, Callable[..., Axes]] = {
    "rfm": lambda **kw: plot_rfm_heatmap(hand_scores().iloc[:0], **kw),
    "segments": lambda **kw: plot_segment_value(segment_frame().iloc[:0], **kw),
    "pareto": lambda **kw: plot_pareto_curve(
        pd.DataFrame(columns=["customer_id", "revenue", "cum_share", "abc_class"]), **kw
    ),
    "expected": lambda **kw: plot_expected_purchases_matrix(pd.DataFrame(), **kw),
    "p_alive": lambda **kw: plot_p_alive_matrix(pd.DataFrame([[np.nan]]), **kw),
    "calibration": lambda **kw: plot_calibration(
        pd.DataFrame(columns=["customers", "actual", "predicted"]), **kw
    ),
    "clv": lambda **kw: plot_clv_distribution(pd.Series([], dtype=float), **kw),
}


@pytest.mark.parametrize("name", EMPTY)
@pytest.mark.parametrize(("lang", "note"), [("zh", "无数据"), ("en", "No data")])
def test_empty_input(name: str, lang: str, note: str, caplog: pytest.LogCaptureFixture) -> None:
    _, ax = plt.subplots()
    assert EMPTY[name](lang=lang, title="空", ax=ax) is ax
    assert [text.get_text() for text in ax.texts] == [note]
    assert ax.get_title() == "空"
    render(ax, caplog)


@pytest.mark.parametrize("name", EMPTY)
def test_new_axes_when_none(name: str) -> None:
    before = plt.get_fignums()
    ax = EMPTY[name]()
    assert isinstance(ax, Axes) and ax.figure.number not in before


def test_unknown_language() -> None:
    with pytest.raises(ParameterError, match="lang must be one of"):
        plot_clv_distribution(pd.Series([1.0, 2.0]), lang="fr")

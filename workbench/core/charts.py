"""The report chart style and the Axes contract every domain's `plot_*` follows (take an optional
Axes, return the Axes drawn on).

`use_report_style()` registers the bundled Noto Sans CJK SC font (from the mplfonts wheel) so
Chinese labels render as real glyphs on machines with no CJK font installed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import mplfonts
import seaborn as sns
from matplotlib import font_manager
from matplotlib.axes import Axes

from workbench.core.labels import t

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"


@cache
def cjk_font_name() -> str:
    """Register the bundled CJK font with matplotlib once; return its family name."""
    path = Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_report_style() -> None:
    """Seaborn theme with the CJK font first, so 中文 labels and minus signs render."""
    sns.set_theme(style="whitegrid", palette="Set2", font=cjk_font_name())
    plt.rcParams["font.sans-serif"] = [cjk_font_name(), "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["figure.dpi"] = 110
    plt.rcParams["svg.fonttype"] = "path"  # glyphs as outlines: the SVG needs no CJK font
    plt.rcParams["svg.hashsalt"] = "workbench"  # the same chart gives the same SVG
    _inline_png_and_svg()


def _inline_png_and_svg() -> None:
    """In a notebook kernel, show each figure as PNG and SVG: the page embeds the PNG, the chart
    pack (`workbench.reports.chart_pack`) takes both. Outside a kernel nothing changes."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # no IPython: a script or a test
        return
    if get_ipython() is not None:
        set_matplotlib_formats("png", "svg")


def axes_or_new(ax: Axes | None, size: tuple[float, float] = (7, 4)) -> Axes:
    """The Axes to draw on: the one given, or a new figure of `size` inches (the plot_* contract)."""
    return ax if ax is not None else plt.subplots(figsize=size)[1]


def no_data(ax: Axes, lang: str, title: str) -> Axes:
    """An empty Axes with a centred 无数据 / No data note: what every plot draws for no input."""
    ax.text(0.5, 0.5, t("vp_no_data", lang), transform=ax.transAxes, ha="center", va="center",
            fontsize=12, color="grey")  # fmt: skip
    ax.set(title=title, xticks=[], yticks=[])
    return ax

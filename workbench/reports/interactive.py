"""Controls for a report opened in JupyterLab: region, period, segment and thresholds.

`report_controls` returns an ipywidgets box that re-computes and re-displays the report's key
table when a control changes — only when the notebook runs in a Jupyter server's kernel (`make
lab`). Under Papermill (the quarterly run, a reviewer's re-run, the tests) it returns None and
the notebook's output is unchanged: nbclient starts kernels without the JPY_SESSION_NAME
variable that jupyter_server gives each of its kernels. `key_table` is the computation behind a
control, a function of the values, so it is tested without widgets.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as widgets
import pandas as pd

from workbench.core.errors import WorkbenchError
from workbench.core.labels import t
from workbench.extracts.schema import ALL_REGIONS, REGIONS
from workbench.reports.safe_html import escape_markdown, styled_table

ALL = ""  # a segment control's "every segment" value


SESSION_VARIABLE = "JPY_SESSION_NAME"  # set by a Jupyter server for the kernels it starts


def is_interactive() -> bool:
    """Whether this kernel was started by a Jupyter server (JupyterLab, Notebook), where a person
    can use the controls; Papermill's kernels are not."""
    return bool(os.environ.get(SESSION_VARIABLE))


def _churn(
    data: Any, values: Mapping[str, Any], lang: str, context: Mapping[str, Any]
) -> pd.DataFrame:
    from workbench import models
    from workbench.churn import tables

    report = models.analyse_churn(data, values["region"], values["period"], context["params"],
                                  context.get("clv_params"), cache_dir=context.get("cache_dir"))  # fmt: skip
    customers = report.customers
    risky = customers[customers["churn_probability"] >= values["threshold"]]
    order = risky["value_at_risk"].fillna(-1.0) * 1e6 + risky["churn_probability"]
    risky = risky.loc[order.sort_values(ascending=False, kind="stable").index]
    return tables.customer_table(replace(report, customers=risky), lang, values["top_n"], False)


def _value(
    data: Any, values: Mapping[str, Any], lang: str, context: Mapping[str, Any]
) -> pd.DataFrame:
    from workbench import models
    from workbench.value import tables

    tags = None
    if context.get("churn_params") is not None:
        churn = models.analyse_churn(data, values["region"], values["period"],
                                     context["churn_params"], context["params"].clv,
                                     cache_dir=context.get("cache_dir"))  # fmt: skip
        tags = churn.tags()
    report = models.analyse_value(data, values["region"], values["period"], context["params"], tags)
    if values["segment"] != ALL:
        mine = report.customers[report.customers["value_class"] == values["segment"]]
        report = replace(report, customers=mine)
    return tables.ranking_table(report, values["top_n"])


def _funnel(
    data: Any, values: Mapping[str, Any], lang: str, context: Mapping[str, Any]
) -> pd.DataFrame:
    from workbench import models

    report = models.analyse_funnel(data, values["region"], values["period"], context["params"])
    return report.follow_up.head(values["top_n"])


def _requirements(
    data: Any, values: Mapping[str, Any], lang: str, context: Mapping[str, Any]
) -> pd.DataFrame:
    from workbench import models

    report = models.analyse_requirements(data, values["region"], values["period"],
                                         context["params"], context["value_params"])  # fmt: skip
    return report.quadrant_list(values["segment"] or "Q1").head(values["top_n"])


class ReportControls(widgets.VBox):
    """The controls and the output below them; ``frame`` is the table shown last (None after
    an error), ``controls`` the widgets by name (region, period, top_n, segment, threshold)."""

    frame: pd.DataFrame | None = None
    controls: Mapping[str, Any] = {}  # set per instance


def _profile(
    data: Any, values: Mapping[str, Any], lang: str, context: Mapping[str, Any]
) -> pd.DataFrame:
    from workbench import models
    from workbench.profiling import tables

    customers = models.customers_of_region(data.customers, values["region"])
    kpis = models.kpi_comparison(customers, data.orders, data.interactions, values["period"])
    gaps = models.profile_gaps(data, customers, values["period"])
    return tables.format_kpis(kpis, values["period"], lang, gaps)


@dataclass(frozen=True)
class View:
    """A report's interactive view: what it computes, its segments, whether a threshold shows."""

    compute: Callable[[Any, Mapping[str, Any], str, Mapping[str, Any]], pd.DataFrame]
    segments: tuple[str, ...] = ()  # the segment control's choices ("" = every segment)
    threshold: float | None = None  # the threshold control's default (None: no such control)
    rows: bool = True  # a top_n control (the report's lists); False for a fixed table


VIEWS: dict[str, View] = {
    "profiling": View(_profile, rows=False),
    "churn": View(_churn, threshold=0.3),
    "rfm_clv": View(_value, segments=(ALL, "高价值", "中价值", "低价值", "潜在价值")),
    "funnel": View(_funnel),
    "requirements": View(_requirements, segments=("Q1", "Q2", "Q3", "Q4")),
}


def key_table(
    name: str, data: Any, values: Mapping[str, Any], lang: str = "zh", **context: Any
) -> pd.DataFrame:
    """The table a report's controls show for ``values`` (region, period, top_n, and segment or
    threshold where the report has them), computed as the report computes it."""
    if name not in VIEWS:
        raise WorkbenchError(f"no interactive view for {name!r}; views: {', '.join(VIEWS)}")
    return VIEWS[name].compute(data, values, lang, context)


def report_controls(
    name: str,
    data: Any,
    values: Mapping[str, Any],
    lang: str = "zh",
    interactive: bool | None = None,
    **context: Any,
) -> Any:
    """Controls (region, period, segment or threshold, top_n) over the report's key table, shown
    again whenever one changes; None under Papermill (or ``interactive=False``).

    ``values`` holds the notebook's parameters (region, period, top_n); ``context`` what the
    computation needs (params, cache_dir …). The box's ``frame`` is the table last shown.
    """
    if not (is_interactive() if interactive is None else interactive):
        return None
    from IPython.display import Markdown, display

    view = VIEWS[name]
    controls = {
        "region": widgets.Dropdown(options=[*REGIONS, ALL_REGIONS], value=values["region"],
                                   description=t("widget_region", lang)),
        "period": widgets.Text(value=str(values["period"]), description=t("widget_period", lang),
                               continuous_update=False),
    }  # fmt: skip
    if view.rows:
        controls["top_n"] = widgets.IntSlider(value=int(values.get("top_n", 20)), min=5, max=200,
                                              step=5, description=t("widget_top_n", lang))  # fmt: skip
    if view.segments:
        labels = [(t("widget_all", lang) if s == ALL else s, s) for s in view.segments]
        controls["segment"] = widgets.Dropdown(options=labels, value=view.segments[0],
                                               description=t("widget_segment", lang))  # fmt: skip
    if view.threshold is not None:
        default = getattr(context.get("params"), "band_medium", view.threshold)
        controls["threshold"] = widgets.FloatSlider(value=default, min=0.0, max=1.0, step=0.05,
                                                    description=t("widget_band", lang))  # fmt: skip
    out = widgets.Output()
    box = ReportControls([widgets.HBox(list(controls.values())), out])
    box.controls = controls

    def refresh(_: object = None) -> None:
        chosen = {key: control.value for key, control in controls.items()}
        try:
            box.frame = key_table(name, data, chosen, lang, **context)
            shown = styled_table(box.frame)
        except WorkbenchError as exc:  # a malformed period: say so, keep the controls
            box.frame, shown = None, Markdown(escape_markdown(str(exc)))
        with out:
            out.clear_output(wait=True)
            display(shown)

    for control in controls.values():
        control.observe(refresh, names="value")
    refresh()
    return box

"""The value classes as readers see them: category values in the report's language, the
agreement of RFM and weighted classes, the weights used, the period's class moves and who left
高价值 with what changed, the playbook per class. Words come from `workbench.core.labels`
(category values through the ``val_…`` labels, as in the segments report)."""

from __future__ import annotations

import pandas as pd

from workbench.core.labels import t
from workbench.core.periods import period_label
from workbench.segments.tables import value_text
from workbench.value.analysis import ValueReport
from workbench.value.params import ValueParams
from workbench.value.segments import NEW

CATEGORY_COLUMNS = ("customer_type", "status", "class", "value_class", "rfm_class", "weighted_class", "class_before",
                    "class_after", "abc_class", "amount_tier", "tags", "playbook")  # fmt: skip


def category_values(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The frame with its category values (classes, tiers, tags, playbooks) in ``lang``; the
    headers stay codes (plots read them)."""
    out = frame.copy()
    for column in CATEGORY_COLUMNS:
        if column in out:
            out[column] = out[column].astype(object).map(lambda v: value_text(v, lang))
    return out


def _matrix(table: pd.DataFrame, corner: str, lang: str) -> pd.DataFrame:
    """A class × class table with its row and column labels in ``lang``, rows as a column."""
    names = {name: t("new_class", lang) if name == NEW else value_text(name, lang)
             for name in (*table.index, *table.columns)}  # fmt: skip
    out = table.rename(index=names, columns=names).rename_axis(index=corner, columns=None)
    return out.reset_index()


def agreement_table(report: ValueReport, lang: str = "zh") -> pd.DataFrame:
    """Buyers per RFM class (rows) and weighted class (columns)."""
    return _matrix(report.classes.agreement, t("wv_rfm_vs_weighted", lang), lang)


def transition_tables(report: ValueReport, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """The class moves previous → this period's end, by customers and by 12-month revenue."""
    moves, corner = report.classes.moves, t("wv_row_label", lang)
    return {"customers": _matrix(moves.by_customers, corner, lang),
            "revenue": _matrix(moves.by_revenue, corner, lang)}  # fmt: skip


def class_sentences(report: ValueReport, lang: str = "zh") -> list[str]:
    """Which classes the report uses, how far RFM and weighted agree, what the score leaves out,
    and how many customers left 高价值 during the period."""
    views = report.classes
    method = t(f"wv_method_{views.classes_by}", lang)
    buyers = int(views.agreement.to_numpy().sum())
    out = [
        t("wv_classes_by", lang, method=method),
        t("wv_agreement", lang, customers=buyers, same=views.same_share,
          adjacent=views.adjacent_share),
    ]  # fmt: skip
    for factor, missing in views.weighted.left_out:
        key = "wv_part_missing" if factor in views.weighted.weights else "wv_left_out"
        out.append(t(key, lang, factor=t(f"wf_{factor}", lang), missing=missing))
    previous, current = views.moves.previous_period, report.period
    out.append(t("wv_fell_out", lang, customers=len(views.moves.fell_out),
                 previous=period_label(previous, lang), current=period_label(current, lang)))  # fmt: skip
    return out


def weights_table(report: ValueReport, lang: str = "zh") -> pd.DataFrame:
    """factor (its name in ``lang``), weight: the weights used (renormalised when a factor is
    left out)."""
    weights = report.classes.weighted.weights
    names = [t(f"wf_{name}", lang) for name in weights]
    return pd.DataFrame({"factor": names, "weight": list(weights.values())})


def fell_out_table(report: ValueReport, lang: str = "zh") -> pd.DataFrame:
    """Customers who left 高价值: name, owner, class before and after, what changed in words."""
    moves = report.classes.moves
    frame = moves.fell_out.merge(report.customers[["customer_id", "customer", "owner",
                                                   "revenue_12m"]], on="customer_id", how="left")  # fmt: skip
    changed = [_changes(row, moves.details, lang) for row in frame.itertuples(index=False)]
    out = frame.assign(changed=changed)
    columns = ["customer", "owner", "class_before", "class_after", "revenue_12m", "changed"]
    return category_values(out[columns], lang)


def _changes(row: tuple, details: tuple[str, ...], lang: str) -> str:
    """The measures that differ before and after, as 'R分 5→3、M分 5→4'."""
    values = row._asdict()
    words = []
    for name in details:
        before, after = values[f"{name}_before"], values[f"{name}_after"]
        if pd.isna(before) or pd.isna(after) or abs(float(before) - float(after)) > 1e-9:
            words.append(t("wv_change", lang, name=t(f"wf_{name}", lang),
                           before=_number(before), after=_number(after)))  # fmt: skip
    return t("list_sep", lang).join(words) if words else t("wv_unchanged", lang)


def _number(value: object) -> str:
    if pd.isna(value):
        return "–"
    value = float(value)
    return f"{value:.0f}" if value.is_integer() else f"{value:.2f}"


def class_summary(report: ValueReport, params: ValueParams) -> pd.DataFrame:
    """The value-class summary (customers, revenue, shares) with each class's playbook."""
    summary = report.segments["value_class"]
    playbooks = {name: "、".join(actions) for name, actions in params.playbooks.items()}
    return summary.assign(playbook=summary["class"].astype(object).map(playbooks).fillna(""))


def class_sheets(report: ValueReport, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """The workbook's sheets of this module, keyed by their sheet name in ``lang`` (headers
    still codes where a frame has code columns)."""
    moves = transition_tables(report, lang)
    return {
        t("sheet_agreement", lang): agreement_table(report, lang),
        t("sheet_weights", lang): weights_table(report, lang),
        t("sheet_moves_customers", lang): moves["customers"],
        t("sheet_moves_revenue", lang): moves["revenue"],
        t("sheet_fell_out", lang): fell_out_table(report, lang),
    }  # fmt: skip

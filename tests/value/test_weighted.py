"""The weighted value score, its classes, the agreement with RFM and the quarterly class moves,
on a hand-made region whose every number is worked out in the comments (not from workbench.demo).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from workbench.core.errors import ParameterError
from workbench.value import tables
from workbench.value.analysis import analyse_value
from workbench.value.moves import class_moves
from workbench.value.params import ValueParams, load_value_params
from workbench.value.weighted import class_agreement, weighted_scores
from workbench.value.weighted_params import WeightedParams

AS_OF = pd.Timestamp("2025-01-01")


def _customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["K1", "K2", "K3"],
        "industry_section": ["I 信息传输、软件和信息技术服务业", "C 制造业", "X 其他"],  # .9 .7 .5
        "decision_role": ["决策者", "影响者", None],  # 1.0, 0.6, default 0.3
    })  # fmt: skip


def _purchases() -> pd.DataFrame:
    frame = pd.DataFrame({"customer_id": ["K1", "K1", "K2"],
                          "order_date": ["2024-11-01", "2024-12-01", "2024-06-01"],
                          "amount": [100.0, 100.0, 50.0]})  # fmt: skip
    return frame.assign(order_date=pd.to_datetime(frame["order_date"]))


def _extracts() -> dict:
    # in the last 90 days (from 2024-10-03): K1 3 interactions (3/6 = .5), K3 7 (capped: 1.0)
    dates = pd.to_datetime(["2024-12-01"] * 10 + ["2024-09-01"])
    ids = ["K1"] * 3 + ["K3"] * 7 + ["K2"]  # K2's one is too old: 0
    return {"interactions": pd.DataFrame({"customer_id": ids, "interaction_date": dates}),
            "requirements": None, "opportunities": None}  # fmt: skip


def _scores(customers: pd.DataFrame | None = None):
    revenue = pd.Series({"K1": 200.0, "K2": 50.0})
    return weighted_scores(customers if customers is not None else _customers(), _purchases(),
                           revenue, AS_OF, WeightedParams(), _extracts())  # fmt: skip


def test_weighted_scores_and_classes_by_hand():
    # percentiles among the 2 buyers: K1 1.0 on revenue, frequency, recency; K2 0.5; K3 0.
    # K1 .15×.9 + .15×1 + .2×.5 + .25 + .15 + .1 = .885 → 高价值
    # K2 .15×.7 + .15×.6 + 0 + .25×.5 + .15×.5 + .1×.5 = .445 → 中价值
    # K3 .15×.5 + .15×.3 + .2×1 = .32 < .4; prospect .32 / .5 = .64 ≥ .6 → 潜在价值
    result = _scores()
    table = result.table.set_index("customer_id")
    assert table["score"].round(6).to_dict() == {"K1": 0.885, "K2": 0.445, "K3": 0.32}
    assert table.loc["K3", "prospect"] == pytest.approx(0.64)
    assert table["willingness"].to_dict() == {"K1": 0.5, "K2": 0.0, "K3": 1.0}
    assert table["value_class"].astype(str).to_dict() == {"K1": "高价值", "K2": "中价值",
                                                          "K3": "潜在价值"}  # fmt: skip
    assert result.left_out == (("willingness", "requirements"), ("willingness", "opportunities"))


def test_a_missing_column_leaves_its_factor_out_and_renormalises():
    result = _scores(_customers().drop(columns="decision_role"))
    assert ("decision_influence", "customers.decision_role") in result.left_out
    assert "decision_influence" not in result.table
    assert result.weights["industry_potential"] == pytest.approx(0.15 / 0.85)
    # K3: (.15×.5 + .2×1) / .85
    assert result.table.loc[2, "score"] == pytest.approx(0.275 / 0.85)


def test_agreement_same_and_adjacent_shares():
    first = pd.Series(["高价值", "中价值", "低价值", "潜在价值"])
    second = pd.Series(["高价值", "低价值", "潜在价值", "高价值"])
    table, same, adjacent = class_agreement(first, second)
    # order 高 中 潜 低: gaps 0, 2, 1, 2
    assert (same, adjacent) == (0.25, 0.5)
    assert table.loc["中价值", "低价值"] == 1 and int(table.to_numpy().sum()) == 4


def _classes(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "value_class", "r_score", "f_score",
                                        "m_score"])  # fmt: skip
    classes = ["高价值", "中价值", "低价值", "潜在价值"]
    return frame.assign(value_class=pd.Categorical(frame["value_class"], categories=classes))


def test_transition_matrices_and_who_fell_out():
    before = _classes([("A1", "高价值", 5, 5, 5), ("A2", "高价值", 5, 4, 5),
                       ("A3", "中价值", 3, 3, 3)])  # fmt: skip
    after = _classes([("A1", "高价值", 5, 5, 5), ("A2", "中价值", 3, 4, 4),
                      ("A3", "高价值", 4, 4, 4), ("A4", "低价值", 1, 1, 1)])  # fmt: skip
    revenue = pd.Series({"A1": 100.0, "A2": 50.0, "A3": 30.0, "A4": 5.0})
    moves = class_moves(before, after, revenue, ("r_score", "f_score", "m_score"), "2024Q3")
    n, r = moves.by_customers, moves.by_revenue
    assert (n.loc["高价值", "高价值"], n.loc["高价值", "中价值"], n.loc["中价值", "高价值"],
            n.loc["新增", "低价值"], int(n.to_numpy().sum())) == (1, 1, 1, 1, 4)  # fmt: skip
    assert (r.loc["高价值", "高价值"], r.loc["高价值", "中价值"], r.loc["中价值", "高价值"],
            r.loc["新增", "低价值"], r.to_numpy().sum()) == (100, 50, 30, 5, 185)  # fmt: skip
    fell = moves.fell_out
    assert fell["customer_id"].tolist() == ["A2"]
    assert fell.iloc[0][["class_after", "r_score_before", "r_score_after", "m_score_after"]
                        ].tolist() == ["中价值", 5, 3, 4]  # fmt: skip


@pytest.mark.parametrize(("section", "message"), [
    ("weighted:\n  weights: {industry_potential: 1.0}\n", "must give a weight to each"),
    ("weighted:\n  weights: {industry_potential: 0.5, decision_influence: 0.15, willingness: 0.2,"
     " revenue_pct: 0.25, frequency_pct: 0.15, recency_pct: 0.1}\n", "must add up to 1"),
    ("weighted:\n  mid_min: 0.7\n", "must be below high_min"),
    ("weighted:\n  role_scores: {决策者: 2}\n", "between 0 and 1"),
    ("weighted:\n  colour: red\n", "unknown setting"),
    ("classes_by: abc\n", "classes_by must be one of rfm, weighted"),
    ("playbooks: {高价值: [定制方案]}\n", "playbooks must list each of"),
])  # fmt: skip
def test_params_are_validated_with_messages(tmp_path, section, message):
    path = tmp_path / "value.yml"
    path.write_text(section, encoding="utf-8")
    with pytest.raises(ParameterError, match=message):
        load_value_params(path)


def test_the_defaults_equal_the_yaml():
    assert load_value_params() == ValueParams()


_CJK = re.compile(r"[\u4e00-\u9fff]")
_NAMES = ("Customer", "Owner", "City")  # extract text (names), not category values


def _chinese_cells(frame: pd.DataFrame) -> list[str]:
    cells = [str(c) for c in frame.columns]
    for column in frame.columns:
        if column not in _NAMES:
            cells += [str(v) for v in frame[column].tolist()]
    return [c for c in cells if _CJK.search(c)]


@pytest.mark.parametrize("classes_by", ["rfm", "weighted"])
def test_english_views_show_no_chinese_category_values(small, classes_by):
    params = ValueParams(classes_by=classes_by)
    report = analyse_value(small, "华东", "2024Q4", params)
    views = [tables.localize(report.customers.drop(columns="customer_id"), "en"),
             tables.localize(tables.class_summary(report, params), "en"),
             tables.localize(tables.follow_up_table(report), "en"),
             tables.agreement_table(report, "en"), tables.weights_table(report, "en"),
             *tables.transition_tables(report, "en").values(),
             tables.localize(tables.fell_out_table(report, "en"), "en")]  # fmt: skip
    assert [cell for view in views for cell in _chinese_cells(view)] == []
    assert not any(_CJK.search(p) for p in tables.summary_points(report, "en", params))
    zh = tables.localize(tables.class_summary(report, params), "zh")
    assert "专属客户经理、定期高层拜访、定制方案" in zh["运营策略"].tolist()


def test_the_report_uses_the_classes_asked_for(small):
    rfm = analyse_value(small, "华东", "2024Q4")
    weighted = analyse_value(small, "华东", "2024Q4", ValueParams(classes_by="weighted"))
    assert rfm.customers["value_class"].equals(rfm.customers["rfm_class"])
    assert weighted.customers["value_class"].equals(weighted.customers["weighted_class"])
    # the small region has no industry or decision role: both left out, and said so
    left = dict(weighted.classes.weighted.left_out)
    assert {"industry_potential", "decision_influence"} <= set(left)
    follow = tables.follow_up_table(weighted)
    assert "playbook" in follow

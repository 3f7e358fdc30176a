"""Themes: jieba keywords, the shipped stop words, the extract's own IDF, rising themes."""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest

from workbench.requirements.params import ThemeParams
from workbench.requirements.themes import (
    corpus_idf,
    described,
    keywords,
    rising_themes,
    stop_words,
    theme_examples,
    themes,
    tokens,
)

CORPUS = pd.DataFrame({
    "req_id": ["D1", "D2", "D3", "D4", "D5"],
    "description": ["续费时系统报错", "续费价格调整", "续费流程复杂", "续费发票开具", None],
    "created_date": pd.to_datetime(["2024-10-01", "2024-10-02", "2024-10-03", "2024-10-04",
                                    "2024-10-05"]),
})  # fmt: skip


def _bundled_idf() -> dict[str, float]:
    """jieba's own general-purpose IDF (idf.txt), which the workbench must not use."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba.analyse

        return jieba.analyse.default_tfidf.idf_freq


def test_keywords_keep_domain_words_and_drop_stop_words_and_punctuation():
    assert tokens("希望与企业微信打通，实现单点登录") == ["企业微信", "打通", "单点登录"]
    assert tokens("客户反馈需要报表模块支持导出Excel") == ["报表模块", "导出", "excel"]
    assert tokens("续费时系统报错") == ["续费", "系统", "报错"]
    assert {"希望", "客户", "反馈", "需要", "的"} <= stop_words()


def test_extra_stop_words_come_from_the_parameters():
    params = ThemeParams(stop_words=("报表模块",))
    assert tokens("客户反馈需要报表模块支持导出Excel", params) == ["导出", "excel"]
    assert "报表模块" in stop_words(params.stop_words) and "报表模块" not in stop_words()


def test_the_idf_is_computed_from_the_extract():
    words = keywords(CORPUS)
    assert described(CORPUS) == 4  # D5 has no description
    idf = corpus_idf(words, described(CORPUS))
    assert idf["续费"] == pytest.approx(math.log(5 / 5) + 1)  # in all four descriptions
    assert idf["系统"] == pytest.approx(math.log(5 / 2) + 1)  # in one


def test_our_idf_not_jiebas_bundled_one_ranks_the_themes():
    words = keywords(CORPUS)
    idf = corpus_idf(words, described(CORPUS))
    ranked = themes(words, idf, CORPUS[CORPUS["req_id"] == "D1"])
    assert ranked["keyword"].tolist() == ["报错", "系统", "续费"]
    assert ranked["score"].tolist() == pytest.approx([idf["报错"] / 3, idf["系统"] / 3, 1 / 3])
    bundled = _bundled_idf()  # 续费 is rare in general Chinese text, common in this extract
    assert max(["报错", "系统", "续费"], key=lambda w: bundled[w]) == "续费"


def test_themes_per_group_with_mentions_share_and_an_example():
    frame = CORPUS.assign(category=["售后", "价格", "价格", "价格", "价格"])
    words = keywords(frame)
    idf = corpus_idf(words, described(frame))
    by = themes(words, idf, frame, "category", top=2)
    assert by.groupby("category").size().to_dict() == {"价格": 2, "售后": 2}
    price = by[by["category"] == "价格"]
    # 8 keywords: 续费 ×3, 价格调整, 流程, 复杂, 发票, 开具; 续费 3/8 × idf 1 beats 1/8 × 1.92
    assert price["keyword"].tolist() == ["续费", "价格调整"]
    assert price["score"].tolist() == pytest.approx([3 / 8, idf["价格调整"] / 8])
    assert price["share"].tolist() == pytest.approx([3 / 4, 1 / 4])  # of the 4 价格 needs
    top = theme_examples(themes(words, idf, frame, top=1), words, frame)
    assert top["keyword"].tolist() == ["续费"]  # tf 4 of 11 keywords outweighs its idf
    assert top.loc[0, "mentions"] == 4 and top.loc[0, "share"] == pytest.approx(4 / 5)
    assert top.loc[0, "example_id"] == "D4"  # the latest requirement mentioning it


def test_rising_themes():
    words = pd.DataFrame(
        [("P1", "报表", 1), ("P2", "报表", 1), ("P1", "培训", 1), ("P2", "培训", 1),
         ("N1", "报表", 1), ("N2", "报表", 2), ("N3", "报表", 1), ("N1", "培训", 1),
         ("N2", "培训", 1), ("N1", "钉钉", 1), ("N3", "钉钉", 1), ("N2", "接口", 1)],
        columns=["req_id", "keyword", "occurrences"],
    )  # fmt: skip
    previous = pd.DataFrame({"req_id": ["P1", "P2"]})
    current = pd.DataFrame({"req_id": ["N1", "N2", "N3"]})
    params = ThemeParams(rising_min_count=2, rising_min_growth=0.5)
    rising = rising_themes(words, current, previous, params)
    # 钉钉 is new (0 → 2); 报表 2 → 3 is +50%; 培训 2 → 2 is flat; 接口 1 is too rare
    assert rising["keyword"].tolist() == ["钉钉", "报表"]
    assert rising["change"].tolist() == [2, 1]
    assert rising["growth"].isna().tolist() == [True, False]
    assert rising["growth"].iloc[1] == pytest.approx(0.5)
    stricter = rising_themes(words, current, previous, ThemeParams(rising_min_count=2,
                                                                   rising_min_growth=0.6))  # fmt: skip
    assert stricter["keyword"].tolist() == ["钉钉"]


def test_the_reports_themes_hold_no_stop_word_and_no_personal_data(report):
    shown = set(report.themes["keyword"]) | set(report.themes_by["category"]["keyword"])
    assert shown and not shown & stop_words()
    assert "李娜" not in shown and not any(w.isdigit() for w in shown)
    assert "报表" in set(report.themes["keyword"])  # R01, R05, R09, R12, R13 mention it

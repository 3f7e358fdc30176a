"""Recurring themes of the requirement descriptions: jieba keywords weighted by an IDF computed
from the extract's own descriptions (not jieba's bundled, general-purpose idf.txt).

Definitions (also in docs/glossary.md):
- keyword: a jieba token of at least ``themes.min_length`` characters holding a letter or a CJK
  character, not a stop word (workbench/data/requirement_stopwords.txt + ``themes.stop_words``).
- idf(w) = ln((1 + N) / (1 + df(w))) + 1, where N = requirements with a description in the
  corpus given (the whole extract) and df(w) = those mentioning w.
- score of w in a group = tf(w) × idf(w), tf = w's occurrences ÷ all keyword occurrences of the
  group; mentions = the group's requirements mentioning w, share = mentions ÷ its requirements.
- rising: mentions this period (the report's month, quarter or year) ≥ ``rising_min_count`` and
  ≥ (1 + ``rising_min_growth``) × mentions in the previous period of the same kind (a theme
  absent then is rising when frequent enough).
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections import Counter
from functools import cache
from pathlib import Path

import pandas as pd

with warnings.catch_warnings():  # jieba 0.42 imports pkg_resources (deprecated in setuptools 81)
    warnings.filterwarnings("ignore", message=".*pkg_resources.*")
    import jieba

from workbench.requirements.params import ThemeParams

STOP_WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "requirement_stopwords.txt"
KEYWORD_COLUMNS = ("req_id", "keyword", "occurrences")
THEME_COLUMNS = ("keyword", "mentions", "share", "score")
_WORDLIKE = re.compile(r"[A-Za-z\u4e00-\u9fff]")


@cache
def stop_words(extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The shipped stop words plus ``extra`` (lower-cased; # lines are comments)."""
    lines = STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    words = {w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#")}
    return frozenset(w.lower() for w in words | set(extra))


@cache
def _tokenizer(user_words: tuple[str, ...]) -> jieba.Tokenizer:
    """A jieba tokenizer of our own (not the global one) knowing the domain's ``user_words``."""
    logging.getLogger("jieba").setLevel(logging.WARNING)  # no "Building prefix dict …" on stderr
    tokenizer = jieba.Tokenizer()
    for word in user_words:
        tokenizer.add_word(word)
    return tokenizer


def tokens(text: str, params: ThemeParams | None = None) -> list[str]:
    """The keywords of one description, in order, repeats kept (see the module docstring)."""
    params = params or ThemeParams()
    stops = stop_words(params.stop_words)
    out = []
    for token in _tokenizer(params.user_words).lcut(text):
        word = token.strip().lower()
        if len(word) >= params.min_length and _WORDLIKE.search(word) and word not in stops:
            out.append(word)
    return out


def keywords(requirements: pd.DataFrame, params: ThemeParams | None = None) -> pd.DataFrame:
    """One row per (requirement, keyword): req_id, keyword, occurrences in its description.
    Requirements without a description have no row."""
    params = params or ThemeParams()
    texts = requirements[["req_id", "description"]].dropna(subset=["description"])
    texts = texts[texts["description"].astype("str").str.strip().ne("")]
    cut = {text: Counter(tokens(text, params)) for text in pd.unique(texts["description"])}
    rows = [(rid, word, n) for rid, text in zip(texts["req_id"], texts["description"], strict=True)
            for word, n in cut[text].items()]  # fmt: skip
    return pd.DataFrame(rows, columns=list(KEYWORD_COLUMNS)).astype({"occurrences": "int64"})


def described(requirements: pd.DataFrame) -> int:
    """How many requirements have a non-blank description (N of the IDF)."""
    text = requirements["description"].dropna().astype("str").str.strip()
    return int(text.ne("").sum())


def corpus_idf(words: pd.DataFrame, documents: int) -> pd.Series:
    """keyword → ln((1 + N) / (1 + df)) + 1 over `keywords` output of the whole extract."""
    df = words.groupby("keyword")["req_id"].nunique()
    return (((1 + documents) / (1 + df)).map(math.log) + 1.0).rename("idf")


def themes(
    words: pd.DataFrame,
    idf: pd.Series,
    requirements: pd.DataFrame,
    by: str | None = None,
    top: int = 10,
) -> pd.DataFrame:
    """The ``top`` keywords of `requirements` (per ``by`` group when given) by tf × idf:
    [by,] keyword, mentions, share, score; highest score first, ties by keyword."""
    keys = [by] if by else []
    group = by or "_all"
    frame = requirements.assign(_all=0).dropna(subset=[group])
    mine = words.merge(frame[["req_id", group]], on="req_id")
    counted = mine.groupby([group, "keyword"]).agg(
        occurrences=("occurrences", "sum"), mentions=("req_id", "nunique")
    ).reset_index()  # fmt: skip
    if counted.empty:
        return pd.DataFrame(columns=[*keys, *THEME_COLUMNS])
    total = counted.groupby(group)["occurrences"].transform("sum")
    counted["score"] = counted["occurrences"] / total * counted["keyword"].map(idf)
    counted["share"] = counted["mentions"] / counted[group].map(frame.groupby(group).size())
    counted = counted.sort_values([group, "score", "keyword"], ascending=[True, False, True])
    ranked = counted.groupby(group).head(top)
    return ranked[[*keys, *THEME_COLUMNS]].reset_index(drop=True)


def theme_examples(
    ranked: pd.DataFrame, words: pd.DataFrame, requirements: pd.DataFrame
) -> pd.DataFrame:
    """`themes` output with an example requirement per keyword: the latest one mentioning it
    (example_id, example)."""
    dated = words.merge(requirements[["req_id", "created_date", "description"]], on="req_id")
    latest = dated.sort_values(["created_date", "req_id"]).groupby("keyword").tail(1)
    latest = latest.set_index("keyword")
    out = ranked.copy()
    out["example_id"] = out["keyword"].map(latest["req_id"])
    out["example"] = out["keyword"].map(latest["description"])
    return out


def rising_themes(
    words: pd.DataFrame,
    current: pd.DataFrame,
    previous: pd.DataFrame,
    params: ThemeParams | None = None,
) -> pd.DataFrame:
    """Keywords mentioned more this period than the previous one (module docstring): keyword,
    previous, current, change, growth (NaN for a new theme); the largest change first."""
    params = params or ThemeParams()
    now = words[words["req_id"].isin(current["req_id"])].groupby("keyword")["req_id"].nunique()
    before = words[words["req_id"].isin(previous["req_id"])].groupby("keyword")["req_id"].nunique()
    table = pd.DataFrame({"previous": before, "current": now}).fillna(0).astype("int64")
    table["change"] = table["current"] - table["previous"]
    growth = table["current"] / table["previous"].where(table["previous"] > 0) - 1
    table["growth"] = growth.astype("float64")
    rising = (table["current"] >= params.rising_min_count) & (
        table["current"] >= (1 + params.rising_min_growth) * table["previous"]
    )
    table = table[rising].rename_axis("keyword").reset_index()
    return table.sort_values(["change", "keyword"], ascending=[False, True], ignore_index=True)

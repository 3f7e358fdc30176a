"""Customer de-duplication (去重): scored candidate pairs → coherent groups → merge, review list.

Every candidate pair gets a score 0–100 (keys from `workbench.cleaning.dedupe_keys`):

- ``same_uscc`` / ``same_id_number`` (100): the same 18-character code.
- ``same_phone``: the same phone digits (country code and formatting ignored). Individuals (个人)
  need the same name too (a family phone shared by two people is no match). Companies score 100
  when one name is the other's, its abbreviation or contains it (恒泰 = 上海恒泰物流有限公司),
  or when the names are similar (`fuzz.ratio` ≥ the review threshold) and their 字号 agree;
  ``PHONE_NAME_DIFFERS`` (below the default merge threshold) when the 字号 differ (华信 / 华兴);
  nothing when the names have nothing in common (an agent's phone).
- ``fuzzy_name`` (companies, names alone): the same core (100); an abbreviation — the same 字号
  with fewer trade words (华为 / 华为技术), or the 字号 behind a place the name adds (义乌恒泰 /
  恒泰) — ``ABBREVIATION`` when it points at one name only, is 3 characters or more or shares the
  known city, and any added place is a place; else ``WEAK_ABBREVIATION``; otherwise the
  `fuzz.ratio` of the cores, capped at ``BRAND_DIFFERS_CAP`` when both names have a trade and
  their 字号 differ (华信科技 / 华兴科技: one character apart is another company). A core of 2
  characters needs the same known city. Comparison runs inside blocks (first two characters of
  the core; city + first character; the 字号 with the city), large blocks in sorted windows.
- Never a pair: a key held by more than ``MAX_KEY_SHARE`` customers (a switchboard, a placeholder);
  two different USCCs or ID numbers; for phone and name evidence, names that state different
  cities, provinces, branches or trades (科技 vs 贸易), and for names alone, city or province
  columns that differ. A customer of unknown type (no 客户类型 and nothing to infer it from) is
  compared as a company with companies and as a person with individuals, but never on its name
  alone.

A pair scoring at least ``CleaningSettings.fuzzy_name_threshold`` links two customers; one
between ``review_threshold`` and that is listed for review (疑似重复), not merged. Grouping, the
coherence check, survivors and merging are in `workbench.cleaning.dedupe_groups`; the review list
and the reviewers' decisions file in `workbench.cleaning.dedupe_review`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from workbench.cleaning.audit import Audit
from workbench.cleaning.company_names import is_place
from workbench.cleaning.customer_type import ENTERPRISE, PERSON
from workbench.cleaning.dedupe_groups import (
    MERGE_COLUMNS,
    RULES,
    duplicate_groups,
    group_duplicates,
    merge_duplicates,
)
from workbench.cleaning.dedupe_keys import CodedKeys, customer_keys
from workbench.cleaning.dedupe_review import REVIEW_COLUMNS, apply_decisions, review_list
from workbench.cleaning.settings import CleaningSettings
from workbench.core.threads import thread_map

__all__ = [
    "MERGE_COLUMNS", "PAIR_COLUMNS", "REVIEW_COLUMNS", "RULES", "Duplicates", "candidate_pairs",
    "duplicate_groups", "find_duplicates", "merge_duplicates",
]  # fmt: skip

PAIR_COLUMNS = ["left_id", "right_id", "rule", "score"]
MAX_KEY_SHARE = 5  # a key shared by more customers than this is not evidence of one customer
BLOCK_CAP = 1000  # larger blocks are compared in overlapping windows of this many sorted names
SMALL_BLOCK = 32  # blocks up to this size are scored pairwise in one vectorised call
WINDOW_BATCH = 512  # windows scored before their hits are filtered (1M customers: ≤ 1.1M hits)
MAX_BRAND_SHARE = 200  # a 字号 (with its city) held by more names than this is not looked up
# Scores of name evidence (module docstring); 85 sits between the default thresholds (80, 90).
ABBREVIATION = 95.0  # an abbreviation that points at one name, long enough or in the same city
WEAK_ABBREVIATION = 85.0  # any other abbreviation, or a 2-character name without a shared city
PHONE_NAME_DIFFERS = 85.0  # the same phone, but the 字号 differ (华信 / 华兴)
BRAND_DIFFERS_CAP = 85.0  # the most similar names with different 字号 score
DEFAULT_SETTINGS = CleaningSettings()
_RANK = {rule: i for i, rule in enumerate(RULES)}


@dataclass
class Duplicates:
    """What de-duplication found: scored pairs, the merges, and the pairs left for review."""

    pairs: pd.DataFrame  # PAIR_COLUMNS: every pair scoring at least the review threshold
    merges: pd.DataFrame  # MERGE_COLUMNS: one row per customer merged into a survivor
    review: pd.DataFrame  # REVIEW_COLUMNS: 疑似重复, not merged


def find_duplicates(
    customers: pd.DataFrame,
    settings: CleaningSettings = DEFAULT_SETTINGS,
    decisions: pd.DataFrame | None = None,
    audit: Audit | None = None,
) -> Duplicates:
    """Pairs, merges and review list of the customers; reviewed `decisions` (merge / keep_apart,
    `dedupe_review.read_decisions`) override the matcher and are logged in `audit`."""
    keys = customer_keys(customers)  # normalised once, for the pairs, the groups and the review
    pairs = candidate_pairs(customers, settings, keys)
    decided = apply_decisions(customers, pairs, decisions, settings, audit)
    merges, refused = group_duplicates(customers, pairs, settings, decided, keys)
    review = review_list(pairs, merges, refused, decided, settings, customers, keys)
    return Duplicates(pairs=pairs, merges=merges, review=review)


def candidate_pairs(
    customers: pd.DataFrame,
    settings: CleaningSettings = DEFAULT_SETTINGS,
    keys: CodedKeys | None = None,
) -> pd.DataFrame:
    """Pairs of customers that may be one customer: left_id < right_id, rule, score 0–100.

    One row per pair scoring at least ``settings.review_threshold``, with its best score (ties:
    the strongest rule, same_uscc > same_id_number > same_phone > fuzzy_name). `keys`: the
    customers' `customer_keys`, when the caller has them.
    """
    keys = keys if keys is not None else customer_keys(customers)
    review = min(settings.review_threshold, settings.fuzzy_name_threshold)
    parts = [
        _tagged(*_key_pairs(keys.frame["uscc"]), "same_uscc"),
        _tagged(*_key_pairs(keys.frame["id_number"]), "same_id_number"),
        _tagged(*_phone_pairs(keys, review), "same_phone"),
        _tagged(*_name_pairs(keys, review), "fuzzy_name"),
    ]
    pairs = pd.concat(parts, ignore_index=True)
    pairs = pairs[pairs["score"] >= review]
    ids = keys.frame["customer_id"].fillna("").to_numpy(dtype=object)
    left, right = ids[pairs["i"].to_numpy()], ids[pairs["j"].to_numpy()]
    swap = left > right
    out = pd.DataFrame(
        {
            "left_id": np.where(swap, right, left),
            "right_id": np.where(swap, left, right),
            "rank": pairs["rule"].map(_RANK).to_numpy(),
            "rule": pairs["rule"].to_numpy(),
            "score": pairs["score"].to_numpy(dtype=float).round(1),
        }
    )
    out = out[(out["left_id"] != out["right_id"]) & (out["left_id"] != "")]
    out = out.sort_values(["left_id", "right_id", "score", "rank"], ascending=[1, 1, 0, 1])
    out = out.drop_duplicates(["left_id", "right_id"]).reset_index(drop=True)
    return out[PAIR_COLUMNS].astype({"left_id": "str", "right_id": "str", "rule": "str"})


# --- keys: USCC, ID number, phone ---------------------------------------------------------------


def _tagged(i: np.ndarray, j: np.ndarray, score: np.ndarray | float, rule: str) -> pd.DataFrame:
    frame = pd.DataFrame({"i": i, "j": j, "score": score, "rule": rule})
    return frame.astype({"i": np.int64, "j": np.int64, "score": float})


def _key_pairs(key: pd.Series) -> tuple[np.ndarray, np.ndarray, float]:
    """Positions (i < j) of rows sharing a non-empty key that at most MAX_KEY_SHARE rows hold."""
    i, j = _sharing_pairs(key, MAX_KEY_SHARE)
    return i, j, 100.0


def _sharing_pairs(values: pd.Series, max_share: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i < j) of rows with the same non-empty value, for values held by 2..max_share rows."""
    values = values.dropna()
    codes = pd.factorize(values)[0]  # counts over integer codes, not by text lookup
    held = np.bincount(codes, minlength=1)[codes]
    shared = (held >= 2) & (held <= max_share)
    frame = pd.DataFrame({"value": codes[shared], "pos": values.index.to_numpy()[shared]})
    both = frame.merge(frame, on="value")
    both = both[both["pos_x"] < both["pos_y"]]
    return both["pos_x"].to_numpy(), both["pos_y"].to_numpy()


def _phone_pairs(keys: CodedKeys, review: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Same phone: individuals with the same name; companies whose names go together."""
    i, j, _ = _key_pairs(keys.frame["phone"])
    kind = keys.frame["kind"]
    person = kind.eq(PERSON).fillna(False).to_numpy(dtype=bool)
    company = kind.eq(ENTERPRISE).fillna(False).to_numpy(dtype=bool)
    unknown = ~(person | company)
    same_person, _ = keys.agree("person", i, j)
    as_people = (person[i] | unknown[i]) & (person[j] | unknown[j]) & same_person
    as_companies = (company[i] | unknown[i]) & (company[j] | unknown[j]) & ~as_people
    score = np.where(as_people, 100.0, 0.0)
    ci, cj = i[as_companies], j[as_companies]
    score[as_companies] = _phone_name_scores(keys, ci, cj, review)
    ok = keys.no_conflict(i, j) & (score > 0)
    return i[ok], j[ok], score[ok]


def _phone_name_scores(keys: CodedKeys, i: np.ndarray, j: np.ndarray, review: float) -> np.ndarray:
    """100 where the names of a same-phone company pair go together (one contains the other,
    an abbreviation, or similar with 字号 that agree), PHONE_NAME_DIFFERS where their 字号
    differ, 0 where they conflict or have nothing in common."""
    core = keys.frame["core"].to_numpy(dtype=object)
    contains = np.zeros(len(i), dtype=bool)
    ratio = np.zeros(len(i))
    for n, (a, b) in enumerate(zip(core[i], core[j], strict=True)):
        if isinstance(a, str) and isinstance(b, str):
            contains[n] = a in b or b in a
            ratio[n] = fuzz.ratio(a, b)
    related, _ = _brand_relation(keys, i, j)
    differ = _brands_differ(keys, i, j) & ~related & ~contains
    together = contains | related | ((ratio >= review) & ~differ)
    score = np.where(together, 100.0, np.where(differ & (ratio >= 50.0), PHONE_NAME_DIFFERS, 0.0))
    return np.where(keys.names_conflict(i, j), 0.0, score)


# --- company names ------------------------------------------------------------------------------


def _name_pairs(keys: CodedKeys, review: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Company pairs by name alone, scored as the module docstring says."""
    frame = keys.frame
    length = frame["core"].str.len().fillna(0).to_numpy(dtype=np.int64)
    company = frame["kind"].eq(ENTERPRISE).fillna(False).to_numpy(dtype=bool) & (length >= 2)
    names = frame["core"].to_numpy(dtype=object)
    blocks = _name_blocks(frame["core"][company], frame["city"][company])  # not all the keys
    similar = [_block_scores(b, names, review, keys.compatible) for b in blocks]
    fi, fj, fs = (np.concatenate(parts) for parts in zip(*similar, strict=True))
    bi, bj = _brand_lookup_pairs(keys, company)
    pi, pj = _place_pairs(keys, company)
    i = np.concatenate([fi, bi, pi])
    j = np.concatenate([fj, bj, pj])
    ratio = np.concatenate([fs, np.full(len(bi) + len(pi), np.nan)])
    i, j = np.minimum(i, j), np.maximum(i, j)
    ok = keys.compatible(i, j)  # before the sort: most similar names are other companies' (97%)
    found = pd.DataFrame({"i": i[ok], "j": j[ok], "ratio": ratio[ok]})
    found = found.sort_values(["i", "j", "ratio"]).drop_duplicates(["i", "j"])  # ratio first
    i, j, ratio = found["i"].to_numpy(), found["j"].to_numpy(), found["ratio"].to_numpy()
    return i, j, _name_scores(keys, i, j, ratio, length)


def _name_blocks(core: pd.Series, city: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The blocks names are compared in: the core's first two characters; the city with the
    first character ('?': no city). Names of two cities never pair (`CodedKeys.compatible`) and
    those of one city share a second block, compared whole up to BLOCK_CAP names; so a first
    block of names that all have a city (and compared whole) only needs its names of one city
    that the second block compares in windows. The pairs found are the same, sooner."""
    first = core.str[:2]
    second = city.fillna("?") + "|" + core.str[:1]
    whole = pd.Series(_held(first) <= BLOCK_CAP, index=first.index) & first.notna()
    known = city.notna().groupby(first).transform("all")
    windowed = pd.Series(_held(second) > BLOCK_CAP, index=second.index)
    split = (whole & known).to_numpy(dtype=bool)
    return first.where(~split, (first + "|" + city).where(windowed)), second


def _held(values: pd.Series) -> np.ndarray:
    """How many rows hold each row's value (0 where missing), by integer codes, not text."""
    codes = pd.factorize(values)[0]
    held = np.bincount(codes[codes >= 0], minlength=1)[np.maximum(codes, 0)]
    return np.where(codes >= 0, held, 0)


def _name_scores(
    keys: CodedKeys, i: np.ndarray, j: np.ndarray, ratio: np.ndarray, length: np.ndarray
) -> np.ndarray:
    """Scores of compatible name pairs: same core, abbreviation or similarity (module docstring)."""
    same_core, _ = keys.agree("core", i, j)
    same_city, _ = keys.agree("city", i, j)
    related, known_place = _brand_relation(keys, i, j)
    related &= ~same_core
    missing = np.isnan(ratio)
    if missing.any():
        core = keys.frame["core"].to_numpy(dtype=object)
        ratio = ratio.copy()
        ratio[missing] = process.cpdist(
            core[i[missing]].tolist(), core[j[missing]].tolist(), scorer=fuzz.ratio, workers=1
        )
    short = np.where(length[i] <= length[j], i, j)
    long_ = np.where(short == i, j, i)
    unique = _points_at_one(keys, short, long_, related)
    strong = (np.minimum(length[i], length[j]) >= 3) | same_city
    abbreviation = np.where(unique & strong & known_place, ABBREVIATION, WEAK_ABBREVIATION)
    capped = np.where(_brands_differ(keys, i, j), np.minimum(ratio, BRAND_DIFFERS_CAP), ratio)
    similar = np.where(strong, capped, np.minimum(capped, WEAK_ABBREVIATION))
    score = np.where(related, np.maximum(abbreviation, similar), similar)
    return np.where(same_core, np.where(strong, 100.0, WEAK_ABBREVIATION), score)


def _points_at_one(
    keys: CodedKeys, short: np.ndarray, long_: np.ndarray, related: np.ndarray
) -> np.ndarray:
    """True where the short name of an abbreviation pair abbreviates one distinct name only."""
    long_core = pd.Series(keys.code["core"][long_]).where(related)
    distinct = long_core.groupby(short).transform("nunique").to_numpy()
    return related & (distinct == 1)


def _brand_relation(keys: CodedKeys, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(related, place known): the same 字号, or one 字号 is the other's behind 2 or more added
    characters (义乌恒泰 / 恒泰), and the trades agree (one may have none); place known unless
    what is added is not a place name (广发华信 / 华信)."""
    same, _ = keys.agree("brand", i, j)
    brand = keys.frame["brand"].to_numpy(dtype=object)
    suffix = np.zeros(len(i), dtype=bool)
    place = np.ones(len(i), dtype=bool)
    for n in np.flatnonzero(~same):
        a, b = brand[i[n]], brand[j[n]]
        if isinstance(a, str) and isinstance(b, str) and len(a) != len(b):
            short, long_ = (a, b) if len(a) < len(b) else (b, a)
            added = len(long_) - len(short)
            suffix[n] = len(short) >= 2 and added >= 2 and long_.endswith(short)
            place[n] = not suffix[n] or is_place(long_[:added])
    return (same | suffix) & keys.trades_agree(i, j), place


def _brands_differ(keys: CodedKeys, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Both names have a trade (so their 字号 are known) and the 字号 differ."""
    known = (keys.code["trade"][i] >= 0) & (keys.code["trade"][j] >= 0)
    return known & keys.agree("brand", i, j)[1]


def _block_scores(
    block: pd.Series,
    names: np.ndarray,
    threshold: float,
    keep: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """fuzz.ratio ≥ threshold between names of the same block: positions (i, j) and scores;
    `keep(i, j)`, when given, says which of them to keep, and is asked of the windows' hits
    `WINDOW_BATCH` windows at a time (at 1M customers, 3M similar names of which 37k are
    compatible: held together, the rest cost 0.1 GB at the cleaning's peak)."""

    def kept(i: np.ndarray, j: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, ...]:
        ok = keep(i, j) if keep is not None else slice(None)
        return i[ok], j[ok], score[ok]

    i, j = _sharing_pairs(block, SMALL_BLOCK)
    score = process.cpdist(
        names[i].tolist(), names[j].tolist(), scorer=fuzz.ratio,
        score_cutoff=threshold, dtype=np.float32, workers=-1,
    )  # fmt: skip
    hits = score >= threshold
    found = [kept(i[hits], j[hits], score[hits])]
    block = block.dropna()
    large = block[_held(block) > SMALL_BLOCK]
    frame = pd.DataFrame({"block": large.to_numpy(), "pos": large.index.to_numpy()})
    frame["core"] = pd.Series(names[frame["pos"].to_numpy()], dtype=object)
    frame = frame.sort_values(["block", "core"], kind="stable")
    pos, text = frame["pos"].to_numpy(), frame["core"].to_numpy(dtype=object)
    codes = pd.factorize(frame["block"])[0]
    bounds = np.flatnonzero(np.diff(codes, prepend=-1, append=-1))
    step = BLOCK_CAP // 2
    windows = [  # overlapping windows of sorted names; a block up to BLOCK_CAP is one window
        slice(start, min(start + BLOCK_CAP, hi))
        for lo, hi in itertools.pairwise(bounds)
        for start in range(lo, max(hi - step, lo + 1), step)
    ]
    workers = -1 if len(windows) == 1 else 1  # many windows: one a thread, one core each

    def window_hits(window: slice) -> tuple[np.ndarray, ...]:
        a, b, score = _window_hits(text[window].tolist(), threshold, workers)
        return pos[window][a], pos[window][b], score

    for start in range(0, len(windows), WINDOW_BATCH):
        batch = thread_map(window_hits, windows[start : start + WINDOW_BATCH])
        found.append(kept(*(np.concatenate(part) for part in zip(*batch, strict=True))))
    out_i, out_j, out_s = zip(*found, strict=True)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s).astype(float)


def _window_hits(
    names: list[str], threshold: float, workers: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, score) for a < b where fuzz.ratio(names[a], names[b]) ≥ threshold: one rapidfuzz
    call with the one list as both sides (it scores half the matrix)."""
    narrowed = _narrow(names)
    matrix = process.cdist(
        narrowed, narrowed, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.float32,
        workers=workers,
    )  # fmt: skip
    a, b = np.nonzero(matrix >= threshold)  # few hits: kept above the diagonal
    a, b = a[a < b], b[a < b]
    return a, b, matrix[a, b]


def _narrow(names: list[str]) -> list[str]:
    """The names with their characters renumbered into one byte each when they hold 256 distinct
    characters or fewer: `fuzz.ratio` depends only on which characters are equal, and rapidfuzz
    compares 1-byte text 1.5-3x faster than CJK text."""
    chars = set("".join(names))
    if len(chars) > 256:
        return names
    table = {ord(char): code for code, char in enumerate(chars)}
    return [name.translate(table) for name in names]


def _brand_lookup_pairs(keys: CodedKeys, company: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(short, long): a name without trade words (恒泰, 华为) and the names with that 字号."""
    frame = keys.frame
    bare = company & frame["trade"].isna().to_numpy(dtype=bool)
    short = pd.DataFrame({"key": frame["core"][bare], "city": frame["city"][bare]})
    long_ = pd.DataFrame({"key": frame["brand"], "city": frame["city"]})[company & ~bare]
    return _lookup(short, long_)


def _place_pairs(keys: CodedKeys, company: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(long, short): a 字号 written behind 2 or more added characters, a place most often
    (义乌恒泰 / 恒泰, 海淀区恒泰 / 恒泰)."""
    frame = keys.frame
    brand = frame["brand"].where(company)
    length = brand.str.len().fillna(0).to_numpy(dtype=np.int64)
    targets = pd.DataFrame({"key": brand, "city": frame["city"]})[company]
    parts = []
    for cut in range(2, int(length.max(initial=0)) - 1):  # over prefix lengths, not rows
        rows = length - cut >= 2
        tail = pd.DataFrame({"key": brand[rows].str[cut:], "city": frame["city"][rows]})
        parts.append(_lookup(tail, targets))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    li, si = (np.concatenate(p) for p in zip(*parts, strict=True))
    return li[li != si], si[li != si]


def _lookup(left: pd.DataFrame, right: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions (left row, right row) with the same key and no city known on both sides that
    differs; keys held by more than MAX_BRAND_SHARE right rows of a city are skipped."""
    left, right = left.dropna(subset=["key"]), right.dropna(subset=["key"])
    if not len(left) or not len(right):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    right = right.assign(pos=right.index.to_numpy())
    left = left.assign(pos=left.index.to_numpy())
    known = right.dropna(subset=["city"])
    known = known[known.groupby(["key", "city"])["key"].transform("size") <= MAX_BRAND_SHARE]
    by_key = right[right.groupby("key")["key"].transform("size") <= MAX_BRAND_SHARE]
    parts = [
        left.dropna(subset=["city"]).merge(known, on=["key", "city"]),  # same city
        left.dropna(subset=["city"]).merge(right[right["city"].isna()], on="key"),
        left[left["city"].isna()].merge(by_key, on="key"),  # city unknown: any city
    ]
    both = pd.concat([p[["pos_x", "pos_y"]] for p in parts], ignore_index=True)
    return both["pos_x"].to_numpy(dtype=np.int64), both["pos_y"].to_numpy(dtype=np.int64)

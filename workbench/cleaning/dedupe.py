"""Customer de-duplication (去重): candidate pairs → duplicate groups → merge with children re-pointed.

Matching (keys from `workbench.cleaning.dedupe_keys`, computed on the raw customers):
- ``same_uscc`` / ``same_id_number``: the same 18-character code.
- ``same_phone``: the same phone digits (country code and formatting ignored), same customer
  type; for individuals (个人) only with the same person name, so a family phone shared by two
  people is not a match.
- ``fuzzy_name`` (企业 only): the company-name cores (legal suffix and leading city removed) have
  ``fuzz.ratio`` ≥ ``CleaningSettings.fuzzy_name_threshold``, or one core is a prefix of the
  other (华为 / 华为技术, score 100) and it is the prefix of no other company's name. A core of
  2 characters only matches a record of the same, known city. Comparison runs inside blocks
  (first two characters of the core; city + first character), large blocks in sorted windows.
- A key held by more than ``MAX_KEY_SHARE`` customers (a switchboard, a placeholder) and empty
  keys are no evidence. Phone and name matches are vetoed when both records carry a different
  USCC or a different ID number: those are different legal entities or people.

Groups are the connected components of the pair graph. A component that would join customers
with two different USCCs or ID numbers is split by dropping its fuzzy-name links, then, if
needed, its phone links.

Survivor policy: in each group the survivor is the most complete record (count of non-empty
fields), ties → the most recent activity (latest of first_deal_date / first_contact_date),
ties → the smallest customer_id. Merging fills the survivor's empty fields from its duplicates
(most complete duplicate first; audit rule ``merge_fill``), re-points every child table's
customer_id to the survivor (audit rule ``merge_repoint``) and drops the merged customer rows.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from workbench.cleaning.audit import Audit
from workbench.cleaning.dedupe_keys import ENTERPRISE, PERSON, CodedKeys, code_key, match_keys
from workbench.cleaning.settings import CleaningSettings
from workbench.extracts.parsers import missing_mask, parse_dates
from workbench.extracts.schema import TABLES

# Strongest first: a pair found by several rules keeps the first.
RULES: tuple[str, ...] = ("same_uscc", "same_id_number", "same_phone", "fuzzy_name")
PAIR_COLUMNS = ["left_id", "right_id", "rule", "score"]
MERGE_COLUMNS = ["customer_id", "survivor_id", "rule", "score", "group_size"]
MAX_KEY_SHARE = 5  # a key shared by more customers than this is not evidence of one customer
BLOCK_CAP = 1000  # larger blocks are compared in overlapping windows of this many sorted names
SMALL_BLOCK = 32  # blocks up to this size are scored pairwise in one vectorised call
PARALLEL_FROM = 300  # blocks at least this large are scored on all cores
MAX_PREFIX_SHARE = 1000  # a core that opens more names than this is no abbreviation evidence
DEFAULT_SETTINGS = CleaningSettings()
_RANK = {rule: i for i, rule in enumerate(RULES)}
_NOT_FIELDS = ("customer_id", "source_row")


def candidate_pairs(
    customers: pd.DataFrame, settings: CleaningSettings = DEFAULT_SETTINGS
) -> pd.DataFrame:
    """Pairs of customers that look like one customer: left_id < right_id, rule, score 0–100.

    One row per pair with the strongest rule (same_uscc > same_id_number > same_phone > fuzzy_name).
    """
    keys = CodedKeys(match_keys(customers).reset_index(drop=True))
    parts = [
        _tagged(*_key_pairs(keys.frame["uscc"]), "same_uscc"),
        _tagged(*_key_pairs(keys.frame["id_number"]), "same_id_number"),
        _tagged(*_phone_pairs(keys), "same_phone"),
        _tagged(*_fuzzy_pairs(keys, settings.fuzzy_name_threshold), "fuzzy_name"),
    ]
    pairs = pd.concat(parts, ignore_index=True)
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
    out = out.sort_values(["left_id", "right_id", "rank", "score"], ascending=[1, 1, 1, 0])
    out = out.drop_duplicates(["left_id", "right_id"]).reset_index(drop=True)
    return out[PAIR_COLUMNS].astype({"left_id": "str", "right_id": "str", "rule": "str"})


def duplicate_groups(customers: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per customer merged away: customer_id, survivor_id, rule, score, group_size.

    Groups are connected components of the pairs; the survivor follows the module's policy.
    """
    ids = customers["customer_id"].astype("str").str.strip()
    lookup = pd.Series(np.arange(len(ids)), index=ids.to_numpy()).groupby(level=0).first()
    i = lookup.reindex(pairs["left_id"].astype("str")).to_numpy()
    j = lookup.reindex(pairs["right_id"].astype("str")).to_numpy()
    known = ~(np.isnan(i) | np.isnan(j)) if len(pairs) else np.zeros(0, bool)
    if not known.any():
        return _empty(MERGE_COLUMNS)
    edges = pd.DataFrame(
        {
            "i": i[known].astype(np.int64),
            "j": j[known].astype(np.int64),
            "rank": pairs["rule"].map(_RANK).to_numpy()[known],
            "score": pairs["score"].to_numpy(dtype=float)[known],
        }
    )
    edges = edges[edges["i"] != edges["j"]]
    nodes = np.unique(np.concatenate([edges["i"], edges["j"]]))
    edges["a"], edges["b"] = np.searchsorted(nodes, edges["i"]), np.searchsorted(nodes, edges["j"])
    sub = customers.iloc[nodes]
    edges, label = _split_conflicts(edges, sub, len(nodes))
    size = np.bincount(label)
    grouped = size[label] >= 2
    order = _policy_order(sub.iloc[grouped], label[grouped])
    members = pd.DataFrame({"node": np.flatnonzero(grouped)[order], "label": label[grouped][order]})
    survivor = members.drop_duplicates("label").set_index("label")["node"]
    members["survivor"] = survivor.reindex(members["label"]).to_numpy()
    merged = members[members["node"] != members["survivor"]]
    best = _best_edges(edges, merged)
    sub_ids = ids.iloc[nodes].to_numpy(dtype=object)
    out = pd.DataFrame(
        {
            "customer_id": sub_ids[merged["node"].to_numpy()],
            "survivor_id": sub_ids[merged["survivor"].to_numpy()],
            "rule": np.asarray(RULES, dtype=object)[best["rank"].to_numpy()],
            "score": best["score"].to_numpy(dtype=float),
            "group_size": size[merged["label"].to_numpy()].astype(np.int64),
        }
    )
    out = out.sort_values(["survivor_id", "customer_id"]).reset_index(drop=True)
    return out.astype({"customer_id": "str", "survivor_id": "str", "rule": "str"})


def merge_duplicates(
    tables: dict[str, pd.DataFrame], merges: pd.DataFrame, audit: Audit
) -> dict[str, pd.DataFrame]:
    """New tables with merged customers removed, survivors' gaps filled, children re-pointed.

    Fills are logged as ``merge_fill``, re-pointed child rows as ``merge_repoint``.
    """
    out = {name: frame.copy(deep=False) for name, frame in tables.items()}
    if merges is None or not len(merges):
        return out
    mapping = _resolved_mapping(merges, tables["customers"])
    customers = tables["customers"].copy()
    ids = customers["customer_id"].astype("str").str.strip()
    is_dup = ids.isin(mapping.index)
    is_surv = ids.isin(pd.unique(mapping.to_numpy()))
    dups = customers[is_dup]
    dup_survivor = ids[is_dup].map(mapping)
    order = _policy_order(dups, np.zeros(len(dups), dtype=np.int64))
    dups, dup_survivor = dups.iloc[order], dup_survivor.iloc[order]
    survivors = customers[is_surv]
    surv_ids = ids[is_surv]
    for column in customers.columns:
        if column in _NOT_FIELDS:
            continue
        donor = dups[column].mask(missing_mask(dups[column]))
        fill = donor.groupby(dup_survivor.to_numpy(), sort=False).first()
        empty = missing_mask(survivors[column])
        if not (empty.any() and fill.notna().any()):
            continue
        candidate = pd.Series(fill.reindex(surv_ids.to_numpy()).to_numpy(), index=survivors.index)
        take = empty & candidate.notna()
        if not take.any():
            continue
        new = survivors[column].copy()
        new[take] = candidate[take].astype(new.dtype)
        audit.record_changes("customers", survivors, column, new, rule="merge_fill")
        customers.loc[survivors.index, column] = new
    out["customers"] = customers[~is_dup].reset_index(drop=True)
    for name, frame in tables.items():
        if name == "customers" or "customer_id" not in frame.columns:
            continue
        old = frame["customer_id"]
        target = old.astype("str").str.strip().map(mapping)
        if not target.notna().any():
            continue
        child = frame.copy()
        new = target.fillna(old).astype(old.dtype)
        if name in TABLES:  # the audit log keys rows by the schema's primary key
            audit.record_changes(name, child, "customer_id", new, rule="merge_repoint")
        child["customer_id"] = new
        out[name] = child
    return out


# --- candidate pairs ---------------------------------------------------------------------------


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
    values = values[values.map(values.value_counts()).between(2, max_share)]
    frame = pd.DataFrame({"value": values.to_numpy(), "pos": values.index.to_numpy()})
    both = frame.merge(frame, on="value")
    both = both[both["pos_x"] < both["pos_y"]]
    return both["pos_x"].to_numpy(), both["pos_y"].to_numpy()


def _phone_pairs(keys: CodedKeys) -> tuple[np.ndarray, np.ndarray, float]:
    """Same phone, same customer type; individuals also need the same name."""
    i, j, score = _key_pairs(keys.frame["phone"])
    person = keys.frame["kind"].eq(PERSON).to_numpy(dtype=bool)
    same_kind, _ = keys.agree("kind", i, j)
    same_person, _ = keys.agree("person", i, j)
    ok = same_kind & (~person[i] | same_person) & keys.no_conflict(i, j)
    return i[ok], j[ok], score


def _fuzzy_pairs(keys: CodedKeys, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Enterprise pairs with similar or abbreviated company-name cores (see the module docstring)."""
    frame = keys.frame
    length = frame["core"].str.len().fillna(0).to_numpy(dtype=np.int64)
    ent = frame[frame["kind"].eq(ENTERPRISE).to_numpy(dtype=bool) & (length >= 2)]
    core = ent["core"]
    by_city = ent["city"] + "|" + core.str[:1]
    names = frame["core"].to_numpy(dtype=object)
    similar = [_block_scores(b, names, threshold) for b in (core.str[:2], by_city)]
    i, j, score = (np.concatenate(parts) for parts in zip(*similar, strict=True))
    shortest = np.minimum(length[i], length[j])
    same_city, _ = keys.agree("city", i, j)
    ok = (score >= threshold) & ((shortest >= 3) | same_city) & keys.compatible(i, j)
    pi, pj = _prefix_pairs(ent["core"], keys, length)
    i, j = np.concatenate([i[ok], pi]), np.concatenate([j[ok], pj])
    score = np.concatenate([score[ok], np.full(len(pi), 100.0)])
    return np.minimum(i, j), np.maximum(i, j), score


def _block_scores(
    block: pd.Series, names: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """fuzz.ratio ≥ threshold between names of the same block: positions (i, j) and scores."""
    i, j = _sharing_pairs(block, SMALL_BLOCK)
    score = process.cpdist(
        names[i].tolist(), names[j].tolist(), scorer=fuzz.ratio,
        score_cutoff=threshold, dtype=np.float32, workers=-1,
    )  # fmt: skip
    hits = score >= threshold
    out_i, out_j, out_s = [i[hits]], [j[hits]], [score[hits]]
    block = block.dropna()
    large = block[block.map(block.value_counts()) > SMALL_BLOCK]
    frame = pd.DataFrame({"block": large.to_numpy(), "pos": large.index.to_numpy()})
    frame["core"] = pd.Series(names[frame["pos"].to_numpy()], dtype=object)
    frame = frame.sort_values(["block", "core"], kind="stable")
    pos, text = frame["pos"].to_numpy(), frame["core"].to_numpy(dtype=object)
    codes = pd.factorize(frame["block"])[0]
    bounds = np.flatnonzero(np.diff(codes, prepend=-1, append=-1))
    step = BLOCK_CAP // 2
    for lo, hi in itertools.pairwise(bounds):  # one rapidfuzz call per block
        for start in range(lo, max(hi - step, lo + 1), step):  # windows of sorted names
            window = slice(start, min(start + BLOCK_CAP, hi))
            matrix = process.cdist(
                text[window].tolist(), text[window].tolist(), scorer=fuzz.ratio,
                score_cutoff=threshold, dtype=np.float32,
                workers=-1 if window.stop - window.start > PARALLEL_FROM else 1,
            )  # fmt: skip
            a, b = np.nonzero(np.triu(matrix >= threshold, k=1))
            out_i.append(pos[window][a])
            out_j.append(pos[window][b])
            out_s.append(matrix[a, b])
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s).astype(float)


def _prefix_pairs(
    core: pd.Series, keys: CodedKeys, length: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Abbreviations: (short, long) where one core opens the other and opens no other name."""
    if not len(core):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    core_len = pd.Series(length[core.index.to_numpy()], index=core.index)
    known = pd.Index(core.unique().astype(object), dtype=object)
    parts = []
    for k in range(2, int(core_len.max())):  # over prefix lengths, not rows
        prefix = core[core_len > k].str[:k].astype(object)
        prefix = prefix[known.get_indexer(prefix) >= 0]  # a hash lookup (isin is slow on str)
        parts.append(pd.DataFrame({"core": prefix.to_numpy(), "long": prefix.index.to_numpy()}))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    longs = pd.concat(parts, ignore_index=True)
    longs = longs[longs["core"].map(longs["core"].value_counts()) <= MAX_PREFIX_SHARE]
    shorts = pd.DataFrame({"core": core.to_numpy(dtype=object), "short": core.index.to_numpy()})
    both = shorts.merge(longs, on="core")
    s, lg = both["short"].to_numpy(), both["long"].to_numpy()
    same_city, _ = keys.agree("city", s, lg)
    ok = keys.compatible(s, lg) & ((length[s] >= 3) | same_city)
    s, lg = s[ok], lg[ok]
    long_core = pd.Series(keys.code["core"][lg])
    distinct = long_core.groupby(s).transform("nunique").to_numpy()
    return s[distinct == 1], lg[distinct == 1]


# --- groups and survivors ----------------------------------------------------------------------


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _split_conflicts(
    edges: pd.DataFrame, sub: pd.DataFrame, n: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop weak links inside components that would join two different USCCs or ID numbers."""
    codes = [code_key(sub[c]).to_numpy() for c in ("uscc", "id_number") if c in sub.columns]
    label = _components(n, edges["a"].to_numpy(), edges["b"].to_numpy())
    for weakest in (_RANK["fuzzy_name"], _RANK["same_phone"]):
        bad = np.zeros(label.max() + 1, dtype=bool)
        for code in codes:
            present = pd.notna(code)
            distinct = pd.Series(code[present]).groupby(label[present]).nunique()
            bad[distinct.index[distinct.to_numpy() > 1]] = True
        if not bad.any():
            break
        weak = (edges["rank"].to_numpy() >= weakest) & bad[label[edges["a"].to_numpy()]]
        edges = edges[~weak]
        label = _components(n, edges["a"].to_numpy(), edges["b"].to_numpy())
    return edges, label


def _completeness(frame: pd.DataFrame) -> np.ndarray:
    """Number of non-empty fields per row (customer_id and source_row not counted)."""
    count = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns:
        if column not in _NOT_FIELDS:
            count += ~missing_mask(frame[column]).to_numpy(dtype=bool)
    return count


def _recency(frame: pd.DataFrame) -> np.ndarray:
    """Latest of first_deal_date / first_contact_date per row, as int64 ns (NaT → minimum)."""
    latest = np.full(len(frame), np.iinfo(np.int64).min, dtype=np.int64)
    for column in ("first_deal_date", "first_contact_date"):
        if column in frame.columns:
            dates = parse_dates(frame[column])[0]
            values = dates.to_numpy(dtype="datetime64[ns]").astype(np.int64)
            latest = np.maximum(latest, np.where(dates.isna().to_numpy(), latest, values))
    return latest


def _policy_order(frame: pd.DataFrame, group: np.ndarray) -> np.ndarray:
    """Row order within each group: most complete, then most recent activity, then smallest id."""
    order = pd.DataFrame(
        {
            "group": group,
            "complete": _completeness(frame),
            "recent": _recency(frame),
            "id": frame["customer_id"].astype("str").str.strip().to_numpy(),
            "row": np.arange(len(frame)),
        }
    )
    order = order.sort_values(["group", "complete", "recent", "id"], ascending=[1, 0, 0, 1])
    return order["row"].to_numpy()


def _best_edges(edges: pd.DataFrame, merged: pd.DataFrame) -> pd.DataFrame:
    """For each merged node, its link to the survivor if direct, else its strongest link."""
    both = pd.concat(
        [
            edges[["a", "b", "rank", "score"]].set_axis(["node", "other", "rank", "score"], axis=1),
            edges[["b", "a", "rank", "score"]].set_axis(["node", "other", "rank", "score"], axis=1),
        ],
        ignore_index=True,
    )
    both = both[both["node"].isin(merged["node"])]
    surv = pd.Series(merged["survivor"].to_numpy(), index=merged["node"].to_numpy())
    both["direct"] = both["other"].to_numpy() == surv.reindex(both["node"]).to_numpy()
    both = both.sort_values(["node", "direct", "rank", "score"], ascending=[1, 0, 1, 0])
    best = both.drop_duplicates("node").set_index("node")
    return best.reindex(merged["node"].to_numpy())


# --- merging -----------------------------------------------------------------------------------


def _resolved_mapping(merges: pd.DataFrame, customers: pd.DataFrame) -> pd.Series:
    """duplicate id → final survivor id (chains A→B→C resolved); unknown ids or cycles raise."""
    dup = merges["customer_id"].astype("str").str.strip().to_numpy()
    surv = merges["survivor_id"].astype("str").str.strip().to_numpy()
    mapping = pd.Series(surv, index=dup)
    if mapping.index.has_duplicates:
        raise ValueError("merges: a customer is merged into two survivors")
    ids = set(customers["customer_id"].astype("str").str.strip())
    unknown = sorted((set(dup) | set(surv)) - ids)
    if unknown:
        raise ValueError(f"merges: unknown customer_id(s) {', '.join(unknown[:5])}")
    for _ in range(len(mapping)):
        nxt = mapping.map(mapping)
        if nxt.isna().all():
            return mapping
        mapping = nxt.fillna(mapping)
    raise ValueError("merges: a cycle of survivors (a customer merged into itself)")


def _empty(columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    return frame.astype({"score": float, "group_size": np.int64})

"""Duplicate groups (去重分组): coherent groups of linked customers, their survivors, the merge.

Links are the candidate pairs scoring at least the merge threshold (`workbench.cleaning.dedupe`)
plus the pairs reviewers decided to merge; pairs they decided to keep apart are never linked and
never end in one group. Groups are the connected components of the links, checked for coherence,
since components chain A–B–C: a group may not join two different USCCs or ID numbers, and,
through phone or name links, not two names that state different cities, provinces, branches or
trades, two individuals' names, or a company and an individual. An incoherent component is
rebuilt link by link, strongest first (reviewed, USCC, ID number, phone, name; higher score
first), refusing a link that would make it incoherent; a customer whose strongest links reach
customers that contradict each other (a bare 字号 with the phone of two companies) is ambiguous
and joins nobody. Refused links go to the review list.

Survivor policy: in each group the survivor is the most complete record (count of non-empty
fields), ties → the most recent activity (latest of first_deal_date / first_contact_date),
ties → the smallest customer_id. Merging fills the survivor's empty fields from its duplicates
(most complete duplicate first; audit rule ``merge_fill``), re-points every child table's
customer_id to the survivor (audit rule ``merge_repoint``) and drops the merged customer rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from workbench.cleaning.audit import Audit
from workbench.cleaning.company_names import trades_agree
from workbench.cleaning.dedupe_keys import CodedKeys, match_keys
from workbench.cleaning.settings import CleaningSettings
from workbench.cleaning.text import arrow_text, is_arrow_text
from workbench.extracts.parsers import missing_mask, parse_dates
from workbench.extracts.schema import TABLES

# Strongest first: a pair found by several rules keeps the first.
RULES: tuple[str, ...] = ("decision_merge", "same_uscc", "same_id_number", "same_phone",
                          "fuzzy_name")  # fmt: skip
MERGE_COLUMNS = ["customer_id", "survivor_id", "rule", "score", "group_size"]
REFUSED_COLUMNS = ["left_id", "right_id", "rule", "score", "reason"]
_RANK = {rule: i for i, rule in enumerate(RULES)}
_IDENTITY = (_RANK["same_uscc"], _RANK["same_id_number"])
_NOT_FIELDS = ("customer_id", "source_row")
# Attributes a coherent group holds at most one known value of (trades: values that agree).
_ONE_VALUE = ("uscc", "id_number", "kind", "person", "name_city", "name_province", "branch")


def group_duplicates(
    customers: pd.DataFrame,
    pairs: pd.DataFrame,
    settings: CleaningSettings | None = None,
    decided: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(merges, refused): one row per customer merged away (MERGE_COLUMNS), and the links the
    coherence check refused (REFUSED_COLUMNS, reason ``group_conflict`` or ``ambiguous``).

    `decided` (left_id, right_id, decision merge / keep_apart) overrides the pairs.
    """
    settings = settings or CleaningSettings()
    links = pairs[pairs["score"] >= settings.fuzzy_name_threshold][["left_id", "right_id", "rule",
                                                                    "score"]]  # fmt: skip
    apart = pd.DataFrame(columns=["left_id", "right_id"])
    if decided is not None and len(decided):
        forced = decided[decided["decision"] == "merge"]
        links = pd.concat(
            [forced[["left_id", "right_id"]].assign(rule="decision_merge", score=100.0), links],
            ignore_index=True,
        )
        apart = decided[decided["decision"] == "keep_apart"][["left_id", "right_id"]]
        cut = pd.MultiIndex.from_frame(links[["left_id", "right_id"]]).isin(
            pd.MultiIndex.from_frame(apart)
        )
        links = links[~cut]
    ids = customers["customer_id"].astype("str").str.strip()
    lookup = pd.Series(np.arange(len(ids)), index=ids.to_numpy()).groupby(level=0).first()
    i = lookup.reindex(links["left_id"].astype("str")).to_numpy()
    j = lookup.reindex(links["right_id"].astype("str")).to_numpy()
    known = ~(np.isnan(i) | np.isnan(j)) if len(links) else np.zeros(0, bool)
    if not known.any():
        return _empty(MERGE_COLUMNS), _empty(REFUSED_COLUMNS)
    edges = pd.DataFrame(
        {
            "i": i[known].astype(np.int64),
            "j": j[known].astype(np.int64),
            "rank": links["rule"].map(_RANK).to_numpy()[known],
            "score": links["score"].to_numpy(dtype=float)[known],
        }
    )
    edges = edges[edges["i"] != edges["j"]].drop_duplicates(["i", "j"])
    nodes = np.unique(np.concatenate([edges["i"], edges["j"]]))
    edges["a"], edges["b"] = np.searchsorted(nodes, edges["i"]), np.searchsorted(nodes, edges["j"])
    sub = customers.iloc[nodes]
    sub_ids = ids.iloc[nodes].to_numpy(dtype=object)
    node_of = pd.Series(np.arange(len(nodes)), index=sub_ids)
    apart_nodes = (
        node_of.reindex(apart["left_id"].astype("str")).to_numpy(),
        node_of.reindex(apart["right_id"].astype("str")).to_numpy(),
    )
    edges, label, refused = _coherent(edges, sub, apart_nodes)
    size = np.bincount(label)
    grouped = size[label] >= 2
    order = _policy_order(sub.iloc[grouped], label[grouped])
    members = pd.DataFrame({"node": np.flatnonzero(grouped)[order], "label": label[grouped][order]})
    survivor = members.drop_duplicates("label").set_index("label")["node"]
    members["survivor"] = survivor.reindex(members["label"]).to_numpy()
    merged = members[members["node"] != members["survivor"]]
    best = _best_edges(edges, merged)
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
    out = out.astype({"customer_id": "str", "survivor_id": "str", "rule": "str"})
    refused = pd.DataFrame(
        {
            "left_id": sub_ids[refused["a"].to_numpy(dtype=np.int64)],
            "right_id": sub_ids[refused["b"].to_numpy(dtype=np.int64)],
            "rule": np.asarray(RULES, dtype=object)[refused["rank"].to_numpy(dtype=np.int64)],
            "score": refused["score"].to_numpy(dtype=float),
            "reason": refused["reason"].to_numpy(dtype=object),
        }
    )
    return out, refused.astype({"left_id": "str", "right_id": "str", "rule": "str",
                                "reason": "str"})  # fmt: skip


def duplicate_groups(
    customers: pd.DataFrame,
    pairs: pd.DataFrame,
    settings: CleaningSettings | None = None,
    decided: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per customer merged away: customer_id, survivor_id, rule, score, group_size.

    Groups are the coherent groups of the links (module docstring); the survivor follows the
    module's policy.
    """
    return group_duplicates(customers, pairs, settings, decided)[0]


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
        target = _survivors_of(old, mapping)
        repointed = target.notna()
        if not repointed.any():
            continue
        child = frame.copy(deep=False)  # copy-on-write: only the new column is new
        new = _coalesce(target, old)
        if name in TABLES:  # the audit log keys rows by the schema's primary key
            rows = repointed.to_numpy(dtype=bool)  # only these rows change
            audit.record_changes(name, child[rows], "customer_id", new[rows], rule="merge_repoint")
        child["customer_id"] = new
        out[name] = child
    return out


def _survivors_of(ids: pd.Series, mapping: pd.Series) -> pd.Series:
    """The survivor of each (stripped) id that `mapping` holds, missing elsewhere; a hash
    lookup in pyarrow for text columns (child tables have 10M rows)."""
    if not is_arrow_text(ids):
        return ids.astype("str").str.strip().map(mapping)
    stripped = pc.utf8_trim_whitespace(arrow_text(ids))
    keys = pa.array(mapping.index.to_numpy(dtype=object), type=stripped.type)
    position = pc.index_in(stripped, value_set=keys)
    found = pa.array(mapping.to_numpy(dtype=object), type=pa.large_string()).take(position)
    return pd.Series(found, index=ids.index, name=ids.name, dtype="str")


def _coalesce(target: pd.Series, old: pd.Series) -> pd.Series:
    """`target`, `old` where target is missing, as `old`'s dtype."""
    if not (is_arrow_text(old) and is_arrow_text(target)):
        return target.fillna(old).astype(old.dtype)
    merged = pc.coalesce(arrow_text(target), arrow_text(old).cast(pa.large_string()))
    return pd.Series(merged, index=old.index, name=target.name, dtype=old.dtype)


# --- coherence --------------------------------------------------------------------------------


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _coherent(
    edges: pd.DataFrame, sub: pd.DataFrame, apart: tuple[np.ndarray, np.ndarray]
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """(accepted edges, group label per node, refused edges with a reason).

    Components are checked vectorised; only those holding two values of an attribute, two
    trades or a keep-apart pair are rebuilt link by link (`_rebuild`).
    """
    n = len(sub)
    label = _components(n, edges["a"].to_numpy(), edges["b"].to_numpy())
    keys = CodedKeys(match_keys(sub).reset_index(drop=True))
    codes = _coherence_codes(keys)
    check = np.zeros(label.max() + 1, dtype=bool)
    for code in codes.values():
        known = code >= 0
        distinct = pd.Series(code[known]).groupby(label[known]).nunique()
        check[distinct.index[distinct.to_numpy() > 1]] = True
    a, b = apart
    both = ~(np.isnan(a) | np.isnan(b))
    a, b = a[both].astype(np.int64), b[both].astype(np.int64)
    check[label[a][label[a] == label[b]]] = True
    no_refused = pd.DataFrame(columns=["a", "b", "rank", "score", "reason"])
    if not check.any():
        return edges, label, no_refused
    trades = keys.frame["trade"].to_numpy(dtype=object)
    values = {c: codes[c] for c in _ONE_VALUE}
    apart_pairs = {(int(x), int(y)) for x, y in zip(a, b, strict=True)}
    apart_pairs |= {(y, x) for x, y in apart_pairs}
    hot = check[label[edges["a"].to_numpy()]]
    kept, refused = [edges[~hot]], []
    label = label.copy()
    next_label = label.max() + 1
    for _, part in edges[hot].groupby(label[edges["a"].to_numpy()][hot]):
        accepted, rejected, roots = _rebuild(part, values, trades, apart_pairs)
        kept.append(accepted)
        refused.append(rejected)
        for node, root in roots.items():
            label[node] = next_label + root
        next_label += max(roots.values()) + 1
    label = pd.factorize(label)[0]
    refused = pd.concat(refused, ignore_index=True) if refused else no_refused
    return pd.concat(kept, ignore_index=True), label, refused


def groups_conflict(
    customers: pd.DataFrame, merges: pd.DataFrame, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """True where one group holding the groups of `left[k]` and `right[k]` (customer ids; a
    customer not merged is a group of one) would be incoherent, as phone and name links judge."""
    survivor = dict(zip(merges["customer_id"], merges["survivor_id"], strict=True))
    left = [survivor.get(c, c) for c in left]
    right = [survivor.get(c, c) for c in right]
    members = {g: {g} for g in (*left, *right)}
    for member, g in survivor.items():
        if g in members:
            members[g].add(member)
    ids = customers["customer_id"].astype("str").str.strip()
    involved = customers[ids.isin(set().union(*members.values()))]
    if not len(involved):
        return np.zeros(len(left), dtype=bool)
    keys = CodedKeys(match_keys(involved).reset_index(drop=True))
    codes = _coherence_codes(keys)
    values = {c: codes[c] for c in _ONE_VALUE}
    trades = keys.frame["trade"].to_numpy(dtype=object)
    position = {cid: k for k, cid in enumerate(keys.frame["customer_id"])}
    attrs = {}
    for g, ids_ in members.items():
        nodes = [_attributes(position[c], values, trades) for c in ids_ if c in position]
        attrs[g] = {k: set().union(*(n[k] for n in nodes)) for k in (*_ONE_VALUE, "trade")}
    return np.array([_conflict(attrs[a], attrs[b], True) for a, b in zip(left, right, strict=True)],
                    dtype=bool)  # fmt: skip


def _coherence_codes(keys: CodedKeys) -> dict[str, np.ndarray]:
    """Codes (-1 = unknown) of the attributes a group must hold one value of, plus the trade;
    individuals have no branch, and only individuals have a person name."""
    kinds = keys.frame["kind"].to_numpy(dtype=object)
    person = kinds == "个人"
    codes = {c: keys.code[c] for c in (*_ONE_VALUE, "trade")}
    codes["branch"] = np.where(person, -1, codes["branch"])
    codes["person"] = np.where(person, codes["person"], -1)
    return codes


def _rebuild(
    edges: pd.DataFrame,
    values: dict[str, np.ndarray],
    trades: np.ndarray,
    apart: set[tuple[int, int]],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, int]]:
    """One incoherent component rebuilt link by link, strongest first: (accepted edges,
    refused edges with their reason, node → group number from 0)."""
    edges = edges.sort_values(["rank", "score", "a", "b"], ascending=[1, 0, 1, 1])
    nodes = sorted(set(edges["a"]) | set(edges["b"]))
    attrs = {v: _attributes(v, values, trades) for v in nodes}
    ambiguous = _ambiguous(edges, attrs)
    parent = {v: v for v in nodes}
    members = {v: {v} for v in nodes}

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    accepted, reasons = [], []
    for row in edges.itertuples(index=False):
        ra, rb = find(row.a), find(row.b)
        weak = row.rank not in _IDENTITY and row.rank != _RANK["decision_merge"]
        reason = ""
        if ra == rb:
            pass
        elif weak and (row.a in ambiguous or row.b in ambiguous):
            reason = "ambiguous"
        elif any((x, y) in apart for x in members[ra] for y in members[rb]):
            reason = "kept_apart"
        elif row.rank != _RANK["decision_merge"] and _conflict(attrs[ra], attrs[rb], weak):
            reason = "group_conflict"
        else:
            parent[rb] = ra
            members[ra] |= members.pop(rb)
            attrs[ra] = {k: attrs[ra][k] | attrs[rb][k] for k in attrs[ra]}
        accepted.append(not reason)
        reasons.append(reason)
    accepted = np.asarray(accepted, dtype=bool)
    refused = edges[~accepted].assign(reason=np.asarray(reasons, dtype=object)[~accepted])
    roots = pd.factorize(pd.Series([find(v) for v in nodes]))[0]
    return edges[accepted], refused, dict(zip(nodes, roots.tolist(), strict=True))


def _attributes(node: int, values: dict[str, np.ndarray], trades: np.ndarray) -> dict[str, set]:
    """The known attribute values of one node, as sets (trades by name, to compare them)."""
    out = {name: ({int(code[node])} if code[node] >= 0 else set()) for name, code in values.items()}
    out["trade"] = {trades[node]} if isinstance(trades[node], str) else set()
    return out


def _conflict(x: dict[str, set], y: dict[str, set], weak: bool) -> bool:
    """Would one group holding x and y be incoherent? Identity links check USCC / ID only."""
    names = _ONE_VALUE if weak else ("uscc", "id_number")
    if any(len(x[k] | y[k]) > 1 for k in names):
        return True
    return weak and not all(trades_agree(s, t) for s in x["trade"] for t in y["trade"])


def _ambiguous(edges: pd.DataFrame, attrs: dict[int, dict[str, set]]) -> set[int]:
    """Nodes whose strongest phone/name links reach customers that contradict each other."""
    weak = edges[~edges["rank"].isin([*_IDENTITY, _RANK["decision_merge"]])]
    both = pd.concat(
        [
            weak[["a", "b", "rank", "score"]].set_axis(["node", "other", "rank", "score"], axis=1),
            weak[["b", "a", "rank", "score"]].set_axis(["node", "other", "rank", "score"], axis=1),
        ],
        ignore_index=True,
    )
    out = set()
    for node, links in both.groupby("node"):
        best = links[(links["rank"] == links["rank"].min())]
        best = best[best["score"] == best["score"].max()]["other"].tolist()
        if any(
            _conflict(attrs[p], attrs[q], True) for k, p in enumerate(best) for q in best[k + 1 :]
        ):
            out.add(int(node))
    return out


# --- survivors ---------------------------------------------------------------------------------


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
    types = {"score": float, "group_size": np.int64}
    return frame.astype({c: t for c, t in types.items() if c in columns})

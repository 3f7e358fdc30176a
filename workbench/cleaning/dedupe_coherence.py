"""Whether linked customers can be one customer (coherence of duplicate groups).

A group may not join two different USCCs or ID numbers, and, through phone or name links, not
two names that state different cities, provinces, branches or trades, two individuals' names,
or a company and an individual (`workbench.cleaning.dedupe_groups` says how groups are made).
`coherent` checks the components of the links and rebuilds the incoherent ones link by link,
strongest first; `groups_conflict` tells the review list which pairs could not be one customer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from workbench.cleaning.company_names import trades_agree
from workbench.cleaning.dedupe_keys import CodedKeys, customer_keys

# Strongest first: a pair found by several rules keeps the first.
RULES: tuple[str, ...] = ("decision_merge", "same_uscc", "same_id_number", "same_phone",
                          "fuzzy_name")  # fmt: skip
RULE_RANK = {rule: i for i, rule in enumerate(RULES)}
_IDENTITY = (RULE_RANK["same_uscc"], RULE_RANK["same_id_number"])
# Attributes a coherent group holds at most one known value of (trades: values that agree).
_ONE_VALUE = ("uscc", "id_number", "kind", "person", "name_city", "name_province", "branch")


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def coherent(
    edges: pd.DataFrame, keys: CodedKeys, rows: np.ndarray, apart: tuple[np.ndarray, np.ndarray]
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """(accepted edges, group label per node, refused edges with a reason); node k is the
    customer at position `rows[k]` of `keys`.

    Components are checked vectorised; only those holding two values of an attribute, two
    trades or a keep-apart pair are rebuilt link by link (`_rebuild`, all of them in one pass).
    """
    n = len(rows)
    label = _components(n, edges["a"].to_numpy(), edges["b"].to_numpy())
    codes = _coherence_codes(keys, rows)
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
    apart_pairs = {(int(x), int(y)) for x, y in zip(a, b, strict=True)}
    apart_pairs |= {(y, x) for x, y in apart_pairs}
    hot = check[label[edges["a"].to_numpy()]]
    part = edges[hot]
    # component by component (by label), each strongest first: rank, higher score, a, b
    order = np.lexsort((part["b"].to_numpy(), part["a"].to_numpy(), -part["score"].to_numpy(),
                        part["rank"].to_numpy(), label[part["a"].to_numpy()]))  # fmt: skip
    trades = keys.frame["trade"].to_numpy(dtype=object)[rows]
    accepted, refused, roots = _rebuild(part.iloc[order], codes, trades, apart_pairs)
    label = label.copy()
    label[roots.index.to_numpy()] = label.max() + 1 + roots.to_numpy()  # one label per new group
    label = pd.factorize(label)[0]
    return pd.concat([edges[~hot], accepted], ignore_index=True), label, refused


def groups_conflict(
    customers: pd.DataFrame,
    merges: pd.DataFrame,
    left: np.ndarray,
    right: np.ndarray,
    keys: CodedKeys | None = None,
) -> np.ndarray:
    """True where one group holding the groups of `left[k]` and `right[k]` (customer ids; a
    customer not merged is a group of one) would be incoherent, as phone and name links judge.

    `keys`: the customers' `customer_keys`, when the caller has them."""
    survivor = dict(zip(merges["customer_id"], merges["survivor_id"], strict=True))
    left = [survivor.get(c, c) for c in left]
    right = [survivor.get(c, c) for c in right]
    groups = pd.Index(pd.unique(np.array([*left, *right], dtype=object)))
    merged = pd.DataFrame(
        {"member": list(survivor), "group": list(survivor.values())}, dtype=object
    )
    members = pd.concat([pd.DataFrame({"member": groups, "group": groups}, dtype=object),
                         merged[merged["group"].isin(groups)]], ignore_index=True)  # fmt: skip
    if keys is None:
        ids = customers["customer_id"].astype("str").str.strip()
        keys = customer_keys(customers[ids.isin(members["member"])])
    rows = np.flatnonzero(keys.frame["customer_id"].isin(members["member"]).to_numpy(dtype=bool))
    if not len(rows):
        return np.zeros(len(left), dtype=bool)
    position = pd.Series(np.arange(len(rows)), index=keys.frame["customer_id"].to_numpy()[rows])
    position = position[~position.index.duplicated(keep="last")]  # an id held twice: its last row
    found = members["member"].map(position)
    known = found.notna().to_numpy(dtype=bool)
    group = groups.get_indexer(members["group"][known])  # each member's group and node
    node = found[known].to_numpy(dtype=np.int64)
    a, b = groups.get_indexer(left), groups.get_indexer(right)
    codes = _coherence_codes(keys, rows)
    bad = np.zeros(len(a), dtype=bool)
    for name in _ONE_VALUE:  # the two groups together hold two known values of one attribute
        count, value = _group_values(codes[name][node], group, len(groups))
        bad |= (count[a] > 1) | (count[b] > 1)
        bad |= (count[a] == 1) & (count[b] == 1) & (value[a] != value[b])
    trades = keys.frame["trade"].to_numpy(dtype=object)[rows][node]
    return bad | _trades_differ(codes["trade"][node], trades, group, a, b, ~bad)


def _group_values(code: np.ndarray, group: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group: how many distinct known values (code ≥ 0) its members hold, and one of them."""
    held = pd.DataFrame({"group": group, "code": code})[code >= 0].drop_duplicates()
    count = np.bincount(held["group"].to_numpy(), minlength=n)
    value = np.full(n, -1, dtype=np.int64)
    value[held["group"].to_numpy()] = held["code"].to_numpy()
    return count, value


def _trades_differ(
    code: np.ndarray, trade: np.ndarray, group: np.ndarray, a: np.ndarray, b: np.ndarray,
    check: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """True where pair k is checked and a trade of group a[k] and one of group b[k] are not
    one trade (`trades_agree`); each distinct two trades judged once."""
    held = pd.DataFrame({"group": group, "code": code, "trade": trade})[code >= 0]
    held = held.drop_duplicates(["group", "code"])
    pairs = pd.DataFrame({"pair": np.flatnonzero(check), "a": a[check], "b": b[check]})
    both = pairs.merge(held, left_on="a", right_on="group").merge(
        held, left_on="b", right_on="group"
    )
    combos = both.drop_duplicates(["code_x", "code_y"])
    agree = [trades_agree(x, y) for x, y in zip(combos["trade_x"], combos["trade_y"], strict=True)]
    verdict = pd.Series(agree, index=pd.MultiIndex.from_frame(combos[["code_x", "code_y"]]))
    ok = verdict.reindex(pd.MultiIndex.from_frame(both[["code_x", "code_y"]])).to_numpy(bool)
    out = np.zeros(len(a), dtype=bool)
    out[both["pair"].to_numpy()[~ok]] = True
    return out


def _coherence_codes(keys: CodedKeys, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Codes (-1 = unknown) at `rows` of the attributes a group must hold one value of, plus the
    trade; individuals have no branch, and only individuals have a person name."""
    kinds = keys.frame["kind"].to_numpy(dtype=object)[rows]
    person = kinds == "个人"
    codes = {c: keys.code[c][rows] for c in (*_ONE_VALUE, "trade")}
    codes["branch"] = np.where(person, -1, codes["branch"])
    codes["person"] = np.where(person, codes["person"], -1)
    return codes


def _rebuild(
    edges: pd.DataFrame,
    codes: dict[str, np.ndarray],
    trades: np.ndarray,
    apart: set[tuple[int, int]],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Incoherent components rebuilt link by link in the order of `edges` (strongest first):
    (accepted edges, refused edges with their reason, root node per node)."""
    a_, b_ = edges["a"].to_numpy().tolist(), edges["b"].to_numpy().tolist()
    nodes = sorted(set(a_) | set(b_))
    values = {c: codes[c] for c in _ONE_VALUE}
    attrs = {v: _attributes(v, values, trades) for v in nodes}
    ambiguous = _ambiguous(edges, codes, trades)
    parent = {v: v for v in nodes}
    members = {v: {v} for v in nodes}

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    reasons = []
    for a, b, rank in zip(a_, b_, edges["rank"].to_numpy().tolist(), strict=True):
        ra, rb = find(a), find(b)
        weak = rank not in _IDENTITY and rank != RULE_RANK["decision_merge"]
        reason = ""
        if ra == rb:
            pass
        elif weak and (a in ambiguous or b in ambiguous):
            reason = "ambiguous"
        elif apart and any((x, y) in apart for x in members[ra] for y in members[rb]):
            reason = "kept_apart"
        elif rank != RULE_RANK["decision_merge"] and _conflict(attrs[ra], attrs[rb], weak):
            reason = "group_conflict"
        else:
            parent[rb] = ra
            members[ra] |= members.pop(rb)
            attrs[ra] = {k: attrs[ra][k] | attrs[rb][k] for k in attrs[ra]}
        reasons.append(reason)
    reasons = np.asarray(reasons, dtype=object)
    accepted = reasons == ""
    refused = edges[~accepted].assign(reason=reasons[~accepted]).reset_index(drop=True)
    return edges[accepted], refused, pd.Series([find(v) for v in nodes], index=nodes)


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


def _ambiguous(edges: pd.DataFrame, codes: dict[str, np.ndarray], trades: np.ndarray) -> set[int]:
    """Nodes whose strongest phone/name links reach customers that contradict each other."""
    weak = edges[~edges["rank"].isin([*_IDENTITY, RULE_RANK["decision_merge"]])]
    a, b = weak["a"].to_numpy(), weak["b"].to_numpy()
    links = pd.DataFrame(
        {
            "node": np.concatenate([a, b]),
            "other": np.concatenate([b, a]),
            "rank": np.tile(weak["rank"].to_numpy(), 2),
            "score": np.tile(weak["score"].to_numpy(), 2),
        }
    )
    links = links[links["rank"] == links.groupby("node")["rank"].transform("min")]
    best = links[links["score"] == links.groupby("node")["score"].transform("max")]
    best = best[["node", "other"]]
    both = best.merge(best, on="node")
    both = both[both["other_x"] < both["other_y"]]
    p, q = both["other_x"].to_numpy(), both["other_y"].to_numpy()
    bad = np.zeros(len(p), dtype=bool)
    for name in _ONE_VALUE:  # two known values of one attribute
        x, y = codes[name][p], codes[name][q]
        bad |= (x >= 0) & (y >= 0) & (x != y)
    x, y = codes["trade"][p], codes["trade"][q]
    for k in np.flatnonzero(~bad & (x >= 0) & (y >= 0) & (x != y)):  # two trades: do they agree?
        bad[k] = not trades_agree(trades[p[k]], trades[q[k]])
    return set(both["node"].to_numpy()[bad].tolist())

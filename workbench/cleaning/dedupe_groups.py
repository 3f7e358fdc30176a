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
and joins nobody. Refused links go to the review list. The coherence check is
`workbench.cleaning.dedupe_coherence`.

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

from workbench.cleaning.audit import Audit
from workbench.cleaning.dedupe_coherence import RULE_RANK, RULES, coherent
from workbench.cleaning.dedupe_keys import CodedKeys, customer_keys
from workbench.cleaning.order_sort import take_rows
from workbench.cleaning.settings import CleaningSettings
from workbench.cleaning.text import arrow_text, is_arrow_text
from workbench.core.threads import side_by_side, slice_map
from workbench.extracts.parsers import missing_mask, parse_dates
from workbench.extracts.schema import TABLES

MERGE_COLUMNS = ["customer_id", "survivor_id", "rule", "score", "group_size"]
REFUSED_COLUMNS = ["left_id", "right_id", "rule", "score", "reason"]
_NOT_FIELDS = ("customer_id", "source_row")


def group_duplicates(
    customers: pd.DataFrame,
    pairs: pd.DataFrame,
    settings: CleaningSettings | None = None,
    decided: pd.DataFrame | None = None,
    keys: CodedKeys | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(merges, refused): one row per customer merged away (MERGE_COLUMNS), and the links the
    coherence check refused (REFUSED_COLUMNS, reason ``group_conflict`` or ``ambiguous``).

    `decided` (left_id, right_id, decision merge / keep_apart) overrides the pairs; `keys`: the
    customers' `customer_keys`, when the caller has them.
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
            "rank": links["rule"].map(RULE_RANK).to_numpy()[known],
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
    if keys is None:  # only the linked customers' keys are needed
        keys, rows = customer_keys(sub), np.arange(len(nodes))
    else:
        rows = nodes
    edges, label, refused = coherent(edges, keys, rows, apart_nodes)
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
    tables: dict[str, pd.DataFrame], merges: pd.DataFrame, audit: Audit, release: bool = False
) -> dict[str, pd.DataFrame]:
    """New tables with merged customers removed, survivors' gaps filled, children re-pointed.

    Fills are logged as ``merge_fill``, re-pointed child rows as ``merge_repoint``. `release`:
    the caller gives `tables` up (it is emptied), so each old table or column goes as soon as
    its new one is made rather than both living whole (at 1M customers the merge's peak
    falls by 0.7 GB).
    """
    out = {name: frame.copy(deep=False) for name, frame in tables.items()}
    if release:
        tables.clear()
    if merges is None or not len(merges):
        return out
    names = list(out)
    mapping = _resolved_mapping(merges, out["customers"])
    customers = out.pop("customers")
    children = {n: out.pop(n) for n in names if n in out and "customer_id" in out[n].columns}
    fills, repoints = Audit(), Audit()  # the two parts side by side, each into its own log,
    out["customers"], repointed = side_by_side(  # joined in the order they were written in turn
        lambda: _merged_customers(customers, mapping, fills),
        lambda: _repointed_children(children, mapping, repoints),
    )
    audit.extend(fills)
    audit.extend(repoints)
    out.update(repointed)
    return {name: out[name] for name in names}


def _merged_customers(customers: pd.DataFrame, mapping: pd.Series, audit: Audit) -> pd.DataFrame:
    """The customers without the merged ones, each survivor's empty fields filled from its
    duplicates (the most complete first), logged as ``merge_fill``. `customers` is the
    caller's to give up: its columns are taken out of it as the kept rows are copied."""
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
        customers.loc[survivors.index, column] = new  # copy-on-write: the caller's is untouched
    return take_rows(customers, np.flatnonzero(~is_dup.to_numpy()), release=True)


def _repointed_children(
    children: dict[str, pd.DataFrame], mapping: pd.Series, audit: Audit
) -> dict[str, pd.DataFrame]:
    """`children` (tables with a customer_id, the caller's to give up) with the rows that point
    at merged customers re-pointed at their survivors, logged as ``merge_repoint``; each
    table's old customer_id goes once its new one is made."""
    out = {}
    for name in list(children):
        frame = children.pop(name)
        rows, new = _repointed(frame["customer_id"], mapping)
        if len(rows) and name in TABLES:  # the audit log keys rows by the schema's primary key
            logged = [c for c in (TABLES[name].key, "source_row", "customer_id") if c in frame]
            changed = frame[list(dict.fromkeys(logged))].iloc[rows]  # only these rows change
            audit.record_changes(name, changed, "customer_id", new.iloc[rows], rule="merge_repoint")
        if len(rows):
            frame["customer_id"] = new  # a shallow copy of the caller's: only this column is new
        out[name] = frame
    return out


def _repointed(ids: pd.Series, mapping: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(positions of the rows whose stripped id `mapping` holds, the column with those ids
    replaced by their survivors, as `ids`' dtype); in pyarrow for text columns, touching only
    the rows that change (child tables have 10M rows)."""
    if not is_arrow_text(ids):
        target = ids.astype("str").str.strip().map(mapping)
        return np.flatnonzero(target.notna().to_numpy()), target.fillna(ids).astype(ids.dtype)
    array = arrow_text(ids)
    keys = pa.array(mapping.index.to_numpy(dtype=object), type=array.type)
    position = slice_map(
        lambda part: pc.index_in(pc.utf8_trim_whitespace(part), value_set=keys), array
    )
    found = pc.is_valid(position).combine_chunks()
    rows = np.flatnonzero(found.to_numpy(zero_copy_only=False))
    if not len(rows):
        return rows, ids
    survivors = pa.array(mapping.to_numpy(dtype=object), type=array.type)
    replacements = survivors.take(pc.drop_null(position)).combine_chunks()  # one per changed row
    new = pc.replace_with_mask(array, found, replacements)
    return rows, pd.Series(new, index=ids.index, name=ids.name, dtype=ids.dtype)


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
    named = pd.unique(np.concatenate([dup, surv]))
    ids = customers["customer_id"].astype("str").str.strip()
    unknown = sorted(named[~pd.Series(named, dtype=object).isin(ids).to_numpy()].tolist())
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

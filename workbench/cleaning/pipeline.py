"""The cleaning pipeline: loaded extracts → clean tables, with the audit trail and a reconciliation.

Order: apply the people's corrections (`workbench.collection.corrections`, audited as
``manual_correction``) → normalise formats and categories → map regions and industries → infer empty customer
types → validate (flag only) → de-duplicate customers (children re-pointed to survivors; doubtful
pairs listed for review, reviewers' decisions applied) → orders in customer order → mark 待补充 →
mask PII → retention. Steps that share nothing run side by side on two threads (the other
tables' categories beside the customers' rules, validation beside the matcher, the retention
list beside the orders' sort), each writing its own audit log, joined in this order: the trail
is the same as when they run in turn.
Every input row ends up clean, merged (pointing at its survivor) or quarantined; `reconcile`
checks that on every run and the pipeline refuses to return a result that does not balance.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from workbench.cleaning import dedupe, industry, normalise, regions, validate
from workbench.cleaning.audit import Audit
from workbench.cleaning.completeness import completeness, mark_to_complete, to_complete_list
from workbench.cleaning.customer_type import infer_customer_types
from workbench.cleaning.dedupe_review import review_records
from workbench.cleaning.order_sort import in_customer_order
from workbench.cleaning.privacy import (
    PII_COLUMNS,
    add_masked_columns,
    mask_free_text,
    mask_values,
    public_view,
)
from workbench.cleaning.retention import retention_list
from workbench.cleaning.settings import CleaningSettings
from workbench.collection.approvals import APPROVAL_COLUMNS
from workbench.collection.corrections import LOG_COLUMNS, Corrections, apply_corrections
from workbench.core.errors import WorkbenchError
from workbench.core.memory import give_back_memory
from workbench.core.threads import side_by_side
from workbench.extracts.loader import Extracts, TableAccess
from workbench.extracts.schema import TABLES

FRAMES = (
    "changes", "flags", "quarantine", "issues", "merges", "pairs", "review",
    "completeness", "to_complete", "retention", "corrections", "approvals",
)  # fmt: skip


@dataclass
class CleanResult(TableAccess):
    """Clean tables plus everything needed to trust them: audit, flags, quarantine, merges, lists."""

    tables: dict[str, pd.DataFrame]
    changes: pd.DataFrame
    flags: pd.DataFrame
    quarantine: pd.DataFrame
    issues: pd.DataFrame
    merges: pd.DataFrame
    pairs: pd.DataFrame
    review: pd.DataFrame  # 疑似重复: pairs left for a person, both records side by side
    completeness: pd.DataFrame
    to_complete: pd.DataFrame
    retention: pd.DataFrame
    rows_read: dict[str, int]
    sources: dict[str, str] = field(default_factory=dict)
    as_of: pd.Timestamp | None = None
    # every returned correction with its status (applied, unchanged, rejected, conflict …)
    corrections: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LOG_COLUMNS))
    approvals: pd.DataFrame = field(  # 变更审批记录: approved changes of protected fields
        default_factory=lambda: pd.DataFrame(columns=APPROVAL_COLUMNS)
    )

    def reconciliation(self) -> pd.DataFrame:
        """Per table: rows read = clean + merged + quarantined ('balanced')."""
        return reconcile(self.rows_read, self.tables, self.merges, self.quarantine)

    def supplied(self, table: str) -> bool:
        """Whether the extracts had `table`: cleaning adds one they lacked, empty, to `tables`."""
        return table in self.rows_read

    def redacted(self) -> CleanResult:
        """The result with no raw phone, ID number or e-mail anywhere: what may leave memory.

        Tables keep only the masked columns; audit and flag values of PII fields are masked;
        quarantined rows keep file and row (to find them at the source), not their raw cells;
        the cells the loader noted (`issues`) may be in any column, so phones, ID numbers and
        e-mails are masked wherever they are in them.
        """
        changes = self.changes.copy()
        pii = changes["field"].isin(PII_COLUMNS)
        for column in ("old", "new"):
            changes.loc[pii, column] = mask_values(
                changes.loc[pii, column], changes.loc[pii, "field"]
            )
        flags = self.flags.copy()
        pii = flags["field"].isin(PII_COLUMNS)
        flags.loc[pii, "value"] = mask_values(flags.loc[pii, "value"], flags.loc[pii, "field"])
        return dataclasses.replace(
            self,
            tables={name: public_view(frame) for name, frame in self.tables.items()},
            changes=changes,
            flags=flags,
            quarantine=self.quarantine.drop(columns="raw", errors="ignore"),
            issues=self.issues.assign(value=mask_free_text(self.issues["value"])),
            pairs=self.pairs,
        )


def reconcile(
    rows_read: dict[str, int],
    tables: dict[str, pd.DataFrame],
    merges: pd.DataFrame,
    quarantine: pd.DataFrame,
) -> pd.DataFrame:
    """The reconciliation table: one row per table read with rows_read, clean, merged,
    quarantined (a table the extracts lacked was not read: it has no row)."""
    frame = pd.DataFrame(
        {
            "rows_read": pd.Series(rows_read, dtype="int64"),
            "clean": pd.Series({n: len(t) for n, t in tables.items() if n in rows_read}),
        }
    )
    merged = pd.Series({"customers": len(merges)})
    frame["merged"] = merged.reindex(frame.index).fillna(0).astype(int)
    quarantined = quarantine.groupby("table")["row"].nunique() if len(quarantine) else pd.Series()
    frame["quarantined"] = quarantined.reindex(frame.index).fillna(0).astype(int)
    frame["balanced"] = (
        frame["rows_read"] == frame["clean"] + frame["merged"] + frame["quarantined"]
    )
    return frame


def latest_date(tables: dict[str, pd.DataFrame]) -> pd.Timestamp:
    """The latest business date in the data: the default 'today' for as-of checks."""
    dates = [tables["orders"]["order_date"].max()] if "orders" in tables else []
    if "interactions" in tables:
        dates.append(tables["interactions"]["interaction_date"].max())
    dates = [d for d in dates if pd.notna(d)]
    return max(dates) if dates else pd.Timestamp.today().normalize()


def clean(
    extracts: Extracts,
    settings: CleaningSettings | None = None,
    decisions: pd.DataFrame | None = None,
    corrections: Corrections | None = None,
) -> CleanResult:
    """Run every cleaning rule over the loaded extracts; raise if the reconciliation fails.

    `decisions`: reviewed duplicate pairs (`dedupe_review.read_decisions`), applied and audited.
    `corrections`: returned completion workbooks (`collection.corrections.read_corrections`),
    applied to the customers before any rule runs; the extracts are not modified.
    """
    settings = settings or CleaningSettings()
    audit = Audit()
    tables = {  # every table and column of the schema; one the extracts lack is there, empty
        name: normalise.with_schema_columns(extracts.tables[name], name)
        if name in extracts.tables
        else normalise.empty_table(name)
        for name in TABLES
    }
    quarantine, issues = extracts.quarantine, extracts.issues
    rows_read = dict(extracts.rows_read)
    sources = {name: str(path) for name, path in extracts.sources.items()}
    del extracts  # unless the caller keeps them (load_clean does not), each loaded table is
    # freed when its cleaned version replaces it: 1M customers, a peak 1.2 GB lower
    tables["customers"], corrected, approvals = apply_corrections(
        tables["customers"], corrections, audit
    )
    tables = _normalise(tables, audit, settings)
    give_back_memory()  # after each step that lets tables or large temporaries go
    tables["customers"] = infer_customer_types(tables["customers"], audit)
    as_of = settings.as_of_date(latest_date(tables))
    matcher_log = Audit()  # validation flags and de-duplication reads: side by side on two
    _, found = side_by_side(  # threads, the matcher's log joined after the flags, as in turn
        lambda: _validate(tables, audit, settings, as_of),
        lambda: dedupe.find_duplicates(tables["customers"], settings, decisions, matcher_log),
    )
    audit.extend(matcher_log)
    give_back_memory()
    merges = _with_names(found.merges, tables["customers"])
    review = review_records(found.review, tables["customers"])
    tables = dedupe.merge_duplicates(tables, merges, audit, release=True)
    give_back_memory()
    # The orders in customer order, as every analysis reads them, beside the customer lists
    # (which read no row order); the sort gives the merged orders up column by column, so the
    # lists keep the two order columns they read (`events`), until the retention list is made.
    events = {**tables, "orders": tables["orders"][["customer_id", "order_date"]]}
    tables["orders"], (retention, to_complete, tables["customers"]) = side_by_side(
        lambda: in_customer_order(tables["orders"], release=True),
        lambda: _customer_lists(events, settings, as_of),
    )
    result = CleanResult(
        tables=tables,
        changes=audit.changes,
        flags=audit.flags,
        quarantine=quarantine,
        issues=issues,
        merges=merges,
        pairs=found.pairs,
        review=review,
        completeness=completeness(
            tables["customers"], settings.key_fields, settings.completeness_target
        ),
        to_complete=to_complete,
        retention=retention,
        rows_read=rows_read,
        sources=sources,
        as_of=as_of,
        corrections=corrected,
        approvals=approvals,
    )
    give_back_memory()
    balance = result.reconciliation()
    if not balance["balanced"].all():
        raise WorkbenchError(f"cleaning lost or invented rows:\n{balance.to_string()}")
    return result


def _customer_lists(
    tables: dict[str, pd.DataFrame], settings: CleaningSettings, as_of: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(retention list, to-complete list, the customers marked 待补充 and masked): what the
    merged tables give beside the orders' sort; none of it reads the orders' row order.
    `tables` is emptied once the retention list is made: the orders' columns it holds then go
    as the sort takes them (1M customers: 0.3 GB less at the cleaning's peak)."""
    retention = retention_list(tables, settings, as_of)
    customers = tables["customers"]
    tables.clear()
    to_complete = to_complete_list(customers, settings.to_complete_fields)
    return retention, to_complete, add_masked_columns(mark_to_complete(customers, to_complete))


def _normalise(
    tables: dict[str, pd.DataFrame], audit: Audit, settings: CleaningSettings
) -> dict[str, pd.DataFrame]:
    """The rules of the customers' names and places (names, regions, industry, categories) on
    one thread; those of their contacts (phones, e-mails, ID numbers: columns the others do not
    read) and then the other tables' categories beside them on another. Each part logs into an
    audit of its own, joined in the order of the rules run in turn: names, contacts, places,
    the other tables."""
    customers = tables["customers"]
    others = {name: frame for name, frame in tables.items() if name != "customers"}
    tables.clear()  # each table's old version goes as soon as its new one is made
    logs = {part: Audit() for part in ("names", "contacts", "places", "others")}

    def names_and_places() -> pd.DataFrame:
        frame = normalise.normalise_names(customers, logs["names"])
        frame = regions.map_regions(frame, logs["places"])
        frame = industry.map_industry(frame, logs["places"])
        return normalise.normalise_categories(
            frame, logs["places"], "customers", settings.size_bands
        )

    def contacts_then_others() -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
        frame = customers
        for rule in CONTACT_RULES:
            frame = rule(frame, logs["contacts"])
        for name, table in others.items():
            others[name] = normalise.normalise_categories(
                table, logs["others"], name, settings.size_bands
            )
        return frame, others

    named, (contacts, others) = side_by_side(names_and_places, contacts_then_others)
    for log in logs.values():
        audit.extend(log)
    return {"customers": _with_contacts(named, contacts), **others}


CONTACT_RULES = (normalise.normalise_phones, normalise.normalise_emails, normalise.normalise_ids)
CONTACT_COLUMNS = ("phone", "phone_kind", "email", "uscc", "id_number")  # what they write


def _with_contacts(named: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """The customers with the names-and-places rules' columns and the contact rules' columns,
    in the order the rules run in turn give: the contact rules' columns first (phone_kind
    after the extract's columns), then the columns the place rules added."""
    out = named.copy(deep=False)
    for column in CONTACT_COLUMNS:
        if column in contacts:
            out[column] = contacts[column]
    added = [c for c in named.columns if c not in contacts.columns]
    return out[[*contacts.columns, *added]]


def _with_names(merges: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Keep each merged record's name and type beside its pointer, for the quality report."""
    by_id = customers.set_index("customer_id")[["name", "customer_type"]]
    by_id = by_id[~by_id.index.duplicated()]
    return merges.join(by_id, on="customer_id")


def _validate(
    tables: dict[str, pd.DataFrame], audit: Audit, settings: CleaningSettings, as_of: pd.Timestamp
) -> None:
    validate.validate_ids(tables["customers"], audit)
    validate.validate_emails(tables["customers"], audit)
    validate.validate_contradictions(tables, audit, settings, as_of=as_of)

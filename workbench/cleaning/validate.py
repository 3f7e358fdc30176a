"""Validation rules (逻辑校验): identifiers, e-mails and contradictions, flagged and never changed.

Check characters are computed vectorised (GB 32100 for the USCC, GB 11643 for resident IDs)
and every value that fails is confirmed by `stdnum.cn` before it is flagged, so a flag always
means stdnum rejects the value; tests check the fast path never passes what stdnum rejects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.cn import ric, uscc

from workbench.cleaning.audit import Audit
from workbench.cleaning.settings import CleaningSettings
from workbench.cleaning.vocabulary import is_customer_kind
from workbench.core.threads import slice_map
from workbench.extracts.order_lines import return_marks
from workbench.extracts.schema import TABLES

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
_RIC_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])
_USCC_VALUE = np.full(128, 0, dtype=np.int64)
_USCC_VALUE[[ord(c) for c in USCC_ALPHABET]] = np.arange(len(USCC_ALPHABET))
EMAIL = (
    r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)
PLANNED_DATES = frozenset({"due_date"})  # plans may lie in the future
STAGE_DATES = ("created_date", "intent_date", "proposal_date", "won_date")


def _ascii_matrix(values: pd.Series, width: int) -> np.ndarray:
    """Fixed-width ASCII strings as a (rows, width) array of byte values."""
    raw = values.to_numpy(dtype=f"S{width}") if len(values) else np.empty(0, f"S{width}")
    return np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(len(values), width)


def uscc_fast_valid(values: pd.Series) -> pd.Series:
    """Well-formed USCCs whose check character is right (vectorised GB 32100-2015)."""
    text = values.astype("str").str.replace(r"[ -]", "", regex=True).str.upper().str.strip()
    ok = text.str.fullmatch(r"[0-9]{8}[0-9A-HJ-NP-RTUW-Y]{10}").fillna(False).astype(bool)
    if ok.any():
        chars = _USCC_VALUE[_ascii_matrix(text[ok], 18)]
        check = (31 - (chars[:, :17] * _USCC_WEIGHTS).sum(axis=1) % 31) % 31
        ok[ok] = check == chars[:, 17]
    return ok


def ric_fast_valid(values: pd.Series) -> pd.Series:
    """Resident IDs with a right check digit and a real birth date (vectorised GB 11643);
    the birth place is checked by stdnum once per (area code, birth year)."""
    text = values.astype("str").str.upper().str.strip()
    ok = text.str.fullmatch(r"[0-9]{17}[0-9X]").fillna(False).astype(bool)
    if not ok.any():
        return ok
    digits = _ascii_matrix(text[ok], 18).astype(np.int64) - ord("0")
    check = (12 - (digits[:, :17] * _RIC_WEIGHTS).sum(axis=1) % 11) % 11
    last = np.where(digits[:, 17] == ord("X") - ord("0"), 10, digits[:, 17])
    born = pd.to_datetime(text[ok].str.slice(6, 14), format="%Y%m%d", errors="coerce")
    ok[ok] = (check == last) & born.notna().to_numpy()
    if ok.any():
        group = text[ok].str.slice(0, 10)  # area code + birth year decide the birth place
        first = text[ok].groupby(group).first()
        place_ok = first.map(ric.is_valid)  # one stdnum call per group
        ok[ok] = group.map(place_ok).to_numpy(dtype=bool)
    return ok


def _confirmed_invalid(values: pd.Series, fast_ok: pd.Series, is_valid) -> pd.Series:
    """Present values that the fast path rejects and stdnum rejects too."""
    todo = values.notna() & ~fast_ok
    out = pd.Series(False, index=values.index)
    if todo.any():
        uniques = pd.Series(values[todo].unique(), dtype="str")
        verdict = dict(zip(uniques, uniques.map(is_valid), strict=True))
        out[todo] = ~values[todo].map(verdict).astype(bool)
    return out


def validate_ids(customers: pd.DataFrame, audit: Audit) -> None:
    """Flag bad USCC check characters (enterprises), bad resident IDs (individuals) and an ID
    on an enterprise or a USCC on an individual (`bad_uscc`, `bad_id_number`, `id_type_mismatch`)."""
    enterprise = _kind(customers, "企业")
    person = _kind(customers, "个人")
    if "uscc" in customers:
        codes = customers["uscc"]
        checked = codes.where(~person)
        bad = _confirmed_invalid(checked, uscc_fast_valid(checked), uscc.is_valid)
        audit.flag(
            "customers", customers, bad, "uscc", "bad_uscc",
            "统一社会信用代码格式或校验位错误 (USCC fails the GB 32100 check)",
        )  # fmt: skip
        audit.flag(
            "customers", customers, person & codes.notna(), "uscc", "id_type_mismatch",
            "个人客户不应有统一社会信用代码 (an individual with a USCC)",
        )  # fmt: skip
    if "id_number" in customers:
        ids = customers["id_number"]
        checked = ids.where(~enterprise)
        bad = _confirmed_invalid(checked, ric_fast_valid(checked), ric.is_valid)
        audit.flag(
            "customers", customers, bad, "id_number", "bad_id_number",
            "身份证号码格式、出生日期、地区码或校验位错误 (resident ID fails GB 11643)",
        )  # fmt: skip
        audit.flag(
            "customers", customers, enterprise & ids.notna(), "id_number", "id_type_mismatch",
            "企业客户不应有个人证件号码 (an enterprise with a resident ID number)",
        )  # fmt: skip


def validate_emails(customers: pd.DataFrame, audit: Audit) -> None:
    """Flag e-mail addresses that are not of the form name@domain.tld (`bad_email`)."""
    if "email" not in customers:
        return
    emails = customers["email"]
    good = emails.astype("str").str.strip().str.fullmatch(EMAIL).fillna(False).astype(bool)
    audit.flag(
        "customers", customers, emails.notna() & ~good, "email", "bad_email",
        "邮箱格式无效 (not a valid e-mail address)",
    )  # fmt: skip


def _kind(customers: pd.DataFrame, kind: str) -> pd.Series:
    if "customer_type" not in customers:
        return pd.Series(False, index=customers.index)
    return is_customer_kind(customers["customer_type"], kind)


# --- contradictions -----------------------------------------------------------------------------


def as_of_date(tables: dict[str, pd.DataFrame], settings: CleaningSettings) -> pd.Timestamp:
    """The reference date: settings.as_of, else the latest order date (else today)."""
    latest = pd.NaT
    if "orders" in tables and "order_date" in tables["orders"]:
        latest = tables["orders"]["order_date"].max()
    if pd.isna(latest):
        latest = pd.Timestamp.today()
    return settings.as_of_date(latest)


def validate_contradictions(
    tables: dict[str, pd.DataFrame],
    audit: Audit,
    settings: CleaningSettings,
    as_of: pd.Timestamp | None = None,
) -> None:
    """Flag logical contradictions across the five tables; nothing is changed (domain §2).

    Rules: deal_before_contact, negative_amount (orders: unless marked as a return),
    positive_return, absurd_amount, future_date, unknown_customer, type_field_mismatch,
    resolved_before_created, stage_dates_out_of_order. `as_of` defaults to
    `as_of_date(tables, settings)`.
    """
    as_of = as_of_date(tables, settings) if as_of is None else pd.Timestamp(as_of)
    customers = tables.get("customers")
    if customers is not None:
        _deal_before_contact(customers, audit)
        _type_fields(customers, audit)
    if "orders" in tables:
        _amounts(tables["orders"], audit, settings.max_order_amount)
    if "opportunities" in tables:
        _negative(tables["opportunities"], "opportunities", "expected_amount", audit)
        _stage_dates(tables["opportunities"], audit)
    if "requirements" in tables:
        _before(tables["requirements"], "requirements", "resolved_date", "created_date",
                "resolved_before_created", audit)  # fmt: skip
    children = {
        name: frame["customer_id"]
        for name, frame in tables.items()
        if name != "customers" and customers is not None and "customer_id" in frame
    }
    known_by_table = _known_ids(children, customers["customer_id"]) if children else {}
    for name, frame in tables.items():
        _future_dates(frame, name, as_of, audit)
        if name in known_by_table:
            known = known_by_table[name]
            audit.flag(
                name, frame, frame["customer_id"].notna() & ~known, "customer_id",
                "unknown_customer", "客户编号在客户表中不存在 (customer id not in customers)",
            )  # fmt: skip


def _known_ids(children: dict[str, pd.Series], ids: pd.Series) -> dict[str, pd.Series]:
    """Per child table, whether each row's customer id is among `ids` (missing → False): one
    pyarrow hash lookup over every child row, in row slices on both cores (`slice_map`), so
    the customers' hash table is built once a slice (pandas' isin on str copies to Python)."""
    allowed = pc.unique(_as_text(ids.dropna()))
    values = pa.chunked_array([_as_text(v) for v in children.values()], type=pa.large_string())
    found = slice_map(lambda part: pc.is_in(part, value_set=allowed), values)
    found = found.fill_null(False).to_numpy(zero_copy_only=False)
    ends = np.cumsum([len(v) for v in children.values()])
    return {
        name: pd.Series(part, index=v.index)
        for (name, v), part in zip(children.items(), np.split(found, ends[:-1]), strict=True)
    }


def _as_text(values: pd.Series) -> pa.Array:
    return pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True)


def _before(
    frame: pd.DataFrame, table: str, later: str, earlier: str, rule: str, audit: Audit
) -> None:
    if later in frame and earlier in frame:
        zh = {c.name: c.zh for c in TABLES[table].columns}
        text = f"{zh[later]}早于{zh[earlier]} ({later} before {earlier})"
        audit.flag(table, frame, frame[later] < frame[earlier], later, rule, text)


def _deal_before_contact(customers: pd.DataFrame, audit: Audit) -> None:
    _before(customers, "customers", "first_deal_date", "first_contact_date",
            "deal_before_contact", audit)  # fmt: skip


def _type_fields(customers: pd.DataFrame, audit: Audit) -> None:
    """An individual with an enterprise-only field (size, founding date). A missing size on an
    enterprise is incompleteness (待补充), not a contradiction; a USCC is `id_type_mismatch`."""
    person = _kind(customers, "个人")
    for column in ("size", "founded"):
        if column in customers:
            audit.flag(
                "customers", customers, person & customers[column].notna(), column,
                "type_field_mismatch", f"个人客户不应有{TABLES['customers'].column(column).zh}",
            )  # fmt: skip


def _negative(frame: pd.DataFrame, table: str, column: str, audit: Audit) -> None:
    if column in frame:
        audit.flag(table, frame, frame[column] < 0, column, "negative_amount",
                   "金额为负数 (negative amount)")  # fmt: skip


def _amounts(orders: pd.DataFrame, audit: Audit, maximum: float) -> None:
    """A negative line is a return when marked as one (`order_lines.return_marks`), else a
    contradiction; a line marked by its type or original order yet positive counts as a purchase."""
    if "amount" in orders:
        marks = return_marks(orders)
        audit.flag(
            "orders", orders, (orders["amount"] < 0) & ~marks.any(axis=1), "amount",
            "negative_amount", "金额为负数且未标为退货 (negative amount, not marked as a return)",
        )  # fmt: skip
        audit.flag(
            "orders", orders, (orders["amount"] > 0) & (marks["type"] | marks["reference"]),
            "amount", "positive_return",
            "退货/冲销单金额为正，按购买计 (a return with a positive amount counts as a purchase)",
        )  # fmt: skip
        audit.flag(
            "orders", orders, orders["amount"] > maximum, "amount", "absurd_amount",
            f"单笔金额超过 {maximum:,.0f} 元，疑似录入错误 (amount above the plausible maximum)",
        )  # fmt: skip


def _future_dates(frame: pd.DataFrame, table: str, as_of: pd.Timestamp, audit: Audit) -> None:
    if table not in TABLES:
        return
    for column in TABLES[table].columns:
        if column.kind == "date" and column.name in frame and column.name not in PLANNED_DATES:
            audit.flag(
                table, frame, frame[column.name] > as_of, column.name, "future_date",
                f"{column.zh}晚于基准日 {as_of:%Y-%m-%d} (date after the as-of date)",
            )  # fmt: skip


def _stage_dates(leads: pd.DataFrame, audit: Audit) -> None:
    """Stage dates must not go backwards: created ≤ intent ≤ proposal ≤ won, and a lead is not
    lost before it was created or entered its last stage."""
    present = [c for c in STAGE_DATES if c in leads]
    if len(present) < 2 and "lost_date" not in leads:
        return
    zh = {c.name: c.zh for c in TABLES["opportunities"].columns}
    flagged = pd.Series(False, index=leads.index)
    latest = pd.Series(pd.NaT, index=leads.index, dtype="datetime64[ns]")
    for column in present:
        dates = leads[column].astype("datetime64[ns]")
        bad = (dates < latest) & ~flagged
        audit.flag("opportunities", leads, bad, column, "stage_dates_out_of_order",
                   f"{zh[column]}早于前一阶段的日期 ({column} before an earlier stage)")  # fmt: skip
        flagged |= bad.fillna(False)
        latest = latest.where(latest.notna() & ~(dates > latest), dates)
    if "lost_date" in leads:
        lost = leads["lost_date"].astype("datetime64[ns]")
        before = present[:-1] if present and present[-1] == "won_date" else present
        last = leads[before].max(axis=1) if before else latest
        bad = (lost < last) & ~flagged
        audit.flag("opportunities", leads, bad, "lost_date", "stage_dates_out_of_order",
                   "流失日期早于线索创建或已进入阶段的日期 (lost before an earlier stage)")  # fmt: skip

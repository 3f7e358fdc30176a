"""The synthetic demo data: determinism, formats, ground truth, dirt rates and behaviour signal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from stdnum.cn import ric, uscc

from workbench.demo import GenerationResult, generate, vocab
from workbench.demo.dirt import DIRT_RATES, XLSX_TEXT_DATE_RATE
from workbench.extracts.schema import TABLES
from workbench.io import load_extracts

N = 2000
SEED = 11
REGIONS = ("华东", "华南", "华北", "华中", "西南", "西北", "东北")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AMOUNT = re.compile(r"^\d+\.\d{2}$")
# The orders schema's order-line columns: the demo writes one row per order, without them.
ORDER_LINE_COLUMNS = ("line_no", "product_code", "quantity", "unit_price", "order_type",
                      "original_order_id")  # fmt: skip
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-\d{8})$")


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    return generate(tmp_path_factory.mktemp("demo"), customers=N, seed=SEED)


def _csv(result: GenerationResult, table: str) -> pd.DataFrame:
    enc = {"customers": "gbk", "orders": "utf-8-sig"}.get(table, "utf-8")
    df = pd.read_csv(result.files[table], encoding=enc, dtype=str, keep_default_na=False)
    zh_to_name = {c.zh: c.name for c in TABLES[table].columns}
    return df.rename(columns=zh_to_name)


def _xlsx_cells(result: GenerationResult) -> pd.DataFrame:
    """requirements.xlsx cells as openpyxl returns them (dates as datetime, text as str)."""
    ws = openpyxl.load_workbook(result.files["requirements"], read_only=True)["需求分析表"]
    values = list(ws.iter_rows(min_row=2, values_only=True))
    names = {c.zh: c.name for c in TABLES["requirements"].columns}
    return pd.DataFrame(values[1:], columns=[names[h] for h in values[0]], dtype=object)


@pytest.fixture(scope="module")
def data(gen: GenerationResult) -> dict[str, pd.DataFrame]:
    tables = {t: _csv(gen, t) for t in ("customers", "orders", "interactions", "opportunities")}
    tables["requirements"] = _xlsx_cells(gen)
    truth = gen.truth_dir
    tables["dirt"] = pd.read_csv(truth / "dirt.csv", dtype=str, keep_default_na=False)
    tables["dirt"]["row"] = tables["dirt"]["row"].astype(int)
    tables["dups"] = pd.read_csv(truth / "duplicates.csv", dtype=str, keep_default_na=False)
    tables["true"] = pd.read_csv(truth / "customers_true.csv", dtype=str, keep_default_na=False)
    return tables


def _dirty(data: dict, table: str, column: str, kind: str | None = None) -> set[int]:
    d = data["dirt"]
    sel = (d["table"] == table) & (d["column"] == column)
    if kind:
        sel &= d["kind"] == kind
    return set(d.loc[sel, "row"])


def _listed_rows(data: dict, table: str, kinds: tuple[str, ...]) -> set[int]:
    d = data["dirt"]
    return set(d.loc[(d["table"] == table) & d["kind"].isin(kinds), "row"])


# --- determinism and files --------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", customers=300, seed=3)
    b = generate(tmp_path / "b", customers=300, seed=3)
    c = generate(tmp_path / "c", customers=300, seed=4)
    files_a = sorted(p.relative_to(a.out_dir) for p in a.out_dir.rglob("*") if p.is_file())
    assert len(files_a) == 9
    for rel in files_a:
        assert (a.out_dir / rel).read_bytes() == (b.out_dir / rel).read_bytes(), rel
    for table in ("customers", "orders", "requirements"):
        assert a.files[table].read_bytes() != c.files[table].read_bytes()


def test_result_describes_the_files(gen: GenerationResult, data: dict) -> None:
    assert set(gen.files) == set(TABLES)
    assert gen.truth_dir == gen.out_dir / "_truth"
    for table, path in gen.files.items():
        assert path.exists() and path.parent == gen.out_dir
        assert gen.rows[table] == len(data[table])
    summary = json.loads((gen.truth_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["seed"] == SEED and summary["customers"] == N
    assert summary["rows"] == gen.rows
    counts = data["dirt"]["kind"].value_counts().to_dict()
    assert summary["dirt_counts"] == counts


def test_encodings_and_headers(gen: GenerationResult) -> None:
    raw = gen.files["customers"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    assert "\r\n" in text
    orders = gen.files["orders"].read_bytes()
    assert orders.startswith(b"\xef\xbb\xbf")
    for table in ("interactions", "opportunities"):
        body = gen.files[table].read_bytes()
        assert not body.startswith(b"\xef\xbb\xbf")
        body.decode("utf-8")
    for table in ("customers", "orders", "interactions", "opportunities"):
        df = pd.read_csv(
            gen.files[table], encoding="gbk" if table == "customers" else "utf-8-sig", nrows=1
        )
        written = [c.zh for c in TABLES[table].columns if c.name not in ORDER_LINE_COLUMNS]
        assert list(df.columns) == written


def test_requirements_workbook_layout(gen: GenerationResult, data: dict) -> None:
    wb = openpyxl.load_workbook(gen.files["requirements"])
    assert wb.sheetnames == ["需求分析表"]
    ws = wb["需求分析表"]
    assert str(ws["A1"].value).startswith("需求分析表（导出时间 ")
    assert [c.value for c in ws[2]] == [c.zh for c in TABLES["requirements"].columns]
    assert sum(ws.cell(r, 3).is_date for r in range(3, 23)) >= 15
    assert ws.cell(3, 3).number_format == "yyyy-mm-dd" or not ws.cell(3, 3).is_date
    created = data["requirements"]["created_date"]
    share_dates = created.map(lambda v: hasattr(v, "year")).mean()
    assert 0.9 < share_dates < 1.0  # real Excel dates for most rows, some typed as text
    via_pandas = pd.read_excel(gen.files["requirements"], header=1, engine="openpyxl")
    assert list(via_pandas.columns) == [c.zh for c in TABLES["requirements"].columns]
    assert len(via_pandas) == gen.rows["requirements"]


def test_vocabulary_is_gbk() -> None:
    words = [
        *[w for pair in vocab.SURNAMES + vocab.GIVEN_MALE + vocab.GIVEN_FEMALE for w in pair],
        *[w for row in vocab.INDUSTRIES for part in row[2:] for w in part],
        *[r[0] for r in vocab.INDUSTRIES], *vocab.OCCUPATIONS, *vocab.PREFERENCES,
        *[o for reps in vocab.OWNERS.values() for o in reps], *vocab.CHANNELS,
    ]  # fmt: skip
    for w in words:
        w.encode("gbk")


# --- sizes, ids, codes ------------------------------------------------------------------------


def test_row_counts(gen: GenerationResult, data: dict) -> None:
    scale = N / 5000
    dups = len(data["dups"])
    assert dups == round(DIRT_RATES["duplicate_customer"] * N)
    assert gen.rows["customers"] == N + dups
    assert 40_000 * scale <= gen.rows["orders"] <= 80_000 * scale
    assert 30_000 * scale <= gen.rows["interactions"] <= 60_000 * scale
    assert 5_000 * scale <= gen.rows["requirements"] <= 10_000 * scale
    assert 5_000 * scale <= gen.rows["opportunities"] <= 8_000 * scale


def test_the_loader_reads_every_row_the_generator_wrote(gen: GenerationResult) -> None:
    """Rows read per table = rows written (the generator's own count, in summary.json too)."""
    extracts = load_extracts(gen.out_dir)
    assert extracts.rows_read == gen.rows
    assert extracts.in_file == gen.rows
    assert extracts.reconciliation()["balanced"].all()


def test_ids_unique_and_well_formed(data: dict) -> None:
    c = data["customers"]
    assert c["customer_id"].is_unique
    assert c["customer_id"].str.fullmatch(r"C\d{8}\d{3,}").all()
    assert (c["customer_id"].str[1:9] == c["first_contact_date"].str.replace("-", "")).mean() > 0.8
    o = data["orders"]
    repeated = _listed_rows(data, "orders", ("duplicate_order_row",))
    assert not o["order_id"].is_unique
    assert o.drop(index=list(repeated))["order_id"].is_unique
    for i in repeated:  # a repeated row is an exact copy of the row before it
        assert o.iloc[i].equals(o.iloc[i - 1])
    assert o["order_id"].str.fullmatch(r"O\d{12,}").all()
    assert data["interactions"]["interaction_id"].is_unique
    assert data["opportunities"]["lead_id"].is_unique
    assert data["requirements"]["req_id"].is_unique


def test_check_characters(data: dict) -> None:
    c = data["customers"]
    ent = c["customer_type"] == "企业"
    bad_u = _dirty(data, "customers", "uscc", "bad_uscc_check")
    bad_i = _dirty(data, "customers", "id_number", "bad_id_check")
    assert bad_u and bad_i
    for i, code in c.loc[ent, "uscc"].items():
        if code:
            assert uscc.is_valid(code) != (i in bad_u), (i, code)
    end = pd.Timestamp("2024-12-31")
    for i, row in c.loc[~ent].iterrows():
        if i in bad_i:
            with pytest.raises(ric.InvalidChecksum):
                ric.validate(row["id_number"])
            continue
        ric.validate(row["id_number"])  # check digit, birth date, birth place
        birth = pd.Timestamp(ric.get_birth_date(row["id_number"]))
        age = end.year - birth.year - ((end.month, end.day) < (birth.month, birth.day))
        assert int(row["age"]) == age
        assert row["gender"] == ("男" if int(row["id_number"][16]) % 2 else "女")
    assert (c.loc[~ent, "uscc"] == "").all() and (c.loc[~ent, "size"] == "").all()
    assert (c.loc[ent, "id_number"] == "").all() and (c.loc[ent, "age"] == "").all()


# --- dirt: rates, pointers, clean rows --------------------------------------------------------


def test_dirt_lines_point_at_written_values(data: dict) -> None:
    d = data["dirt"]
    assert set(d["kind"]) == set(DIRT_RATES)
    assert not d.duplicated(["table", "row", "column"]).any()  # one defect per cell
    for table, group in d.groupby("table"):
        df = data[table]
        key = TABLES[table].key
        for row in group.itertuples():
            cell = df.at[row.row, row.column]
            assert (cell if isinstance(cell, str) else "") == row.written, row
            assert df.at[row.row, key] == row.key, row


def test_dirt_rates(data: dict) -> None:
    d, c, o = data["dirt"], data["customers"], data["orders"]
    ent = int((c["customer_type"] == "企业").sum())
    count = d.groupby(["table", "kind"]).size()

    def rate(table: str, kind: str, scope: int) -> float:
        return count.get((table, kind), 0) / scope

    orders = len(o)
    checks = {
        "duplicate_customer": rate("customers", "duplicate_customer", N),
        "malformed_phone": rate("customers", "malformed_phone", len(c)),
        "missing_key_field": rate("customers", "missing_key_field", len(c)),
        "deal_before_contact": rate("customers", "deal_before_contact", len(c)),
        "bad_uscc_check": rate("customers", "bad_uscc_check", ent),
        "bad_id_check": rate("customers", "bad_id_check", len(c) - ent),
        "free_text_industry": rate("customers", "free_text_industry", ent),
        "garbage_date": rate("orders", "garbage_date", orders),
        "amount_format": rate("orders", "amount_format", orders),
        "negative_amount": rate("orders", "negative_amount", orders),
        "unknown_customer": rate("orders", "unknown_customer", orders),
        "duplicate_order_row": rate("orders", "duplicate_order_row", orders),
    }
    for kind, achieved in checks.items():
        assert achieved == pytest.approx(DIRT_RATES[kind], rel=0.15, abs=0.0005), kind
    date_cols = ("founded", "first_contact_date", "first_deal_date")
    cells = sum(int((c[col] != "").sum()) for col in date_cols)
    assert rate("customers", "mixed_date_format", cells) == pytest.approx(0.10, rel=0.1)
    assert rate("orders", "mixed_date_format", orders) == pytest.approx(0.10, rel=0.1)
    r = data["requirements"]
    cells = sum(int(r[col].notna().sum()) for col in ("created_date", "due_date", "resolved_date"))
    assert rate("requirements", "mixed_date_format", cells) == pytest.approx(
        XLSX_TEXT_DATE_RATE, rel=0.15
    )


def test_true_values_are_canonical(data: dict) -> None:
    d = data["dirt"]
    for kind in ("mixed_date_format", "garbage_date", "deal_before_contact"):
        assert d.loc[d["kind"] == kind, "true"].str.fullmatch(ISO.pattern).all(), kind
    for kind in ("amount_format", "negative_amount"):
        sel = d[d["kind"] == kind]
        assert sel["true"].str.fullmatch(AMOUNT.pattern).all()
    fmt = d[d["kind"] == "amount_format"]
    for written, true in zip(fmt["written"], fmt["true"], strict=True):
        text = written.replace(",", "").replace("¥", "").replace("元", "")
        value = float(text[:-1]) * 10_000 if text.endswith("万") else float(text)
        assert value == pytest.approx(float(true)), written
    industries = {row[0] for row in vocab.INDUSTRIES}
    assert set(d.loc[d["kind"] == "free_text_industry", "true"]) <= industries
    phones = d[d["kind"] == "malformed_phone"]
    assert phones["true"].str.fullmatch(PHONE.pattern).all()
    assert not phones["written"].str.fullmatch(PHONE.pattern).any()


def test_clean_cells_are_canonical(data: dict) -> None:
    c, o = data["customers"], data["orders"]
    industries = {row[0] for row in vocab.INDUSTRIES}
    ids = set(c["customer_id"])
    for col in ("founded", "first_contact_date", "first_deal_date"):
        clean = c.drop(index=list(_dirty(data, "customers", col)))[col]
        assert clean.map(lambda v: v == "" or bool(ISO.match(v))).all(), col
        pd.to_datetime(clean[clean != ""], format="%Y-%m-%d")
    phone = c.drop(index=list(_dirty(data, "customers", "phone")))["phone"]
    assert phone.str.fullmatch(PHONE.pattern).all()
    ent = c[c["customer_type"] == "企业"].drop(index=list(_dirty(data, "customers", "industry")))
    assert set(ent["industry"]) <= industries
    assert ent["size"].isin(["小型", "中型", "大型"]).all()
    assert ent["decision_role"].isin(["决策者", "影响者", "使用者"]).all()
    assert ent["name"].str.contains("公司").mean() > 0.97  # abbreviated duplicates aside
    assert c["region"].isin(REGIONS).all() and c["status"].isin(vocab.STATUSES).all()
    for col, pattern in (("order_date", ISO), ("amount", AMOUNT)):
        clean = o.drop(index=list(_dirty(data, "orders", col)))[col]
        assert clean.str.fullmatch(pattern.pattern).all(), col
    known = o.drop(index=list(_dirty(data, "orders", "customer_id")))["customer_id"]
    assert known.isin(ids).all()
    unknown = o.loc[list(_dirty(data, "orders", "customer_id")), "customer_id"]
    assert not unknown.isin(ids).any()
    for table in ("interactions", "opportunities"):
        df = data[table]
        for col in TABLES[table].columns:
            if col.kind == "date":
                assert df[col.name].map(lambda v: v == "" or bool(ISO.match(v))).all()
        assert df["customer_id"].isin(ids).all()
    assert data["opportunities"]["expected_amount"].str.fullmatch(AMOUNT.pattern).all()


def _phone_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    return digits.lstrip("0")


def test_duplicates_truth(data: dict) -> None:
    c = data["customers"].set_index("customer_id")
    dups = data["dups"]
    assert set(dups["how"]) == {"abbreviated_name", "phone_reentry", "same_uscc", "same_id_number"}
    for row in dups.itertuples():
        dup, orig = c.loc[row.duplicate_id], c.loc[row.survivor_id]
        assert row.duplicate_id > row.survivor_id  # entered later
        assert dup["region"] == orig["region"] and dup["customer_type"] == orig["customer_type"]
        if row.how == "abbreviated_name":
            legal = sorted((f for f, _ in vocab.LEGAL_FORMS), key=len, reverse=True)
            short = next((dup["name"].removesuffix(f) for f in legal if dup["name"].endswith(f)),
                         dup["name"])  # fmt: skip
            assert dup["name"] != orig["name"] and short in orig["name"]
            assert len(short) < len(orig["name"])
            assert dup["phone"] == orig["phone"] or dup["uscc"] == orig["uscc"]
        elif row.how == "phone_reentry":
            assert dup["name"] == orig["name"] and dup["phone"] != orig["phone"]
            assert _phone_digits(dup["phone"]) == _phone_digits(orig["phone"])
        elif row.how == "same_uscc":
            assert dup["uscc"] == orig["uscc"] and dup["name"] != orig["name"]
        else:
            assert dup["id_number"] == orig["id_number"] and dup["name"] == orig["name"]
    # Some of the originals' later orders were entered under the duplicate's id.
    o = data["orders"]
    assert o["customer_id"].isin(dups["duplicate_id"]).sum() > 0
    assert data["interactions"]["customer_id"].isin(dups["duplicate_id"]).sum() > 0


# --- behaviour signal -------------------------------------------------------------------------


def _orders_clean(data: dict) -> pd.DataFrame:
    """Orders with the true customer and date restored, repeated rows dropped."""
    o = data["orders"]
    o = o.drop(index=list(_listed_rows(data, "orders", ("duplicate_order_row",)))).copy()
    d = data["dirt"]
    for kind, col in (
        ("mixed_date_format", "order_date"),
        ("garbage_date", "order_date"),
        ("unknown_customer", "customer_id"),
    ):
        fix = d[(d["table"] == "orders") & (d["kind"] == kind)]
        o.loc[fix["row"].to_numpy(), col] = fix["true"].to_numpy()
    o["date"] = pd.to_datetime(o["order_date"], format="%Y-%m-%d")
    return o


def _originals(data: dict) -> pd.DataFrame:
    c = data["customers"]
    c = c[~c["customer_id"].isin(data["dups"]["duplicate_id"])].copy()
    c["contact"] = pd.to_datetime(c["customer_id"].str[1:9], format="%Y%m%d")
    return c


def test_east_grows_25_percent_a_year(data: dict) -> None:
    c = _originals(data)
    new = pd.crosstab(c["region"], c["contact"].dt.year)
    growth = new[2024] / new[2023]
    assert growth["华东"] == pytest.approx(1.25, abs=0.06)
    others = new.drop(index="华东")
    assert others[2024].sum() / others[2023].sum() < 1.12
    assert growth.drop(index="华东").max() < 1.15
    # Over the whole window: log-linear fit of yearly new customers.
    east = np.polyfit(new.columns, np.log(new.loc["华东"]), 1)[0]
    assert np.exp(east) == pytest.approx(1.25, abs=0.03)
    # First deals follow (fewer of them: not everyone buys, and with a lag).
    deals = c[c["first_deal_date"].str.fullmatch(ISO.pattern)]
    east_deals = deals[deals["region"] == "华东"]["first_deal_date"].str[:4].value_counts()
    assert east_deals["2024"] / east_deals["2023"] > 1.0


def test_south_churn_rises_in_2024(data: dict) -> None:
    t = data["true"]
    o = _orders_clean(data)
    first = o.groupby("customer_id")["date"].min()
    t = t.assign(first=t["customer_id"].map(first), drop=t["dropout_date"].replace("", None))
    t["drop"] = pd.to_datetime(t["drop"])

    def churn(year: int) -> pd.Series:
        """Share of the customers buying in ``year`` who drop out in it: 华南 vs the rest."""
        start, stop = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-31")
        alive = t[(t["first"] <= stop) & (t["drop"].isna() | (t["drop"] >= start))]
        group = np.where(alive["region"] == "华南", "华南", "其他")
        return alive.groupby(group)["drop"].apply(lambda s: (s <= stop).mean())

    c23, c24 = churn(2023), churn(2024)
    assert c24["华南"] / c23["华南"] > 1.25
    assert c24["其他"] / c23["其他"] < 1.2
    assert c24["华南"] > c24["其他"] + 0.1
    # Visible without the truth: churned customers whose last order fell in H1.
    c = data["customers"]
    last = o.groupby("customer_id")["date"].max()
    lost = c[c["status"] == "流失客户"].assign(last=lambda x: x["customer_id"].map(last))
    south = lost[lost["region"] == "华南"]["last"]
    h1_23 = south.between("2023-01-01", "2023-06-30").sum()
    h1_24 = south.between("2024-01-01", "2024-06-30").sum()
    assert h1_24 > 1.5 * h1_23


def test_complaints_rise_and_satisfaction_falls_before_dropout(data: dict) -> None:
    i = data["interactions"]
    drop = data["true"].set_index("customer_id")["dropout_date"].replace("", None)
    i = i.assign(date=pd.to_datetime(i["interaction_date"]),
                 drop=pd.to_datetime(i["customer_id"].map(drop)))  # fmt: skip
    before = i["drop"].notna() & (i["date"] <= i["drop"])
    window = before & (i["date"] > i["drop"] - pd.Timedelta(days=180))
    active = i["drop"].isna() | (i["date"] <= i["drop"] - pd.Timedelta(days=180))
    share = lambda sel: (i.loc[sel, "type"] == "投诉").mean()  # noqa: E731
    assert share(window) > 2.5 * share(active)
    sat = i["satisfaction"].astype(int)
    assert sat[window].mean() < sat[active].mean() - 0.4
    # Contacts thin out after dropout.
    after = i["drop"].notna() & (i["date"] > i["drop"])
    assert after.sum() < 0.5 * window.sum()


def test_status_consistent_with_orders(data: dict) -> None:
    c, o, t = data["customers"], _orders_clean(data), data["true"]
    o = o[o["customer_id"].isin(set(c["customer_id"]))]
    n_orders = c["customer_id"].map(o.groupby("customer_id").size()).fillna(0)
    last = c["customer_id"].map(o.groupby("customer_id")["date"].max())
    assert (n_orders[c["status"] == "潜在客户"] == 0).all()
    assert (n_orders[c["status"] != "潜在客户"] > 0).all()
    churned = last[c["status"] == "流失客户"]
    assert (churned < pd.Timestamp("2024-12-31") - pd.Timedelta(days=180)).all()
    truth = t.set_index("customer_id")["true_status"]
    orig = c[c["customer_id"].isin(truth.index)]
    status = orig.set_index("customer_id")["status"]
    assert (truth[status[status == "流失客户"].index] == "dropped").all()
    assert (truth[status[status == "潜在客户"].index] == "prospect").all()
    assert 0.1 < (status == "潜在客户").mean() < 0.2


def test_eight_quarters_populated_in_every_region(data: dict) -> None:
    region = data["customers"].set_index("customer_id")["region"]
    o = _orders_clean(data)
    o = o[o["customer_id"].isin(region.index)]
    quarters = pd.period_range("2023Q1", "2024Q4", freq="Q")
    table = pd.crosstab(o["customer_id"].map(region), o["date"].dt.to_period("Q"))
    assert (table.loc[list(REGIONS), quarters] >= 30).all().all()
    i = data["interactions"]
    period = pd.to_datetime(i["interaction_date"]).dt.to_period("Q")
    table = pd.crosstab(i["customer_id"].map(region), period)
    assert (table.loc[list(REGIONS), quarters] >= 30).all().all()
    assert set(data["customers"]["province"]) >= {"北京市", "新疆维吾尔自治区", "海南省"}


def test_funnel_dates_and_won_leads(data: dict) -> None:
    op = data["opportunities"].replace("", None)
    days = {c: pd.to_datetime(op[c]) for c in ("created_date", "intent_date", "proposal_date")}
    days |= {c: pd.to_datetime(op[c]) for c in ("won_date", "lost_date")}
    assert (
        (days["created_date"] <= days["intent_date"]).where(days["intent_date"].notna(), True).all()
    )
    assert (
        (days["intent_date"] <= days["proposal_date"])
        .where(days["proposal_date"].notna(), True)
        .all()
    )
    assert (days["proposal_date"] <= days["won_date"]).where(days["won_date"].notna(), True).all()
    assert set(op["stage"]) == set(vocab.STAGES)
    won = op[op["stage"] == "成交"]
    assert won["won_date"].notna().all() and won["lost_reason"].isna().all()
    lost = op[op["stage"] == "流失"]
    assert lost["lost_reason"].value_counts().idxmax() == "价格偏高"
    # Each buyer's first won lead is won on the day of the first order.
    o = _orders_clean(data)
    first_order = o.groupby("customer_id")["date"].min()
    first_won = pd.to_datetime(won.groupby("customer_id")["won_date"].min())
    buyers = first_won.index.intersection(_originals(data)["customer_id"])
    assert (first_won[buyers] == first_order[buyers]).mean() > 0.99


def test_requirements_content(data: dict) -> None:
    r = data["requirements"]
    assert set(r["category"]) == set(vocab.REQ_CATEGORIES)
    solved = r[r["status"] == "已解决"]
    dates = solved[solved["resolved_date"].map(lambda v: hasattr(v, "year"))]
    created = dates["created_date"].map(lambda v: v if hasattr(v, "year") else None)
    ok = created.isna() | (dates["resolved_date"] >= created)
    assert ok.all()
    assert solved["satisfaction"].notna().all()
    rejected = r[r["status"] == "无法满足"]
    assert rejected["rejection_reason"].notna().all() and rejected["satisfaction"].isna().all()
    words = r["description"].str.contains("报表|导出|培训|接口|折扣|集成")
    assert words.mean() > 0.3
    per_buyer = len(r) / (data["customers"]["status"] != "潜在客户").sum()
    assert 1.0 < per_buyer < 2.0


def test_dates_are_coherent(data: dict) -> None:
    c = data["customers"]
    contact = pd.to_datetime(c["customer_id"].str[1:9], format="%Y%m%d")
    contact_of = pd.Series(contact.to_numpy(), index=c["customer_id"])
    deal_rows = _dirty(data, "customers", "first_deal_date", "deal_before_contact")
    restore = data["dirt"].query("table == 'customers' and column == 'first_deal_date'")
    deal = c["first_deal_date"].copy()
    deal[restore["row"].to_numpy()] = restore["true"].to_numpy()
    deal = pd.to_datetime(deal.replace("", None), format="%Y-%m-%d")
    assert (deal.dropna() >= contact[deal.notna()]).all()
    written = pd.to_datetime(c.loc[list(deal_rows), "first_deal_date"], format="%Y-%m-%d")
    assert (written < contact[list(deal_rows)]).all()
    end = pd.Timestamp("2024-12-31")
    o = _orders_clean(data)
    assert (o["date"] >= o["customer_id"].map(contact_of)).all() and (o["date"] <= end).all()
    first_order = o.groupby("customer_id")["date"].min()
    has_deal = deal.notna().to_numpy()
    assert (first_order[c["customer_id"][has_deal]].to_numpy() == deal[has_deal]).all()
    i = data["interactions"]
    day = pd.to_datetime(i["interaction_date"])
    assert (day >= i["customer_id"].map(contact_of)).all() and (day <= end).all()
    r = data["requirements"]
    created = r["created_date"].map(lambda v: v if hasattr(v, "year") else None).dropna()
    assert (pd.to_datetime(created) <= end).all()

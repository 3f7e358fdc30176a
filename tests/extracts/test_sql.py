"""SQL sources: the same typing and quarantine as files, against SQLite (always) and a real
PostgreSQL server (WORKBENCH_TEST_PG_URL; .ci/run starts one, elsewhere skipped without one)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from workbench.core.errors import ExtractError
from workbench.extracts.sql import load_extracts_sql
from workbench.io import load_extracts_sql as from_io

PG_DEFAULT = "postgresql+psycopg2://postgres@localhost:5432/postgres"

ORDER_ROWS = [  # (订单编号, 客户编号, 交易日期 as text, 交易金额 as text, 产品名称)
    ("O1", "C1", "2024-10-02", "120000.00", "CRM专业版"),
    ("O2", "C1", "2024/11/15", "52万元", "实施服务"),
    ("O3", "C2", "2024-13-45", "800", "培训服务"),  # garbage date → quarantined
    ("O4", "C2", "2024-12-01", None, "年度维保"),  # no amount → quarantined
    ("O1", "C1", "2024-10-02", "120000.00", "CRM专业版"),  # the same row again
    ("O5", "C2", "2024-12-03", "1,2,3", "CRM标准版"),  # not an amount → quarantined
    ("O6", "C2", "2024年12月4日", "-500", "退款"),  # negative: loaded, flagged by cleaning
]
CUSTOMER_ROWS = [  # 客户编号, 客户名称, 联系电话 (BIGINT), 所在省份, 首次接触时间 (DATE), 成立时间, 年龄
    ("C1", "杭州云帆科技有限公司", 13800138000, "浙江省", dt.date(2023, 1, 5), "2015年3月1日", None),
    ("C2", "李娜", None, "广东省", None, "很久以前", 35),  # garbage optional date → an issue
    (None, "无名客户", 13900139000, "北京市", dt.date(2023, 3, 1), None, None),  # no key
]  # fmt: skip


@dataclass
class Database:
    """A scratch database: its URL, the schema holding the test tables, and an engine."""

    url: str
    schema: str | None
    engine: sa.Engine

    def name(self, table: str) -> str:
        return f"{self.schema}.{table}" if self.schema else table

    def quoted(self, table: str) -> str:
        quote = self.engine.dialect.identifier_preparer.quote
        return f"{quote(self.schema)}.{quote(table)}" if self.schema else quote(table)


def _create_tables(engine: sa.Engine, schema: str | None) -> None:
    meta = sa.MetaData(schema=schema)
    orders = sa.Table("交易记录", meta, *(sa.Column(c, sa.Text) for c in
                      ("订单编号", "客户编号", "交易日期", "交易金额", "产品名称")))  # fmt: skip
    customers = sa.Table(
        "客户基本信息表", meta,
        sa.Column("客户编号", sa.Text), sa.Column("客户名称", sa.Text),
        sa.Column("联系电话", sa.BigInteger), sa.Column("所在省份", sa.Text),
        sa.Column("首次接触时间", sa.Date), sa.Column("成立时间", sa.Text),
        sa.Column("年龄", sa.Integer),
    )  # fmt: skip
    native = sa.Table(
        "orders_native", meta,
        sa.Column("order_id", sa.Text), sa.Column("customer_id", sa.Text),
        sa.Column("交易日期", sa.Date), sa.Column("交易金额", sa.Numeric(12, 2)),
        sa.Column("产品名称", sa.Text),
    )  # fmt: skip
    meta.create_all(engine)
    with engine.begin() as connection:
        connection.execute(orders.insert(), [dict(zip(orders.c.keys(), r, strict=True))
                                             for r in ORDER_ROWS])  # fmt: skip
        connection.execute(customers.insert(), [dict(zip(customers.c.keys(), r, strict=True))
                                                for r in CUSTOMER_ROWS])  # fmt: skip
        connection.execute(native.insert(), [
            {"order_id": "N1", "customer_id": "C1", "交易日期": dt.date(2024, 5, 1),
             "交易金额": Decimal("1200.50"), "产品名称": "CRM专业版"},
            {"order_id": "N2", "customer_id": "C2", "交易日期": dt.date(2024, 5, 2),
             "交易金额": Decimal("99.90"), "产品名称": "培训服务"},
            {"order_id": "N3", "customer_id": "C2", "交易日期": None,
             "交易金额": Decimal("10.00"), "产品名称": "CRM标准版"},
        ])  # fmt: skip


@functools.cache
def _probe(url: str) -> str | None:
    """None if a PostgreSQL server answers at `url`, else why not (probed once per run)."""
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:
        return f"no PostgreSQL at {shown} ({type(exc).__name__}); .ci/run starts one"
    return None


def _postgres_url() -> str:
    """The server to test against, or skip (fail on CI, where .ci/run promised one)."""
    explicit = os.environ.get("WORKBENCH_TEST_PG_URL")
    url = explicit or PG_DEFAULT
    reason = _probe(url)
    if reason and explicit and os.environ.get("CI"):
        pytest.fail(f"WORKBENCH_TEST_PG_URL is set on CI but: {reason}")
    if reason:
        pytest.skip(reason)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path: Path):
    """The test tables in SQLite (a file) or in a scratch schema on PostgreSQL, dropped after."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crm.db'}"
        engine = sa.create_engine(url)
        _create_tables(engine, None)
        yield Database(url, None, engine)
        engine.dispose()
        return
    url = _postgres_url()
    schema = f"wb_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        _create_tables(engine, schema)
        yield Database(url, schema, engine)
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()


def test_tables_found_by_chinese_name_load_like_files(db):
    extracts = load_extracts_sql(db.url, tables=("customers", "orders"), schema=db.schema)
    orders, customers = extracts.orders, extracts.customers
    assert orders["order_id"].tolist() == ["O1", "O2", "O6"]
    assert orders["amount"].tolist() == [120_000.0, 520_000.0, -500.0]
    assert orders["order_date"].dtype == "datetime64[ns]"
    assert orders["order_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-10-02", "2024-11-15", "2024-12-04"]  # fmt: skip
    assert orders["source_row"].tolist() == [1, 2, 7]  # 1-based rows of the result
    q = extracts.quarantine.set_index(["table", "row"])
    assert q.loc[("orders", 3), "reason"] == "unparseable_date"
    assert q.loc[("orders", 3), "value"] == "2024-13-45"
    assert q.loc[("orders", 4), "reason"] == "missing_required"
    assert q.loc[("orders", 5), "reason"] == "duplicate_row"
    assert (
        q.loc[("orders", 5), "detail"]
        == "repeats row 1 in every column; the order has no other line"
    )
    assert q.loc[("orders", 6), "reason"] == "unparseable_amount"
    assert json.loads(q.loc[("orders", 6), "raw"])["交易金额"] == "1,2,3"
    assert q.loc[("customers", 3), "reason"] == "missing_required"
    assert set(extracts.quarantine["file"]) == {
        f"sql:{db.name('交易记录')}", f"sql:{db.name('客户基本信息表')}"}  # fmt: skip
    assert extracts.sources == {"customers": f"sql:{db.name('客户基本信息表')}",
                                "orders": f"sql:{db.name('交易记录')}"}  # fmt: skip
    assert customers["phone"].tolist()[0] == "13800138000"  # a BIGINT phone, no ".0"
    assert customers["first_contact_date"].tolist()[0] == pd.Timestamp("2023-01-05")
    assert customers["founded"].tolist()[0] == pd.Timestamp("2015-03-01")
    assert customers["age"].dtype == "Int64" and customers["age"].tolist()[1] == 35
    assert customers["region"].tolist() == ["华东", "华南"]
    issues = extracts.issues
    assert issues[["table", "row", "column", "value"]].values.tolist() == [
        ["customers", 2, "成立时间", "很久以前"]]  # fmt: skip
    rec = extracts.reconciliation()
    assert rec.loc["orders"].to_dict() == {
        "rows_read": 7, "loaded": 3, "quarantined": 4, "balanced": True}  # fmt: skip
    assert rec["balanced"].all()


def test_a_query_or_a_table_name_per_extract(db):
    query = (
        f'SELECT order_id, customer_id, "交易日期", "交易金额" AS "金额", "产品名称" '
        f"FROM {db.quoted('orders_native')} WHERE \"产品名称\" LIKE '%版' ORDER BY order_id"
    )
    extracts = from_io(db.url, sources={"orders": query, "客户基本信息表": db.name("客户基本信息表")},
                       tables=("orders", "customers"))  # fmt: skip
    orders = extracts.orders
    assert orders["order_id"].tolist() == ["N1"]  # N3 has no date: quarantined
    assert orders["amount"].tolist() == [1200.5]  # NUMERIC (Decimal) → float
    assert orders["order_date"].tolist() == [pd.Timestamp("2024-05-01")]
    q = extracts.quarantine
    assert q[["table", "row", "reason"]].values.tolist()[0] == ["orders", 2, "missing_required"]
    assert q["file"].iloc[0].startswith("sql:SELECT order_id, customer_id")
    assert len(extracts.customers) == 2 and extracts.reconciliation()["balanced"].all()


def test_sql_errors_are_one_clear_message(db):
    with pytest.raises(ExtractError, match=r"no table for requirements \(需求分析表\).*交易记录"):
        load_extracts_sql(db.url, tables=("requirements",), schema=db.schema)
    with pytest.raises(ExtractError, match=r"sources: unknown table 'orderz'"):
        load_extracts_sql(db.url, sources={"orderz": "x"}, tables=("orders",))
    with pytest.raises(ExtractError, match=r"sql:SELECT nothing FROM.*the query failed"):
        load_extracts_sql(db.url, sources={"orders": "SELECT nothing FROM nowhere_at_all"},
                          tables=("orders",))  # fmt: skip
    with pytest.raises(ExtractError, match=r"missing required column\(s\) 交易日期"):
        load_extracts_sql(db.url, sources={"orders": f"SELECT order_id, customer_id FROM "
                                                     f"{db.quoted('orders_native')}"},
                          tables=("orders",))  # fmt: skip


def test_unusable_urls_fail_without_a_traceback(tmp_path):
    with pytest.raises(ExtractError, match="not a usable database URL"):
        load_extracts_sql("nosuchdb://x/y")
    with pytest.raises(ExtractError, match="unable to open database file"):
        load_extracts_sql(f"sqlite:///{tmp_path}/missing/folder/crm.db", tables=("orders",))
    with pytest.raises(ExtractError, match=r"postgresql://u:\*\*\*@127\.0\.0\.1:9/x"):
        load_extracts_sql("postgresql://u:secret@127.0.0.1:9/x", tables=("orders",))


def test_cli_loads_from_sql(tmp_path, capsys):
    import sqlite3

    from workbench.cli import main

    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as con:
        con.execute(
            'CREATE TABLE "交易记录" ("订单编号" TEXT, "客户编号" TEXT, "交易日期" TEXT, "交易金额" TEXT)'
        )
        con.executemany(
            'INSERT INTO "交易记录" VALUES (?, ?, ?, ?)',
            [("O1", "C1", "2024-01-02", "52万元"), ("O2", "C1", "待定", "10")],
        )
    code = main(["load", "--sql", f"sqlite:///{db}", "--source", "orders=交易记录"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[1].split() == ["orders", "2", "1", "1", "True"]
    assert "unparseable_date    1" in out

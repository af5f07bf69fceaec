"""Engines for the store: a SQLite file set up for several writers, or PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import make_url
from sqlalchemy.pool import NullPool, QueuePool

from toolkit import settings

BUSY_TIMEOUT_MS = 30_000

# PostgreSQL: a trust runs hundreds of page kernels on one server, whose max_connections is 100
# unless raised. SQLAlchemy's default pool let each kernel hold up to 15 connections, and keep
# them open, idle, for as long as the page. A page's kernel serves one person and runs one
# query at a time, so by default it keeps none (NullPool): it opens a connection for each
# transaction and closes it, and the server sees only the kernels querying at that moment.
# That costs a new connection each time: measured on one machine, 3.6-4.7 ms a transaction
# over a Unix socket and 5-7 ms over TCP with a password, against 0.1-0.4 ms on a kept one;
# a sign-in (three transactions and a code check) takes 14-15 ms against 3-6 ms. Nobody
# notices. Keeping one (ESAFETY_DB_POOL_SIZE=1) saves those milliseconds but holds a
# connection per open page, preheated ones included: it suits a PgBouncer in front of the
# database, or a max_connections above the number of pages open at once.
CONNECT_TIMEOUT_S = 10  # a server that does not answer fails the query rather than hang the page
POOL_TIMEOUT_S = 5  # with connections kept, another thread of the page waits this long for one
RECYCLE_S = 1800  # a kept connection is renewed after half an hour, before firewalls drop it


def sqlite_file(url: str) -> Path | None:
    """The absolute path of a SQLite file store; None for PostgreSQL or an in-memory store."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or "uri" in parsed.query:
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(os.path.abspath(parsed.database))


def make_engine(url: str, create: bool = True, kept: int | None = None) -> Engine:
    """An engine for the store; a SQLite file is made here only if `create`, never by a connection.
    `kept` is how many PostgreSQL connections to keep open (None: ESAFETY_DB_POOL_SIZE)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return postgresql_engine(
            url, settings.whole_number("db_pool_size") if kept is None else kept
        )
    path = sqlite_file(url)
    if path is not None:
        if create and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()  # an empty file is an empty SQLite database
        # mode=rw: a connection opened after the file is deleted fails instead of making a new one.
        database = f"file:{quote(str(path))}"
        parsed = parsed.set(database=database, query={**parsed.query, "mode": "rw", "uri": "true"})
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions, so writes can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        # A write takes the lock at BEGIN, so two writers queue instead of failing mid-way.
        writes = conn.get_execution_options().get("writes", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


def postgresql_engine(url: str, kept: int) -> Engine:
    """A PostgreSQL engine: with `kept` 0, a connection only while a transaction runs; else
    `kept` connections kept open, and never more."""
    pool: dict = {"poolclass": NullPool}
    if kept:  # at most `kept` at once: no overflow beyond them
        pool = {
            "poolclass": QueuePool,
            "pool_size": kept,
            "max_overflow": 0,
            "pool_timeout": POOL_TIMEOUT_S,
            "pool_recycle": RECYCLE_S,
        }
    return create_engine(
        url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}, **pool
    )

"""Engines for the store: a SQLite file set up for several writers, or PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import make_url

BUSY_TIMEOUT_MS = 30_000


def sqlite_file(url: str) -> Path | None:
    """The absolute path of a SQLite file store; None for PostgreSQL or an in-memory store."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or "uri" in parsed.query:
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(os.path.abspath(parsed.database))


def make_engine(url: str, create: bool = True) -> Engine:
    """An engine for the store; a SQLite file is made here only if `create`, never by a connection."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
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

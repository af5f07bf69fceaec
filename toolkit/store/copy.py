"""Copy a whole progress store into an empty database (a school's SQLite file into the trust's
PostgreSQL), every record kept, checked by row counts and checksums before it is committed.

The source is only read: never written, never upgraded. A source at another schema revision is
refused, with the way to upgrade it first, so that the copy reads the tables this release knows.
The target is made at the current revision and filled in one transaction, which any failure,
a failed check included, undoes: a failed copy leaves the target as it was.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import DateTime, Table, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from toolkit.store import migrate
from toolkit.store.connection import make_engine, sqlite_file
from toolkit.store.errors import StoreError
from toolkit.store.tables import metadata

BATCH = 5_000  # rows read and written at a time: a trust's store can hold 100k attempts
UNDONE = "the copy was undone and the target is as it was"


class CopyRefused(StoreError):
    """The copy was not started: the message says why and what to do."""


class CopyFailed(StoreError):
    """The copy went wrong part-way and was rolled back."""


@dataclass(frozen=True)
class CopiedTable:
    name: str
    rows: int
    checksum: str  # the same in the source and the target


@dataclass(frozen=True)
class CopyReport:
    tables: list[CopiedTable]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


def _shown(url: URL) -> str:
    """A parsed URL as a message may give it: its password hidden (as settings.shown_url does
    for the URL as typed)."""
    return make_url(url).render_as_string(hide_password=True)


def copy_store(from_url: str, to_url: str) -> CopyReport:
    """Copy every table of the store at `from_url` into the empty database at `to_url`."""
    started = time.perf_counter()
    source_url, target_url = _parse(from_url, "source"), _parse(to_url, "target")
    if _database(source_url) == _database(target_url):
        raise CopyRefused(f"the source and the target are the same database: {_shown(source_url)}")
    target_file = sqlite_file(to_url)
    made_here = target_file is not None and not target_file.exists()
    source = _read_only_engine(source_url)
    target = make_engine(to_url, create=True)
    try:
        with _snapshot(source) as reading:
            _check_source(reading, source_url)
            tables = _fill(target, reading, target_url)
    except BaseException:
        target.dispose()
        if made_here:  # the file was made for the copy: leave no empty store behind
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{target_file}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        source.dispose()
    target.dispose()
    return CopyReport(tables, time.perf_counter() - started)


def _parse(url: str, which: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CopyRefused(
            f"the {which} is not a database URL: write it as sqlite:////path/to/esafety.db "
            "or postgresql+psycopg://user@host/database"
        ) from None
    if parsed.get_backend_name() == "sqlite" and sqlite_file(url) is None:
        raise CopyRefused(f"the {which} must be a SQLite file, not {_shown(parsed)}")
    return parsed


def _database(url: URL) -> tuple:
    """What names one database, whatever the driver or the password."""
    if url.get_backend_name() == "sqlite":
        return ("sqlite", sqlite_file(url.render_as_string(hide_password=False)).resolve())
    host = url.host or url.query.get("host")
    return (url.get_backend_name(), host, url.port, url.database)


def _read_only_engine(url: URL) -> Engine:
    """An engine that cannot write: SQLite opened read-only, PostgreSQL in read-only transactions."""
    if url.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True)
        return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    path = sqlite_file(url.render_as_string(hide_password=False))
    if not path.exists():
        raise CopyRefused(
            f"there is no progress store at {path}: check the path (the copy never makes a source)"
        )
    database = f"file:{quote(str(path))}"
    engine = create_engine(url.set(database=database, query={"mode": "ro", "uri": "true"}))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below, not the driver's

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        conn.exec_driver_sql("BEGIN")  # one snapshot for the whole read

    return engine


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction: every table read as it was at one moment."""
    with engine.connect() as conn, conn.begin():
        yield conn


def _check_source(conn: Connection, url: URL) -> None:
    found = migrate.revision(conn)
    if found == migrate.HEAD:
        return
    if found is None and not inspect(conn).has_table("learners"):
        raise CopyRefused(f"{_shown(url)} holds no progress store: check the source URL")
    if found is not None and found > migrate.HEAD:
        raise CopyRefused(
            f"the source store is at schema revision {found}, made by a newer release of the "
            "toolkit: copy it with that release"
        )
    raise CopyRefused(
        f"the source store is at schema revision {found or 'of release 0.1.0'}, older than this "
        f"release's {migrate.HEAD}, and the copy never changes its source: back it up and open it "
        f"once with this release to upgrade it (ESAFETY_DATABASE_URL='{_shown(url)}' esafety "
        "classes list), or upgrade a copy of the file and copy that"
    )


def _fill(target: Engine, reading: Connection, url: URL) -> list[CopiedTable]:
    """Make the tables, copy every row, move the sequences on and check: one transaction."""
    try:
        with target.connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                _check_empty(conn, url)
                migrate.upgrade_within(conn)
                copied = [_copy_table(reading, conn, table) for table in metadata.sorted_tables]
                _move_sequences(conn)
                _verify(conn, copied)
    except migrate.MigrationFailed as err:
        raise CopyFailed(f"{err}; {UNDONE}") from None
    except SQLAlchemyError as err:
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        raise CopyFailed(f"{reason}; {UNDONE}: put that right and run the command again") from None
    return copied


def _check_empty(conn: Connection, url: URL) -> None:
    present = set(inspect(conn).get_table_names())
    filled = [
        f"{table.name}: {rows}"
        for table in metadata.sorted_tables
        if table.name in present and (rows := conn.scalar(select(func.count()).select_from(table)))
    ]
    if filled:
        raise CopyRefused(
            f"the target {_shown(url)} already holds records ({', '.join(filled)}): copy only into "
            "an empty database, such as one made for this school with createdb"
        )


def _copy_table(reading: Connection, conn: Connection, table: Table) -> CopiedTable:
    rows, checksum = 0, 0
    for batch in _batches(reading, table):
        conn.execute(table.insert(), [dict(zip(table.c.keys(), row, strict=True)) for row in batch])
        rows += len(batch)
        checksum += _checksum(batch)
    return CopiedTable(table.name, rows, _hex(checksum))


def _verify(conn: Connection, copied: list[CopiedTable]) -> None:
    """Read every table back from the target: its row count and checksum as in the source."""
    for expected in copied:
        table = metadata.tables[expected.name]
        rows, checksum = 0, 0
        for batch in _batches(conn, table):
            rows += len(batch)
            checksum += _checksum(batch)
        if (rows, _hex(checksum)) != (expected.rows, expected.checksum):
            raise CopyFailed(
                f"the table {table.name} differs after the copy ({rows} rows read back, "
                f"{expected.rows} copied); {UNDONE}: check the target database and run again"
            )


def _batches(conn: Connection, table: Table) -> Iterator[list[tuple]]:
    """The table's rows in order of primary key, a batch at a time, times in UTC."""
    times = [i for i, column in enumerate(table.c) if isinstance(column.type, DateTime)]
    query = select(table).order_by(*table.primary_key.columns)
    result = conn.execute(query, execution_options={"yield_per": BATCH})
    for part in result.partitions(BATCH):
        if not times:
            yield [tuple(row) for row in part]
            continue
        batch = []
        for row in part:
            values = list(row)
            for i in times:
                values[i] = _utc(values[i])
            batch.append(tuple(values))
        yield batch


def _utc(value: datetime | None) -> datetime | None:
    """SQLite gives back naive times, stored in UTC; PostgreSQL's are in its session's zone."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _checksum(rows: list[tuple]) -> int:
    """A sum of each row's SHA-256: the same whatever order the database sorts text in."""
    return sum(int.from_bytes(hashlib.sha256(repr(row).encode()).digest(), "big") for row in rows)


def _hex(checksum: int) -> str:
    return f"{checksum % 2**256:064x}"


def _move_sequences(conn: Connection) -> None:
    """Set each PostgreSQL id sequence past the copied ids, so new rows get new ids."""
    if conn.dialect.name != "postgresql":
        return  # SQLite gives the next rowid after the largest
    for table in metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = conn.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column.name},
        )
        if sequence is None:
            continue
        largest = conn.scalar(select(func.max(column))) or 0
        conn.execute(
            text("SELECT setval(CAST(:sequence AS regclass), :next, false)"),
            {"sequence": sequence, "next": largest + 1},
        )

"""The store's core: opening the database, read and write transactions, and school-wide settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Table, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from toolkit.store import migrate
from toolkit.store.connection import make_engine, sqlite_file
from toolkit.store.errors import StoreBusy, StoreMissing, StoreUnavailable, UnknownLearner
from toolkit.store.records import Learner
from toolkit.store.tables import learners, meta


class StoreCore:
    """Connections and transactions; the domain operations are mixed in by `Store`."""

    def __init__(self, url: str, create: bool = True):
        """Open the store; `create=False` (the apps, `esafety serve`) refuses a missing file."""
        self.url = url
        self.file = sqlite_file(url)
        if self.file is not None and not create and not self.file.exists():
            raise StoreMissing(
                f"there is no progress store at {self.file}: run 'esafety init --demo' or "
                "'esafety init --school ID' to set the school up, or restore the file from backup"
            )
        try:
            self.engine = make_engine(url, create)
            self._identity = self._file_identity()
            migrate.upgrade(self.engine)
        except migrate.MigrationFailed as err:
            raise StoreUnavailable(str(err)) from None
        except (DatabaseError, PoolTimeout) as err:  # DatabaseError: a file that is not one too
            raise unavailable(err, "cannot open the progress store") from None
        except OSError as err:
            raise StoreUnavailable(f"cannot create the data folder: {err}") from None

    def close(self) -> None:
        self.engine.dispose()

    def _file_identity(self) -> tuple[int, int] | None:
        if self.file is None:
            return None
        try:
            found = os.stat(self.file)
        except FileNotFoundError:
            return None
        return found.st_dev, found.st_ino

    def _check_file(self) -> None:
        """Fail loudly if the SQLite file was deleted or replaced since it was opened: open
        connections would go on writing to the old file, unseen, which no backup would hold."""
        found = self._file_identity()
        if self.file is not None and (found is None or found != self._identity):
            raise StoreMissing(
                f"the progress store file {self.file} was deleted or replaced while it was in "
                "use; restore it from backup or run 'esafety init', then reload the page"
            )

    def _connect(self) -> Connection:
        """A connection, or StoreUnavailable saying why none can be had: never a hang, since
        the engine gives up on a server that does not answer (see connection.py)."""
        try:
            return self.engine.connect()
        except (OperationalError, PoolTimeout) as err:
            raise unavailable(err, "cannot reach the progress store") from None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        self._check_file()
        with self._connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        self._check_file()
        with self._connect() as conn, conn.begin():
            yield conn

    # school-wide settings

    def get_meta(self, key: str) -> str | None:
        with self._read() as conn:
            return conn.scalar(select(meta.c.value).where(meta.c.key == key))

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(meta.delete().where(meta.c.key == key))
            conn.execute(insert(meta).values(key=key, value=value))

    def _by_email(self, email: str) -> Learner:
        with self._read() as conn:
            row = conn.execute(
                select(learners).where(learners.c.email == email.strip().lower())
            ).first()
        if row is None:
            raise UnknownLearner(
                f"no one with the email {email.strip()!r} is on the roster: check the spelling "
                "against the roster CSV"
            )
        return learner_from_row(row)


# PostgreSQL's words, in English servers, when a connection is refused for want of a free one:
# past max_connections, into the slots reserved for administrators, or past a role's or a
# database's CONNECTION LIMIT. The driver gives no SQLSTATE for a refused connection.
AT_LIMIT = ("too many clients", "remaining connection slots", "too many connections")


def unavailable(err: DatabaseError | PoolTimeout, what: str) -> StoreUnavailable:
    """The store's error for a failed connection: StoreBusy when the database is at its limit."""
    reason = str(getattr(err, "orig", err))
    if isinstance(err, PoolTimeout) or any(words in reason for words in AT_LIMIT):
        return StoreBusy()
    return StoreUnavailable(f"{what}: {reason}")


def upsert(conn: Connection, table: Table, row: dict, changes: dict | None = None) -> None:
    """Insert a row; if its primary key is taken, make `changes` to that row (or leave it)."""
    dialect_insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = dialect_insert(table).values(row)
    keys = [c.name for c in table.primary_key]
    if changes:
        statement = statement.on_conflict_do_update(index_elements=keys, set_=changes)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    conn.execute(statement)


def learner_from_row(row) -> Learner:
    return Learner(
        row.id, row.name, row.email, row.role, row.start_date, row.team, row.duty, row.left_on
    )

"""Bring a progress store's tables up to date with the toolkit: Alembic migrations, run on open.

Every change to the tables ships as a revision in `toolkit/store/migrations/versions/` that keeps
every record. A store made by release 0.1.0 has no revision recorded: it is marked as at the
first revision, whose tables it has, and upgraded from there.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

HEAD = "0005"  # the newest revision (a test checks it against the migrations)
RELEASE_0_1_0 = "0001"  # the tables release 0.1.0 made, before revisions were recorded
UPGRADE_LOCK = 0x65736166  # PostgreSQL advisory lock key: one upgrade at a time


class MigrationFailed(Exception):
    pass


def revision(conn: Connection) -> str | None:
    """The revision a store is at; None if it has none recorded (new, or from release 0.1.0)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def upgrade(engine: Engine) -> None:
    """Create or upgrade the tables; quick when they are up to date."""
    with engine.connect() as conn:
        if revision(conn) == HEAD:
            return
    # One process upgrades; the others wait (at BEGIN IMMEDIATE on SQLite, for a lock held
    # until commit on PostgreSQL) and then find nothing to do.
    with engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            upgrade_within(conn)


def upgrade_within(conn: Connection) -> None:
    """Create or upgrade the tables inside the caller's write transaction, which may go on to
    fill them: undone with it on a rollback (DDL is transactional on SQLite and PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
    _upgrade(conn)


def _upgrade(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    config = Config()
    config.set_main_option("script_location", "toolkit.store:migrations")
    config.attributes["connection"] = conn
    found = revision(conn)
    if found == HEAD:
        return
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if found is not None and found not in known:
        raise MigrationFailed(
            f"the progress store is at schema revision {found}, which this release does not "
            "know: it was made by a newer release of the toolkit. Install that release again."
        )
    try:
        if found is None and inspect(conn).has_table("learners"):
            command.stamp(config, RELEASE_0_1_0)
        command.upgrade(config, "head")
    except CommandError as err:
        raise MigrationFailed(f"could not upgrade the progress store: {err}") from None

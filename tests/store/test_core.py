"""Opening the store: SQLite set up for several writers, and a missing or replaced file refused."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from tests.conftest import SCHOOL
from toolkit.store import Store, StoreMissing, StoreUnavailable


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(store):
    """Is every connection set up for several writers: WAL, busy timeout, foreign keys?"""
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_an_unreachable_database_is_a_store_error(tmp_path):
    """Does a database path that cannot be opened raise the store's own error?"""
    from toolkit.store import StoreUnavailable

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable):
        Store(f"sqlite:///{blocker / 'sub' / 'esafety.db'}")


def test_a_store_deleted_while_open_refuses_to_write(tmp_path, store, learner_and_code):
    """If the file is deleted while the store is open, does a write fail loudly, making no new file?"""
    learner, _ = learner_and_code
    attempt = store.start_attempt(learner.id, "friend-request-from-pupil", "v1")
    path = tmp_path / "esafety.db"
    path.unlink()
    with pytest.raises(StoreMissing, match="was deleted or replaced"):
        store.complete_attempt(attempt, 50)
    with pytest.raises(StoreMissing):
        store.learner_count()
    assert not path.exists()


def test_a_store_replaced_while_open_refuses_to_write(tmp_path, store, learner_and_code):
    """If another SQLite file takes the store's place, does a write fail and leave that file alone?"""
    learner, _ = learner_and_code
    path, other = tmp_path / "esafety.db", tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE unrelated (x)")
    conn.close()
    replacement = other.read_bytes()
    other.replace(path)
    with pytest.raises(StoreMissing, match="was deleted or replaced"):
        store.start_attempt(learner.id, "friend-request-from-pupil", "v1")
    assert path.read_bytes() == replacement


def test_opening_a_missing_store_without_creating_it_is_an_error(tmp_path):
    """Does `create=False` refuse a missing file, saying to run init, and make nothing?"""
    path = tmp_path / "data" / "esafety.db"
    with pytest.raises(StoreMissing, match="esafety init --demo"):
        Store(f"sqlite:///{path}", create=False)
    assert not path.parent.exists()


def test_an_existing_store_opens_without_creating(any_store):
    """Does `create=False` open a store that exists, a SQLite file or a PostgreSQL database?"""
    store = Store(any_store.url, create=False)
    try:
        assert store.get_meta("school") == SCHOOL
    finally:
        store.close()


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path):
    """Is a SQLite file that holds something else refused as unavailable, with the reason, rather
    than with the driver's own exception (which a trust's report could not tell from a bug)?"""
    path = tmp_path / "esafety.db"
    path.write_bytes(b"not a database " * 40)
    with pytest.raises(StoreUnavailable, match="cannot open the progress store: file is not a"):
        Store(f"sqlite:///{path}", create=False)

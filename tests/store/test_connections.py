"""How many PostgreSQL connections the pages' kernels hold: one each at most, and only in use."""

from __future__ import annotations

import multiprocessing
import time
from datetime import date

import psycopg
import pytest
from sqlalchemy.engine.url import make_url
from sqlalchemy.pool import NullPool, QueuePool

from tests.postgres import new_database
from toolkit import settings
from toolkit.store import NewLearner, Store, StoreBusy, connection, make_engine

KERNELS = 50


@pytest.fixture
def database(postgres) -> str:
    return new_database(postgres)


def libpq(url: str, **changes) -> str:
    """The store's SQLAlchemy URL as the driver's own, with `changes` (database, username)."""
    return make_url(url).set(drivername="postgresql", **changes).render_as_string(False)


def admin(url: str) -> psycopg.Connection:
    """A connection to the server's own database, so it is not counted against the test's."""
    return psycopg.connect(libpq(url, database="postgres"), autocommit=True)


def held(conn: psycopg.Connection, url: str) -> int:
    """The connections the server has open to the database of `url`."""
    return conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (make_url(url).database,)
    ).fetchone()[0]


def settle(conn: psycopg.Connection, url: str, expected: int) -> int:
    """The connections held, once they reach `expected` or after 5 s: a closed connection's
    server process ends a moment after the close."""
    deadline = time.monotonic() + 5
    while (count := held(conn, url)) != expected and time.monotonic() < deadline:
        time.sleep(0.02)
    return count


def test_a_kernels_store_keeps_no_connection_by_default(database, monkeypatch):
    """Is a page's store set to open a connection only while a query runs, never kept?"""
    monkeypatch.delenv("ESAFETY_DB_POOL_SIZE", raising=False)
    store = Store(database)
    try:
        assert isinstance(store.engine.pool, NullPool)
        assert store.engine.pool._pre_ping
        store.get_meta("school")
        with admin(database) as conn:
            assert settle(conn, database, 0) == 0
    finally:
        store.close()


def test_a_kept_connection_is_one_and_never_more(monkeypatch):
    """With ESAFETY_DB_POOL_SIZE=1, does the engine keep one connection with no overflow, and
    wait a few seconds at most for it?"""
    monkeypatch.setenv("ESAFETY_DB_POOL_SIZE", "1")
    engine = make_engine("postgresql+psycopg://esafety@/esafety?host=/nowhere")
    assert isinstance(engine.pool, QueuePool)
    assert (engine.pool.size(), engine.pool._max_overflow) == (1, 0)
    assert engine.pool.timeout() == connection.POOL_TIMEOUT_S <= 10
    assert engine.pool._recycle == connection.RECYCLE_S and engine.pool._pre_ping


def test_a_mistyped_pool_size_is_refused_with_its_name(monkeypatch):
    """Does a pool size that is not a whole number stop with a message naming the setting?"""
    monkeypatch.setenv("ESAFETY_DB_POOL_SIZE", "one")
    with pytest.raises(settings.SettingError, match="ESAFETY_DB_POOL_SIZE"):
        make_engine("postgresql+psycopg://esafety@/esafety?host=/nowhere")


def test_a_database_at_its_limit_is_a_clear_error_not_a_hang(database):
    """When the server refuses a connection for want of a free one, does a read fail at once
    with StoreBusy, and does the same store work again once one is free?"""
    name = make_url(database).database
    role = f"kernel_{name}"
    url = make_url(database).set(username=role).render_as_string(False)
    with admin(database) as conn:  # a limit a superuser would not meet: a role's own
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"ALTER DATABASE {name} OWNER TO {role}")
        store = Store(url)
        conn.execute(f"ALTER ROLE {role} CONNECTION LIMIT 1")
        settle(conn, database, 0)
    with psycopg.connect(libpq(url)):
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="at its limit of connections"):
            store.get_meta("school")
        assert time.monotonic() - started < 2
        with pytest.raises(StoreBusy):
            Store(url, create=False)
    with admin(database) as conn:
        settle(conn, database, 0)
    assert store.get_meta("school") is None
    store.close()


def test_a_busy_kept_connection_is_a_clear_error_not_a_hang(database, monkeypatch):
    """With one connection kept and in use, does another thread get StoreBusy after the wait?"""
    monkeypatch.setenv("ESAFETY_DB_POOL_SIZE", "1")
    monkeypatch.setattr(connection, "POOL_TIMEOUT_S", 0.2)
    store = Store(database)
    try:
        with store._read():
            with pytest.raises(StoreBusy):
                store.get_meta("school")
    finally:
        store.close()


def _kernel(url: str, email: str, code: str, start, results, finish) -> None:
    """One page's kernel: open the store, then, with every other kernel, sign in (reads and a
    write) and save a setting (a write); keep the store open until told to end."""
    try:
        store = Store(url, create=False)
        start.wait(timeout=30)
        learner = store.sign_in(email, code, client="10.0.0.1")
        store.set_meta(f"seen-{learner.id}", "yes")
        results.put(("ok", email))
        finish.wait(timeout=30)
        store.close()
    except Exception as err:  # the parent asserts on it, with the reason
        results.put(("failed", f"{email}: {err!r}"))


@pytest.mark.parametrize("kept", ["0", "1"])
def test_fifty_kernels_at_once_hold_one_connection_each_at_most(postgres, monkeypatch, kept):
    """Fifty kernels signing in at once: does each succeed, does the server never see more than
    one connection per kernel, and once they are idle, are none held (or one each, if kept)?"""
    url = new_database(postgres)
    setup = Store(url)
    people = [
        NewLearner(f"Person {i}", f"person{i}@school.example", "teacher", date(2026, 9, 1))
        for i in range(KERNELS)
    ]
    codes = {learner.email: code for learner, code in setup.add_learners(people)}
    setup.close()
    monkeypatch.setenv("ESAFETY_DB_POOL_SIZE", kept)
    context = multiprocessing.get_context("fork")  # a kernel is a process of its own
    start, finish = context.Barrier(KERNELS), context.Event()
    results = context.Queue()
    kernels = [
        context.Process(target=_kernel, args=(url, email, code, start, results, finish))
        for email, code in codes.items()
    ]
    outcomes, peak = [], 0
    with admin(url) as conn:
        for kernel in kernels:
            kernel.start()
        deadline = time.monotonic() + 60
        while len(outcomes) < KERNELS and time.monotonic() < deadline:
            peak = max(peak, held(conn, url))
            while not results.empty():
                outcomes.append(results.get())
        idle = settle(conn, url, 0 if kept == "0" else KERNELS)
        finish.set()
        for kernel in kernels:
            kernel.join(timeout=30)
    assert [reason for outcome, reason in outcomes if outcome != "ok"] == []
    assert len(outcomes) == KERNELS
    assert 0 < peak <= KERNELS
    assert idle == (0 if kept == "0" else KERNELS)

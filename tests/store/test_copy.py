"""Copying a store into an empty database: every record kept, ids going on, refusals, rollbacks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import DateTime, inspect, select

from tests.conftest import SCENARIO, SCHOOL
from tests.store.test_migrations import old_store
from toolkit.settings import shown_url
from toolkit.store import NewLearner, QuizAnswer, SignInFailed, Store, make_engine, metadata
from toolkit.store import copy as store_copy
from toolkit.store.copy import CopyFailed, CopyRefused, copy_store


def filled_store(url: str) -> Store:
    """A store with a record in every table: people, attempts, quizzes, sign-ins, classes,
    lessons delivered and the policy's clauses."""
    store = Store(url)
    store.set_meta("school", SCHOOL)
    people = [
        NewLearner("Ms Ada Park", "ada@school.example", "teacher", date(2026, 9, 1), "KS1"),
        NewLearner("Mr Ben Cole", "ben@school.example", "support", date(2026, 9, 2)),
        NewLearner("Mrs Cal Dee", "cal@school.example", "teacher", date(2026, 9, 3), "Office"),
    ]
    (ada, ada_code), (ben, _), (cal, _) = store.add_learners(people)
    store.grant(ada.email, "dsl")
    store.leave(cal.email, date(2026, 11, 1))
    for learner in (ada, ben):
        attempt = store.start_attempt(learner.id, SCENARIO, "v1")
        store.record_choice(attempt, "request", 0, "unsafe", after=0)
        store.record_choice(attempt, "accepted", 1, "safe", after=1)
        store.complete_attempt(attempt, 50)
    store.start_attempt(ben.id, "phishing-email", "v1")  # left open
    quiz = store.start_quiz(ada.id, "contact", "v1", [{"q": "q1", "order": [2, 0, 1]}])
    answers = [QuizAnswer(1, "q1", ["b"], True), QuizAnswer(2, "q2", ["a", "c"], False)]
    store.record_quiz_result(quiz, answers, 50, False)
    store.set_reflection_grade(quiz, 2.5, 4.0)
    store.sign_in(ada.email, ada_code, client="10.0.0.7")
    with pytest.raises(SignInFailed):
        store.sign_in(ben.email, "AAAA-BBBB-CCCC", client="10.0.0.8")
    oak = store.add_class("Year 1 Oak", "5-7")
    counts = [("vote", "ask", 12), ("vote", "send", 3)]
    store.record_delivery(oak.id, "safe-5-7", "v1", ada.id, date(2026, 11, 19), counts)
    store.record_policy(SCHOOL, [("1.1", "Staff must not befriend pupils."), ("1.2", "Report.")])
    return store


def records(url: str) -> dict[str, list]:
    """Every row of every table, times in UTC, in an order that does not depend on the database."""
    engine = make_engine(url, create=False)
    found = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            times = [c.name for c in table.c if isinstance(c.type, DateTime)]
            rows = []
            for row in conn.execute(select(table)).mappings():
                row = dict(row)
                for name in times:
                    if row[name] is not None:
                        row[name] = row[name].replace(tzinfo=row[name].tzinfo or UTC)
                        row[name] = row[name].astimezone(UTC)
                rows.append(row)
            found[table.name] = sorted(rows, key=repr)
    engine.dispose()
    return found


@pytest.fixture
def source_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'school.db'}"
    filled_store(url).close()
    return url


def toolkit_tables(url: str) -> set[str]:
    engine = make_engine(url, create=False)
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names()) & set(metadata.tables)
    engine.dispose()
    return names


def test_every_record_is_copied_and_ids_go_on(source_url, any_db_url):
    """Into SQLite and PostgreSQL alike: is every row of every table equal after the copy, the
    source unchanged, and does a learner added to the copy get a new id?"""
    source_bytes = Path(source_url.removeprefix("sqlite:///")).read_bytes()
    before = records(source_url)
    report = copy_store(source_url, any_db_url)
    assert records(any_db_url) == before
    assert Path(source_url.removeprefix("sqlite:///")).read_bytes() == source_bytes
    assert {t.name: t.rows for t in report.tables} == {n: len(r) for n, r in before.items()}
    assert report.rows == sum(len(r) for r in before.values()) and report.rows > 20
    copied = Store(any_db_url)
    assert copied.get_meta("school") == SCHOOL
    ((dee, code),) = copied.add_learners(
        [NewLearner("Dee Eve", "dee@school.example", "teacher", date(2026, 12, 1))]
    )
    assert dee.id == max(row["id"] for row in before["learners"]) + 1
    assert copied.sign_in(dee.email, code).id == dee.id
    oak = copied.classes()[0]
    new = copied.record_delivery(oak.id, "safe-5-7", "v1", None, date(2026, 12, 2), [])
    assert new == max(row["id"] for row in before["deliveries"]) + 1
    copied.close()


def test_a_copy_back_from_postgresql_is_equal(source_url, postgres, tmp_path):
    """Does a store copied to PostgreSQL and back to SQLite hold the same records, times too?"""
    from tests.postgres import new_database

    trust = new_database(postgres)
    copy_store(source_url, trust)
    back = f"sqlite:///{tmp_path / 'back.db'}"
    copy_store(trust, back)
    assert records(back) == records(source_url)


def test_a_target_with_records_is_refused(source_url, any_store, any_db_url):
    """Is a target that already holds a store (even just its school) refused, and left alone?"""
    before = records(any_db_url)
    with pytest.raises(CopyRefused, match=r"already holds records \(meta: 1\).*empty database"):
        copy_store(source_url, any_db_url)
    assert records(any_db_url) == before


def test_a_target_with_empty_tables_is_filled(source_url, any_store, any_db_url):
    """Is a store with tables but no rows (made and not yet set up) an empty target?"""
    any_store.set_meta("school", "x")
    with any_store.engine.begin() as conn:
        conn.execute(metadata.tables["meta"].delete())
    copy_store(source_url, any_db_url)
    assert records(any_db_url) == records(source_url)


def test_the_same_database_is_refused(source_url, tmp_path):
    """Is the source named again as the target refused, however the path is spelled?"""
    again = f"sqlite:///{tmp_path / '.' / 'school.db'}"
    with pytest.raises(CopyRefused, match="the same database"):
        copy_store(source_url, again)


def test_a_missing_source_is_refused_and_never_made(tmp_path):
    """Is a source file that is not there refused, with no file made in its place?"""
    missing = tmp_path / "typo.db"
    with pytest.raises(CopyRefused, match="there is no progress store at .*typo.db"):
        copy_store(f"sqlite:///{missing}", f"sqlite:///{tmp_path / 'new.db'}")
    assert not missing.exists() and not (tmp_path / "new.db").exists()


def test_an_old_source_is_refused_and_left_as_it_was(tmp_path):
    """Is a store at an older schema revision refused with how to upgrade it, and not upgraded?"""
    url = old_store(tmp_path / "old.db")
    before = (tmp_path / "old.db").read_bytes()
    with pytest.raises(CopyRefused, match="older than this release's.*upgrade it"):
        copy_store(url, f"sqlite:///{tmp_path / 'new.db'}")
    assert (tmp_path / "old.db").read_bytes() == before
    assert not (tmp_path / "new.db").exists()


def test_a_failure_mid_copy_leaves_the_target_empty(source_url, any_db_url, monkeypatch):
    """When a write fails part-way (here a duplicate attempt), is everything undone: no tables
    on PostgreSQL, no file for SQLite?"""
    batches = store_copy._batches

    def duplicated(conn, table):
        yield from batches(conn, table)
        if table.name == "attempts" and conn.dialect.name == "sqlite":
            yield from batches(conn, table)

    monkeypatch.setattr(store_copy, "BATCH", 2)
    monkeypatch.setattr(store_copy, "_batches", duplicated)
    existed = Path(any_db_url.removeprefix("sqlite:///")).exists()
    with pytest.raises(CopyFailed, match="the copy was undone and the target is as it was"):
        copy_store(source_url, any_db_url)
    if any_db_url.startswith("sqlite"):
        assert not existed and not Path(any_db_url.removeprefix("sqlite:///")).exists()
    else:
        assert toolkit_tables(any_db_url) == set()


def test_a_difference_found_by_the_check_is_undone(source_url, any_db_url, monkeypatch):
    """If a table read back differs from what was read, is the copy rolled back?"""
    copy_table = store_copy._copy_table

    def miscounted(reading, conn, table):
        copied = copy_table(reading, conn, table)
        rows = copied.rows + (table.name == "choices")
        return store_copy.CopiedTable(copied.name, rows, copied.checksum)

    monkeypatch.setattr(store_copy, "_copy_table", miscounted)
    with pytest.raises(CopyFailed, match="the table choices differs after the copy"):
        copy_store(source_url, any_db_url)
    if any_db_url.startswith("postgresql"):
        assert toolkit_tables(any_db_url) == set()


def test_a_password_is_never_shown(source_url):
    """Is the password of a target that cannot be reached hidden from the message?"""
    target = "postgresql+psycopg://trust:s3cret-pw@/esafety?host=/nonexistent-socket-dir"
    with pytest.raises(CopyFailed) as failed:
        copy_store(source_url, target)
    assert "s3cret-pw" not in str(failed.value)
    assert shown_url(target).startswith("postgresql+psycopg://trust:***@")


def test_times_are_kept_to_the_microsecond(tmp_path, postgres):
    """Is a time with microseconds the same after SQLite -> PostgreSQL?"""
    from tests.postgres import new_database

    url = f"sqlite:///{tmp_path / 'school.db'}"
    store = Store(url)
    store.set_meta("school", SCHOOL)
    store.record_policy(SCHOOL, [("1", "Text.")])
    store.close()
    trust = new_database(postgres)
    copy_store(url, trust)
    (wording,) = Store(trust).policy_history(SCHOOL)
    (original,) = Store(url).policy_history(SCHOOL)
    assert wording == original and isinstance(wording.first_seen, datetime)

"""Schema migrations: a new store, a store made by release 0.1.0, a newer store, and standings."""

from __future__ import annotations

import multiprocessing
import random
import sqlite3
from datetime import UTC, date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from tests.conftest import SCHOOL
from toolkit.store import (
    NewLearner,
    QuizAnswer,
    Store,
    StoreUnavailable,
    make_engine,
    metadata,
    migrate,
)

RELEASE_0_1_0 = Path(__file__).parent / "data" / "store-0.1.0.sql"
TABLES = ["learners", "attempts", "choices", "quiz_attempts", "quiz_answers"]
TABLES += ["classes", "deliveries", "tallies", "meta"]


def old_store(path: Path) -> str:
    """A SQLite file as release 0.1.0 left it (its tables and records, no revision)."""
    with sqlite3.connect(path) as conn:
        conn.executescript(RELEASE_0_1_0.read_text())
    return f"sqlite:///{path}"


def counts(url: str) -> dict[str, int]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def differences(store: Store) -> list:
    """What differs between the store's tables and the toolkit's table definitions."""
    with store.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def test_the_head_revision_is_the_newest_migration():
    """Does the quick check on opening a store compare with the newest migration?"""
    config = Config()
    config.set_main_option("script_location", "toolkit.store:migrations")
    assert ScriptDirectory.from_config(config).get_current_head() == migrate.HEAD


def test_a_new_store_is_made_by_the_migrations(any_store):
    """Do the migrations alone make exactly the tables the toolkit defines, on SQLite and PostgreSQL?"""
    store = any_store
    with store.engine.connect() as conn:
        assert migrate.revision(conn) == migrate.HEAD
    assert differences(store) == []


def test_a_store_from_release_0_1_0_is_upgraded_keeping_every_record(tmp_path):
    """Is an old store upgraded in place, every record kept and the standings filled in?"""
    url = old_store(tmp_path / "esafety.db")
    before = counts(url)
    assert before["learners"] == 3 and before["choices"] > 0 and before["tallies"] == 2
    store = Store(url)
    assert counts(url) == before
    assert differences(store) == []
    with store.engine.connect() as conn:
        assert migrate.revision(conn) == migrate.HEAD
    ann, ben, cal = sorted(store.learners(), key=lambda learner: learner.email)
    assert (ann.group, cal.group) == ("KS1", "Office")
    standings = store.scenario_standings()
    assert len(standings[ann.id]) == 5  # 4 contact scenarios, and 1 taken twice
    completed_at, version = standings[ann.id]["passwords-staffroom-computer"]
    assert version == "39dc3c2612f6a84c"  # the content version its last completed attempt saw
    assert completed_at is not None
    assert standings[ben.id] == {"passwords-staffroom-computer": (None, None)}  # only started
    quizzes = store.quiz_standings()  # Cal drew a quiz but never submitted it
    assert list(quizzes) == [ann.id]
    tries, passed_at, version = quizzes[ann.id]["contact"]
    assert tries == 2 and passed_at is not None
    assert version == "4d232d1db92cf2b4"  # the quiz version its passing attempt saw
    assert store.get_meta("school") == SCHOOL
    store.close()
    assert counts(url) == before and Store(url).learner_count() == 3  # a second open: no change


def _open(url: str) -> int:
    return Store(url).learner_count()


def test_processes_opening_a_new_store_at_once_make_it_once(any_db_url):
    """Do kernels starting together on a new database make its tables once, without clashing?"""
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert pool.map(_open, [any_db_url] * 4) == [0] * 4
    store = Store(any_db_url)
    assert differences(store) == []


def test_processes_opening_an_old_store_at_once_upgrade_it_once(tmp_path):
    """Do kernels starting together wait for one upgrade instead of clashing?"""
    url = old_store(tmp_path / "esafety.db")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert pool.map(_open, [url] * 4) == [3] * 4
    assert sum(map(len, Store(url).scenario_standings().values())) == 6


def test_a_store_from_a_newer_release_is_refused_untouched(tmp_path):
    """Does an older toolkit refuse a store a newer one upgraded, saying what to do?"""
    url = f"sqlite:///{tmp_path / 'esafety.db'}"
    Store(url).close()
    with sqlite3.connect(tmp_path / "esafety.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreUnavailable, match="newer release of the toolkit"):
        Store(url)
    with sqlite3.connect(tmp_path / "esafety.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999",)


def expected_standings(store: Store, learner_id: int) -> tuple[dict, dict]:
    """A learner's standings worked out afresh from every attempt they made."""
    scenarios, quizzes = {}, {}
    for attempt in store.attempts_for(learner_id):  # in the order they were made
        latest = scenarios.setdefault(attempt["scenario_id"], (None, None))
        if attempt["completed_at"] is not None:
            latest = (attempt["completed_at"], attempt["content_version"])
        scenarios[attempt["scenario_id"]] = latest
    for attempt in store.quiz_attempts_for(learner_id):
        if attempt["submitted_at"] is None:
            continue
        tries, passed_at, version = quizzes.get(attempt["module_id"], (0, None, None))
        if attempt["passed"]:
            passed_at, version = attempt["submitted_at"], attempt["content_version"]
        quizzes[attempt["module_id"]] = (tries + 1, passed_at, version)
    return scenarios, quizzes


def test_standings_follow_every_attempt(any_store, catalogue):
    """After a random mix of attempts, passes and fails, do the standings match the attempts?"""
    store = any_store
    rng = random.Random(3)
    roster = [
        NewLearner(f"P{i}", f"p{i}@school.example", "teacher", date(2026, 9, 1)) for i in range(3)
    ]
    people = [learner for learner, _ in store.add_learners(roster)]
    scenario_ids = sorted(catalogue.scenarios)[:4]
    for _ in range(40):
        learner = rng.choice(people)
        if rng.random() < 0.6:
            attempt = store.start_attempt(learner.id, rng.choice(scenario_ids), rng.choice("abc"))
            if rng.random() < 0.7:
                store.complete_attempt(attempt, 100)
        else:
            quiz = store.start_quiz(learner.id, rng.choice(["contact", "at-work"]), "v", [])
            if rng.random() < 0.8:
                passed = rng.random() < 0.5
                answer = QuizAnswer(1, "q", ["a"], passed)
                store.record_quiz_result(quiz, [answer], 100 if passed else 0, passed)
    for learner in people:
        scenarios, quizzes = expected_standings(store, learner.id)
        found = store.scenario_standings().get(learner.id, {})
        assert {k: (naive(at), v) for k, (at, v) in found.items()} == {
            k: (naive(at), v) for k, (at, v) in scenarios.items()
        }
        found = store.quiz_standings().get(learner.id, {})
        assert {k: (n, naive(at), v) for k, (n, at, v) in found.items()} == {
            k: (n, naive(at), v) for k, (n, at, v) in quizzes.items()
        }
    # The upgrade from release 0.1.0 fills the standings in just as the writes keep them.
    kept = store.scenario_standings(), store.quiz_standings()
    with store.engine.begin() as conn:
        dropped = ("scenario_standings", "quiz_standings", "sign_ins", "policy_clauses")
        for table in (*dropped, "alembic_version"):
            conn.execute(text(f"DROP TABLE {table}"))
        for column in ("duty", "left_on"):  # as release 0.1.0 made the learners table
            conn.execute(text(f"ALTER TABLE learners DROP COLUMN {column}"))
    upgraded = Store(store.url)
    assert (upgraded.scenario_standings(), upgraded.quiz_standings()) == kept
    store.erase_learner(people[0].email)
    with store.engine.connect() as conn:
        for table in ("scenario_standings", "quiz_standings"):
            query = text(f"SELECT count(*) FROM {table} WHERE learner_id = :id")
            assert conn.scalar(query, {"id": people[0].id}) == 0


def naive(moment):
    """A time as naive UTC, however the database gave it back."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def store_from_revision(tmp_path, revision: str, insert: str) -> Store:
    """A store made at an older revision with one row inserted, then opened (and so upgraded)."""
    from alembic import command

    url = f"sqlite:///{tmp_path / 'esafety.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", "toolkit.store:migrations")
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.execute(text(insert))
    engine.dispose()
    store = Store(url)
    with store.engine.connect() as conn:
        assert migrate.revision(conn) == migrate.HEAD == "0005"
    assert differences(store) == []
    return store


def test_a_store_at_revision_0003_gains_duties_and_leaving_keeping_everyone(tmp_path):
    """Does a store from before duties and leavers keep its people, none of them left or a DSL?"""
    store = store_from_revision(
        tmp_path,
        "0003",
        "INSERT INTO learners (id, email, name, role, start_date, team, code_hash, "
        "created_at) VALUES (7, 'amy@school.example', 'Amy Lee', 'teacher', "
        "'2026-09-01', 'KS1', 'scrypt$1024$8$1$00$00', '2026-09-01 08:00:00')",
    )
    (amy,) = store.learners()
    assert (amy.id, amy.name, amy.group, amy.start_date) == (7, "Amy Lee", "KS1", date(2026, 9, 1))
    assert (amy.duty, amy.left_on, amy.current, amy.is_dsl) == (None, None, True, False)
    assert store.current_learners() == [amy]


def test_a_store_at_revision_0004_gains_the_policy_record_keeping_everyone(tmp_path):
    """Does a store from before clause wordings were kept keep its people and start recording?"""
    store = store_from_revision(
        tmp_path,
        "0004",
        "INSERT INTO learners (id, email, name, role, start_date, code_hash, created_at) "
        "VALUES (7, 'amy@school.example', 'Amy Lee', 'teacher', '2026-09-01', "
        "'scrypt$1024$8$1$00$00', '2026-09-01 08:00:00')",
    )
    assert [p.name for p in store.learners()] == ["Amy Lee"]
    assert store.policy_history(SCHOOL) == []
    assert store.record_policy(SCHOOL, [("a-1", "Do not.")]) == 1
    assert [(w.clause_id, w.text) for w in store.policy_history(SCHOOL)] == [("a-1", "Do not.")]

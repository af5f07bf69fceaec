"""Signing in: failed attempts limited and logged (never the code), codes reset, ids never reused."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from toolkit.store import (
    CODE_SCRYPT_N,
    FAILED_PER_CLIENT,
    FAILED_PER_EMAIL,
    SIGN_IN_WINDOW,
    NewLearner,
    SignInFailed,
    SignInLimited,
    UnknownLearner,
    hash_code,
    learners,
)
from toolkit.store import clock as store_clock


@pytest.fixture
def clock(monkeypatch):
    """The store's clock, moved on by hand."""
    moments = [store_clock.now()]
    monkeypatch.setattr(store_clock, "now", lambda: moments[0])  # every domain module reads it here

    def move(by: timedelta) -> None:
        moments[0] += by

    return move


def fail(store, email: str, times: int, client: str = "10.0.0.7") -> None:
    for _ in range(times):
        with pytest.raises(SignInFailed) as raised:
            store.sign_in(email, "WRONG-CODE-0000", client=client)
        assert not isinstance(raised.value, SignInLimited)


def test_failed_sign_ins_pause_that_email_then_free_it(store, learner_and_code, clock):
    learner, code = learner_and_code
    fail(store, learner.email, FAILED_PER_EMAIL)
    clock(timedelta(minutes=5))
    with pytest.raises(SignInLimited) as raised:
        store.sign_in(learner.email, code, client="10.0.0.8")  # even the right code waits
    assert raised.value.minutes == 10
    assert "wait" in str(raised.value) and "10 minutes" in str(raised.value)
    clock(SIGN_IN_WINDOW)
    assert store.sign_in(learner.email, code, client="10.0.0.8").id == learner.id


def test_a_success_starts_the_count_again(store, learner_and_code, clock):
    learner, code = learner_and_code
    fail(store, learner.email, FAILED_PER_EMAIL - 1)
    store.sign_in(learner.email, code)
    fail(store, learner.email, FAILED_PER_EMAIL - 1)
    clock(timedelta(seconds=1))
    assert store.sign_in(learner.email, code).id == learner.id


def test_one_address_guessing_many_emails_is_paused(store, learner_and_code, clock):
    learner, code = learner_and_code
    for n in range(FAILED_PER_CLIENT):
        fail(store, f"guess{n}@school.example", 1, client="192.0.2.1")
    with pytest.raises(SignInLimited):
        store.sign_in(learner.email, code, client="192.0.2.1")
    # Someone at another computer is not held up by it.
    assert store.sign_in(learner.email, code, client="192.0.2.2").id == learner.id


def test_every_sign_in_is_recorded_and_logged_without_the_code(store, learner_and_code, caplog):
    learner, code = learner_and_code
    with caplog.at_level(logging.INFO, logger="toolkit"):
        fail(store, learner.email, 1)
        store.sign_in(learner.email, code, client="10.0.0.7", page="classroom")
    outcomes = [(s["outcome"], s["client"], s["page"]) for s in store.sign_ins_for(learner.email)]
    assert outcomes == [("wrong", "10.0.0.7", "staff"), ("ok", "10.0.0.7", "classroom")]
    logged = [r.getMessage() for r in caplog.records]
    assert any("wrong" in m and learner.email in m and "10.0.0.7" in m for m in logged)
    assert any(m.startswith("sign-in ok") for m in logged)
    text = " ".join(logged) + repr(store.sign_ins_for(learner.email))
    assert "WRONG" not in text and code not in text


def test_a_reset_code_replaces_the_old_one_and_lifts_the_pause(store, learner_and_code):
    learner, old = learner_and_code
    fail(store, learner.email, FAILED_PER_EMAIL)
    same, new = store.reset_code(" JO.BLOGGS@school.example")
    assert same.id == learner.id and new != old
    with pytest.raises(SignInFailed):
        store.sign_in(learner.email, old)
    assert store.sign_in(learner.email, new).id == learner.id
    assert [s["outcome"] for s in store.sign_ins_for(learner.email)][-3:] == [
        "reset",
        "wrong",
        "ok",
    ]
    with pytest.raises(UnknownLearner):
        store.reset_code("nobody@school.example")


def test_an_erased_persons_id_and_sign_ins_are_never_reused(store, learner_and_code):
    learner, code = learner_and_code
    store.sign_in(learner.email, code)
    assert store.export_learner(learner.email)["sign_ins"][0]["outcome"] == "ok"
    store.erase_learner(learner.email)
    assert store.sign_ins_for(learner.email) == []
    newcomer = NewLearner("New Starter", "new.starter@school.example", "teacher", date(2026, 9, 1))
    ((made, _),) = store.add_learners([newcomer])
    assert made.id > learner.id
    assert store.learner(made.id).email == newcomer.email
    # A second batch goes on from there too, in the same store reopened.
    store.erase_learner(newcomer.email)
    reopened = type(store)(store.url)
    later = NewLearner("Later", "later@school.example", "support", date(2026, 9, 1))
    ((again, _),) = reopened.add_learners([later])
    assert again.id > made.id
    reopened.close()


def test_a_code_hashed_at_an_older_cost_is_hashed_again_at_sign_in(store, learner_and_code):
    """Timing must not tell a person of the old cost from an unknown email: the first sign-in
    hashes their code again at today's cost, and it goes on working."""
    learner, code = learner_and_code
    older = hash_code(code, n=2**14)
    with store.engine.begin() as conn:
        conn.execute(learners.update().where(learners.c.id == learner.id).values(code_hash=older))
    assert store.sign_in(learner.email, code).id == learner.id
    with store.engine.connect() as conn:
        now_stored = conn.scalar(select(learners.c.code_hash).where(learners.c.id == learner.id))
    assert now_stored.split("$")[1] == str(CODE_SCRYPT_N)
    assert store.sign_in(learner.email, code).id == learner.id

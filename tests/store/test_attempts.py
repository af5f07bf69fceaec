"""Attempts and choices: saved in order, once each, on the path, with several writers at once."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert

from toolkit.store import (
    AttemptClosed,
    ChoiceOutOfStep,
    NewLearner,
    RecordedChoice,
    Store,
    UnknownAttempt,
    UnknownLearner,
    choices,
)


def test_choices_are_saved_in_order_and_attempts_complete(store, learner_and_code):
    """Is every choice saved with its time, and an attempt closed once complete?"""
    learner, _ = learner_and_code
    attempt = store.start_attempt(learner.id, "friend-request-from-pupil", "v1")
    assert store.record_choice(attempt, "request", 0, "unsafe", after=0) == 1
    assert store.record_choice(attempt, "accepted", 0, "safe", after=1) == 2
    saved = store.choices_for(attempt)
    assert [(c.step_id, c.choice_index, c.outcome) for c in saved] == [
        ("request", 0, "unsafe"),
        ("accepted", 0, "safe"),
    ]
    assert saved[0].chosen_at <= saved[1].chosen_at and saved[0].chosen_at.tzinfo is not None
    store.complete_attempt(attempt, 50)
    with pytest.raises(AttemptClosed):
        store.record_choice(attempt, "x", 0, "safe", after=2)
    with pytest.raises(UnknownAttempt):
        store.record_choice(9999, "x", 0, "safe", after=0)
    with pytest.raises(UnknownLearner):
        store.start_attempt(9999, "friend-request-from-pupil", "v1")


def test_progress_and_open_attempts(store, learner_and_code):
    """Does progress go from not started to in progress to complete, resuming the same version only?"""
    learner, _ = learner_and_code
    scenario = "friend-request-from-pupil"
    assert store.progress_for(learner.id, [scenario])[scenario].status == "not started"
    attempt = store.start_attempt(learner.id, scenario, "v1")
    assert store.progress_for(learner.id, [scenario])[scenario].status == "in progress"
    assert store.open_attempt(learner.id, scenario, "v1") == attempt
    assert store.open_attempt(learner.id, scenario, "v2") is None
    store.complete_attempt(attempt, 80)
    progress = store.progress_for(learner.id, [scenario])[scenario]
    assert (progress.status, progress.best_score, progress.content_version) == (
        "complete",
        80,
        "v1",
    )
    assert store.open_attempt(learner.id, scenario, "v1") is None


def _write_many(url: str, attempt_id: int, count: int, barrier) -> None:
    store = Store(url)
    barrier.wait()
    for i in range(count):
        store.record_choice(attempt_id, f"step-{i}", i % 3, "safe", after=i)
    store.close()


def test_two_processes_write_at_once_without_losing_anything(db_url, store, learner_and_code):
    """Do two processes saving choices at the same moment both succeed, with nothing lost?"""
    learner, _ = learner_and_code
    attempts = [
        store.start_attempt(learner.id, "friend-request-from-pupil", "v1") for _ in range(2)
    ]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_write_many, args=(db_url, a, 150, barrier)) for a in attempts
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    for attempt in attempts:
        assert [c.seq for c in store.choices_for(attempt)] == list(range(1, 151))


def test_two_kernels_sending_the_same_choices_save_each_once(any_db_url, any_store):
    """Do two processes (two tabs' kernels) saving the same path to one attempt at the same
    moment save each choice once, with no error for either, on SQLite and PostgreSQL?"""
    attempt = start(any_store)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_write_many, args=(any_db_url, attempt, 100, barrier))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    saved = any_store.choices_for(attempt)
    assert [(c.seq, c.step_id) for c in saved] == [(i + 1, f"step-{i}") for i in range(100)]


def start(store: Store) -> int:
    """An open attempt of a new learner."""
    person = NewLearner("Sam Doe", "sam.doe@school.example", "teacher", date(2026, 9, 1))
    ((learner, _),) = store.add_learners([person])
    return store.start_attempt(learner.id, "friend-request-from-pupil", "v1")


def saved(store: Store, attempt: int) -> list[tuple[int, str, int]]:
    return [(c.seq, c.step_id, c.choice_index) for c in store.choices_for(attempt)]


def test_the_same_choice_sent_twice_is_saved_once(any_store):
    """Is a choice sent again for the same place (a double-click) given back, not saved again?"""
    attempt = start(any_store)
    assert any_store.record_choice(attempt, "request", 0, "unsafe", after=0) == 1
    assert any_store.record_choice(attempt, "request", 0, "unsafe", after=0) == 1
    assert any_store.record_choice(attempt, "accepted", 1, "safe", after=1) == 2
    assert any_store.record_choice(attempt, "request", 0, "unsafe", after=0) == 1  # a late tab
    assert saved(any_store, attempt) == [(1, "request", 0), (2, "accepted", 1)]


def test_a_choice_off_the_saved_path_is_refused(any_store):
    """Is another choice where one is saved, or a choice after a place not saved, refused?"""
    attempt = start(any_store)
    any_store.record_choice(attempt, "request", 0, "unsafe", after=0)
    with pytest.raises(ChoiceOutOfStep, match="another choice after place 0"):
        any_store.record_choice(attempt, "request", 3, "safe", after=0)  # a second tab
    with pytest.raises(ChoiceOutOfStep, match="ends at place 1, not at place 4"):
        any_store.record_choice(attempt, "accepted", 0, "safe", after=4)
    assert saved(any_store, attempt) == [(1, "request", 0)]


def test_choices_off_the_path_are_dropped_together(any_store):
    """Are choices saved off the path (two at one step, from an older release) deleted, and a
    choice saved since in one of their places kept?"""
    attempt = start(any_store)
    for seq, step, index in [(1, "request", 0), (2, "request", 0), (3, "accepted", 1)]:
        with any_store.engine.begin() as conn:  # as an older release saved a double-click
            conn.execute(
                insert(choices).values(
                    attempt_id=attempt,
                    seq=seq,
                    scenario_id="friend-request-from-pupil",
                    step_id=step,
                    choice_index=index,
                    outcome="safe",
                    chosen_at=datetime.now(UTC),
                )
            )
    stray = any_store.choices_for(attempt)[1]
    gone = RecordedChoice(3, "accepted", 0, "safe", stray.chosen_at)  # not what place 3 holds
    assert any_store.drop_choices(attempt, [stray, gone]) == 1
    assert saved(any_store, attempt) == [(1, "request", 0), (3, "accepted", 1)]
    assert any_store.record_choice(attempt, "done", 0, "safe", after=3) == 4

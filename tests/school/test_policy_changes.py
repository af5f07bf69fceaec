"""Policy changes, clause by clause: typo fixes pass, changes in substance send staff back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.conftest import SCENARIO
from toolkit.school import policy_changes as pc
from toolkit.school.school import School
from toolkit.store import NewLearner, clock

CLAUSE = "staff-use-4"


def changed_school(school: School, clause_id: str, text: str | None) -> School:
    """A copy of the shipped school with one clause reworded (or, given None, taken out)."""
    clauses = [
        c.model_copy(update={"text": text}) if c.id == clause_id else c
        for c in school.profile.clauses
        if not (c.id == clause_id and text is None)
    ]
    return School(school.catalogue, school.profile.model_copy(update={"clauses": clauses}))


def at(monkeypatch, day: int) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, day, 9, tzinfo=UTC))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Staff must not accept freind requests.", "Staff must not accept friend requests."),
        ("Staff must not accept friend requests", "Staff must not accept friend requests."),
        ("Staff  must not accept\nfriend requests.", "Staff must not accept friend requests."),
    ],
)
def test_a_typo_punctuation_or_spacing_fix_is_minor(before, after):
    """Does a fix of spelling, punctuation or spacing count as no change?"""
    assert pc.minor_change(before, after)
    assert pc.classify({"a": before}, {"a": after}) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Staff must not accept friend requests.", "Staff must accept friend requests."),
        ("Staff should not accept friend requests.", "Staff must not accept friend requests."),
        ("Staff may accept friend requests.", "Staff don't accept friend requests."),
        ("Report it to the headteacher.", "Report it to the Designated Safeguarding Lead."),
    ],
)
def test_a_change_of_duty_or_meaning_is_a_rewording(before, after):
    """Does a changed negation, duty word or person count, however alike the words look?"""
    (found,) = pc.classify({"a": before}, {"a": after})
    assert (found.clause_id, found.kind, found.before, found.after) == (
        "a",
        "reworded",
        before,
        after,
    )


def test_added_and_removed_clauses_are_named():
    """Are clauses new to the policy and clauses gone from it each named as such?"""
    found = pc.classify({"a": "Old.", "b": "Same."}, {"b": "Same.", "c": "New."})
    assert [(c.clause_id, c.kind) for c in found] == [("c", "added"), ("a", "removed")]


def test_only_scenarios_completed_before_a_change_and_citing_it_are_replayed(
    store, school, monkeypatch
):
    """Is a scenario done before its clause changed replayed, and one done after (or not citing
    the clause, or changed only by a typo) left as it stands?"""
    cites = pc.scenario_citations(school)
    citing = sorted(s for s, ids in cites.items() if CLAUSE in ids)
    other = next(s for s, ids in cites.items() if CLAUSE not in ids)
    assert SCENARIO in citing
    ((before, _), (after, _)) = store.add_learners(
        [
            NewLearner("Early Bird", "early@school.example", "teacher", date(2026, 9, 1)),
            NewLearner("Late Comer", "late@school.example", "teacher", date(2026, 9, 1)),
        ]
    )
    at(monkeypatch, 1)
    pc.record(store, school)
    at(monkeypatch, 2)
    for scenario_id in (SCENARIO, other):
        store.complete_attempt(store.start_attempt(before.id, scenario_id, "v1"), 100)

    old = school.profile.clause(CLAUSE).text
    typo = changed_school(school, CLAUSE, old.replace(".", "") + " ")
    at(monkeypatch, 3)
    pc.record(store, typo)
    assert not pc.learner_replays(store, typo, before)

    reworded = changed_school(school, CLAUSE, "Staff may do as they please.")
    at(monkeypatch, 4)
    pc.record(store, reworded)
    at(monkeypatch, 5)
    store.complete_attempt(store.start_attempt(after.id, SCENARIO, "v2"), 100)

    mine = pc.learner_replays(store, reworded, before)
    assert mine.scenarios == [s for s in cites if s == SCENARIO]
    assert [(c.clause_id, c.kind, c.after) for c in mine.changes] == [
        (CLAUSE, "reworded", "Staff may do as they please.")
    ]
    assert not pc.learner_replays(store, reworded, after)
    assert set(pc.school_replays(store, reworded)) == {before.id}

    # Replaying clears it.
    at(monkeypatch, 6)
    store.complete_attempt(store.start_attempt(before.id, SCENARIO, "v2"), 100)
    assert not pc.learner_replays(store, reworded, before)
    assert pc.school_replays(store, reworded) == {}


def test_a_learner_trained_before_the_first_record_trained_on_its_words(store, school, monkeypatch):
    """Does the first record of the policy stand for the words staff trained on before it?"""
    ((person, _),) = store.add_learners(
        [NewLearner("Early Bird", "early@school.example", "teacher", date(2026, 9, 1))]
    )
    at(monkeypatch, 1)
    store.complete_attempt(store.start_attempt(person.id, SCENARIO, "v1"), 100)
    at(monkeypatch, 2)
    pc.record(store, school)
    assert not pc.learner_replays(store, school, person)
    removed = changed_school(school, "roles-1", None)
    at(monkeypatch, 3)
    pc.record(store, removed)
    line = pc.timeline(store, removed)
    assert [
        (c.clause_id, c.kind) for c in line.changes_since(datetime(2026, 9, 1, tzinfo=UTC))
    ] == [("roles-1", "removed")]

"""The roster over time: duties granted, people leaving and rejoining, whole staff lists applied."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from toolkit.store import (
    DUTIES,
    LearnerLeft,
    NewLearner,
    SignInFailed,
    StoreError,
    UnknownLearner,
    learners,
)
from toolkit.store import clock as store_clock

START = date(2026, 9, 1)


def staff(*rows: tuple[str, str, str, str | None]) -> list[NewLearner]:
    return [NewLearner(name, email, role, START, group) for name, email, role, group in rows]


@pytest.fixture
def team(store):
    """Three people on the roster: Amy and Bo teach, Cy works in the office."""
    added = store.add_learners(
        staff(
            ("Amy Lee", "amy@school.example", "teacher", "KS1"),
            ("Bo Diaz", "bo@school.example", "support", None),
            ("Cy Ng", "cy@school.example", "office", "Office"),
        )
    )
    return {learner.email.split("@")[0]: (learner, code) for learner, code in added}


def test_a_person_is_found_by_email_in_any_case(store, team):
    """Does `person` find someone however the email is typed, and say so when no one matches?"""
    amy, _ = team["amy"]
    assert store.person("  AMY@School.example ") == amy
    assert (amy.duty, amy.left_on, amy.current, amy.teaches) == (None, None, True, True)
    assert not store.person("cy@school.example").teaches
    with pytest.raises(UnknownLearner, match="no one with the email 'nobody@school.example'"):
        store.person("nobody@school.example ")


@pytest.mark.parametrize("duty", DUTIES)
def test_a_duty_is_granted_again_and_taken_away(store, team, duty):
    """Is granting a duty idempotent, and does None take it away?"""
    granted = store.grant("amy@school.example", duty)
    assert (granted.duty, granted.is_dsl) == (duty, True)
    assert store.grant("AMY@school.example", duty) == granted
    assert store.person("amy@school.example").is_dsl
    taken = store.grant("amy@school.example", None)
    assert (taken.duty, taken.is_dsl) == (None, False)


@pytest.mark.parametrize("duty", ["head", "DSL", ""])
def test_a_duty_that_is_not_one_is_refused(store, team, duty):
    """Is a duty outside DUTIES refused, saying which there are, with nothing changed?"""
    with pytest.raises(StoreError, match="use one of dsl, deputy"):
        store.grant("amy@school.example", duty)
    assert store.person("amy@school.example").duty is None
    with pytest.raises(UnknownLearner):
        store.grant("nobody@school.example", "dsl")


def test_leaving_twice_keeps_the_first_date_and_rejoining_clears_it(store, team, monkeypatch):
    """Does leaving default to today, keep its first date when repeated, and rejoining undo it?"""
    monkeypatch.setattr(store_clock, "now", lambda: datetime(2027, 3, 5, 16, 0))
    left = store.leave("bo@school.example")
    assert (left.left_on, left.current) == (date(2027, 3, 5), False)
    assert store.leave("bo@school.example", on=date(2027, 4, 1)).left_on == date(2027, 3, 5)
    assert [p.email for p in store.learners()] == [
        "amy@school.example",
        "bo@school.example",
        "cy@school.example",
    ]  # kept, as evidence
    assert [p.email for p in store.current_learners()] == [
        "amy@school.example",
        "cy@school.example",
    ]
    assert [t.email for t in store.teachers()] == ["amy@school.example"]
    back = store.rejoin("bo@school.example")
    assert back.current and store.rejoin("bo@school.example") == back
    assert [t.email for t in store.teachers()] == ["amy@school.example", "bo@school.example"]
    assert store.leave("cy@school.example", on=date(2026, 12, 19)).left_on == date(2026, 12, 19)


def test_a_leaver_cannot_sign_in_even_with_the_right_code(store, team):
    """Is a leaver refused with LearnerLeft only after the code check, every try recorded?"""
    bo, code = team["bo"]
    store.leave(bo.email, on=date(2027, 3, 5))
    with pytest.raises(LearnerLeft, match="left the school on 05/03/2027") as raised:
        store.sign_in(bo.email, code, client="10.0.0.7")
    assert not isinstance(raised.value, SignInFailed)
    with pytest.raises(SignInFailed):  # a wrong code tells nothing of leaving
        store.sign_in(bo.email, "AAAA-BBBB-CCCC", client="10.0.0.7")
    assert [s["outcome"] for s in store.sign_ins_for(bo.email)] == ["left", "wrong"]
    store.rejoin(bo.email)
    assert store.sign_in(bo.email, code).id == bo.id


def test_a_roster_update_adds_changes_and_lists_who_is_missing(store, team):
    """Does one update add the new, change the changed, count the same and list, not remove,
    the current people the list leaves out?"""
    amy, _ = team["amy"]
    store.grant(amy.email, "dsl")
    store.leave("cy@school.example", on=date(2026, 12, 19))
    update = store.update_roster(
        staff(
            ("Amy Lee-Hart", "AMY@school.example", "teacher", "KS2"),
            ("Dee Roy", "dee@school.example", "governor", None),
        )
    )
    ((dee, code),) = update.added
    assert dee.email == "dee@school.example" and store.sign_in(dee.email, code).id == dee.id
    ((before, after),) = update.updated
    assert (before.name, before.group, after.name, after.group) == (
        "Amy Lee",
        "KS1",
        "Amy Lee-Hart",
        "KS2",
    )
    assert after.duty == "dsl" and after.id == amy.id  # the rest kept
    assert [p.email for p in update.missing] == ["bo@school.example"]  # Cy has left already
    assert update.unchanged == 0 and update.left == []
    assert store.person("bo@school.example").current  # listed, not marked as left
    assert store.learner_count() == 4


def test_a_leaver_in_the_list_is_listed_not_brought_back(store, team):
    """Is someone who left, yet is in the list, left as they are unless something changed?"""
    store.leave("cy@school.example", on=date(2026, 12, 19))
    same = store.update_roster(
        staff(
            ("Amy Lee", "amy@school.example", "teacher", "KS1"),
            ("Bo Diaz", "bo@school.example", "support", None),
            ("Cy Ng", "cy@school.example", "office", "Office"),
        )
    )
    assert (same.added, same.updated, same.missing, same.unchanged) == ([], [], [], 3)
    assert [p.email for p in same.left] == ["cy@school.example"]
    changed = store.update_roster(staff(("Cy Ng", "cy@school.example", "support", "Office")))
    ((before, after),) = changed.updated
    assert (before.role, after.role, after.left_on) == ("office", "support", date(2026, 12, 19))
    assert not store.person("cy@school.example").current


def test_a_roster_update_changes_nothing_if_any_of_it_fails(store, team, monkeypatch):
    """Is an update with a bad person refused whole: no one added, no one changed?"""
    with pytest.raises(StoreError, match="twice: dee@school.example"):
        store.update_roster(
            staff(
                ("Dee Roy", "dee@school.example", "teacher", None),
                ("Dee Again", "DEE@school.example", "teacher", None),
            )
        )
    from toolkit.store import lifecycle

    def full_disk(*args):
        raise OSError("disk full")

    # The change to Amy is made before the new people are added, and must not outlive them.
    monkeypatch.setattr(lifecycle, "insert_learners", full_disk)
    with pytest.raises(OSError):
        store.update_roster(
            staff(
                ("Amy Renamed", "amy@school.example", "teacher", "KS1"),
                ("Eve Fox", "eve@school.example", "teacher", None),
            )
        )
    assert store.person("amy@school.example").name == "Amy Lee"
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(learners)) == 3


def test_the_progress_of_a_roster_update_follows_the_new_codes(store, team):
    """Does progress follow the making of codes for the new people only?"""
    seen = []
    store.update_roster(
        staff(
            ("Amy Lee", "amy@school.example", "teacher", "KS1"),
            ("Dee Roy", "dee@school.example", "teacher", None),
        ),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1, 1)]


def test_a_roster_changed_during_an_update_is_left_for_the_update_to_run_again(
    store, team, monkeypatch
):
    """If someone is erased while the new codes are made, is the update refused, not half-done?"""
    from toolkit.store import codes

    hash_codes = codes.hash_codes

    def erase_meanwhile(made, progress=None):
        store.erase_learner("bo@school.example")
        return hash_codes(made, progress)

    monkeypatch.setattr(codes, "hash_codes", erase_meanwhile)
    with pytest.raises(StoreError, match="run the update again"):
        store.update_roster(
            staff(
                ("Bo Diaz", "bo@school.example", "support", None),
                ("Dee Roy", "dee@school.example", "teacher", None),
            )
        )
    assert [p.email for p in store.learners()] == ["amy@school.example", "cy@school.example"]

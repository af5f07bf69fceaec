"""The record of a school's clause wordings: noted once, a new row only when the words change."""

from __future__ import annotations

from datetime import UTC, datetime

from toolkit.store import clock


def at(monkeypatch, day: int) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, day, 9, tzinfo=UTC))


def test_recording_the_same_policy_twice_adds_nothing(any_store, monkeypatch):
    """Is noting an unchanged policy (or one with only its spacing changed) free of new rows?"""
    store = any_store
    at(monkeypatch, 1)
    assert store.record_policy("s", [("a", "Do not add pupils."), ("b", "Be kind.")]) == 2
    assert store.record_policy("s", [("a", "Do not add pupils."), ("b", "Be kind.")]) == 0
    assert store.record_policy("s", [("a", "Do  not add\npupils."), ("b", "Be kind.")]) == 0
    assert store.record_policy("other", [("a", "Something else.")]) == 1


def test_a_reworded_removed_and_added_clause_each_gain_a_row(any_store, monkeypatch):
    """Does the history keep each wording with when it was first seen, and removals as None?"""
    store = any_store
    at(monkeypatch, 1)
    store.record_policy("s", [("a", "Do not add pupils."), ("b", "Be kind.")])
    at(monkeypatch, 2)
    assert store.record_policy("s", [("a", "Never add pupils."), ("c", "New rule.")]) == 3
    history = [(w.clause_id, w.text, w.first_seen.day) for w in store.policy_history("s")]
    assert history == [
        ("a", "Do not add pupils.", 1),
        ("b", "Be kind.", 1),
        ("a", "Never add pupils.", 2),
        ("c", "New rule.", 2),
        ("b", None, 2),
    ]
    at(monkeypatch, 3)
    assert store.record_policy("s", [("a", "Never add pupils."), ("c", "New rule.")]) == 0
    assert store.record_policy("s", [("a", "Never add pupils."), ("b", "Be kind.")]) == 2

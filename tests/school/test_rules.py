"""The school's rules as plain functions of a school and its records."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from toolkit.dates import add_months, long_date
from toolkit.school import rules
from toolkit.store import Learner, QuizProgress, ScenarioProgress

TODAY = date(2026, 11, 26)


def with_settings(school, **changes):
    """The same school with some of its settings changed (a copy: the fixture is shared)."""
    settings = school.profile.settings.model_copy(update=changes)
    profile = school.profile.model_copy(update={"settings": settings})
    return dataclasses.replace(school, profile=profile)


def scenario(status: str) -> ScenarioProgress:
    done = datetime(2026, 10, 1, tzinfo=UTC) if status == "complete" else None
    return ScenarioProgress("s", status, 100 if done else None, done, "v" if done else None)


def quiz(status: str) -> QuizProgress:
    return QuizProgress(
        "m", status, None if status == "not taken" else 80, int(status != "not taken")
    )


@pytest.mark.parametrize(
    ("score", "passed"), [(0, False), (69, False), (70, True), (71, True), (100, True)]
)
def test_the_pass_mark_is_reached_at_exactly_the_mark(school, score, passed):
    """With a pass mark of 70%, does 69% fail and 70% pass?"""
    assert rules.quiz_passed(with_settings(school, pass_mark=70), score) is passed


def test_a_pass_mark_of_100_needs_every_mark(school):
    """Is a pass mark of 100% passed only by a full score?"""
    strict = with_settings(school, pass_mark=100)
    assert not rules.quiz_passed(strict, 99) and rules.quiz_passed(strict, 100)


@pytest.mark.parametrize(
    ("scenarios", "quiz_status", "complete"),
    [
        (["complete", "complete"], "passed", True),
        (["complete", "complete"], None, True),  # a module without a quiz
        (["complete", "in progress"], "passed", False),
        (["complete", "not started"], None, False),
        (["complete", "complete"], "failed", False),
        (["complete", "complete"], "not taken", False),
    ],
)
def test_a_module_is_complete_when_every_scenario_and_its_quiz_are(
    scenarios, quiz_status, complete
):
    """Is a module complete only with every scenario played to the end and its quiz passed?"""
    taken = quiz(quiz_status) if quiz_status else None
    assert rules.module_complete([scenario(s) for s in scenarios], taken) is complete


@pytest.mark.parametrize(
    ("issued", "months", "valid_until"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2026, 8, 31), 12, date(2027, 8, 31)),
        (date(2026, 3, 31), 6, date(2026, 9, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year
    ],
)
def test_a_certificate_is_valid_for_the_refresher_period(school, issued, months, valid_until):
    """Does a certificate count until the same day so many months on, or the month's last day?"""
    renewing = with_settings(school, refresher_months=months)
    assert rules.certificate_valid_until(renewing, issued) == valid_until


def test_a_module_completed_before_the_cutoff_has_expired(school):
    """Completed exactly the refresher period ago it still counts; a day earlier it has expired."""
    yearly = with_settings(school, refresher_months=12)
    cutoff = rules.refresher_cutoff(yearly, date(2027, 2, 28))
    assert cutoff == date(2026, 2, 28)
    assert not rules.expired(date(2026, 2, 28), cutoff)
    assert rules.expired(date(2026, 2, 27), cutoff)


def test_a_module_is_due_so_many_days_after_the_start(catalogue):
    """Is a module due its due_days after the learner's start date?"""
    module = catalogue.modules["contact"]
    learner = Learner(1, "Jo", "jo@school.example", "teacher", date(2026, 9, 1))
    assert (rules.due_date(learner, module) - learner.start_date).days == module.due_days


@pytest.mark.parametrize(
    ("due", "overdue", "soon"),
    [
        (TODAY.replace(day=25), True, True),
        (TODAY, False, True),  # due today: not overdue yet
        (date(2026, 12, 10), False, True),  # 14 days on
        (date(2026, 12, 11), False, False),  # 15 days on
    ],
)
def test_overdue_starts_the_day_after_the_due_date(due, overdue, soon):
    """Is a module overdue only after its due day, and due soon within 14 days of it?"""
    assert rules.overdue(due, TODAY) is overdue
    assert rules.due_soon(due, TODAY) is soon


@pytest.mark.parametrize(
    ("complete", "started", "due", "state"),
    [
        (True, True, date(2026, 1, 1), "complete"),
        (False, True, TODAY.replace(day=25), "overdue"),
        (False, True, TODAY, "in progress"),
        (False, False, TODAY, "not started"),
    ],
)
def test_the_learners_state_of_a_module(complete, started, due, state):
    """What does the learner's page call a module, complete or late or neither?"""
    assert rules.learner_state(complete, started, due, TODAY) == state


@pytest.mark.parametrize(
    ("completed_on", "failed", "started", "due", "status"),
    [
        (date(2026, 11, 1), False, True, TODAY, "complete"),
        (date(2025, 11, 25), False, True, TODAY, "expired"),
        (None, True, True, TODAY.replace(day=25), "overdue"),  # late beats failed
        (None, True, True, TODAY, "failed"),
        (None, False, True, date(2026, 12, 10), "due soon"),
        (None, False, True, date(2026, 12, 11), "in progress"),
        (None, False, False, date(2026, 12, 11), "not started"),
    ],
)
def test_the_matrix_status_of_a_module(school, completed_on, failed, started, due, status):
    """Which one status does the DSL's matrix show, when several could apply?"""
    cutoff = rules.refresher_cutoff(with_settings(school, refresher_months=12), TODAY)
    assert rules.matrix_status(due, TODAY, completed_on, cutoff, failed, started) == status


def test_dates_are_written_as_people_write_them():
    """Is a date written '1 September 2026', with no leading zero?"""
    assert long_date(date(2026, 9, 1)) == "1 September 2026"
    assert add_months(date(2026, 9, 1), -9) == date(2025, 12, 1)

"""The school's rules over its records: pass mark, module complete, due, overdue and refreshers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from toolkit.content import Module
from toolkit.dates import add_months
from toolkit.school.school import School
from toolkit.store import Learner, QuizProgress, ScenarioProgress

DUE_SOON_DAYS = 14  # a module due within this many days is "due soon" in the DSL's matrix


def quiz_passed(school: School, score: int) -> bool:
    """A quiz score (percent) reaching the school's pass mark passes."""
    return score >= school.pass_mark


def module_complete(scenarios: Iterable[ScenarioProgress], quiz: QuizProgress | None) -> bool:
    """Every scenario played to the end and the quiz, if the module has one, passed."""
    done = all(p.status == "complete" for p in scenarios)
    return done and (quiz is None or quiz.status == "passed")


def due_date(learner: Learner, module: Module) -> date:
    """The day a module is due: so many days after the learner started."""
    return learner.start_date + timedelta(days=module.due_days)


def overdue(due: date, today: date) -> bool:
    """Overdue from the day after it was due."""
    return due < today


def due_soon(due: date, today: date) -> bool:
    return (due - today).days <= DUE_SOON_DAYS


def certificate_valid_until(school: School, issued: date) -> date:
    """A certificate counts until the refresher is due, so many months after it was issued."""
    return add_months(issued, school.refresher_months)


def refresher_cutoff(school: School, today: date) -> date:
    """A module completed before this day has expired: its refresher is due."""
    return add_months(today, -school.refresher_months)


def expired(completed_on: date, cutoff: date) -> bool:
    return completed_on < cutoff


def learner_state(complete: bool, started: bool, due: date, today: date) -> str:
    """A module's state as its learner sees it: complete, overdue, in progress or not started."""
    if complete:
        return "complete"
    if overdue(due, today):
        return "overdue"
    return "in progress" if started else "not started"


def matrix_status(
    due: date,
    today: date,
    completed_on: date | None,
    cutoff: date,
    failed: bool,
    started: bool,
) -> str:
    """A module's status in the DSL's matrix (one of reports' STATUSES).

    `completed_on`: the day the module was last completed, None if it is not; `cutoff`: from
    refresher_cutoff; `failed`: the quiz was taken and never passed.
    """
    if completed_on is not None:
        return "expired" if expired(completed_on, cutoff) else "complete"
    if overdue(due, today):
        return "overdue"
    if failed:
        return "failed"
    if due_soon(due, today):
        return "due soon"
    return "in progress" if started else "not started"

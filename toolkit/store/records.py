"""The plain records the store takes and gives back: no SQL rows leave the package."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

DUTIES = ("dsl", "deputy")  # the safeguarding duties a person may hold: lead and deputy
TEACHING_ROLES = ("teacher", "support")  # the roles that may lead a lesson to a class


@dataclass(frozen=True)
class NewLearner:
    name: str
    email: str
    role: str
    start_date: date
    group: str | None = None


@dataclass(frozen=True)
class Learner:
    id: int
    name: str
    email: str
    role: str
    start_date: date
    group: str | None = None
    duty: str | None = None  # one of DUTIES, or None
    left_on: date | None = None  # the day they left; None while they work here

    @property
    def is_dsl(self) -> bool:
        """The designated safeguarding lead or a deputy."""
        return self.duty in DUTIES

    @property
    def teaches(self) -> bool:
        """May lead a lesson to a class (as `Store.teachers` counts them)."""
        return self.role in TEACHING_ROLES

    @property
    def current(self) -> bool:
        """Still works here: has not left."""
        return self.left_on is None


@dataclass(frozen=True)
class RosterUpdate:
    """What bringing the roster up to date with a staff list did, and what it left to the DSL."""

    added: list[tuple[Learner, str]]  # new people, each with their access code (shown once)
    updated: list[tuple[Learner, Learner]]  # (before, after): name, role or group changed
    missing: list[Learner]  # current people not in the list: kept, and not marked as left
    unchanged: int
    left: list[Learner] = field(default_factory=list)  # in the list, yet marked as having left


@dataclass(frozen=True)
class RecordedChoice:
    seq: int
    step_id: str
    choice_index: int
    outcome: str
    chosen_at: datetime


@dataclass(frozen=True)
class SchoolClass:
    id: int
    name: str
    band: str


@dataclass(frozen=True)
class Delivery:
    id: int
    class_id: int
    lesson_id: str
    teacher_id: int | None
    delivered_on: date
    tallies: list[tuple[str, str, int]]


@dataclass(frozen=True)
class QuizAnswer:
    slot: int
    question_id: str
    chosen: list[str]
    correct: bool


@dataclass(frozen=True)
class QuizProgress:
    module_id: str
    status: str  # "not taken" | "failed" | "passed"
    best_score: int | None
    attempts: int


@dataclass(frozen=True)
class ScenarioProgress:
    scenario_id: str
    status: str  # "not started" | "in progress" | "complete"
    best_score: int | None
    completed_at: datetime | None
    content_version: str | None


# A trust's matrix reads 250,000 standings: plain tuples, made several times faster than named ones.
ScenarioStanding = tuple[datetime | None, str | None]  # (latest completion, its content version)
QuizStanding = tuple[
    int, datetime | None, str | None
]  # (quizzes submitted, latest pass, its version)

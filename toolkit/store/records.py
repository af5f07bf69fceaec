"""The plain records the store takes and gives back: no SQL rows leave the package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


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

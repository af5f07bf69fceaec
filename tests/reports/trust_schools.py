"""A small trust for the trust view's tests: two schools with real records, one whose store is
missing, and the trust file that lists them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from tests.reports.test_report import TODAY, add  # noqa: F401 (TODAY: the trust's tests' day)
from toolkit.reports import tables
from toolkit.store import QuizAnswer, Store

SCENARIO, STEP = "friend-request-from-pupil", "request"
NORTH_PEOPLE = ("Ann Able", "Bob Brook", "Cat Cole", "Dee Dale")
SOUTH_PEOPLE = ("Eve Ember", "Fay Finch", "Gus Gale")


@dataclass(frozen=True)
class TrustFolder:
    path: Path  # the trust file
    north: str  # database URLs
    south: str


def unsafe_index(catalogue, scenario_id: str = SCENARIO, step_id: str = STEP, nth: int = 0) -> int:
    """The index of the step's `nth` unsafe choice."""
    step = catalogue.scenarios[scenario_id].steps[step_id]
    return [i for i, c in enumerate(step.choices) if c.outcome == "unsafe"][nth]


def train_fully(store, catalogue, profile, learner) -> None:
    """Every module for the learner's role completed, its quiz passed."""
    for module in tables.modules_in_order(catalogue):
        if learner.role not in module.roles:
            continue
        for scenario in catalogue.scenarios_in(module.id):
            attempt = store.start_attempt(
                learner.id, scenario.id, catalogue.version(scenario.id, profile)
            )
            store.record_choice(attempt, scenario.start, 0, "safe", after=0)
            store.complete_attempt(attempt, 100)
        version = catalogue.quiz_version(module.id, profile)
        quiz = store.start_quiz(learner.id, module.id, version, [])
        store.record_quiz_result(quiz, [], 100, True)


def choose_unsafe(store, catalogue, learner, nth: int = 0) -> None:
    attempt = store.start_attempt(learner.id, SCENARIO, "v")
    store.record_choice(attempt, STEP, unsafe_index(catalogue, nth=nth), "unsafe", after=0)


def miss_question(store, catalogue, learner, module_id: str = "contact") -> None:
    question = catalogue.quizzes[module_id].questions[0]
    quiz = store.start_quiz(learner.id, module_id, "v", [])
    store.record_quiz_result(quiz, [QuizAnswer(1, question.id, ["a"], False)], 0, False)


def north_school(url: str, catalogue) -> None:
    """3 current staff: Ann fully trained, Bob started (overdue), Cat a new starter who has
    started nothing (overdue already); Dee has left. Lessons: 2 to a 5-7 class, 1 to 7-11.
    Bob chose the shared unsafe choice, Ann another that no other school's staff chose."""
    store = Store(url)
    store.set_meta("school", "barley-lane-primary")
    ann, bob = add(store, "Ann", start=date(2026, 1, 5)), add(store, "Bob", start=date(2026, 1, 5))
    add(store, "Cat", role="governor", start=date(2026, 11, 10))
    add(store, "Dee", start=date(2026, 1, 5))
    store.leave("dee@school.example", date(2026, 7, 20))
    train_fully(store, catalogue, "barley-lane-primary", ann)
    choose_unsafe(store, catalogue, bob)
    choose_unsafe(store, catalogue, bob)  # twice: still one person
    choose_unsafe(store, catalogue, ann, nth=1)
    oak, ash = store.add_class("Year 1 Oak", "5-7"), store.add_class("Year 5 Ash", "7-11")
    store.record_delivery(oak.id, "safe-5-7", "v", None, date(2026, 10, 1), [])
    store.record_delivery(oak.id, "safe-5-7", "v", None, date(2026, 10, 8), [])
    store.record_delivery(ash.id, "safe-7-11", "v", None, date(2026, 10, 9), [])
    store.close()


def south_school(url: str, catalogue, monkeypatch) -> None:
    """3 current staff, all started, none fully trained: Eve and Fay new starters (Eve
    overdue, and she chose the shared unsafe choice), Gus trained in 2024 so all expired.
    Fay missed a quiz question no other school's staff missed. No lessons."""
    store = Store(url)
    store.set_meta("school", "bury-ce-primary")
    eve = add(store, "Eve", start=date(2026, 11, 1))
    fay = add(store, "Fay", start=date(2026, 11, 15))
    gus = add(store, "Gus", start=date(2023, 9, 1))
    with monkeypatch.context() as patch:
        patch.setattr("toolkit.store.clock.now", lambda: datetime(2024, 1, 10, 9, tzinfo=UTC))
        train_fully(store, catalogue, "bury-ce-primary", gus)
    choose_unsafe(store, catalogue, eve)
    miss_question(store, catalogue, fay)
    store.close()


def trust_file(
    folder: Path,
    schools: list[tuple[str, str | None, str, str]],
    leads: tuple[str, ...] = (),
    name: str = "Riverside Learning Trust",
) -> Path:
    """A trust file of (id, name or None for the profile's, profile, database URL) in `folder`."""
    lines = ["schema_version: 1", f"name: {name}", f"leads: [{', '.join(leads)}]", "schools:"]
    for school_id, school_name, profile, url in schools:
        lines += [
            f"  - id: {school_id}",
            *([f'    name: "{school_name}"'] if school_name else []),
            f"    profile: {profile}",
            f"    database_url: {url}",
        ]
    path = folder / "trust.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_trust(folder: Path, catalogue, monkeypatch) -> TrustFolder:
    """North and South with their records, and West whose store was never made."""
    north, south = f"sqlite:///{folder / 'north.db'}", f"sqlite:///{folder / 'south.db'}"
    north_school(north, catalogue)
    south_school(south, catalogue, monkeypatch)
    path = trust_file(
        folder,
        [
            ("north", "North Academy", "barley-lane-primary", north),
            ("south", "South Primary", "bury-ce-primary", south),
            ("west", "West School", "lunsford-primary", f"sqlite:///{folder / 'west.db'}"),
        ],
    )
    return TrustFolder(path, north, south)

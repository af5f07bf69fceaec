"""The DSL's reports: small functions over the store's API (never SQL) giving tables as data."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from toolkit.content import LETTER_NAMES, Catalogue, Module, Scenario
from toolkit.school import policy_changes, rules
from toolkit.school.school import School
from toolkit.store import Learner, QuizStanding, ScenarioStanding, Store

BEHIND = ("overdue", "expired", "failed")
STATUSES = ("complete", "expired", "overdue", "due soon", "failed", "in progress", "not started")


class Cell(NamedTuple):
    """One learner's standing on one module (a tuple: a trust's matrix has 125,000 of them)."""

    status: str  # one of STATUSES
    due: date
    completed_on: date | None = None
    policy_changed: bool = False  # completed on an older version of the content or policy

    @property
    def text(self) -> str:
        extra = " (policy changed since)" if self.policy_changed else ""
        when = {
            "complete": f" {self.completed_on:%d/%m/%Y}" if self.completed_on else "",
            "overdue": f", due {self.due:%d/%m/%Y}",
            "due soon": f", due {self.due:%d/%m/%Y}",
        }.get(self.status, "")
        return f"{self.status}{when}{extra}"


@dataclass(frozen=True)
class MatrixRow:
    learner: Learner
    cells: dict[str, Cell | None]  # None: the module does not apply to the learner's role

    @property
    def complete(self) -> bool:
        return all(c is None or c.status == "complete" for c in self.cells.values())

    @property
    def behind(self) -> bool:
        """Has training overdue, expired or failed: the people a DSL chases first."""
        return any(c is not None and c.status in BEHIND for c in self.cells.values())


def modules_in_order(catalogue: Catalogue) -> list[Module]:
    return sorted(
        (m for m in catalogue.modules.values() if catalogue.scenarios_in(m.id)),
        key=lambda m: (m.order, m.id),
    )


class _Plan(NamedTuple):
    """What the matrix needs of a module, worked out once rather than for every learner."""

    id: str
    module: Module
    roles: frozenset[str]
    scenarios: dict[str, str]  # scenario id -> its current content version
    quiz: str | None  # the quiz's current content version; None if the module has no quiz


def completion_matrix(
    store: Store,
    school: School,
    today: date,
    role: str | None = None,
    group: str | None = None,
) -> list[MatrixRow]:
    """Every current learner (of a role and group, if given) by every module, with a status for
    each cell. Those who have left are not chased: their records stay in the store."""
    catalogue = school.catalogue
    plans = [
        _Plan(
            m.id,
            m,
            frozenset(m.roles),
            {s.id: school.scenario_version(s.id) for s in catalogue.scenarios_in(m.id)},
            school.quiz_version(m.id) if school.has_quiz(m.id) else None,
        )
        for m in modules_in_order(catalogue)
    ]
    # Completed before this day, a module's refresher is overdue.
    expiry = rules.refresher_cutoff(school, today)
    with _collector_paused():  # a trust's matrix makes half a million objects at once
        tried, taken = store.scenario_standings(), store.quiz_standings()
        rows = []
        for learner in store.current_learners():
            mine, quizzes = tried.get(learner.id, {}), taken.get(learner.id, {})
            cells = {
                plan.id: _cell(plan, learner, mine, quizzes.get(plan.id), today, expiry)
                if learner.role in plan.roles
                else None
                for plan in plans
            }
            rows.append(MatrixRow(learner, cells))
    return filtered(rows, role, group)


def filtered(matrix: list[MatrixRow], role: str | None, group: str | None) -> list[MatrixRow]:
    """The rows of learners of this role and group (None: any)."""
    return [
        row
        for row in matrix
        if (role is None or row.learner.role == role)
        and (group is None or row.learner.group == group)
    ]


def _cell(
    plan: _Plan,
    learner: Learner,
    tried: dict[str, ScenarioStanding],
    quiz: QuizStanding | None,
    today: date,
    expiry: date,
) -> Cell:
    due = rules.due_date(learner, plan.module)
    # One pass over the module's scenarios (this runs for every cell of a trust's matrix).
    passed_at, quiz_version = (quiz[1], quiz[2]) if quiz is not None else (None, None)
    started, finished = quiz is not None, True
    last, changed = None, False
    for scenario_id, current in plan.scenarios.items():
        standing = tried.get(scenario_id)
        if standing is None:
            finished = False
            continue
        started = True
        completed_at, version = standing
        if completed_at is None:
            finished = False
        else:
            if last is None or completed_at > last:
                last = completed_at
            changed = changed or version != current
    if finished and plan.quiz is not None:
        if passed_at is None:
            finished = False
        else:
            last = max(last, passed_at)
            changed = changed or quiz_version != plan.quiz
    completed_on = last.date() if finished else None
    status = rules.matrix_status(
        due, today, completed_on, expiry, quiz is not None and passed_at is None, started
    )
    return Cell(status, due, completed_on, changed if finished else False)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold off Python's cycle collector, which would otherwise sweep every new object repeatedly."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def status_counts(matrix: list[MatrixRow], catalogue: Catalogue) -> dict[str, Counter]:
    """For each module, how many learners are in each status."""
    counts = {m.id: Counter() for m in modules_in_order(catalogue)}
    for row in matrix:
        for module_id, cell in row.cells.items():
            if cell is not None:
                counts[module_id][cell.status] += 1
    return counts


def overdue(matrix: list[MatrixRow], catalogue: Catalogue) -> list[tuple[Learner, str, date]]:
    """(learner, module title, due date) for every overdue or expired cell."""
    titles = {m.id: m.title for m in catalogue.modules.values()}
    return [
        (row.learner, titles[module_id], cell.due)
        for row in matrix
        for module_id, cell in row.cells.items()
        if cell is not None and cell.status in ("overdue", "expired")
    ]


def completions_by_month(matrix: list[MatrixRow]) -> list[tuple[str, int]]:
    """Module completions per month (YYYY-MM), for the completion-over-time chart."""
    months = Counter(
        f"{cell.completed_on:%Y-%m}"
        for row in matrix
        for cell in row.cells.values()
        if cell is not None and cell.completed_on is not None
    )
    return sorted(months.items())


@dataclass(frozen=True)
class Misconception:
    where: str  # module or scenario title
    what: str  # the choice or question
    times: int
    out_of: int | None = None
    # The same in every school, whatever its words: ("choice", scenario, step, choice index)
    # or ("question", module, question); a trust finds the misconceptions its schools share.
    key: tuple = ()


def unsafe_choices(store: Store, school: School, limit: int = 10) -> list[Misconception]:
    """The unsafe choices made most often, as the school's staff read them."""
    found = []
    for scenario_id, step_id, index, times in store.unsafe_choice_counts(limit):
        rendered = _scenario(school, scenario_id)
        label = choice_label(rendered, step_id, index)
        if label is not None:  # else the content has since been removed
            key = ("choice", scenario_id, step_id, index)
            found.append(Misconception(rendered.title, label, times, key=key))
    return found


def _scenario(school: School, scenario_id: str) -> Scenario | None:
    """The scenario as the school reads it (rendered once per school); None if since removed."""
    return school.scenario(scenario_id) if scenario_id in school.catalogue.scenarios else None


def choice_label(rendered: Scenario | None, step_id: str, index: int) -> str | None:
    """A choice's words as the school reads them; None if the content no longer has it."""
    if rendered is None or step_id not in rendered.steps:
        return None
    choices = rendered.steps[step_id].choices
    return choices[index].label if index < len(choices) else None


def missed_questions(store: Store, school: School, limit: int = 10) -> list[Misconception]:
    """The quiz questions answered wrongly most often (at least once)."""
    catalogue = school.catalogue
    found = []
    for module_id, question_id, missed, asked in store.missed_question_counts(limit):
        if missed == 0:  # asked, always answered rightly: not a misconception
            continue
        bank = catalogue.quizzes.get(module_id)
        if bank is None or question_id not in {q.id for q in bank.questions}:
            continue
        question = bank.question(question_id)
        title = catalogue.modules[module_id].title
        text, key = school.render(question.text), ("question", module_id, question_id)
        found.append(Misconception(title, text, missed, asked, key))
    return found


def term_of(day: date) -> str:
    """The school term a date falls in, e.g. 'Autumn 2026' (academic years start in September)."""
    if day.month >= 9:
        return f"Autumn {day.year}"
    return f"Spring {day.year}" if day.month <= 4 else f"Summer {day.year}"


def lesson_coverage(store: Store, catalogue: Catalogue) -> list[tuple[str, str, str, int]]:
    """(class, term, SMART letter, lessons delivered) for every class and term taught."""
    names = {c.id: c.name for c in store.classes()}
    counts = Counter()
    for delivery in store.deliveries():
        lesson = catalogue.lessons.get(delivery.lesson_id)
        letter = LETTER_NAMES[lesson.letter] if lesson else delivery.lesson_id
        counts[(names.get(delivery.class_id, "?"), term_of(delivery.delivered_on), letter)] += 1
    return [(c, t, letter, n) for (c, t, letter), n in sorted(counts.items())]


def learner_history(store: Store, school: School, learner_id: int) -> list[dict]:
    """Every choice a learner made, attempt by attempt, as the school reads the content."""
    history = []
    for attempt in store.attempts_for(learner_id):
        rendered = _scenario(school, attempt["scenario_id"])
        for choice in store.choices_for(attempt["id"]):
            label = choice_label(rendered, choice.step_id, choice.choice_index)
            history.append(
                {
                    "when": choice.chosen_at,
                    "scenario": rendered.title if rendered else attempt["scenario_id"],
                    "choice": label or choice.step_id,
                    "outcome": choice.outcome,
                    "attempt": attempt["id"],
                    "completed": attempt["completed_at"] is not None,
                }
            )
    return history


def as_of(moment: datetime | None) -> str:
    return f"{moment:%d/%m/%Y %H:%M}" if moment else ""


class Replay(NamedTuple):
    """A learner asked to replay training because the policy changed since they trained."""

    learner: Learner
    clauses: list[str]  # ids of the clauses changed in substance since, each with how
    by_module: dict[str, list[str]]  # module id: titles of its scenarios and quiz to replay

    @property
    def items(self) -> list[str]:
        """Titles of the scenarios and quizzes to replay."""
        return [title for titles in self.by_module.values() for title in titles]


def policy_replays(store: Store, school: School, matrix: list[MatrixRow]) -> list[Replay]:
    """The learners of the matrix with scenarios or quizzes to replay after a policy change."""
    found = policy_changes.school_replays(store, school)
    titles = {m.id: m.title for m in school.catalogue.modules.values()}
    replays = []
    for row in matrix:
        if row.learner.id not in found:
            continue
        by_module: dict[str, list[str]] = {}
        for scenario_id in found[row.learner.id].scenarios:
            scenario = school.scenario(scenario_id)
            by_module.setdefault(scenario.module, []).append(scenario.title)
        for module_id in found[row.learner.id].quizzes:
            by_module.setdefault(module_id, []).append(f"quiz: {titles[module_id]}")
        changes = [f"{c.clause_id} ({c.kind})" for c in found[row.learner.id].changes]
        replays.append(Replay(row.learner, changes, by_module))
    return replays

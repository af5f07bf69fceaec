"""Where a learner stands on each module: scenarios done, quiz passed, due date, day completed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from toolkit.content import Module
from toolkit.school import rules
from toolkit.school.school import School
from toolkit.store import Learner, QuizProgress, ScenarioProgress, Store


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    scenarios: dict[str, ScenarioProgress]
    quiz: QuizProgress | None  # None: the module has no quiz
    due: date

    @property
    def complete(self) -> bool:
        """Every scenario played to the end and the quiz passed."""
        return rules.module_complete(self.scenarios.values(), self.quiz)

    @property
    def started(self) -> bool:
        return any(p.status != "not started" for p in self.scenarios.values()) or bool(
            self.quiz and self.quiz.attempts
        )

    def state(self, today: date) -> str:
        """complete, overdue, in progress or not started."""
        return rules.learner_state(self.complete, self.started, self.due, today)


def module_progress(store: Store, school: School, learner: Learner) -> list[ModuleProgress]:
    """The learner's modules (those for their role), in order, with their progress."""
    catalogue = school.catalogue
    modules = school.modules_for(learner.role)
    in_module = {m.id: [s.id for s in catalogue.scenarios_in(m.id)] for m in modules}
    scenarios = store.progress_for(learner.id, [s for ids in in_module.values() for s in ids])
    quizzes = store.quiz_progress(learner.id, [m.id for m in modules if school.has_quiz(m.id)])
    return [
        ModuleProgress(
            module,
            {s: scenarios[s] for s in in_module[module.id]},
            quizzes.get(module.id),
            rules.due_date(learner, module),
        )
        for module in modules
    ]


def completion_dates(
    store: Store, school: School, learner: Learner
) -> list[tuple[str, date]] | None:
    """Each of the learner's modules with the day it was completed; None unless all are complete.

    A module's day is the latest of its scenarios' completions and its last quiz pass.
    """
    progress = module_progress(store, school, learner)
    if not progress or not all(p.complete for p in progress):
        return None
    passes: dict[str, list[datetime]] = {}
    for attempt in store.quiz_attempts_for(learner.id):
        if attempt["passed"] and attempt["submitted_at"] is not None:
            passes.setdefault(attempt["module_id"], []).append(attempt["submitted_at"])
    result = []
    for p in progress:
        # Dates, not datetimes: SQLite hands quiz times back naive and scenario times aware (UTC).
        days = [s.completed_at.date() for s in p.scenarios.values()]
        if p.quiz is not None:
            days.append(max(passes[p.module.id]).date())
        result.append((p.module.title, max(days)))
    return result

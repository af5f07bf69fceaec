"""Where a learner stands on each module: scenarios done, quiz passed, due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from toolkit.content import Catalogue, Module
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
        done = all(p.status == "complete" for p in self.scenarios.values())
        return done and (self.quiz is None or self.quiz.status == "passed")

    @property
    def started(self) -> bool:
        return any(p.status != "not started" for p in self.scenarios.values()) or bool(
            self.quiz and self.quiz.attempts
        )

    def state(self, today: date) -> str:
        """complete, overdue, in progress or not started."""
        if self.complete:
            return "complete"
        if self.due < today:
            return "overdue"
        return "in progress" if self.started else "not started"


def module_progress(store: Store, catalogue: Catalogue, learner: Learner) -> list[ModuleProgress]:
    """The learner's modules (those for their role), in order, with their progress."""
    modules = catalogue.modules_for(learner.role)
    scenario_ids = [s.id for m in modules for s in catalogue.scenarios_in(m.id)]
    scenarios = store.progress_for(learner.id, scenario_ids)
    quizzes = store.quiz_progress(learner.id, [m.id for m in modules if m.id in catalogue.quizzes])
    return [
        ModuleProgress(
            module,
            {s.id: scenarios[s.id] for s in catalogue.scenarios_in(module.id)},
            quizzes.get(module.id),
            learner.start_date + timedelta(days=module.due_days),
        )
        for module in modules
    ]

"""School-wide reads for the DSL's reports, aggregated here so reports never speak SQL."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import String, case, func, select, type_coerce

from toolkit.store import clock
from toolkit.store.core import StoreCore
from toolkit.store.records import QuizStanding, ScenarioStanding
from toolkit.store.tables import (
    attempts,
    choices,
    learners,
    quiz_answers,
    quiz_attempts,
    quiz_standings,
    scenario_standings,
)


class StandingsMixin(StoreCore):
    """Whole-school standings and counts for the reports."""

    def scenario_standings(self) -> dict[int, dict[str, ScenarioStanding]]:
        """Learner id -> scenario id -> standing, for every scenario each learner has started."""
        table = scenario_standings
        query = select(
            table.c.learner_id,
            table.c.scenario_id,
            type_coerce(table.c.completed_at, String),  # parsed below, faster
            table.c.content_version,
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        standings: dict[int, dict[str, ScenarioStanding]] = defaultdict(dict)
        for learner_id, scenario_id, at, version in rows:
            standings[learner_id][scenario_id] = (clock.utc_from(at), version)
        return standings

    def quiz_standings(self) -> dict[int, dict[str, QuizStanding]]:
        """Learner id -> module id -> standing, for every quiz each learner has submitted."""
        table = quiz_standings
        query = select(
            table.c.learner_id,
            table.c.module_id,
            table.c.tries,
            type_coerce(table.c.passed_at, String),
            table.c.content_version,
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        standings: dict[int, dict[str, QuizStanding]] = defaultdict(dict)
        for learner_id, module_id, tries, at, version in rows:
            standings[learner_id][module_id] = (tries, clock.utc_from(at), version)
        return standings

    def unsafe_choice_counts(self, limit: int = 10) -> list[tuple[str, str, int, int]]:
        """The unsafe choices made most often: (scenario, step, choice index, times)."""
        with self._read() as conn:
            rows = conn.execute(
                select(
                    choices.c.scenario_id,
                    choices.c.step_id,
                    choices.c.choice_index,
                    func.count().label("n"),
                )
                .where(choices.c.outcome == "unsafe")
                .group_by(choices.c.scenario_id, choices.c.step_id, choices.c.choice_index)
                .order_by(func.count().desc(), choices.c.scenario_id)
                .limit(limit)
            ).all()
        return [(r.scenario_id, r.step_id, r.choice_index, r.n) for r in rows]

    def missed_question_counts(self, limit: int = 10) -> list[tuple[str, str, int, int]]:
        """The quiz questions missed most often: (module, question, times missed, times asked)."""
        missed = func.sum(case((quiz_answers.c.correct.is_(False), 1), else_=0))
        with self._read() as conn:
            rows = conn.execute(
                select(
                    quiz_answers.c.module_id,
                    quiz_answers.c.question_id,
                    missed.label("missed"),
                    func.count().label("asked"),
                )
                .group_by(quiz_answers.c.module_id, quiz_answers.c.question_id)
                .order_by(missed.desc(), quiz_answers.c.question_id)
                .limit(limit)
            ).all()
        return [(r.module_id, r.question_id, int(r.missed), r.asked) for r in rows]

    def unsafe_choice_learners(self) -> dict[tuple[str, str, int], int]:
        """(scenario, step, choice index) -> how many current staff made that unsafe choice at
        least once: a trust compares schools by people, not by attempts."""
        query = (
            select(
                choices.c.scenario_id,
                choices.c.step_id,
                choices.c.choice_index,
                func.count(attempts.c.learner_id.distinct()),
            )
            .join(attempts, attempts.c.id == choices.c.attempt_id)
            .join(learners, learners.c.id == attempts.c.learner_id)
            .where(choices.c.outcome == "unsafe", learners.c.left_on.is_(None))
            .group_by(choices.c.scenario_id, choices.c.step_id, choices.c.choice_index)
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return {(scenario, step, index): n for scenario, step, index, n in rows}

    def missed_question_learners(self) -> dict[tuple[str, str], int]:
        """(module, question) -> how many current staff answered it wrongly at least once."""
        query = (
            select(
                quiz_answers.c.module_id,
                quiz_answers.c.question_id,
                func.count(quiz_attempts.c.learner_id.distinct()),
            )
            .join(quiz_attempts, quiz_attempts.c.id == quiz_answers.c.quiz_attempt_id)
            .join(learners, learners.c.id == quiz_attempts.c.learner_id)
            .where(quiz_answers.c.correct.is_(False), learners.c.left_on.is_(None))
            .group_by(quiz_answers.c.module_id, quiz_answers.c.question_id)
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return {(module, question): n for module, question, n in rows}

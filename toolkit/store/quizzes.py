"""Module quizzes: the questions drawn, the answers given, the marks and the passes."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import insert, select, update

from toolkit.store import clock
from toolkit.store.core import StoreCore, upsert
from toolkit.store.errors import AttemptClosed, UnknownAttempt, UnknownLearner
from toolkit.store.records import QuizAnswer, QuizProgress
from toolkit.store.tables import learners, quiz_answers, quiz_attempts, quiz_standings


class QuizzesMixin(StoreCore):
    """Module quizzes and their answers."""

    def start_quiz(self, learner_id: int, module_id: str, content_version: str, draw: list) -> int:
        with self._write() as conn:
            if conn.scalar(select(learners.c.id).where(learners.c.id == learner_id)) is None:
                raise UnknownLearner(f"no learner with id {learner_id}")
            return conn.execute(
                insert(quiz_attempts).values(
                    learner_id=learner_id,
                    module_id=module_id,
                    content_version=content_version,
                    draw=json.dumps(draw),
                    started_at=clock.now(),
                )
            ).inserted_primary_key[0]

    def open_quiz(
        self, learner_id: int, module_id: str, content_version: str
    ) -> tuple[int, list] | None:
        """The learner's drawn but unsubmitted quiz, so a reload does not draw afresh."""
        with self._read() as conn:
            row = conn.execute(
                select(quiz_attempts.c.id, quiz_attempts.c.draw)
                .where(
                    quiz_attempts.c.learner_id == learner_id,
                    quiz_attempts.c.module_id == module_id,
                    quiz_attempts.c.content_version == content_version,
                    quiz_attempts.c.submitted_at.is_(None),
                )
                .order_by(quiz_attempts.c.id.desc())
                .limit(1)
            ).first()
        return (row.id, json.loads(row.draw)) if row else None

    def record_quiz_result(
        self, quiz_attempt_id: int, answers: list[QuizAnswer], score: int, passed: bool
    ) -> None:
        with self._write() as conn:
            row = conn.execute(
                select(quiz_attempts).where(quiz_attempts.c.id == quiz_attempt_id)
            ).first()
            if row is None:
                raise UnknownAttempt(f"no quiz attempt with id {quiz_attempt_id}")
            if row.submitted_at is not None:
                raise AttemptClosed(f"quiz attempt {quiz_attempt_id} is already marked")
            for answer in answers:
                conn.execute(
                    insert(quiz_answers).values(
                        quiz_attempt_id=quiz_attempt_id,
                        slot=answer.slot,
                        module_id=row.module_id,
                        question_id=answer.question_id,
                        chosen=json.dumps(answer.chosen),
                        correct=answer.correct,
                    )
                )
            moment = clock.now()
            conn.execute(
                update(quiz_attempts)
                .where(quiz_attempts.c.id == quiz_attempt_id)
                .values(submitted_at=moment, score=score, passed=passed)
            )
            latest = {"passed_at": moment, "content_version": row.content_version} if passed else {}
            key = {"learner_id": row.learner_id, "module_id": row.module_id}
            upsert(
                conn,
                quiz_standings,
                key | {"tries": 1} | latest,
                {"tries": quiz_standings.c.tries + 1} | latest,
            )

    def quiz_answers_for(self, quiz_attempt_id: int) -> list[QuizAnswer]:
        with self._read() as conn:
            rows = conn.execute(
                select(quiz_answers)
                .where(quiz_answers.c.quiz_attempt_id == quiz_attempt_id)
                .order_by(quiz_answers.c.slot)
            ).all()
        return [QuizAnswer(r.slot, r.question_id, json.loads(r.chosen), r.correct) for r in rows]

    def quiz_progress(self, learner_id: int, module_ids: Iterable[str]) -> dict[str, QuizProgress]:
        module_ids = list(module_ids)
        with self._read() as conn:
            rows = conn.execute(
                select(quiz_attempts).where(
                    quiz_attempts.c.learner_id == learner_id,
                    quiz_attempts.c.module_id.in_(module_ids),
                    quiz_attempts.c.submitted_at.is_not(None),
                )
            ).all()
        result = {}
        for module_id in module_ids:
            mine = [r for r in rows if r.module_id == module_id]
            status = (
                "passed" if any(r.passed for r in mine) else ("failed" if mine else "not taken")
            )
            best = max((r.score for r in mine), default=None)
            result[module_id] = QuizProgress(module_id, status, best, len(mine))
        return result

    def quiz_attempts_for(self, learner_id: int) -> list[dict]:
        with self._read() as conn:
            rows = conn.execute(
                select(quiz_attempts)
                .where(quiz_attempts.c.learner_id == learner_id)
                .order_by(quiz_attempts.c.id)
            ).all()
        return [dict(r._mapping) for r in rows]

    def set_reflection_grade(self, quiz_attempt_id: int, score: float, max_score: float) -> None:
        with self._write() as conn:
            conn.execute(
                update(quiz_attempts)
                .where(quiz_attempts.c.id == quiz_attempt_id)
                .values(reflection_score=score, reflection_max=max_score)
            )

    def latest_submitted_quiz(self, learner_id: int, module_id: str) -> int | None:
        with self._read() as conn:
            return conn.scalar(
                select(quiz_attempts.c.id)
                .where(
                    quiz_attempts.c.learner_id == learner_id,
                    quiz_attempts.c.module_id == module_id,
                    quiz_attempts.c.submitted_at.is_not(None),
                )
                .order_by(quiz_attempts.c.id.desc())
                .limit(1)
            )

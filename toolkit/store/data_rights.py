"""Data rights (UK GDPR): everything the store holds about one person, or nothing."""

from __future__ import annotations

from sqlalchemy import select

from toolkit.store.attempts import AttemptsMixin
from toolkit.store.quizzes import QuizzesMixin
from toolkit.store.sign_ins import SignInsMixin
from toolkit.store.tables import deliveries, learners, sign_ins


class DataRightsMixin(AttemptsMixin, QuizzesMixin, SignInsMixin):
    """Export or erase one person's records."""

    def export_learner(self, email: str) -> dict:
        """All records of one person, as plain data (no access code hash)."""
        learner = self._by_email(email)
        history = []
        for attempt in self.attempts_for(learner.id):
            made = [c.__dict__ for c in self.choices_for(attempt["id"])]
            history.append({**attempt, "choices": made})
        quizzes = []
        for attempt in self.quiz_attempts_for(learner.id):
            answers = [a.__dict__ for a in self.quiz_answers_for(attempt["id"])]
            quizzes.append({**attempt, "answers": answers})
        with self._read() as conn:
            taught = conn.execute(
                select(deliveries).where(deliveries.c.teacher_id == learner.id)
            ).all()
        return {
            "learner": learner.__dict__,
            "scenario_attempts": history,
            "quiz_attempts": quizzes,
            "lessons_taught": [dict(r._mapping) for r in taught],
            "sign_ins": self.sign_ins_for(learner.email),
        }

    def erase_learner(self, email: str) -> int:
        """Remove a person and every record of them; returns their former id."""
        learner = self._by_email(email)
        with self._write() as conn:
            conn.execute(learners.delete().where(learners.c.id == learner.id))  # cascades
            conn.execute(sign_ins.delete().where(sign_ins.c.email == learner.email))
        return learner.id

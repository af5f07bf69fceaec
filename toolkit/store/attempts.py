"""Scenario attempts and the choices in them, each saved the moment it is made."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from toolkit.store import clock
from toolkit.store.core import StoreCore, upsert
from toolkit.store.errors import AttemptClosed, ChoiceOutOfStep, UnknownAttempt, UnknownLearner
from toolkit.store.records import RecordedChoice, ScenarioProgress
from toolkit.store.tables import attempts, choices, learners, scenario_standings

log = logging.getLogger(__name__)


class AttemptsMixin(StoreCore):
    """Scenario attempts and their choices."""

    def start_attempt(self, learner_id: int, scenario_id: str, content_version: str) -> int:
        with self._write() as conn:
            if conn.scalar(select(learners.c.id).where(learners.c.id == learner_id)) is None:
                raise UnknownLearner(f"no learner with id {learner_id}")
            attempt_id = conn.execute(
                insert(attempts).values(
                    learner_id=learner_id,
                    scenario_id=scenario_id,
                    content_version=content_version,
                    started_at=clock.now(),
                )
            ).inserted_primary_key[0]
            upsert(conn, scenario_standings, {"learner_id": learner_id, "scenario_id": scenario_id})
            return attempt_id

    def open_attempt(self, learner_id: int, scenario_id: str, content_version: str) -> int | None:
        """The learner's unfinished attempt at this version of the scenario, if any."""
        with self._read() as conn:
            return conn.scalar(
                select(attempts.c.id)
                .where(
                    attempts.c.learner_id == learner_id,
                    attempts.c.scenario_id == scenario_id,
                    attempts.c.content_version == content_version,
                    attempts.c.completed_at.is_(None),
                )
                .order_by(attempts.c.id.desc())
                .limit(1)
            )

    def record_choice(
        self, attempt_id: int, step_id: str, choice_index: int, outcome: str, *, after: int
    ) -> int:
        """Save one choice the moment it is made; returns its place in the path.

        `after` is the place of the last choice the learner saw (0 before any), so a choice is
        saved only where it was made: the same choice sent twice (a double-click, two tabs) is
        saved once, and any other choice once the path has gone on is refused.
        """
        try:
            with self._write() as conn:
                scenario_id = self._open_for_writing(conn, attempt_id).scenario_id
                mine = choices.c.attempt_id == attempt_id
                following = conn.execute(
                    select(choices.c.seq, choices.c.step_id, choices.c.choice_index)
                    .where(mine, choices.c.seq > after)
                    .order_by(choices.c.seq)
                    .limit(1)
                ).first()
                if following is not None:
                    if (following.step_id, following.choice_index) == (step_id, choice_index):
                        return following.seq  # already saved: the same choice sent again
                    raise ChoiceOutOfStep(
                        f"attempt {attempt_id} already has another choice after place {after}"
                    )
                last = conn.scalar(select(func.coalesce(func.max(choices.c.seq), 0)).where(mine))
                if after != last:
                    raise ChoiceOutOfStep(
                        f"attempt {attempt_id} ends at place {last}, not at place {after}"
                    )
                conn.execute(
                    insert(choices).values(
                        attempt_id=attempt_id,
                        seq=last + 1,
                        scenario_id=scenario_id,
                        step_id=step_id,
                        choice_index=choice_index,
                        outcome=outcome,
                        chosen_at=clock.now(),
                    )
                )
                return last + 1
        except IntegrityError:  # the unique place, should two writers ever pass the check at once
            raise ChoiceOutOfStep(f"attempt {attempt_id} took a choice elsewhere") from None

    def drop_choices(self, attempt_id: int, stray: list[RecordedChoice]) -> int:
        """Delete choices off the attempt's path (two at one step, saved by a double-click
        before choices were checked) in one transaction, so its learner can go on. Each is
        matched on place, step and index, so a choice saved since in its place stays."""
        with self._write() as conn:
            self._open_for_writing(conn, attempt_id)
            dropped = 0
            for choice in stray:
                dropped += conn.execute(
                    choices.delete().where(
                        choices.c.attempt_id == attempt_id,
                        choices.c.seq == choice.seq,
                        choices.c.step_id == choice.step_id,
                        choices.c.choice_index == choice.choice_index,
                    )
                ).rowcount
        log.warning(
            "attempt %s: removed %d choices off its path: %s",
            attempt_id,
            dropped,
            [(c.seq, c.step_id, c.choice_index) for c in stray],
        )
        return dropped

    def complete_attempt(self, attempt_id: int, score: int) -> None:
        with self._write() as conn:
            attempt = self._open_for_writing(conn, attempt_id)
            moment = clock.now()
            conn.execute(
                update(attempts)
                .where(attempts.c.id == attempt_id)
                .values(completed_at=moment, score=score)
            )
            latest = {"completed_at": moment, "content_version": attempt.content_version}
            key = {"learner_id": attempt.learner_id, "scenario_id": attempt.scenario_id}
            upsert(conn, scenario_standings, key | latest, latest)

    def _open_for_writing(self, conn: Connection, attempt_id: int) -> Row:
        """The attempt's row, if the attempt exists and is still open; locked until the write
        ends (PostgreSQL), so two writers to one attempt take turns as under SQLite."""
        row = conn.execute(
            select(attempts).where(attempts.c.id == attempt_id).with_for_update()
        ).first()
        if row is None:
            raise UnknownAttempt(f"no attempt with id {attempt_id}")
        if row.completed_at is not None:
            raise AttemptClosed(f"attempt {attempt_id} is already complete")
        return row

    def choices_for(self, attempt_id: int) -> list[RecordedChoice]:
        with self._read() as conn:
            rows = conn.execute(
                select(choices).where(choices.c.attempt_id == attempt_id).order_by(choices.c.seq)
            ).all()
        return [
            RecordedChoice(r.seq, r.step_id, r.choice_index, r.outcome, clock.utc(r.chosen_at))
            for r in rows
        ]

    def progress_for(
        self, learner_id: int, scenario_ids: Iterable[str]
    ) -> dict[str, ScenarioProgress]:
        """Where the learner stands on each scenario."""
        scenario_ids = list(scenario_ids)
        with self._read() as conn:
            rows = conn.execute(
                select(attempts)
                .where(
                    attempts.c.learner_id == learner_id, attempts.c.scenario_id.in_(scenario_ids)
                )
                .order_by(attempts.c.id)
            ).all()
        result = {}
        for scenario_id in scenario_ids:
            mine = [r for r in rows if r.scenario_id == scenario_id]
            done = [r for r in mine if r.completed_at is not None]
            if done:
                latest = done[-1]
                result[scenario_id] = ScenarioProgress(
                    scenario_id,
                    "complete",
                    max(r.score for r in done),
                    clock.utc(latest.completed_at),
                    latest.content_version,
                )
            else:
                status = "in progress" if mine else "not started"
                result[scenario_id] = ScenarioProgress(scenario_id, status, None, None, None)
        return result

    def attempts_for(self, learner_id: int) -> list[dict]:
        with self._read() as conn:
            rows = conn.execute(
                select(attempts).where(attempts.c.learner_id == learner_id).order_by(attempts.c.id)
            ).all()
        return [dict(r._mapping) for r in rows]

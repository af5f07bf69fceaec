"""People joining, changing, taking on safeguarding duties and leaving: the roster over time.

Nobody is deleted when they leave: their records stay as evidence of the training they had,
and they drop out of the lists of who is behind. Only erasure (data rights) removes a person.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from datetime import date

from sqlalchemy import select, update

from toolkit.store import clock, codes
from toolkit.store.core import StoreCore, learner_from_row
from toolkit.store.errors import StoreError
from toolkit.store.learners import insert_learners
from toolkit.store.records import DUTIES, Learner, NewLearner, RosterUpdate
from toolkit.store.tables import learners


class LifecycleMixin(StoreCore):
    """Looking people up by email, duties, leaving and rejoining, and roster updates."""

    def person(self, email: str) -> Learner:
        """The person with this email (any case, spaces trimmed), whether or not they have left."""
        return self._by_email(email)

    def current_learners(self) -> list[Learner]:
        """Everyone who has not left, by name: the people the reports follow."""
        with self._read() as conn:
            rows = conn.execute(
                select(learners)
                .where(learners.c.left_on.is_(None))
                .order_by(learners.c.name, learners.c.id)
            ).all()
        return [learner_from_row(r) for r in rows]

    def grant(self, email: str, duty: str | None) -> Learner:
        """Give a person a safeguarding duty (one of DUTIES), or None to take it away."""
        if duty is not None and duty not in DUTIES:
            raise StoreError(
                f"{duty!r} is not a safeguarding duty: use one of {', '.join(DUTIES)}, "
                "or none to take the duty away"
            )
        return self._change(email, duty=duty)

    def leave(self, email: str, on: date | None = None) -> Learner:
        """Record that a person left (today, unless `on` says when); leaving again keeps the
        first date. Their records stay; they can no longer sign in."""
        left_on = on or clock.now().date()
        return self._change(email, learners.c.left_on.is_(None), left_on=left_on)

    def rejoin(self, email: str) -> Learner:
        """Undo a leaving: the person is on the current roster again and may sign in."""
        return self._change(email, left_on=None)

    def _change(self, email: str, *only_if, **values) -> Learner:
        """Set these columns for the person (if the conditions hold), and read them back."""
        learner = self._by_email(email)
        with self._write() as conn:
            conn.execute(
                update(learners).where(learners.c.id == learner.id, *only_if).values(**values)
            )
            row = conn.execute(select(learners).where(learners.c.id == learner.id)).one()
        return learner_from_row(row)

    def update_roster(
        self, people: list[NewLearner], progress: Callable[[int, int], None] | None = None
    ) -> RosterUpdate:
        """Bring the roster up to date with a whole staff list, all or nothing: add the new
        people (with access codes), change names, roles and groups, and list the current
        people the list leaves out. Nobody is deleted or marked as left, and nobody who left is
        brought back: `leave` and `rejoin` are the DSL's to run.

        progress(done, total) follows the hashing of the new people's codes.
        """
        people = [_normalised(p) for p in people]
        emails = [p.email for p in people]
        twice = sorted(email for email, n in Counter(emails).items() if n > 1)
        if twice:
            raise StoreError(f"the list names some people twice: {', '.join(twice)}")
        with self._read() as conn:
            known = set(conn.scalars(select(learners.c.email)).all())
        # The codes are hashed before the write begins: a big roster takes a while.
        issued = [(p, codes.new_access_code()) for p in people if p.email not in known]
        hashes = codes.hash_codes([code for _, code in issued], progress)
        with self._write() as conn:
            before = {
                row.email: learner_from_row(row)
                for row in conn.execute(select(learners).order_by(learners.c.name, learners.c.id))
            }
            new = {p.email for p, _ in issued}
            if new & before.keys() or set(emails) - new - before.keys():
                raise StoreError(
                    "someone else changed the roster at the same time: nothing was changed, "
                    "run the update again"
                )
            updated, left, unchanged = [], [], 0
            for person in people:
                was = before.get(person.email)
                if was is None:
                    continue
                if not was.current:
                    left.append(was)
                changes = _changes(was, person)
                if not changes:
                    unchanged += 1
                    continue
                conn.execute(update(learners).where(learners.c.id == was.id).values(**changes))
                now = dataclasses.replace(
                    was, name=person.name, role=person.role, group=person.group
                )
                updated.append((was, now))
            added = insert_learners(conn, issued, hashes)
        listed = set(emails)
        missing = [p for p in before.values() if p.current and p.email not in listed]
        return RosterUpdate(added, updated, missing, unchanged, left)


def _normalised(person: NewLearner) -> NewLearner:
    return dataclasses.replace(person, email=person.email.strip().lower())


def _changes(was: Learner, person: NewLearner) -> dict:
    """The columns a staff list changes for someone already on the roster."""
    now = {"name": person.name, "role": person.role, "team": person.group}
    then = {"name": was.name, "role": was.role, "team": was.group}
    return {key: value for key, value in now.items() if then[key] != value}

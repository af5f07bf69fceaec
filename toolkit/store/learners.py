"""The roster in the store: adding people with their access codes, and reading them back."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from toolkit.store import clock, codes
from toolkit.store.core import StoreCore, learner_from_row, upsert
from toolkit.store.errors import DuplicateLearner, UnknownLearner
from toolkit.store.records import Learner, NewLearner
from toolkit.store.tables import learners, meta

NEXT_LEARNER_ID = "next_learner_id"


class LearnersMixin(StoreCore):
    """Adding and reading the people on the roster."""

    def add_learners(
        self, people: Iterable[NewLearner], progress: Callable[[int, int], None] | None = None
    ) -> list[tuple[Learner, str]]:
        """Add everyone or no one; returns each learner with their access code (shown once).

        progress(done, total) follows the hashing of the codes, the long part of a big roster.
        """
        people = list(people)
        issued = [(person, codes.new_access_code()) for person in people]
        hashes = codes.hash_codes([code for _, code in issued], progress)
        with self._write() as conn:
            emails = [p.email for p in people]
            existing = conn.scalars(
                select(learners.c.email).where(learners.c.email.in_(emails))
            ).all()
            if existing:
                raise DuplicateLearner(sorted(existing))
            created = insert_learners(conn, issued, hashes)
        return created

    def learner_count(self) -> int:
        with self._read() as conn:
            return conn.scalar(select(func.count()).select_from(learners))

    def learner(self, learner_id: int) -> Learner:
        with self._read() as conn:
            row = conn.execute(select(learners).where(learners.c.id == learner_id)).first()
        if row is None:
            raise UnknownLearner(f"no learner with id {learner_id}")
        return learner_from_row(row)

    def learners(self) -> list[Learner]:
        with self._read() as conn:
            rows = conn.execute(select(learners).order_by(learners.c.name, learners.c.id)).all()
        return [learner_from_row(r) for r in rows]


def insert_learners(
    conn: Connection, issued: list[tuple[NewLearner, str]], hashes: list[str]
) -> list[tuple[Learner, str]]:
    """Insert each new person with the hash of their code, under ids never used before."""
    created = []
    first_id = _next_learner_id(conn)
    for learner_id, ((person, code), code_hash) in enumerate(
        zip(issued, hashes, strict=True), start=first_id
    ):
        conn.execute(
            insert(learners).values(
                id=learner_id,
                email=person.email,
                name=person.name,
                role=person.role,
                start_date=person.start_date,
                team=person.group,
                code_hash=code_hash,
                created_at=clock.now(),
            )
        )
        learner = Learner(
            learner_id, person.name, person.email, person.role, person.start_date, person.group
        )
        created.append((learner, code))
    following = str(first_id + len(issued))
    upsert(conn, meta, {"key": NEXT_LEARNER_ID, "value": following}, {"value": following})
    return created


def _next_learner_id(conn: Connection) -> int:
    """A new learner's id: never one an erased person had, as files and logs name people by id
    (SQLite would reuse the highest id once it is erased)."""
    counted = conn.scalar(select(meta.c.value).where(meta.c.key == NEXT_LEARNER_ID))
    highest = conn.scalar(select(func.max(learners.c.id))) or 0
    return max(int(counted or 0), highest + 1)

"""Classes and the lessons taught to them, kept as counts for the class, never a pupil's name."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from toolkit.store import clock
from toolkit.store.core import StoreCore, learner_from_row
from toolkit.store.errors import DuplicateClass, StoreError, UnknownClass
from toolkit.store.records import TEACHING_ROLES, Delivery, Learner, SchoolClass
from toolkit.store.tables import classes, deliveries, learners, tallies


class ClassesMixin(StoreCore):
    """Classes, the staff who teach them, and the lessons delivered."""

    def add_class(self, name: str, band: str) -> SchoolClass:
        name = " ".join(name.split())
        with self._write() as conn:
            if conn.scalar(select(classes.c.id).where(func.lower(classes.c.name) == name.lower())):
                raise DuplicateClass(f"there is already a class called {name!r}")
            class_id = conn.execute(
                insert(classes).values(name=name, band=band, created_at=clock.now())
            ).inserted_primary_key[0]
        return SchoolClass(class_id, name, band)

    def classes(self) -> list[SchoolClass]:
        with self._read() as conn:
            rows = conn.execute(select(classes).order_by(classes.c.name)).all()
        return [SchoolClass(r.id, r.name, r.band) for r in rows]

    def teachers(self) -> list[Learner]:
        """Staff who may lead a lesson: teachers and support staff on the roster, not those who
        have left."""
        with self._read() as conn:
            rows = conn.execute(
                select(learners)
                .where(learners.c.role.in_(TEACHING_ROLES), learners.c.left_on.is_(None))
                .order_by(learners.c.name)
            ).all()
        return [learner_from_row(r) for r in rows]

    def record_delivery(
        self,
        class_id: int,
        lesson_id: str,
        content_version: str,
        teacher_id: int | None,
        delivered_on: date,
        counts: list[tuple[str, str, int]],
    ) -> int:
        """Save a lesson taught to a class, with the class's tallies, all or nothing."""
        with self._write() as conn:
            if conn.scalar(select(classes.c.id).where(classes.c.id == class_id)) is None:
                raise UnknownClass(f"no class with id {class_id}")
            delivery_id = conn.execute(
                insert(deliveries).values(
                    class_id=class_id,
                    lesson_id=lesson_id,
                    content_version=content_version,
                    teacher_id=teacher_id,
                    delivered_on=delivered_on,
                    recorded_at=clock.now(),
                )
            ).inserted_primary_key[0]
            self._insert_tallies(conn, delivery_id, counts)
        return delivery_id

    def update_delivery(
        self, delivery_id: int, delivered_on: date, counts: list[tuple[str, str, int]]
    ) -> None:
        """Save a recorded lesson again (the class changed an answer): its date and tallies are
        replaced, all or nothing, so one lesson taught is one delivery however often it is saved."""
        with self._write() as conn:
            changed = conn.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(delivered_on=delivered_on, recorded_at=clock.now())
            ).rowcount
            if not changed:
                raise StoreError(f"no lesson delivery with id {delivery_id}")
            conn.execute(tallies.delete().where(tallies.c.delivery_id == delivery_id))
            self._insert_tallies(conn, delivery_id, counts)

    @staticmethod
    def _insert_tallies(
        conn: Connection, delivery_id: int, counts: list[tuple[str, str, int]]
    ) -> None:
        for activity_id, option_id, count in counts:
            conn.execute(
                insert(tallies).values(
                    delivery_id=delivery_id,
                    activity_id=activity_id,
                    option_id=option_id,
                    count=count,
                )
            )

    def deliveries(self, class_id: int | None = None) -> list[Delivery]:
        with self._read() as conn:
            query = select(deliveries).order_by(deliveries.c.delivered_on, deliveries.c.id)
            if class_id is not None:
                query = query.where(deliveries.c.class_id == class_id)
            rows = conn.execute(query).all()
            counts = conn.execute(select(tallies).order_by(tallies.c.id)).all()
        by_delivery: dict[int, list[tuple[str, str, int]]] = {}
        for t in counts:
            by_delivery.setdefault(t.delivery_id, []).append((t.activity_id, t.option_id, t.count))
        return [
            Delivery(
                r.id,
                r.class_id,
                r.lesson_id,
                r.teacher_id,
                r.delivered_on,
                by_delivery.get(r.id, []),
            )
            for r in rows
        ]

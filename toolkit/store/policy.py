"""The wordings of each school's policy clauses, kept with the time each was first seen."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select

from toolkit.store import clock
from toolkit.store.core import StoreCore
from toolkit.store.tables import policy_clauses

GONE = ""  # the digest of a row saying the clause was no longer in the policy


@dataclass(frozen=True)
class ClauseWording:
    """One wording of a clause, from the time it was first seen; `text` None once removed."""

    clause_id: str
    text: str | None
    first_seen: datetime


def wording_digest(text: str) -> str:
    """The same for two wordings that differ only in spacing."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


class PolicyMixin(StoreCore):
    """A school's clause wordings over time, for telling staff what changed since they trained."""

    def record_policy(self, school_id: str, clauses: Iterable[tuple[str, str]]) -> int:
        """Note the school's current (clause id, text) pairs: a new row for each clause that is
        new, reworded or gone since last noted. Returns how many rows were added; reads only
        when nothing changed, so it is called whenever a page or command resolves the school."""
        current = {clause_id: text for clause_id, text in clauses}
        latest = self._latest_digests(school_id)
        wanted = {cid: wording_digest(text) for cid, text in current.items()}
        changed = [cid for cid, digest in wanted.items() if latest.get(cid) != digest]
        gone = [cid for cid, digest in latest.items() if digest != GONE and cid not in wanted]
        if not changed and not gone:
            return 0
        with self._write() as conn:
            # Read again inside the write: another page may have noted the same change.
            latest = self._latest_digests(school_id, conn)
            moment = clock.now()
            rows = [
                {"clause_id": cid, "digest": wanted[cid], "text": current[cid]}
                for cid in sorted(wanted)
                if latest.get(cid) != wanted[cid]
            ] + [
                {"clause_id": cid, "digest": GONE, "text": ""}
                for cid in sorted(latest)
                if latest[cid] != GONE and cid not in wanted
            ]
            if rows:
                conn.execute(
                    insert(policy_clauses),
                    [row | {"school_id": school_id, "first_seen": moment} for row in rows],
                )
            return len(rows)

    def policy_history(self, school_id: str) -> list[ClauseWording]:
        """Every wording noted for the school's clauses, oldest first."""
        table = policy_clauses
        with self._read() as conn:
            rows = conn.execute(
                select(table.c.clause_id, table.c.digest, table.c.text, table.c.first_seen)
                .where(table.c.school_id == school_id)
                .order_by(table.c.first_seen, table.c.id)
            ).all()
        return [
            ClauseWording(
                r.clause_id, None if r.digest == GONE else r.text, clock.utc(r.first_seen)
            )
            for r in rows
        ]

    def _latest_digests(self, school_id: str, conn=None) -> dict[str, str]:
        table = policy_clauses
        query = (
            select(table.c.clause_id, table.c.digest)
            .where(table.c.school_id == school_id)
            .order_by(table.c.first_seen, table.c.id)
        )
        if conn is None:
            with self._read() as reading:
                rows = reading.execute(query).all()
        else:
            rows = conn.execute(query).all()
        return {clause_id: digest for clause_id, digest in rows}  # the last row of each wins

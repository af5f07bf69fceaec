"""Signing in with an access code: every try recorded, failed ones limited, codes reset."""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from sqlalchemy import func, insert, select, update

from toolkit.store import clock, codes
from toolkit.store.core import StoreCore, learner_from_row
from toolkit.store.errors import LearnerLeft, SignInFailed, SignInLimited
from toolkit.store.records import Learner
from toolkit.store.tables import learners, sign_ins

# Failed sign-ins allowed in a window, per email and per client address, before signing in
# pauses. An address allows more, as a staffroom's computers may share one.
SIGN_IN_WINDOW = timedelta(minutes=15)
FAILED_PER_EMAIL = 5
FAILED_PER_CLIENT = 20

log = logging.getLogger(__name__)


class SignInsMixin(StoreCore):
    """Signing in, its limits, and new access codes."""

    def sign_in(self, email: str, code: str, client: str = "", page: str = "staff") -> Learner:
        """The learner with this email and access code. Every sign-in is recorded and logged
        (never the code); failed ones are limited per email and per client address. Someone
        who has left is refused with LearnerLeft, even with the right code."""
        email, client = email.strip().lower()[:254], client[:64]
        wait = self._sign_in_pause(email, client)
        if wait:
            self._note_sign_in(email, client, page, "limited")
            raise SignInLimited(wait)
        with self._read() as conn:
            row = conn.execute(select(learners).where(learners.c.email == email)).first()
        # The same work whether or not the email is known, so timing tells nothing.
        matched = (
            codes.check_code(code, row.code_hash if row else codes.DUMMY_HASH) and row is not None
        )
        if matched and row.left_on is not None:
            # Told only to someone with the right code, after the same work as any sign-in.
            self._note_sign_in(email, client, page, "left")
            raise LearnerLeft(row.left_on)
        self._note_sign_in(email, client, page, "ok" if matched else "wrong")
        if not matched:
            raise SignInFailed()
        if row.code_hash.split("$")[1] != str(codes.CODE_SCRYPT_N):
            # Made at an older cost: hashed again at today's, so that checking this person's
            # code takes as long as checking an unknown email's, and timing tells nothing.
            with self._write() as conn:
                conn.execute(
                    update(learners)
                    .where(learners.c.id == row.id)
                    .values(code_hash=codes.hash_code(code))
                )
        return learner_from_row(row)

    def _sign_in_pause(self, email: str, client: str) -> int:
        """Whole minutes until this email or address may try again; 0 if it may now."""
        since = clock.now() - SIGN_IN_WINDOW
        with self._read() as conn:
            cleared = clock.utc(  # a success or a new code starts the person's count again
                conn.scalar(
                    select(func.max(sign_ins.c.at)).where(
                        sign_ins.c.email == email, sign_ins.c.outcome.in_(("ok", "reset"))
                    )
                )
            )
            counts = [(sign_ins.c.email == email, max(since, cleared or since), FAILED_PER_EMAIL)]
            if client:
                counts.append((sign_ins.c.client == client, since, FAILED_PER_CLIENT))
            wait = 0
            for where, after, limit in counts:
                failed = conn.scalars(
                    select(sign_ins.c.at)
                    .where(where, sign_ins.c.outcome == "wrong", sign_ins.c.at > after)
                    .order_by(sign_ins.c.at.desc())
                    .limit(limit)
                ).all()
                if len(failed) == limit:  # free again when the oldest of them leaves the window
                    left = clock.utc(failed[-1]) + SIGN_IN_WINDOW - clock.now()
                    wait = max(wait, math.ceil(left.total_seconds() / 60), 1)
        return wait

    def _note_sign_in(self, email: str, client: str, page: str, outcome: str) -> None:
        with self._write() as conn:
            conn.execute(
                insert(sign_ins).values(
                    at=clock.now(), email=email, client=client, page=page, outcome=outcome
                )
            )
        level = logging.INFO if outcome in ("ok", "reset") else logging.WARNING
        where = f" from {client}" if client else ""
        log.log(level, "sign-in %s: %s%s (%s)", outcome, email, where, page)

    def reset_code(self, email: str) -> tuple[Learner, str]:
        """Issue a person a new access code (shown once); the old one stops working at once."""
        learner = self._by_email(email)
        code = codes.new_access_code()
        code_hash = codes.hash_code(code)
        with self._write() as conn:
            conn.execute(
                update(learners).where(learners.c.id == learner.id).values(code_hash=code_hash)
            )
        self._note_sign_in(learner.email, "", "roster", "reset")
        return learner, code

    def sign_ins_for(self, email: str) -> list[dict]:
        with self._read() as conn:
            rows = conn.execute(
                select(sign_ins.c.at, sign_ins.c.client, sign_ins.c.page, sign_ins.c.outcome)
                .where(sign_ins.c.email == email.strip().lower())
                .order_by(sign_ins.c.id)
            ).all()
        return [{**row._mapping, "at": clock.utc(row.at)} for row in rows]

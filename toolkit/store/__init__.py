"""The progress store, the only module that speaks SQL: learners, attempts and every choice."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import multiprocessing
import os
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    case,
    create_engine,
    event,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from toolkit.store import migrate

BUSY_TIMEOUT_MS = 30_000

# Failed sign-ins allowed in a window, per email and per client address, before signing in
# pauses. An address allows more, as a staffroom's computers may share one.
SIGN_IN_WINDOW = timedelta(minutes=15)
FAILED_PER_EMAIL = 5
FAILED_PER_CLIENT = 20

log = logging.getLogger(__name__)

metadata = MetaData()

SCHOOL_KEY = "school"  # the meta key holding the id of the school set up here

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(400), nullable=False),
)

learners = Table(
    "learners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("team", String(80)),  # an optional group, e.g. "KS1" or "Office", for the DSL's filters
    Column("code_hash", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

attempts = Table(
    "attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("scenario_id", String(80), nullable=False),
    Column("content_version", String(64), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("score", Integer),
    # A learner's attempts at a scenario without table lookups (resuming, progress, backfills).
    Index("ix_attempts_summary", "learner_id", "scenario_id", "completed_at", "content_version"),
)

choices = Table(
    "choices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("attempt_id", ForeignKey("attempts.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("scenario_id", String(80), nullable=False),  # the attempt's, kept here for the reports
    Column("step_id", String(80), nullable=False),
    Column("choice_index", Integer, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("chosen_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("attempt_id", "seq"),
    Index("ix_choices_outcome", "outcome", "scenario_id", "step_id", "choice_index"),
)

quiz_attempts = Table(
    "quiz_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("module_id", String(80), nullable=False),
    Column("content_version", String(64), nullable=False),
    Column("draw", Text, nullable=False),  # JSON: the questions drawn and their option order
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True)),
    Column("score", Integer),
    Column("passed", Boolean),
    Column("reflection_score", Float),
    Column("reflection_max", Float),
    Index(
        "ix_quiz_summary", "learner_id", "module_id", "submitted_at", "passed", "content_version"
    ),
)

quiz_answers = Table(
    "quiz_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("quiz_attempt_id", ForeignKey("quiz_attempts.id", ondelete="CASCADE"), nullable=False),
    Column("slot", Integer, nullable=False),
    Column("module_id", String(80), nullable=False),  # the attempt's, kept here for the reports
    Column("question_id", String(80), nullable=False),
    Column("chosen", String(200), nullable=False),  # JSON list of option ids
    Column("correct", Boolean, nullable=False),
    UniqueConstraint("quiz_attempt_id", "slot"),
    Index("ix_quiz_answers_question", "module_id", "question_id", "correct"),
)

# Each learner's latest standing on each scenario and quiz, kept with every write that changes
# it, so the DSL's completion matrix reads one row per cell instead of every attempt.
scenario_standings = Table(
    "scenario_standings",
    metadata,
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True),
    Column("scenario_id", String(80), primary_key=True),
    Column("completed_at", DateTime(timezone=True)),  # the latest completion; NULL if only started
    Column("content_version", String(64)),  # the version of that completion
)

quiz_standings = Table(
    "quiz_standings",
    metadata,
    Column("learner_id", ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True),
    Column("module_id", String(80), primary_key=True),
    Column("tries", Integer, nullable=False),  # quizzes submitted
    Column("passed_at", DateTime(timezone=True)),  # the latest pass; NULL if never passed
    Column("content_version", String(64)),  # the version of that pass
)

classes = Table(
    "classes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("band", String(8), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A lesson taught to a class: counts for the class, never a pupil's name.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("class_id", ForeignKey("classes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("lesson_id", String(80), nullable=False),
    Column("content_version", String(64), nullable=False),
    Column("teacher_id", ForeignKey("learners.id", ondelete="SET NULL")),
    Column("delivered_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

tallies = Table(
    "tallies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "delivery_id", ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("activity_id", String(80), nullable=False),
    Column("option_id", String(80), nullable=False),
    Column("count", Integer, nullable=False),
    UniqueConstraint("delivery_id", "activity_id", "option_id"),
)

# Every sign-in, its outcome and where it came from (never the code), and each code reset:
# the record the limit on failed sign-ins counts, and what the DSL can show when asked.
sign_ins = Table(
    "sign_ins",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("email", String(254), nullable=False),
    Column("client", String(64), nullable=False),  # the address the page was opened from
    Column("page", String(16), nullable=False),  # staff, classroom, or roster for a reset
    Column("outcome", String(16), nullable=False),  # ok, wrong, limited or reset
    Index("ix_sign_ins_email", "email", "at"),
    Index("ix_sign_ins_client", "client", "at"),
)


# --- exceptions -------------------------------------------------------------------------


class StoreError(Exception):
    """Base of the store's own errors."""


class UnknownLearner(StoreError):
    pass


class DuplicateLearner(StoreError):
    def __init__(self, emails: list[str]):
        self.emails = emails
        super().__init__(f"already on the roster: {', '.join(emails)}")


class SignInFailed(StoreError):
    def __init__(
        self, message: str = "That email and access code do not match our records."
    ) -> None:
        super().__init__(message)


class SignInLimited(SignInFailed):
    """Too many failed sign-ins for this email or from this computer: wait, then try again."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        super().__init__(
            "Too many sign-ins that did not match, so signing in is paused for "
            f"{minutes} minute{'s' if minutes != 1 else ''}. Please wait, then try again."
        )


class DuplicateClass(StoreError):
    pass


class UnknownClass(StoreError):
    pass


class UnknownAttempt(StoreError):
    pass


class AttemptClosed(StoreError):
    pass


class ChoiceOutOfStep(StoreError):
    """A choice that does not follow the attempt's saved path: it moved on elsewhere (another tab)."""


class StoreUnavailable(StoreError):
    pass


class StoreMissing(StoreUnavailable):
    """The SQLite file is not there, or not the one opened: never start afresh in silence."""


# --- records --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewLearner:
    name: str
    email: str
    role: str
    start_date: date
    group: str | None = None


@dataclass(frozen=True)
class Learner:
    id: int
    name: str
    email: str
    role: str
    start_date: date
    group: str | None = None


@dataclass(frozen=True)
class RecordedChoice:
    seq: int
    step_id: str
    choice_index: int
    outcome: str
    chosen_at: datetime


@dataclass(frozen=True)
class SchoolClass:
    id: int
    name: str
    band: str


@dataclass(frozen=True)
class Delivery:
    id: int
    class_id: int
    lesson_id: str
    teacher_id: int | None
    delivered_on: date
    tallies: list[tuple[str, str, int]]


@dataclass(frozen=True)
class QuizAnswer:
    slot: int
    question_id: str
    chosen: list[str]
    correct: bool


@dataclass(frozen=True)
class QuizProgress:
    module_id: str
    status: str  # "not taken" | "failed" | "passed"
    best_score: int | None
    attempts: int


@dataclass(frozen=True)
class ScenarioProgress:
    scenario_id: str
    status: str  # "not started" | "in progress" | "complete"
    best_score: int | None
    completed_at: datetime | None
    content_version: str | None


# --- access codes ---------------------------------------------------------------------

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud or typed safely


def new_access_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


# scrypt's cost for an access code. A code is 12 random symbols of 31, about 59.5 bits,
# not a password a person chose: guessing one from a stolen database at a generous million
# guesses a second still takes some 12,000 years on average, so the cost need not be a
# password's n=2**14 (16 MB, 40 ms). n=2**10 is 16 times cheaper (1 MB, about 2.5 ms), so a
# trust's roster hashes in minutes. Stored hashes carry their own n: older ones still check.
# The arithmetic is in docs/performance.md.
CODE_SCRYPT_N = 2**10
# Below this many codes, starting worker processes costs more than it saves.
PARALLEL_FROM = 200


def hash_code(code: str, salt: bytes | None = None, *, n: int = CODE_SCRYPT_N) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(_normalise_code(code).encode(), salt=salt, n=n, r=8, p=1)
    return f"scrypt${n}$8$1${salt.hex()}${digest.hex()}"


def _hash_chunk(codes: list[str]) -> list[str]:
    return [hash_code(code) for code in codes]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def hash_codes(codes: list[str], progress: Callable[[int, int], None] | None = None) -> list[str]:
    """The hash of each code, in order, spread over the cores; progress(done, total) as it goes."""
    cores = _cores()
    parallel = len(codes) >= PARALLEL_FROM and cores > 1
    size = max(50, min(500, len(codes) // (cores * 8))) if parallel else 100
    chunks = [codes[start : start + size] for start in range(0, len(codes), size)]
    results: list[list[str]] = [[] for _ in chunks]
    done = 0

    def finished(i: int, hashes: list[str]) -> None:
        nonlocal done
        results[i], done = hashes, done + len(hashes)
        if progress:
            progress(done, len(codes))

    if not parallel:
        for i, chunk in enumerate(chunks):
            finished(i, _hash_chunk(chunk))
    else:
        # spawn, not fork: the caller may be a server with threads and open connections.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=cores, mp_context=context) as pool:
            futures = {pool.submit(_hash_chunk, chunk): i for i, chunk in enumerate(chunks)}
            for future in as_completed(futures):
                finished(futures[future], future.result())
    return [h for chunk in results for h in chunk]


def check_code(code: str, stored: str) -> bool:
    _, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(
        _normalise_code(code).encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(candidate.hex(), digest)


_DUMMY_HASH = hash_code("not-a-real-code")


def now() -> datetime:
    return datetime.now(UTC)


# --- the store ------------------------------------------------------------------------


def sqlite_file(url: str) -> Path | None:
    """The absolute path of a SQLite file store; None for PostgreSQL or an in-memory store."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or "uri" in parsed.query:
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(os.path.abspath(parsed.database))


def make_engine(url: str, create: bool = True) -> Engine:
    """An engine for the store; a SQLite file is made here only if `create`, never by a connection."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    path = sqlite_file(url)
    if path is not None:
        if create and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()  # an empty file is an empty SQLite database
        # mode=rw: a connection opened after the file is deleted fails instead of making a new one.
        database = f"file:{quote(str(path))}"
        parsed = parsed.set(database=database, query={**parsed.query, "mode": "rw", "uri": "true"})
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions, so writes can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        # A write takes the lock at BEGIN, so two writers queue instead of failing mid-way.
        writes = conn.get_execution_options().get("writes", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


class Store:
    """Domain operations on the progress store; open one per process."""

    def __init__(self, url: str, create: bool = True):
        """Open the store; `create=False` (the apps, `esafety serve`) refuses a missing file."""
        self.url = url
        self.file = sqlite_file(url)
        if self.file is not None and not create and not self.file.exists():
            raise StoreMissing(
                f"there is no progress store at {self.file}: run 'esafety init --demo' or "
                "'esafety init --school ID' to set the school up, or restore the file from backup"
            )
        try:
            self.engine = make_engine(url, create)
            self._identity = self._file_identity()
            migrate.upgrade(self.engine)
        except migrate.MigrationFailed as err:
            raise StoreUnavailable(str(err)) from None
        except OperationalError as err:
            raise StoreUnavailable(f"cannot open the progress store: {err.orig}") from None
        except OSError as err:
            raise StoreUnavailable(f"cannot create the data folder: {err}") from None

    def close(self) -> None:
        self.engine.dispose()

    def _file_identity(self) -> tuple[int, int] | None:
        if self.file is None:
            return None
        try:
            found = os.stat(self.file)
        except FileNotFoundError:
            return None
        return found.st_dev, found.st_ino

    def _check_file(self) -> None:
        """Fail loudly if the SQLite file was deleted or replaced since it was opened: open
        connections would go on writing to the old file, unseen, which no backup would hold."""
        found = self._file_identity()
        if self.file is not None and (found is None or found != self._identity):
            raise StoreMissing(
                f"the progress store file {self.file} was deleted or replaced while it was in "
                "use; restore it from backup or run 'esafety init', then reload the page"
            )

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        self._check_file()
        with self.engine.connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        self._check_file()
        with self.engine.connect() as conn, conn.begin():
            yield conn

    # school-wide settings

    def get_meta(self, key: str) -> str | None:
        with self._read() as conn:
            return conn.scalar(select(meta.c.value).where(meta.c.key == key))

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(meta.delete().where(meta.c.key == key))
            conn.execute(insert(meta).values(key=key, value=value))

    # roster

    def add_learners(
        self, people: Iterable[NewLearner], progress: Callable[[int, int], None] | None = None
    ) -> list[tuple[Learner, str]]:
        """Add everyone or no one; returns each learner with their access code (shown once).

        progress(done, total) follows the hashing of the codes, the long part of a big roster.
        """
        people = list(people)
        issued = [(person, new_access_code()) for person in people]
        hashes = hash_codes([code for _, code in issued], progress)
        with self._write() as conn:
            emails = [p.email for p in people]
            existing = conn.scalars(
                select(learners.c.email).where(learners.c.email.in_(emails))
            ).all()
            if existing:
                raise DuplicateLearner(sorted(existing))
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
                        created_at=now(),
                    )
                )
                created.append(
                    (
                        Learner(
                            learner_id,
                            person.name,
                            person.email,
                            person.role,
                            person.start_date,
                            person.group,
                        ),
                        code,
                    )
                )
            following = str(first_id + len(people))
            _upsert(conn, meta, {"key": NEXT_LEARNER_ID, "value": following}, {"value": following})
        return created

    def learner_count(self) -> int:
        with self._read() as conn:
            return conn.scalar(select(func.count()).select_from(learners))

    def learner(self, learner_id: int) -> Learner:
        with self._read() as conn:
            row = conn.execute(select(learners).where(learners.c.id == learner_id)).first()
        if row is None:
            raise UnknownLearner(f"no learner with id {learner_id}")
        return _learner(row)

    def sign_in(self, email: str, code: str, client: str = "", page: str = "staff") -> Learner:
        """The learner with this email and access code. Every sign-in is recorded and logged
        (never the code); failed ones are limited per email and per client address."""
        email, client = email.strip().lower()[:254], client[:64]
        wait = self._sign_in_pause(email, client)
        if wait:
            self._note_sign_in(email, client, page, "limited")
            raise SignInLimited(wait)
        with self._read() as conn:
            row = conn.execute(select(learners).where(learners.c.email == email)).first()
        # The same work whether or not the email is known, so timing tells nothing.
        matched = check_code(code, row.code_hash if row else _DUMMY_HASH) and row is not None
        self._note_sign_in(email, client, page, "ok" if matched else "wrong")
        if not matched:
            raise SignInFailed()
        if row.code_hash.split("$")[1] != str(CODE_SCRYPT_N):
            # Made at an older cost: hashed again at today's, so that checking this person's
            # code takes as long as checking an unknown email's, and timing tells nothing.
            with self._write() as conn:
                conn.execute(
                    update(learners)
                    .where(learners.c.id == row.id)
                    .values(code_hash=hash_code(code))
                )
        return _learner(row)

    def _sign_in_pause(self, email: str, client: str) -> int:
        """Whole minutes until this email or address may try again; 0 if it may now."""
        since = now() - SIGN_IN_WINDOW
        with self._read() as conn:
            cleared = _utc(  # a success or a new code starts the person's count again
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
                    left = _utc(failed[-1]) + SIGN_IN_WINDOW - now()
                    wait = max(wait, math.ceil(left.total_seconds() / 60), 1)
        return wait

    def _note_sign_in(self, email: str, client: str, page: str, outcome: str) -> None:
        with self._write() as conn:
            conn.execute(
                insert(sign_ins).values(
                    at=now(), email=email, client=client, page=page, outcome=outcome
                )
            )
        level = logging.INFO if outcome in ("ok", "reset") else logging.WARNING
        where = f" from {client}" if client else ""
        log.log(level, "sign-in %s: %s%s (%s)", outcome, email, where, page)

    def reset_code(self, email: str) -> tuple[Learner, str]:
        """Issue a person a new access code (shown once); the old one stops working at once."""
        learner = self._by_email(email)
        code = new_access_code()
        code_hash = hash_code(code)
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
        return [{**row._mapping, "at": _utc(row.at)} for row in rows]

    # attempts and choices

    def start_attempt(self, learner_id: int, scenario_id: str, content_version: str) -> int:
        with self._write() as conn:
            if conn.scalar(select(learners.c.id).where(learners.c.id == learner_id)) is None:
                raise UnknownLearner(f"no learner with id {learner_id}")
            attempt_id = conn.execute(
                insert(attempts).values(
                    learner_id=learner_id,
                    scenario_id=scenario_id,
                    content_version=content_version,
                    started_at=now(),
                )
            ).inserted_primary_key[0]
            _upsert(
                conn, scenario_standings, {"learner_id": learner_id, "scenario_id": scenario_id}
            )
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
                        chosen_at=now(),
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
            moment = now()
            conn.execute(
                update(attempts)
                .where(attempts.c.id == attempt_id)
                .values(completed_at=moment, score=score)
            )
            latest = {"completed_at": moment, "content_version": attempt.content_version}
            key = {"learner_id": attempt.learner_id, "scenario_id": attempt.scenario_id}
            _upsert(conn, scenario_standings, key | latest, latest)

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
            RecordedChoice(r.seq, r.step_id, r.choice_index, r.outcome, _utc(r.chosen_at))
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
                    _utc(latest.completed_at),
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

    # module quizzes

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
                    started_at=now(),
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
            moment = now()
            conn.execute(
                update(quiz_attempts)
                .where(quiz_attempts.c.id == quiz_attempt_id)
                .values(submitted_at=moment, score=score, passed=passed)
            )
            latest = {"passed_at": moment, "content_version": row.content_version} if passed else {}
            key = {"learner_id": row.learner_id, "module_id": row.module_id}
            _upsert(
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

    # classes and lesson deliveries

    def add_class(self, name: str, band: str) -> SchoolClass:
        name = " ".join(name.split())
        with self._write() as conn:
            if conn.scalar(select(classes.c.id).where(func.lower(classes.c.name) == name.lower())):
                raise DuplicateClass(f"there is already a class called {name!r}")
            class_id = conn.execute(
                insert(classes).values(name=name, band=band, created_at=now())
            ).inserted_primary_key[0]
        return SchoolClass(class_id, name, band)

    def classes(self) -> list[SchoolClass]:
        with self._read() as conn:
            rows = conn.execute(select(classes).order_by(classes.c.name)).all()
        return [SchoolClass(r.id, r.name, r.band) for r in rows]

    def teachers(self) -> list[Learner]:
        """Staff who may lead a lesson: teachers and support staff on the roster."""
        with self._read() as conn:
            rows = conn.execute(
                select(learners)
                .where(learners.c.role.in_(["teacher", "support"]))
                .order_by(learners.c.name)
            ).all()
        return [_learner(r) for r in rows]

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
                    recorded_at=now(),
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
                .values(delivered_on=delivered_on, recorded_at=now())
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

    # school-wide reads for the DSL's reports (aggregated here, so reports never speak SQL)

    def learners(self) -> list[Learner]:
        with self._read() as conn:
            rows = conn.execute(select(learners).order_by(learners.c.name, learners.c.id)).all()
        return [_learner(r) for r in rows]

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
            standings[learner_id][scenario_id] = (_utc_from(at), version)
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
            standings[learner_id][module_id] = (tries, _utc_from(at), version)
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

    # data rights (UK GDPR): everything about one person, or nothing

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

    def _by_email(self, email: str) -> Learner:
        with self._read() as conn:
            row = conn.execute(
                select(learners).where(learners.c.email == email.strip().lower())
            ).first()
        if row is None:
            raise UnknownLearner(f"no one with the email {email.strip()!r} is on the roster")
        return _learner(row)


# A trust's matrix reads 250,000 standings: plain tuples, made several times faster than named ones.
ScenarioStanding = tuple[datetime | None, str | None]  # (latest completion, its content version)
QuizStanding = tuple[
    int, datetime | None, str | None
]  # (quizzes submitted, latest pass, its version)


NEXT_LEARNER_ID = "next_learner_id"


def _next_learner_id(conn: Connection) -> int:
    """A new learner's id: never one an erased person had, as files and logs name people by id
    (SQLite would reuse the highest id once it is erased)."""
    counted = conn.scalar(select(meta.c.value).where(meta.c.key == NEXT_LEARNER_ID))
    highest = conn.scalar(select(func.max(learners.c.id))) or 0
    return max(int(counted or 0), highest + 1)


def _upsert(conn: Connection, table: Table, row: dict, changes: dict | None = None) -> None:
    """Insert a row; if its primary key is taken, make `changes` to that row (or leave it)."""
    dialect_insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = dialect_insert(table).values(row)
    keys = [c.name for c in table.primary_key]
    if changes:
        statement = statement.on_conflict_do_update(index_elements=keys, set_=changes)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    conn.execute(statement)


def _utc_from(value: str | datetime | None) -> datetime | None:
    """A time as read quickly: ISO text from SQLite (stored in UTC), a datetime from PostgreSQL."""
    if type(value) is str:
        return datetime.fromisoformat(value + "+00:00")  # five times faster than .replace()
    return value.astimezone(UTC) if value is not None else None


def _learner(row) -> Learner:
    return Learner(row.id, row.name, row.email, row.role, row.start_date, row.team)


def _utc(value: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; everything here is stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value

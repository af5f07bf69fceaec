"""The progress store, the only package that speaks SQL: learners, attempts and every choice.

It may import toolkit.settings and third-party libraries, and, in roster.py only, the roles
from toolkit.content, which sits below the store in the pipeline (content -> engine -> store).
Everything callers need is imported from here: `from toolkit.store import Store, NewLearner`.
The clock is not re-exported: tests move it by patching `toolkit.store.clock.now`, where
every domain module looks it up (and `toolkit.store.codes` for the hashing).
"""

from __future__ import annotations

from toolkit.store import migrate
from toolkit.store.codes import (
    CODE_SCRYPT_N,
    PARALLEL_FROM,
    _cores,
    check_code,
    hash_code,
    hash_codes,
    new_access_code,
)
from toolkit.store.connection import make_engine, sqlite_file
from toolkit.store.errors import (
    AttemptClosed,
    ChoiceOutOfStep,
    DuplicateClass,
    DuplicateLearner,
    LearnerLeft,
    SignInFailed,
    SignInLimited,
    StoreBusy,
    StoreError,
    StoreMissing,
    StoreUnavailable,
    UnknownAttempt,
    UnknownClass,
    UnknownLearner,
)
from toolkit.store.policy import ClauseWording, wording_digest
from toolkit.store.records import (
    DUTIES,
    TEACHING_ROLES,
    Delivery,
    Learner,
    NewLearner,
    QuizAnswer,
    QuizProgress,
    QuizStanding,
    RecordedChoice,
    RosterUpdate,
    ScenarioProgress,
    ScenarioStanding,
    SchoolClass,
)
from toolkit.store.sign_ins import FAILED_PER_CLIENT, FAILED_PER_EMAIL, SIGN_IN_WINDOW
from toolkit.store.store import Store
from toolkit.store.tables import (
    SCHOOL_KEY,
    attempts,
    choices,
    classes,
    deliveries,
    learners,
    meta,
    metadata,
    quiz_answers,
    quiz_attempts,
    quiz_standings,
    scenario_standings,
    sign_ins,
    tallies,
)

__all__ = [
    "ClauseWording",
    "wording_digest",
    "SCHOOL_KEY",
    "CODE_SCRYPT_N",
    "DUTIES",
    "FAILED_PER_CLIENT",
    "FAILED_PER_EMAIL",
    "PARALLEL_FROM",
    "SIGN_IN_WINDOW",
    "TEACHING_ROLES",
    "AttemptClosed",
    "ChoiceOutOfStep",
    "Delivery",
    "DuplicateClass",
    "DuplicateLearner",
    "Learner",
    "LearnerLeft",
    "NewLearner",
    "QuizAnswer",
    "QuizProgress",
    "QuizStanding",
    "RecordedChoice",
    "RosterUpdate",
    "ScenarioProgress",
    "ScenarioStanding",
    "SchoolClass",
    "SignInFailed",
    "SignInLimited",
    "Store",
    "StoreError",
    "StoreMissing",
    "StoreBusy",
    "StoreUnavailable",
    "UnknownAttempt",
    "UnknownClass",
    "UnknownLearner",
    "_cores",  # read by benchmarks/roster_import.py
    "attempts",
    "check_code",
    "choices",
    "classes",
    "deliveries",
    "hash_code",
    "hash_codes",
    "learners",
    "make_engine",
    "meta",
    "metadata",
    "migrate",
    "new_access_code",
    "quiz_answers",
    "quiz_attempts",
    "quiz_standings",
    "scenario_standings",
    "sqlite_file",
    "sign_ins",
    "tallies",
]

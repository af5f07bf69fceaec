"""The store's tables, as SQLAlchemy Core: the schema the migrations build and the queries use."""

from __future__ import annotations

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
)

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
    Column("duty", String(16)),  # "dsl" or "deputy" for the safeguarding leads; NULL for others
    Column("left_on", Date),  # the day they left the school; their records stay as evidence
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
    Column("outcome", String(16), nullable=False),  # ok, wrong, limited, left or reset
    Index("ix_sign_ins_email", "email", "at"),
    Index("ix_sign_ins_client", "client", "at"),
)

# Each school's policy clauses as they were first seen, one row per wording (an empty digest: the
# clause was gone from the policy from then on), so staff who trained on earlier words can be
# told which clauses changed since.
policy_clauses = Table(
    "policy_clauses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("school_id", String(80), nullable=False),
    Column("clause_id", String(80), nullable=False),
    Column("digest", String(64), nullable=False),  # of the wording with its spacing evened out
    Column("text", Text, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Index("ix_policy_clauses_school", "school_id", "clause_id", "first_seen"),
)

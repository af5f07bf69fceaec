"""Each learner's latest standing on each scenario and quiz, for the DSL's completion matrix.

Filled from the attempts already stored: the latest completion of each scenario and the
latest pass of each quiz, with the content version of each.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario_standings",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(length=80), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_version", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id", "scenario_id"),
    )
    op.create_table(
        "quiz_standings",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=80), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("passed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_version", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id", "module_id"),
    )
    op.execute(
        """
        INSERT INTO scenario_standings (learner_id, scenario_id, completed_at)
        SELECT learner_id, scenario_id, max(completed_at)
        FROM attempts GROUP BY learner_id, scenario_id
        """
    )
    op.execute(
        """
        UPDATE scenario_standings SET content_version = (
            SELECT a.content_version FROM attempts a
            WHERE a.learner_id = scenario_standings.learner_id
              AND a.scenario_id = scenario_standings.scenario_id
              AND a.completed_at = scenario_standings.completed_at
            ORDER BY a.id DESC LIMIT 1)
        WHERE completed_at IS NOT NULL
        """
    )
    op.execute(
        """
        INSERT INTO quiz_standings (learner_id, module_id, tries, passed_at)
        SELECT learner_id, module_id, count(*), max(CASE WHEN passed THEN submitted_at END)
        FROM quiz_attempts WHERE submitted_at IS NOT NULL GROUP BY learner_id, module_id
        """
    )
    op.execute(
        """
        UPDATE quiz_standings SET content_version = (
            SELECT q.content_version FROM quiz_attempts q
            WHERE q.learner_id = quiz_standings.learner_id
              AND q.module_id = quiz_standings.module_id
              AND q.passed AND q.submitted_at = quiz_standings.passed_at
            ORDER BY q.id DESC LIMIT 1)
        WHERE passed_at IS NOT NULL
        """
    )

"""Policy changes, clause by clause: each school's clause wordings with the time first seen.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_clauses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("school_id", sa.String(length=80), nullable=False),
        sa.Column("clause_id", sa.String(length=80), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_policy_clauses_school",
        "policy_clauses",
        ["school_id", "clause_id", "first_seen"],
    )

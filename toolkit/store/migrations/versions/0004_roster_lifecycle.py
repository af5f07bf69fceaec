"""Staff who leave and the DSL's deputies: learners gain a duty and the day they left.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("duty", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("left_on", sa.Date(), nullable=True))

"""a partial index on the callers who joined the line, by when (the wallboard's day so far)

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_calls_joined_line",
        "calls",
        ["queued_at"],
        sqlite_where=sa.text("queued_at IS NOT NULL"),
        postgresql_where=sa.text("queued_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_calls_joined_line", table_name="calls")

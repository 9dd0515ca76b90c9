"""full-text search over transcripts and call reasons (SQLite FTS5, PostgreSQL GIN)

Revision ID: 0007
Revises: 0006
"""

from alembic import op

from ivr.adapters.sql import search_schema

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    search_schema.install(op.get_bind())


def downgrade() -> None:
    search_schema.uninstall(op.get_bind())

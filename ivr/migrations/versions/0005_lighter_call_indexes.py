"""calls: index only callers waiting in line; drop indexes no query uses

Each index on ``calls`` is written by every new call's INSERT, the webhooks' hottest write.
``ix_calls_queue_status`` served the interim database routing, which the Redis line replaced;
nothing looks calls up by ``callback_id``. The sweep's search for waiting callers gets a
partial index that only queued calls enter.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_WAITING = sa.text("outcome = 'queued'")


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch_op:
        batch_op.drop_index("ix_calls_queue_status")
        batch_op.drop_index("ix_calls_callback_id")
    op.create_index(
        "ix_calls_waiting", "calls", ["queued_at"], sqlite_where=_WAITING, postgresql_where=_WAITING
    )


def downgrade() -> None:
    op.drop_index("ix_calls_waiting", table_name="calls")
    with op.batch_alter_table("calls") as batch_op:
        batch_op.create_index("ix_calls_callback_id", ["callback_id"])
        batch_op.create_index("ix_calls_queue_status", ["queue", "status"])

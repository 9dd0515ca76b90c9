"""the Redis queue's durable side: callbacks, spoken estimates, agents' status, call waits

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from ivr.adapters.sql.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_PENDING = sa.text("status IN ('pending', 'calling')")


def upgrade() -> None:
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("flow", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=True),
        sa.Column("place_at", UTCDateTime(), nullable=False),
        sa.Column("not_before", UTCDateTime(), nullable=True),
        sa.Column("promised_at", UTCDateTime(), nullable=False),
        sa.Column("promised_within_seconds", sa.Integer(), nullable=True),
        sa.Column("due_by", UTCDateTime(), nullable=True),
        sa.Column("promise_text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("last_result", sa.String(length=32), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("callback_call_sid", sa.String(length=64), nullable=True),
        sa.Column("connected_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("kept", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_callbacks_agent_id_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_callbacks_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callbacks")),
    )
    op.create_index(
        "uq_callbacks_pending_number",
        "callbacks",
        ["number"],
        unique=True,
        sqlite_where=_PENDING,
        postgresql_where=_PENDING,
    )
    op.create_index("ix_callbacks_status_due", "callbacks", ["status", "due_by"])
    op.create_index(op.f("ix_callbacks_customer_id"), "callbacks", ["customer_id"])
    op.create_index(op.f("ix_callbacks_call_sid"), "callbacks", ["call_sid"])
    op.create_index(op.f("ix_callbacks_callback_call_sid"), "callbacks", ["callback_call_sid"])

    op.create_table(
        "wait_estimates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("agents", sa.Integer(), nullable=True),
        sa.Column("mean_seconds", sa.Float(), nullable=False),
        sa.Column("p90_seconds", sa.Float(), nullable=False),
        sa.Column("claimed_low_seconds", sa.Integer(), nullable=True),
        sa.Column("claimed_high_seconds", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("actual_wait_seconds", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wait_estimates")),
    )
    op.create_index(op.f("ix_wait_estimates_call_sid"), "wait_estimates", ["call_sid"])

    with op.batch_alter_table("agents") as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="available")
        )
        batch_op.add_column(sa.Column("idle_since", UTCDateTime(), nullable=True))
    with op.batch_alter_table("calls") as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("queued_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("wait_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("callback_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_calls_callback_id"), ["callback_id"])


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_callback_id"))
        batch_op.drop_column("callback_id")
        batch_op.drop_column("wait_seconds")
        batch_op.drop_column("queued_at")
        batch_op.drop_column("reason")
    with op.batch_alter_table("agents") as batch_op:
        batch_op.drop_column("idle_since")
        batch_op.drop_column("status")
    op.drop_table("wait_estimates")
    op.drop_table("callbacks")

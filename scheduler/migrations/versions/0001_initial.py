"""The scheduler's first tables: pods, deadlines, runs.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pods",
        sa.Column("pod", sa.String(200), primary_key=True),
        sa.Column("handler_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("seats", sa.Integer, nullable=False, server_default="0"),
        sa.Column("policy_kind", sa.String(16), nullable=False, server_default="none"),
        sa.Column("policy_seconds", sa.Float, nullable=False, server_default="0"),
        sa.Column("warning_seconds", sa.Float, nullable=False, server_default="0"),
        sa.Column("pack_size", sa.Integer, nullable=False, server_default="15"),
        sa.Column("lobby_ttl", sa.Float, nullable=False, server_default="0"),
        sa.Column("outcome", sa.String(16)),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("ended_at", sa.Float),
    )
    op.create_table(
        "deadlines",
        sa.Column("job_id", sa.String(300), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("pod", sa.String(200)),
        sa.Column("seat", sa.Integer),
        sa.Column("pick_no", sa.Integer),
        sa.Column("handler_id", sa.String(200), nullable=False),
        sa.Column("method", sa.String(200), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("due_at", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("fired_at", sa.Float),
    )
    op.create_index("ix_deadlines_pod", "deadlines", ["pod"])
    op.create_index("ix_deadlines_status_due", "deadlines", ["status", "due_at"])
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(64), primary_key=True),
        sa.Column("job_id", sa.String(300), nullable=False),
        sa.Column("handler_id", sa.String(200), nullable=False),
        sa.Column("method", sa.String(200), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("due_at", sa.Float, nullable=False),
        sa.Column("fired_at", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("result", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("finished_at", sa.Float),
    )
    op.create_index("ix_runs_job_id", "runs", ["job_id"])
    op.create_index("ix_runs_status", "runs", ["status"])


def downgrade() -> None:
    op.drop_table("runs")
    op.drop_table("deadlines")
    op.drop_table("pods")

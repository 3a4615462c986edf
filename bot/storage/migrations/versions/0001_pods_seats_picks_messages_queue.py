"""The first tables: pods, seats, the pick log, messages, the matchmaking queue.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 18:36:06.058724
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pods",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=False),
        sa.Column("set_code", sa.String(length=64), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("origin IN ('command', 'queue')", name=op.f("ck_pods_origin")),
        sa.CheckConstraint(
            "status IN ('open', 'drafting', 'finished', 'cancelled', 'expired')",
            name=op.f("ck_pods_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pods")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("pods", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pods_status_set_code"), ["status", "set_code"], unique=False
        )

    op.create_table(
        "messages",
        sa.Column("message_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("pod_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("seat_no", sa.Integer(), nullable=True),
        sa.Column("pick_no", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('lobby', 'pack', 'result', 'pool')", name=op.f("ck_messages_kind")
        ),
        sa.ForeignKeyConstraint(
            ["pod_id"], ["pods.id"], name=op.f("fk_messages_pod_id_pods"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_messages_pod_id_kind_seat_no"),
            ["pod_id", "kind", "seat_no"],
            unique=False,
        )

    op.create_table(
        "queue",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("set_code", sa.String(length=64), nullable=False),
        sa.Column("pod_id", sa.Integer(), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pod_id"], ["pods.id"], name=op.f("fk_queue_pod_id_pods"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_queue")),
    )
    with op.batch_alter_table("queue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_queue_guild_id_set_code_queued_at"),
            ["guild_id", "set_code", "queued_at"],
            unique=False,
        )

    op.create_table(
        "seats",
        sa.Column("pod_id", sa.Integer(), nullable=False),
        sa.Column("seat_no", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("running", sa.Boolean(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(user_id IS NULL) = is_bot", name=op.f("ck_seats_bot_has_no_user")),
        sa.CheckConstraint("seat_no >= 0", name=op.f("ck_seats_seat_no")),
        sa.ForeignKeyConstraint(
            ["pod_id"], ["pods.id"], name=op.f("fk_seats_pod_id_pods"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pod_id", "seat_no", name=op.f("pk_seats")),
    )
    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.create_index(
            "uq_seats_running_user",
            ["user_id"],
            unique=True,
            sqlite_where=sa.text("running"),
            postgresql_where=sa.text("running"),
        )

    op.create_table(
        "picks",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pod_id", sa.Integer(), nullable=False),
        sa.Column("seat_no", sa.Integer(), nullable=False),
        sa.Column("pick_no", sa.Integer(), nullable=False),
        sa.Column("pack_no", sa.Integer(), nullable=False),
        sa.Column("pick_in_pack", sa.Integer(), nullable=False),
        sa.Column("card_index", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.String(length=128), nullable=False),
        sa.Column("card_name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("picked_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('player', 'timeout', 'bot')", name=op.f("ck_picks_source")),
        sa.CheckConstraint("card_index >= 0", name=op.f("ck_picks_card_index")),
        sa.CheckConstraint(
            "pick_no >= 1 AND pack_no >= 1 AND pick_in_pack >= 1", name=op.f("ck_picks_numbers")
        ),
        sa.ForeignKeyConstraint(
            ["pod_id", "seat_no"],
            ["seats.pod_id", "seats.seat_no"],
            name=op.f("fk_picks_pod_id_seat_no_seats"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_picks")),
        sa.UniqueConstraint(
            "pod_id", "seat_no", "pick_no", name=op.f("uq_picks_pod_id_seat_no_pick_no")
        ),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("picks")
    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_seats_running_user",
            sqlite_where=sa.text("running"),
            postgresql_where=sa.text("running"),
        )

    op.drop_table("seats")
    with op.batch_alter_table("queue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queue_guild_id_set_code_queued_at"))

    op.drop_table("queue")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_pod_id_kind_seat_no"))

    op.drop_table("messages")
    with op.batch_alter_table("pods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pods_status_set_code"))

    op.drop_table("pods")

"""The bot's tables, in SQLAlchemy Core: the one definition migrations are checked against.

Constraints carry the rules that must hold whoever writes (two bot processes, a restart racing a
timeout): ``uq_seats_running_user`` keeps a player in at most one running pod and the primary key
of ``picks`` names each pick once. Names follow one convention so that Alembic can alter
constraints on SQLite, which rebuilds tables to do it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

from bot.storage.records import MESSAGE_KINDS, PICK_SOURCES, POD_ORIGINS, POD_STATUSES

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every back end.

    SQLite has no time zones: a naive value there is UTC by this rule. Naive input is refused so a
    local wall-clock time can never be stored as if it were UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} refused: storage keeps UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


pods = Table(
    "pods",
    metadata,
    # AUTOINCREMENT: pod ids appear in the custom_ids of live buttons, so an id is never reused.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("guild_id", BigInteger, nullable=False),
    Column("channel_id", BigInteger, nullable=False),
    Column("creator_id", BigInteger, nullable=False),
    Column("set_code", String(64), nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("origin", String(16), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime, nullable=True),
    Column("ended_at", UTCDateTime, nullable=True),
    CheckConstraint(_one_of("status", POD_STATUSES), name="status"),
    CheckConstraint(_one_of("origin", POD_ORIGINS), name="origin"),
    Index(None, "status", "set_code"),
    sqlite_autoincrement=True,
)

seats = Table(
    "seats",
    metadata,
    Column("pod_id", Integer, ForeignKey("pods.id", ondelete="CASCADE"), primary_key=True),
    Column("seat_no", Integer, primary_key=True),
    Column("user_id", BigInteger, nullable=True),
    Column("display_name", String(100), nullable=False),
    Column("is_bot", Boolean, nullable=False),
    # True while the pod runs: a unique index cannot see pods.status, so the seat carries it.
    Column("running", Boolean, nullable=False),
    Column("joined_at", UTCDateTime, nullable=False),
    CheckConstraint("seat_no >= 0", name="seat_no"),
    CheckConstraint("(user_id IS NULL) = is_bot", name="bot_has_no_user"),
)
Index(
    "uq_seats_running_user",
    seats.c.user_id,
    unique=True,
    sqlite_where=seats.c.running,
    postgresql_where=seats.c.running,
)

picks = Table(
    "picks",
    metadata,
    # The log's order: replay applies picks in the order they were committed.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("pod_id", Integer, nullable=False),
    Column("seat_no", Integer, nullable=False),
    Column("pick_no", Integer, nullable=False),
    Column("pack_no", Integer, nullable=False),
    Column("pick_in_pack", Integer, nullable=False),
    Column("card_index", Integer, nullable=False),
    Column("card_id", String(128), nullable=False),
    Column("card_name", String(200), nullable=False),
    Column("source", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("picked_at", UTCDateTime, nullable=False),
    ForeignKeyConstraint(
        ["pod_id", "seat_no"], ["seats.pod_id", "seats.seat_no"], ondelete="CASCADE"
    ),
    UniqueConstraint("pod_id", "seat_no", "pick_no"),
    CheckConstraint("pick_no >= 1 AND pack_no >= 1 AND pick_in_pack >= 1", name="numbers"),
    CheckConstraint("card_index >= 0", name="card_index"),
    CheckConstraint(_one_of("source", PICK_SOURCES), name="source"),
    sqlite_autoincrement=True,
)

messages = Table(
    "messages",
    metadata,
    # Discord snowflakes are unique across every channel, so the id alone is the key.
    Column("message_id", BigInteger, primary_key=True, autoincrement=False),
    Column("channel_id", BigInteger, nullable=False),
    Column("pod_id", Integer, ForeignKey("pods.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("seat_no", Integer, nullable=True),
    Column("pick_no", Integer, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint(_one_of("kind", MESSAGE_KINDS), name="kind"),
    Index(None, "pod_id", "kind", "seat_no"),
)

queue = Table(
    "queue",
    metadata,
    # One entry per player: queueing again moves the entry, it never doubles it.
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("guild_id", BigInteger, nullable=False),
    Column("channel_id", BigInteger, nullable=False),
    Column("set_code", String(64), nullable=False),
    Column("pod_id", Integer, ForeignKey("pods.id", ondelete="SET NULL"), nullable=True),
    Column("queued_at", UTCDateTime, nullable=False),
    Index(None, "guild_id", "set_code", "queued_at"),
)

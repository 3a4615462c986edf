"""The bot's storage: pods, seats, the pick log, Discord messages and the matchmaking queue.

Async SQLAlchemy over any URL (SQLite by default, PostgreSQL through asyncpg), migrated by Alembic
at start. Open it with :func:`open_store`; every write is committed before its method returns, and
every failure is a :class:`StorageError`. No Discord here: ids are plain integers.
"""

from bot.storage.database import create_engine
from bot.storage.errors import (
    InvalidRecord,
    PickConflict,
    PlayerBusy,
    PodFull,
    PodNotFound,
    PodStateError,
    SeatNotFound,
    StorageBusy,
    StorageConflict,
    StorageError,
    StorageFailure,
)
from bot.storage.migrate import current_revision, head_revision, migrate
from bot.storage.pods import EndStatus
from bot.storage.records import (
    MessageKind,
    MessageRecord,
    NewPod,
    PickRecord,
    PickSource,
    PodOrigin,
    PodRecord,
    PodSettings,
    PodSnapshot,
    PodStatus,
    QueueEntry,
    RecordedPick,
    SeatRecord,
    SeatSpec,
)
from bot.storage.store import Store, bot_database_url, open_configured_store, open_store

__all__ = [
    "EndStatus",
    "InvalidRecord",
    "MessageKind",
    "MessageRecord",
    "NewPod",
    "PickConflict",
    "PickRecord",
    "PickSource",
    "PlayerBusy",
    "PodFull",
    "PodNotFound",
    "PodOrigin",
    "PodRecord",
    "PodSettings",
    "PodSnapshot",
    "PodStateError",
    "PodStatus",
    "QueueEntry",
    "RecordedPick",
    "SeatNotFound",
    "SeatRecord",
    "SeatSpec",
    "StorageBusy",
    "StorageConflict",
    "StorageError",
    "StorageFailure",
    "Store",
    "bot_database_url",
    "create_engine",
    "current_revision",
    "head_revision",
    "migrate",
    "open_configured_store",
    "open_store",
]

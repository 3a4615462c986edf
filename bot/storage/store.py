"""The bot's store: one object holding the repositories, opened (and migrated) at start."""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.database import Database, create_engine
from bot.storage.messages import MessageRepository
from bot.storage.migrate import migrate
from bot.storage.picks import PickLog
from bot.storage.pods import PodRepository
from bot.storage.queue import QueueRepository


class Store:
    """``pods``, ``picks``, ``messages`` and ``queue`` share one engine and one retry policy."""

    def __init__(self, engine: AsyncEngine, *, attempts: int = 3, backoff: float = 0.05) -> None:
        self.db = Database(engine, attempts=attempts, backoff=backoff)
        self.pods = PodRepository(self.db)
        self.picks = PickLog(self.db)
        self.messages = MessageRepository(self.db)
        self.queue = QueueRepository(self.db)

    @property
    def engine(self) -> AsyncEngine:
        return self.db.engine

    async def close(self) -> None:
        await self.db.dispose()


async def open_store(
    url: str | URL,
    *,
    busy_timeout: float = 5.0,
    attempts: int = 3,
    backoff: float = 0.05,
) -> Store:
    """Connect to ``url``, bring its schema to the newest revision, and return the store.

    ``busy_timeout`` is how long SQLite waits for another writer's lock before an attempt fails;
    ``attempts`` and ``backoff`` are the retries of :class:`~bot.storage.database.Database`.
    """
    engine = create_engine(url, busy_timeout=busy_timeout)
    try:
        await migrate(engine)
    except BaseException:
        await engine.dispose()
        raise
    return Store(engine, attempts=attempts, backoff=backoff)

"""The bot's store: one object holding the repositories, opened (and migrated) at start."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.database import Database, create_engine
from bot.storage.errors import StorageFailure
from bot.storage.messages import MessageRepository
from bot.storage.migrate import migrate
from bot.storage.picks import PickLog
from bot.storage.pods import PodRepository
from bot.storage.queue import QueueRepository
from draftpod.config import Config


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


def bot_database_url(config: Config) -> str:
    """``bot.database_url``, or the embedded default: ``<var_dir>/bot.sqlite3``."""
    return config.bot.database_url or config.sqlite_url("bot")


async def open_configured_store(config: Config) -> Store:
    """The store the settings name, opened and migrated: what the bot calls at start."""
    return await open_store(
        bot_database_url(config), busy_timeout=config.bot.database_busy_timeout_seconds
    )


def _make_sqlite_folder(url: str | URL) -> None:
    """SQLite creates the file but not its folder; ``var/`` may not exist on a fresh checkout."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return
    if not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


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
    _make_sqlite_folder(url)
    engine = create_engine(url, busy_timeout=busy_timeout)
    try:
        await migrate(engine)
    except DBAPIError as exc:
        await engine.dispose()
        reason = str(exc.orig) if exc.orig is not None else str(exc)
        raise StorageFailure("open the bot's database", reason) from exc
    except BaseException:
        await engine.dispose()
        raise
    return Store(engine, attempts=attempts, backoff=backoff)

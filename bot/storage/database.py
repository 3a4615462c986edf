"""The engine and the one path every read and write takes: transactions, retries, typed failures.

SQLite is the embedded default and gets four settings on every new connection: WAL (readers never
block the writer), a busy timeout (a writer waits for the lock instead of failing at once), foreign
keys (off by default in SQLite) and ``synchronous=FULL`` (a commit that returned survives power
loss, which is what "committed before acknowledged" means). Python's sqlite3 driver would begin
transactions lazily at the first write, so a read-then-write could act on a stale read; the driver's
own BEGIN is therefore switched off and ours emitted instead: ``BEGIN IMMEDIATE`` for writes, which
takes the write lock up front and serialises writers, plain ``BEGIN`` for reads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.storage.errors import StorageBusy, StorageConflict, StorageFailure

log = logging.getLogger(__name__)

T = TypeVar("T")

ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}
_WRITE = "draftpod_write"
# SQLITE_BUSY and SQLITE_LOCKED (primary codes; extended codes carry them in the low byte).
_SQLITE_BUSY_CODES = {5, 6}
# PostgreSQL: serialization failure, deadlock, lock not available.
_PG_RETRY_STATES = {"40001", "40P01", "55P03"}


def async_url(url: str | URL) -> URL:
    """The URL with an asyncio driver: ``sqlite://`` becomes ``sqlite+aiosqlite://`` and so on."""
    parsed = make_url(url)
    if parsed.drivername in ASYNC_DRIVERS:
        parsed = parsed.set(drivername=ASYNC_DRIVERS[parsed.drivername])
    return parsed


def create_engine(url: str | URL, *, busy_timeout: float = 5.0) -> AsyncEngine:
    """An async engine for ``url`` with the SQLite settings above when the URL is SQLite."""
    parsed = async_url(url)
    engine = create_async_engine(parsed)
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine, busy_timeout)
    return engine


def _configure_sqlite(engine: AsyncEngine, busy_timeout: float) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = FULL")
        except BaseException:
            # The pool drops a connection whose set-up failed without closing it, which would
            # leave aiosqlite's thread behind (a file that is not a database fails here).
            cursor.close()
            dbapi_connection.close()
            raise
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_transient(exc: DBAPIError) -> bool:
    """Worth another try: a busy or locked database, a lost serialisation race, a dropped link."""
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _SQLITE_BUSY_CODES
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _PG_RETRY_STATES:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database table is locked" in text


class Database:
    """Runs units of work in transactions, retrying transient failures with backoff.

    A unit of work is an async callable taking the connection; it must be safe to run again from
    the start, which it is because a failed attempt is rolled back whole. ``write`` commits
    before it returns, so a caller that got a value may acknowledge it.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        attempts: int = 3,
        backoff: float = 0.05,
    ) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{_WRITE: True})
        # SQLite has one write lock per file, and a writer that finds it taken sleeps in SQLite's
        # busy handler (1, 2, 5 ... 100 ms steps) rather than queueing. Writers of this process
        # therefore queue here, in order, and only another process ever meets the busy handler.
        self._write_turn: asyncio.Lock | None = (
            asyncio.Lock() if engine.dialect.name == "sqlite" else None
        )
        self._attempts = max(1, attempts)
        self._backoff = backoff

    async def write(
        self,
        operation: str,
        work: Callable[[AsyncConnection], Awaitable[T]],
        *,
        rerun_on_conflict: bool = False,
    ) -> T:
        """Run ``work`` in a write transaction and commit it.

        A unique or foreign key constraint that refuses the write raises
        :class:`StorageConflict`, unless ``rerun_on_conflict``: then ``work`` runs once more,
        for units of work that read before they write and so find, on the second run, what a
        concurrent writer committed (a pick already taken, a seat already held).
        """
        runs = 2 if rerun_on_conflict else 1
        for run in range(1, runs + 1):
            try:
                if self._write_turn is None:
                    return await self._run(self._writer, operation, work)
                async with self._write_turn:
                    return await self._run(self._writer, operation, work)
            except IntegrityError as exc:
                if run == runs:
                    raise StorageConflict(operation, _reason(exc)) from exc
                log.info("%s: %s; running again to read the winner", operation, _reason(exc))
        raise AssertionError("unreachable: the last run returns or raises")

    async def read(self, operation: str, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        return await self._run(self.engine, operation, work)

    async def _run(
        self,
        engine: AsyncEngine,
        operation: str,
        work: Callable[[AsyncConnection], Awaitable[T]],
    ) -> T:
        for attempt in range(1, self._attempts + 1):
            try:
                async with engine.begin() as conn:
                    return await work(conn)
            except IntegrityError:
                raise
            except DBAPIError as exc:
                if not is_transient(exc):
                    raise StorageFailure(operation, _reason(exc), attempts=attempt) from exc
                if attempt == self._attempts:
                    raise StorageBusy(operation, _reason(exc), attempts=attempt) from exc
                delay = self._backoff * 4 ** (attempt - 1)
                log.warning(
                    "%s: %s; retrying in %.2fs (attempt %d of %d)",
                    operation,
                    _reason(exc),
                    delay,
                    attempt,
                    self._attempts,
                )
                await asyncio.sleep(delay)
            except SQLAlchemyError as exc:
                raise StorageFailure(operation, str(exc)) from exc
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def dispose(self) -> None:
        await self.engine.dispose()


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig) if exc.orig is not None else str(exc)

"""The scheduler's database: the engine (SQLite in WAL mode with a busy timeout), migrations run
at start, and the lock that keeps a second scheduler off the same store.

The engine is synchronous (APScheduler's ``SQLAlchemyJobStore`` needs one), so the URL must name a
synchronous driver: ``postgresql://`` is opened with psycopg 3 (``postgresql+psycopg://``, the
``postgres`` extra), and an async driver such as asyncpg is refused before anything starts
(:func:`engine_url`).

APScheduler 3.x running two schedulers on one job store runs jobs twice (its FAQ: "You can't"), so
:func:`acquire_lock` refuses to start a second one: a file lock beside a SQLite file, an advisory
lock on PostgreSQL. Both are released by the operating system or the server when the process dies.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.engine import Connection, Engine

from scheduler.errors import SchedulerError

log = logging.getLogger("scheduler.database")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "scheduler_alembic_version"
# WAL lets readers run beside the writer; NORMAL syncs at checkpoints, which survives a killed
# process (the failure model here) and makes a commit cost tens of microseconds, not an fsync.
# Automatic checkpoints are off: run inside a commit they fsync on the event loop and stall every
# timer for tens of milliseconds; :func:`checkpoint` runs them in a worker thread instead.
SQLITE_PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=NORMAL",
    "foreign_keys=ON",
    "wal_autocheckpoint=0",
)
CHECKPOINT_SECONDS = 1.0
BUSY_TIMEOUT_MS = 5000


class StoreLocked(SchedulerError):
    """Another scheduler holds the lock on this store."""

    def __init__(self, where: str) -> None:
        super().__init__(f"another scheduler is using this store ({where}); refusing to start")
        self.where = where


class UnusableDatabaseUrl(SchedulerError):
    """A store URL the scheduler cannot open: unreadable, an async driver, or one not installed."""


# The driver a URL without one gets. SQLAlchemy's own default for ``postgresql://`` is psycopg2,
# which no extra installs; psycopg 3 is what the ``postgres`` extra brings for the scheduler.
DEFAULT_DRIVERS = {"postgresql": "postgresql+psycopg"}


def engine_url(url: str | sa.URL) -> sa.URL:
    """The URL the scheduler's engine opens, or :class:`UnusableDatabaseUrl` saying why not.

    A URL without a driver gets the scheduler's (``postgresql://`` becomes
    ``postgresql+psycopg://``). An async driver (``postgresql+asyncpg://``,
    ``sqlite+aiosqlite://``) is refused rather than swapped: it is what the bot's store uses, so
    it most likely means the bot's URL was copied, and a driver named in a URL is a choice the
    scheduler should not overrule in silence.
    """
    try:
        parsed = sa.engine.make_url(url)
        if parsed.drivername in DEFAULT_DRIVERS:
            parsed = parsed.set(drivername=DEFAULT_DRIVERS[parsed.drivername])
        dialect = parsed.get_dialect()
    except sa.exc.ArgumentError as exc:
        raise UnusableDatabaseUrl(f"not a database URL SQLAlchemy can open: {exc}") from None
    if dialect.is_async:
        backend = parsed.get_backend_name()
        instead = f"{backend}://" + (" or postgresql+psycopg://" if backend == "postgresql" else "")
        raise UnusableDatabaseUrl(
            f"the driver {parsed.get_driver_name()!r} is asynchronous, but the scheduler's engine "
            f"is synchronous: write {instead}"
        )
    return parsed


def check_driver(url: sa.URL) -> None:
    """Import the driver of ``url`` (from :func:`engine_url`), so a missing one is reported at
    start, with the extra that installs it, instead of at the first connection."""
    driver = url.get_driver_name()
    try:
        url.get_dialect().import_dbapi()
    except ImportError as exc:
        extra = " (the postgres extra installs it)" if driver == "psycopg" else ""
        raise UnusableDatabaseUrl(f"the driver {driver!r} is not installed{extra}: {exc}") from None


def create_engine(url: str | sa.URL) -> Engine:
    """An engine for ``url`` (see :func:`engine_url`); SQLite gets WAL, a busy timeout and its
    folder created."""
    parsed = engine_url(url)
    check_driver(parsed)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    return engine


def sqlite_path(engine: Engine) -> str | None:
    """The file of a SQLite engine, or None (another database, or SQLite in memory)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return url.database


def checkpoint(path: str, mode: str = "PASSIVE") -> None:
    """Copy the WAL into the database file; blocking, so call it from a worker thread.

    A passive checkpoint never waits for the writer, so the event loop's commits go on meanwhile.
    """
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()
    finally:
        connection.close()


def migrate(engine: Engine) -> None:
    """Bring the scheduler's tables to the newest revision (idempotent)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


@dataclass
class StoreLock:
    """The held lock; :meth:`release` lets another scheduler start."""

    where: str
    _file: Any = None
    _conn: Connection | None = None
    _key: int = 0
    _released: bool = field(default=False)

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
        if self._conn is not None:
            self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            self._conn.close()


def acquire_lock(engine: Engine) -> StoreLock:
    """Hold the store's lock for this process's life, or raise :class:`StoreLocked`."""
    url = engine.url
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            return StoreLock("memory")
        path = f"{url.database}.lock"
        handle = open(path, "a+")  # noqa: SIM115 - held open for the process's life
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise StoreLocked(path) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        return StoreLock(path, _file=handle)
    if backend == "postgresql":
        key = zlib.crc32(b"draftpod-scheduler:" + str(url.database).encode())
        conn = engine.connect()
        got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        conn.commit()
        if not got:
            conn.close()
            raise StoreLocked(f"advisory lock {key}")
        return StoreLock(f"advisory lock {key}", _conn=conn, _key=key)
    log.warning("no lock for a %s store: run a single scheduler on it", backend)
    return StoreLock(f"none ({backend})")

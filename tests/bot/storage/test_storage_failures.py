"""A write the database cannot take is reported as a typed error, never dropped or half-done."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.storage import (
    InvalidRecord,
    NewPod,
    PodSettings,
    StorageBusy,
    StorageFailure,
    Store,
    open_store,
)
from tests.bot.storage.storage_factories import NOW, new_pod, player


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


@pytest.fixture
def locker(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A second, plain connection to the file, as another process holding the lock would be."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


async def quick_store(db_path: Path) -> Store:
    return await open_store(f"sqlite:///{db_path}", busy_timeout=0.05, attempts=3, backoff=0.001)


async def test_locked_database_raises_busy_after_retries(
    db_path: Path, locker: sqlite3.Connection
) -> None:
    """Another writer holding the lock past every retry: StorageBusy, nothing written."""
    store = await quick_store(db_path)
    try:
        locker.execute("BEGIN IMMEDIATE")
        with pytest.raises(StorageBusy) as caught:
            await store.pods.create(new_pod(100), creator=player(100))
        assert caught.value.attempts == 3
        assert caught.value.operation == "create pod"
        locker.execute("ROLLBACK")
        assert await store.pods.running() == ()
    finally:
        await store.close()


class ReleaseOnRetry(logging.Handler):
    """Lets the lock go when storage logs its first retry: the other writer finishing."""

    def __init__(self, locker: sqlite3.Connection) -> None:
        super().__init__()
        self.locker = locker
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying" in record.getMessage():
            self.retries += 1
            if self.locker.in_transaction:
                self.locker.execute("ROLLBACK")


async def test_lock_released_between_attempts_lets_the_retry_commit(
    db_path: Path, locker: sqlite3.Connection
) -> None:
    """A lock that goes away before the next attempt costs one retry, and the write commits."""
    store = await quick_store(db_path)
    handler = ReleaseOnRetry(locker)
    logger = logging.getLogger("bot.storage.database")
    logger.addHandler(handler)
    try:
        locker.execute("BEGIN IMMEDIATE")
        pod = await store.pods.create(new_pod(100), creator=player(100))
        assert handler.retries == 1
        assert [p.id for p in await store.pods.running()] == [pod.id]
    finally:
        logger.removeHandler(handler)
        await store.close()


async def test_full_disk_raises_storage_failure_and_keeps_old_data(db_path: Path) -> None:
    """A database that cannot grow (disk full) fails the write at once, typed, not retried."""
    store = await quick_store(db_path)
    kept = await store.pods.create(new_pod(100))

    def cap_size(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    event.listen(store.engine.sync_engine, "connect", cap_size)
    await store.engine.dispose()
    big = PodSettings(invited=tuple(range(10**15, 10**15 + 5000)))
    try:
        with pytest.raises(StorageFailure) as caught:
            await store.pods.create(NewPod(1, 10, 200, "NEO", 1, big, NOW))
        assert not isinstance(caught.value, StorageBusy)
        assert caught.value.attempts == 1
        assert "full" in caught.value.reason
        assert [p.id for p in await store.pods.running()] == [kept.id]
    finally:
        await store.close()


async def test_naive_datetime_is_refused_before_the_database(db_path: Path) -> None:
    """A local time without a zone never reaches the database."""
    store = await quick_store(db_path)
    try:
        pod = await store.pods.create(new_pod(100))
        with pytest.raises(InvalidRecord):
            await store.pods.add_seat(pod.id, player(1), NOW.replace(tzinfo=None))
        assert await store.pods.seats(pod.id) == ()
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("prepare", "words"),
    [
        pytest.param(
            lambda p: p.write_bytes(b"not a database " * 100), "not a database", id="junk"
        ),
        pytest.param(lambda p: p.mkdir(), "unable to open", id="a-folder"),
    ],
)
async def test_unusable_database_file_fails_to_open_with_a_reason(
    db_path: Path, prepare: Any, words: str
) -> None:
    """A path that holds no usable database is refused at start with SQLite's reason."""
    prepare(db_path)
    before = set(threading.enumerate())
    with pytest.raises(StorageFailure) as caught:
        await open_store(f"sqlite:///{db_path}")
    assert words in caught.value.reason
    # aiosqlite stops the thread of a connection that failed to open without waiting for it;
    # let it finish while this test's loop can still take its last callback.
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=5)


async def test_writers_of_one_process_queue_instead_of_failing_busy(db_path: Path) -> None:
    """Many concurrent writes in one process all commit even with no busy timeout and no retry:
    they take turns on the store's own lock instead of colliding on SQLite's."""
    store = await open_store(f"sqlite:///{db_path}", busy_timeout=0, attempts=1)
    try:
        pods = await asyncio.gather(*(store.pods.create(new_pod(100 + n)) for n in range(40)))
        assert len({pod.id for pod in pods}) == 40
    finally:
        await store.close()

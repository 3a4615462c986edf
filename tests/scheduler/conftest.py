"""Fixtures: a real scheduler process per test (database in tmp_path), an HTTP session.

The store is a SQLite file. A module that parametrizes ``backend`` over
:data:`tests.backends.BACKENDS` (``indirect=True``; the store and service tests do) also runs on
the PostgreSQL database that ``DRAFTPOD_TEST_POSTGRES_URL`` names, emptied of the scheduler's tables
before and after each test.
"""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import aiohttp
import pytest
from scheduler_support import SchedulerProcess

from scheduler.database import create_engine
from tests.backends import drop_tables_sql, postgres_url

TABLES = ("runs", "deadlines", "pods", "apscheduler_jobs", "scheduler_alembic_version")


def _drop_all(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in drop_tables_sql(TABLES):
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite``, or the back end a module's ``indirect`` parametrization asks for."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def postgres(backend: str) -> Iterator[str]:
    """The PostgreSQL URL the test's stores use, emptied before and after; empty on SQLite."""
    if backend != "postgresql":
        yield ""
        return
    url = postgres_url()
    _drop_all(url)
    yield url
    _drop_all(url)


@pytest.fixture
async def scheduler_factory(
    tmp_path: Path, postgres: str
) -> AsyncIterator[Callable[..., SchedulerProcess]]:
    """Makes schedulers, each with its own folder; on PostgreSQL they share the one database."""
    made: list[SchedulerProcess] = []

    def make(name: str = "sched", **env: str) -> SchedulerProcess:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        process = SchedulerProcess(folder, env=env, database_url=postgres)
        made.append(process)
        return process

    yield make
    for process in made:
        if process.alive:
            await process.kill(signal.SIGTERM)


@pytest.fixture
async def scheduler(scheduler_factory: Callable[..., SchedulerProcess]) -> SchedulerProcess:
    return await scheduler_factory().start()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session

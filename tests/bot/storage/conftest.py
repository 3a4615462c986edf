"""The storage contract suite runs over every back end named here.

SQLite always runs, on a real file in ``tmp_path``. A PostgreSQL server joins the suite when
``DRAFTPOD_TEST_POSTGRES_URL`` names one (see ``tests/backends.py``); each test then
gets a fresh schema.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Store, create_engine, open_store
from tests.backends import BACKENDS, drop_tables_sql, postgres_url

TABLES = ("picks", "messages", "queue", "seats", "pods", "alembic_version")


async def _drop_all(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in drop_tables_sql(TABLES):
                await conn.exec_driver_sql(statement)
    finally:
        await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database URL holding nothing yet: a new SQLite file, or an emptied PostgreSQL one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.sqlite3'}"
        return
    url = postgres_url()
    await _drop_all(url)
    yield url
    await _drop_all(url)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    opened = await open_store(db_url, busy_timeout=1.0)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[Store]:
    """A store on a SQLite file, for what only SQLite has (PRAGMAs, file locks)."""
    opened = await open_store(f"sqlite:///{tmp_path / 'bot.sqlite3'}", busy_timeout=1.0)
    try:
        yield opened
    finally:
        await opened.close()

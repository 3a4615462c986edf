"""The migrated schema is the models' schema, and SQLite runs with the settings we rely on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from bot.storage import Store, current_revision, head_revision, open_configured_store, open_store
from bot.storage.schema import metadata
from draftpod.config import load_config
from tests.bot.storage.storage_factories import new_pod


def _include(name: str | None, type_: str, _parent: Any) -> bool:
    return not (type_ == "table" and name == "alembic_version")


async def test_migrated_schema_equals_the_models(store: Store) -> None:
    """Alembic's autogenerate finds nothing to change between the migrations and schema.py."""

    def diff(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(
            conn, opts={"include_name": _include, "compare_type": True}
        )
        return compare_metadata(context, metadata)

    async with store.engine.connect() as conn:
        assert await conn.run_sync(diff) == []
        tables = await conn.run_sync(lambda c: set(c.dialect.get_table_names(c)))
    assert {"pods", "seats", "picks", "messages", "queue", "alembic_version"} <= tables


async def test_database_is_at_the_newest_revision(store: Store) -> None:
    """A store opened once is stamped with the head revision."""
    assert await current_revision(store.engine) == head_revision()


async def test_opening_again_migrates_nothing_and_keeps_data(db_url: str) -> None:
    """A restart runs the migrations again as a no-op and finds what it stored."""
    first = await open_store(db_url)
    pod = await first.pods.create(new_pod())
    await first.close()
    second = await open_store(db_url)
    try:
        assert (await second.pods.get(pod.id)).id == pod.id
        assert await current_revision(second.engine) == head_revision()
    finally:
        await second.close()


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        pytest.param("journal_mode", "wal", id="wal"),
        pytest.param("foreign_keys", 1, id="foreign-keys"),
        pytest.param("busy_timeout", 1000, id="busy-timeout"),
        pytest.param("synchronous", 2, id="synchronous-full"),
    ],
)
async def test_sqlite_connection_settings(
    sqlite_store: Store, pragma: str, expected: object
) -> None:
    """Every SQLite connection runs in WAL mode, with foreign keys, a busy timeout and full sync."""
    async with sqlite_store.engine.connect() as conn:
        assert (await conn.exec_driver_sql(f"PRAGMA {pragma}")).scalar() == expected


async def test_configured_store_defaults_to_a_file_under_var(tmp_path: Path) -> None:
    """With no database_url the store is <var_dir>/bot.sqlite3, its folder created."""
    config = load_config(root=tmp_path)
    assert not config.paths.var_dir.exists()
    store = await open_configured_store(config)
    try:
        assert (tmp_path / "var" / "bot.sqlite3").is_file()
        assert await current_revision(store.engine) == head_revision()
    finally:
        await store.close()

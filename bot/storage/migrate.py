"""Schema migrations, run by the bot itself at start (Alembic, from the first table on).

The bot upgrades its own database to the newest revision before it serves anything, so a
deployment never runs code against a schema it does not know. Alembic runs inside one of the
engine's own connections and transactions (its "connection sharing" recipe), so the SQLite
settings of :mod:`bot.storage.database` hold during migrations too and a failed migration leaves
the previous schema whole.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database at ``engine`` to ``revision`` (default: the newest)."""

    def upgrade(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with engine.execution_options(draftpod_write=True).begin() as conn:
        await conn.run_sync(upgrade)


async def current_revision(engine: AsyncEngine) -> str | None:
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(read)

"""Alembic's environment for the bot's store.

Run by :func:`bot.storage.migrate.migrate` with a connection of the bot's engine. From the
command line (to write a new revision against a scratch database) pass the URL with
``-x url=...``; ``docs/storage.md`` has the commands.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from bot.storage.schema import metadata

config = context.config


def include_name(name: str | None, type_: str, _parent: Any) -> bool:
    return not (type_ == "table" and name == "alembic_version")


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_url(url: str) -> None:
    from bot.storage.database import create_engine

    engine = create_engine(url)
    try:
        async with engine.execution_options(draftpod_write=True).begin() as conn:
            await conn.run_sync(run)
    finally:
        await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("pass the database with -x url=<SQLAlchemy URL>")
    asyncio.run(run_from_url(url))

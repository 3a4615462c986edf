"""Alembic environment for the scheduler's tables, run programmatically at start.

The caller hands over an open connection (``config.attributes["connection"]``); the version table
has its own name so the scheduler's tables can share a database with the bot's.
"""

from __future__ import annotations

from alembic import context

from scheduler.database import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=None,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()

"""The database back ends a storage test suite runs over: SQLite always, PostgreSQL when asked.

SQLite runs on a real file in the test's ``tmp_path``. A PostgreSQL server joins when
``DRAFTPOD_TEST_POSTGRES_URL`` names a database the tests may empty (set by hand for now; CI
runs SQLite only): a suite then parametrizes its database fixture over :data:`BACKENDS` and
drops its own tables before and after each test, with its own engine (the bot's is async on
asyncpg, the scheduler's sync on psycopg).
"""

from __future__ import annotations

import os

POSTGRES_ENV = "DRAFTPOD_TEST_POSTGRES_URL"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(POSTGRES_ENV) else [])


def postgres_url() -> str:
    """The PostgreSQL database the tests may empty (only asked for when it is in BACKENDS)."""
    return os.environ[POSTGRES_ENV]


def drop_tables_sql(tables: tuple[str, ...]) -> list[str]:
    """The statements that empty a PostgreSQL database of ``tables`` and what hangs on them."""
    return [f"DROP TABLE IF EXISTS {table} CASCADE" for table in tables]

"""Which store URLs the scheduler opens: a driverless PostgreSQL URL gets psycopg, and an async
driver is refused at start with a message naming the setting."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from scheduler_support import ROOT, SchedulerProcess, child_env

from scheduler.database import UnusableDatabaseUrl, engine_url


@pytest.mark.parametrize(
    ("url", "opened"),
    [
        ("postgresql://draftpod@db:5432/sched", "postgresql+psycopg://draftpod@db:5432/sched"),
        ("postgresql+psycopg://draftpod@db/sched", "postgresql+psycopg://draftpod@db/sched"),
        ("postgresql+psycopg2://draftpod@db/sched", "postgresql+psycopg2://draftpod@db/sched"),
        ("sqlite:///var/scheduler.sqlite3", "sqlite:///var/scheduler.sqlite3"),
    ],
)
def test_a_url_without_a_driver_gets_the_synchronous_one(url: str, opened: str) -> None:
    """postgresql:// means psycopg 3 (SQLAlchemy's own default, psycopg2, is not installed); a
    synchronous driver named in the URL is kept."""
    assert engine_url(url).render_as_string(hide_password=False) == opened


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://draftpod@db/sched",
        "postgresql+psycopg_async://draftpod@db/sched",
        "sqlite+aiosqlite:///var/scheduler.sqlite3",
        "not a url",
        "nosuchdb://host/x",
    ],
)
def test_an_async_driver_or_a_bad_url_is_refused(url: str) -> None:
    with pytest.raises(UnusableDatabaseUrl):
        engine_url(url)


async def test_an_asyncpg_url_stops_the_scheduler_at_start(tmp_path: Path) -> None:
    """The bot's asyncpg URL copied into scheduler.database_url: exit 2, naming the setting and
    the URL to write instead, and never the password."""
    process = SchedulerProcess(tmp_path)
    config = process.write_config(database_url="postgresql+asyncpg://draftpod:hunter2@db/sched")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "scheduler",
        "--config",
        str(config),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env=child_env(),
    )
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 2
    assert out == b""
    message = err.decode()
    assert "scheduler.database_url" in message
    assert "'asyncpg' is asynchronous" in message
    assert "postgresql://" in message
    assert "hunter2" not in message

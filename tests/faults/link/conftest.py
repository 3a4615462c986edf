"""Fixtures of the link faults: a real scheduler process per test, in the test's folder."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.scheduler.scheduler_support import SchedulerProcess


@pytest.fixture
async def schedulers(tmp_path: Path) -> AsyncIterator[Callable[..., SchedulerProcess]]:
    """Makes scheduler processes, each with its own folder and SQLite store."""
    made: list[SchedulerProcess] = []

    def make(name: str = "sched", **env: str) -> SchedulerProcess:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        process = SchedulerProcess(folder, env=env)
        made.append(process)
        return process

    yield make
    for process in made:
        if process.alive:
            await process.kill(signal.SIGTERM)


@pytest.fixture
async def scheduler(schedulers: Callable[..., SchedulerProcess]) -> SchedulerProcess:
    return await schedulers().start()

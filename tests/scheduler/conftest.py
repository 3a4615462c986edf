"""Fixtures: a real scheduler process per test (database in tmp_path), an HTTP session."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from scheduler_support import SchedulerProcess


@pytest.fixture
async def scheduler_factory(tmp_path: Path) -> AsyncIterator[Callable[..., SchedulerProcess]]:
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
async def scheduler(scheduler_factory: Callable[..., SchedulerProcess]) -> SchedulerProcess:
    return await scheduler_factory().start()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session

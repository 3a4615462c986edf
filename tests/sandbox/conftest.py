"""Fixtures: a started local Discord, and the tiny bot connected to it and synced."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.sandbox import LocalDiscord, pointed_at

from .tiny_bot import TinyBot

RunBot = Callable[..., Any]


@pytest.fixture
async def sandbox() -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord(interaction_deadline=1.0) as server:
        with pointed_at(server, environ={}):
            yield server
        assert server.internal_errors == []
        assert server.driver.unknown_routes() == []


@contextlib.asynccontextmanager
async def running(bot: TinyBot, token: str) -> AsyncIterator[TinyBot]:
    """Log in, connect, wait for READY and sync the commands; close on the way out."""
    await bot.login(token)
    task = asyncio.create_task(bot.connect(), name="tiny-bot")
    try:
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()
        assert ready in done, "the bot did not become ready"
        await bot.tree.sync()
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
async def tiny(sandbox: LocalDiscord) -> AsyncIterator[TinyBot]:
    async with running(TinyBot(), sandbox.token) as bot:
        yield bot

"""The processes of a demo: the scheduler and the bot as children, the local Discord in here.

Started in dependency order (the scheduler first, because the bot's handler connects to it;
the local Discord and its world before the bot, so the bot's READY already holds the guild)
and stopped in the reverse order whatever happened: on success, on an error, on Ctrl-C. A
child that dies while the demo runs is reported at once with the end of its log, instead of
surfacing later as players waiting for packs that never come.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from draftpod.config import Config
from draftpod.demo.options import DemoOptions, RunFolder
from draftpod.processes import (
    BOT_READY,
    SCHEDULER_READY,
    Child,
    ChildSpec,
    draftpod_command,
    python_module,
)

if TYPE_CHECKING:
    from bot.sandbox import Channel, Guild, LocalDiscord, User

log = logging.getLogger("draftpod.demo")
T = TypeVar("T")
ChildName = Literal["scheduler", "bot"]

NAMES = (
    "Alice", "Bruno", "Chiara", "Dmitri", "Esi", "Farid", "Greta", "Hiro",
    "Ines", "Jonas", "Kemi", "Luca", "Mira", "Nils", "Oona", "Pavel",
)  # fmt: skip
CHANNEL = "drafts"
# Discord's own limit: the demo shows the bot answering in time, so it is not relaxed.
INTERACTION_DEADLINE = 3.0
COMMANDS_SYNC_TIMEOUT = 30.0


def player_names(count: int) -> list[str]:
    """``count`` distinct display names: the list, then the list again with numbers."""
    return [
        NAMES[i % len(NAMES)] + (str(i // len(NAMES) + 1) if i >= len(NAMES) else "")
        for i in range(count)
    ]


class ChildDied(RuntimeError):
    """The scheduler or the bot exited while the demo needed it."""


@dataclass
class Stack:
    """Everything a demo runs on. Use as ``async with Stack(...) as stack:``."""

    base: Config
    options: DemoOptions
    folder: RunFolder
    scheduler: Child | None = None
    bot: Child | None = None
    discord: LocalDiscord | None = None
    guild: Guild | None = None
    channel: Channel | None = None
    users: list[User] = field(default_factory=list)
    http_url: str = ""
    zmq_address: str = ""
    api_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    bot_user: str = ""
    _stopping: bool = False
    _died: asyncio.Future[str] | None = None
    _watchers: list[asyncio.Task[None]] = field(default_factory=list)
    _killed: set[Child] = field(default_factory=set)

    async def __aenter__(self) -> Stack:
        try:
            await self._start()
        except BaseException:
            await self._stop()
            raise
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self._stop()

    async def _start(self) -> None:
        from bot.sandbox import LocalDiscord

        self._died = asyncio.get_running_loop().create_future()
        env = {"DRAFTPOD_API_TOKEN": self.api_token}
        config = self.folder.write_config(
            self.base, self.options, zmq_address="tcp://127.0.0.1:0", http_port=0
        )
        self.scheduler = Child(
            ChildSpec(
                "scheduler",
                python_module("scheduler", "--config", str(config)),
                SCHEDULER_READY,
                self.folder.scheduler_log,
                env=env,
            )
        )
        ready = await self.scheduler.start()
        self._watch(self.scheduler)
        self.zmq_address, self.http_url = ready["zmq"], ready["http"]
        http_port = int(self.http_url.rsplit(":", 1)[1])
        # The file left in the run folder says what really ran; the bot reads these ports.
        config = self.folder.write_config(
            self.base, self.options, zmq_address=self.zmq_address, http_port=http_port
        )

        self.discord = LocalDiscord(interaction_deadline=INTERACTION_DEADLINE)
        await self.discord.start()
        driver = self.discord.driver
        self.guild = await driver.add_guild("draftpod demo", channels=(CHANNEL,))
        self.channel = driver.channel(self.guild, CHANNEL)
        for name in player_names(self.options.pods * self.options.players):
            user = driver.add_user(name.lower(), global_name=name)
            await driver.add_member(self.guild, user)
            self.users.append(user)

        self.bot = Child(
            ChildSpec(
                "bot",
                self.bot_argv(config, self.discord.base_url),
                BOT_READY,
                self.folder.bot_log,
                env={**env, "DISCORD_TOKEN": self.discord.token},
            )
        )
        bot_ready = await self.bot.start()
        self._watch(self.bot)
        self.bot_user = bot_ready["user"]
        await self._commands_synced()

    def bot_argv(self, config: Path, local_discord: str) -> list[str]:
        """The bot's command line: ``draftpod bot --local-discord URL`` with the run's settings."""
        return draftpod_command(config, "bot", "--local-discord", local_discord)

    async def _commands_synced(self) -> None:
        """Until ``/draft`` is synced: the ready line may come before the tree is."""
        assert self.discord is not None and self.guild is not None
        world = self.discord.world
        guild_id = self.guild.id

        def synced() -> bool:
            scopes = (world.commands.get(guild_id, []), world.commands.get(None, []))
            return any(command.name == "draft" for scope in scopes for command in scope)

        await self.discord.driver.wait_for(
            synced, "the bot's /draft command", COMMANDS_SYNC_TIMEOUT
        )

    def _watch(self, child: Child) -> None:
        async def watch() -> None:
            code = await child.wait()
            if child in self._killed:
                return
            if not self._stopping and self._died is not None and not self._died.done():
                self._died.set_result(
                    f"{child.spec.name} exited with code {code} during the demo" + child.log_tail()
                )

        self._watchers.append(asyncio.create_task(watch(), name=f"watch-{child.spec.name}"))

    def child(self, name: ChildName) -> Child:
        found = self.scheduler if name == "scheduler" else self.bot
        assert found is not None, f"the {name} was never started"
        return found

    async def kill(self, name: ChildName) -> None:
        """``kill -9`` one child, as a crash would (the fault tests); not reported as a death."""
        child = self.child(name)
        self._killed.add(child)
        await child.kill()

    async def restart(self, name: ChildName) -> None:
        """Start a killed child again from the same command line: the settings file holds the
        ports the scheduler bound first, so it binds them again, and the same stores."""
        old = self.child(name)
        assert not old.alive, f"the {name} is still running"
        fresh = Child(old.spec)
        await fresh.start()
        if name == "scheduler":
            self.scheduler = fresh
        else:
            self.bot = fresh
        self._watch(fresh)

    async def guard(self, work: Awaitable[T]) -> T:
        """``await work``, unless a child dies first: then ``work`` is cancelled and
        :class:`ChildDied` says which child and shows the end of its log."""
        assert self._died is not None
        task = asyncio.ensure_future(work)
        either: list[asyncio.Future[Any]] = [task, self._died]
        try:
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:  # Ctrl-C, SIGTERM: the work stops with the demo
            await _cancel(task)
            raise
        if not task.done():
            await _cancel(task)
            raise ChildDied(self._died.result())
        return task.result()

    def players_of(self, pod_index: int) -> Sequence[User]:
        n = self.options.players
        return self.users[pod_index * n : (pod_index + 1) * n]

    async def _stop(self) -> None:
        """The bot, then the local Discord, then the scheduler; each even if another fails."""
        self._stopping = True
        for watcher in self._watchers:
            watcher.cancel()
        try:
            if self.bot is not None:
                await self.bot.stop()
        finally:
            try:
                if self.discord is not None:
                    await self.discord.stop()
            finally:
                if self.scheduler is not None:
                    await self.scheduler.stop()


async def _cancel(task: asyncio.Future[Any]) -> None:
    """Cancel and wait for it, so that none of its errors is left unretrieved."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task

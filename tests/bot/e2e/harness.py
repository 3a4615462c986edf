"""An end-to-end table: a real scheduler process, the local Discord, the bot in this loop.

Discord is the only part faked, and it is faked at the wire (``bot.sandbox``), so discord.py's
own gateway, REST, view dispatch and rate-limit code run as in production. Players act through
the driver the way a Discord client would: slash commands, button clicks, menu choices.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import DraftBot, run_bot
from bot.sandbox import LocalDiscord, Message, User
from draftpod.config import load_config
from tests.scheduler.scheduler_support import SchedulerProcess

ROOT = Path(__file__).resolve().parents[3]


def components_of(message: Message) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for row in message.components:
        found.extend(row.get("components", []))
    return found


def pick_menu(message: Message) -> dict[str, Any] | None:
    """The pick select of a pack message, if it has one."""
    for component in components_of(message):
        if component.get("type") == 3 and str(component.get("custom_id", "")).startswith("pick:"):
            return component
    return None


def description(message: Message) -> str:
    return "\n".join(str(e.get("description", "")) for e in message.embeds)


@dataclass
class Table:
    """One running system: scheduler, local Discord, bot, a guild with a channel and players."""

    folder: Path
    discord: LocalDiscord
    scheduler: SchedulerProcess
    config_path: Path
    bot: DraftBot | None = None
    task: asyncio.Task[None] | None = None
    players: list[User] = field(default_factory=list)
    guild: Any = None
    channel: Any = None

    @property
    def driver(self) -> Any:
        return self.discord.driver

    @property
    def logs_dir(self) -> Path:
        return self.folder / "logs"

    async def start_bot(self) -> DraftBot:
        config = load_config(self.config_path, root=self.folder)
        ready = asyncio.Event()
        stop = asyncio.Event()
        holder: dict[str, DraftBot] = {}

        def on_ready(bot: DraftBot) -> None:
            holder["bot"] = bot
            ready.set()

        self._stop = stop
        self.task = asyncio.create_task(
            run_bot(
                config, self.discord.token, on_ready=on_ready, stop=stop, guild_ready_timeout=0.05
            )
        )
        waiter = asyncio.create_task(ready.wait())
        done, _ = await asyncio.wait(
            {waiter, self.task}, timeout=20, return_when=asyncio.FIRST_COMPLETED
        )
        if self.task in done:
            self.task.result()
        assert waiter in done, "the bot did not become ready"
        self.bot = holder["bot"]
        await self.bot.handler.wait_registered(10)
        return self.bot

    async def stop_bot(self) -> None:
        if self.task is not None:
            self._stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self.task, 20)
            self.task = None
            self.bot = None

    async def add_players(self, count: int) -> list[User]:
        for _ in range(count):
            number = len(self.players) + 1
            user = self.driver.add_user(f"player{number}", global_name=f"Player {number}")
            await self.driver.add_member(self.guild, user)
            self.players.append(user)
        return self.players

    async def create_pod(self, creator: User, **options: Any) -> tuple[int, Message]:
        handle = await self.driver.invoke(
            creator, "draft create", {"set": "NEO", **options}, channel=self.channel
        )
        lobby = await handle.message()
        ids = [c["custom_id"] for c in components_of(lobby) if "custom_id" in c]
        join = next(i for i in ids if i.startswith("lobby:join:"))
        return int(join.rsplit(":", 1)[1]), lobby

    async def join(self, user: User, lobby: Message, pod_id: int) -> None:
        handle = await self.driver.click(user, lobby, f"lobby:join:{pod_id}")
        await handle.acknowledged()

    async def start(self, user: User, lobby: Message, pod_id: int) -> None:
        handle = await self.driver.click(user, lobby, f"lobby:start:{pod_id}")
        await handle.acknowledged()


class Drafter:
    """A simulated player: picks from each pack the bot shows them, after ``think`` seconds."""

    def __init__(self, table: Table, user: User, *, seed: int = 0, think: float = 0.0) -> None:
        self.table = table
        self.user = user
        self.rng = random.Random(seed)
        self.think = think
        self.picks = 0
        self.refused = 0

    def current_pack(self) -> tuple[Message, dict[str, Any]] | None:
        """The newest DM of the bot that carries a pick menu, with that menu."""
        for message in reversed(self.table.driver.messages(user=self.user)):
            menu = pick_menu(message)
            if menu is not None:
                return message, menu
        return None

    def done(self) -> bool:
        return any(
            "your" in m.content and "picks" in m.content and m.attachments
            for m in self.table.driver.messages(user=self.user)
        )

    async def draft(self, *, limit: int = 200) -> None:
        """Pick until the pool arrives (the draft is over for everyone)."""
        last: list[str | None] = [None]
        while not self.done():
            found = await self.table.driver.wait_for(
                lambda: self._next(last[0]), f"a new pack for {self.user.username}", 30
            )
            if found == "done":
                return
            message, menu = found
            last[0] = menu["custom_id"]
            if self.think:
                await asyncio.sleep(self.rng.uniform(0, self.think))
            value = self.rng.choice(menu["options"])["value"]
            handle = await self.table.driver.select(self.user, message, menu["custom_id"], [value])
            record = await handle.acknowledged()
            del record
            self.picks += 1
            assert self.picks <= limit

    def _next(self, last: str | None) -> Any:
        if self.done():
            return "done"
        found = self.current_pack()
        if found is None or found[1]["custom_id"] == last:
            return None
        return found


@contextlib.asynccontextmanager
async def table(folder: Path, **settings: Any) -> AsyncIterator[Table]:
    """Start the scheduler process and the local Discord, write a config, make a guild."""
    sched_dir = folder / "scheduler"
    sched_dir.mkdir(parents=True)
    scheduler = await SchedulerProcess(sched_dir).start()
    try:
        async with LocalDiscord(interaction_deadline=3.0) as server:
            draft_keys = {
                "queue_fill_seconds",
                "packs_per_player",
                "lobby_ttl_seconds",
                "warning_seconds",
                "pick_seconds",
                "timer_policy",
            }
            draft = {k: v for k, v in settings.items() if k in draft_keys}
            bot = {"edit_coalesce_seconds": 0.05, "progress_edit_seconds": 0.5}
            bot |= {k: v for k, v in settings.items() if k not in draft_keys}
            config_path = folder / "config.yaml"
            lines = [
                "paths:",
                f"  sets_dir: {ROOT / 'sets'}",
                f"  logs_dir: {folder / 'logs'}",
                f"  var_dir: {folder / 'var'}",
                "scheduler:",
                f"  zmq_address: {scheduler.zmq}",
                "  heartbeat_seconds: 0.25",
                "bot:",
                "  ack_timeout_seconds: 0.5",
                *[f"  {k}: {v}" for k, v in bot.items()],
            ]
            if draft:
                lines += ["draft:", *[f"  {k}: {v}" for k, v in draft.items()]]
            config_path.write_text("\n".join(lines) + "\n")
            from bot.sandbox import pointed_at

            with pointed_at(server, environ={}):
                result = Table(folder, server, scheduler, config_path)
                result.guild = await server.driver.add_guild("Friday Draft", channels=("drafts",))
                result.channel = server.driver.channel(result.guild, "drafts")
                try:
                    yield result
                finally:
                    await result.stop_bot()
                assert server.internal_errors == []
                assert server.driver.unknown_routes() == []
    finally:
        if scheduler.alive:
            import signal

            await scheduler.kill(signal.SIGTERM)

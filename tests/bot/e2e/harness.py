"""An end-to-end table: a real scheduler process, the local Discord, the bot in this loop.

Discord is the only part faked, and it is faked at the wire (``bot.sandbox``), so discord.py's
own gateway, REST, view dispatch and rate-limit code run as in production. Players act through
the driver the way a Discord client would: slash commands, button clicks, menu choices.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import DraftBot, run_bot
from bot.draft.exports import PodLog, read_pod_log
from bot.sandbox import DriverError, LocalDiscord, Message, User
from bot.sandbox.handles import InteractionHandle
from bot.sandbox.interactions import COMPONENT
from bot.service import PackOffer
from bot.storage import PickRecord
from draftpod.config import load_config
from tests.scheduler.scheduler_support import SchedulerProcess

ROOT = Path(__file__).resolve().parents[3]

# A copy of the DPS sampler with six-card packs: a timed pod of it takes seconds, not minutes.
SMALL_SET = "E2E"
SMALL_PACK = 6


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


def pick_no_of(custom_id: str) -> int:
    """The pick number a ``pick:<pod>:<seat>:<pick_no>`` menu is for."""
    return int(custom_id.rsplit(":", 1)[1])


def is_pool(message: Message) -> bool:
    """The end-of-draft DM: the pool image and the deck file."""
    return "your" in message.content and "picks" in message.content and bool(message.attachments)


def is_pack(message: Message) -> bool:
    """A DM that was created showing a pack (its image is ``pack-<pod>-s<seat>-p<pick>``)."""
    return any(a.filename.startswith("pack-") for a in message.attachments)


def as_first_shown(message: Message) -> Message:
    """The message with the components it was sent with (a stale client's view of it)."""
    return replace(message, components=list(message.revisions[0].components))


def keys_of(picks: Sequence[PickRecord]) -> Counter[tuple[int, int]]:
    """How many stored picks each ``(seat, pick_no)`` has (the invariant: one each)."""
    return Counter((p.seat_no, p.pick_no) for p in picks)


def write_sets(folder: Path) -> Path:
    """The repository's sets, plus :data:`SMALL_SET`, in a sets folder of the table's own."""
    folder.mkdir(parents=True)
    for path in (ROOT / "sets").iterdir():
        (folder / path.name).symlink_to(path)
    text = (ROOT / "sets" / "DPS.yaml").read_text()
    small = (
        text.replace("code: DPS", f"code: {SMALL_SET}")
        .replace("name: Draftpod Sampler", "name: End-to-end Sampler")
        .replace("pack_size: 15", f"pack_size: {SMALL_PACK}")
    )
    assert small.count(SMALL_SET) == 1 and f"pack_size: {SMALL_PACK}" in small
    (folder / f"{SMALL_SET}.yaml").write_text(small)
    return folder


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

    @property
    def live_bot(self) -> DraftBot:
        assert self.bot is not None, "the bot is not running"
        return self.bot

    async def add_players(self, count: int, guild: Any = None) -> list[User]:
        """``count`` new members of ``guild`` (default: the table's), named Player 1, 2..."""
        added = []
        for _ in range(count):
            number = len(self.players) + 1
            user = self.driver.add_user(f"player{number}", global_name=f"Player {number}")
            await self.driver.add_member(guild or self.guild, user)
            self.players.append(user)
            added.append(user)
        return added

    async def add_guild(self, name: str) -> tuple[Any, Any]:
        """Another guild the bot is in, with a ``drafts`` channel: ``(guild, channel)``."""
        guild = await self.driver.add_guild(name, channels=("drafts",))
        return guild, self.driver.channel(guild, "drafts")

    async def create_pod(
        self, creator: User, *, channel: Any = None, **options: Any
    ) -> tuple[int, Message]:
        handle = await self.driver.invoke(
            creator, "draft create", {"set": "NEO", **options}, channel=channel or self.channel
        )
        lobby = await handle.message()
        ids = [c["custom_id"] for c in components_of(lobby) if "custom_id" in c]
        join = next(i for i in ids if i.startswith("lobby:join:"))
        return int(join.rsplit(":", 1)[1]), lobby

    async def press(
        self, user: User, lobby: Message, action: str, pod_id: int
    ) -> InteractionHandle:
        """``user`` clicks a lobby button (``join``, ``leave``, ``start``)."""
        return await self.driver.click(user, lobby, f"lobby:{action}:{pod_id}")

    async def join(self, user: User, lobby: Message, pod_id: int) -> None:
        await (await self.press(user, lobby, "join", pod_id)).acknowledged()

    async def start(self, user: User, lobby: Message, pod_id: int) -> None:
        await (await self.press(user, lobby, "start", pod_id)).acknowledged()

    async def forge_select(
        self, user: User, shown: Message, custom_id: str, values: Sequence[str]
    ) -> InteractionHandle:
        """A menu choice ``user`` sends from their DM as if ``shown`` were in front of them: a
        message of another DM, or an earlier state of one (:func:`as_first_shown`), as a stale
        or tampered client could send. The driver's :meth:`select` refuses it (Discord's client
        never sends it), and discord.py drops a ``custom_id`` the message does not carry; what
        is left to refuse it is the bot's own check."""
        data = {"custom_id": custom_id, "component_type": 3, "values": list(values)}
        channel = self.driver.world.dm_channel(user.id)
        return await self.driver._interact(COMPONENT, user, channel, data, shown)

    async def picks(self, pod_id: int) -> tuple[PickRecord, ...]:
        return await self.live_bot.store.picks.for_pod(pod_id)

    async def seat_of(self, pod_id: int, user: User) -> int:
        seats = await self.live_bot.store.pods.seats(pod_id)
        return next(s.seat_no for s in seats if s.user_id == user.id)

    def pod_log(self, pod_id: int) -> PodLog:
        """The JSON log the bot wrote for the pod at its end."""
        found = [read_pod_log(p.read_text()) for p in sorted(self.logs_dir.glob("*.json"))]
        (log,) = [entry for entry in found if entry.event == str(pod_id)]
        return log

    def mtgo_logs(self, pod_id: int) -> dict[str, Path]:
        """The pod's MTGO text logs by file name (``<seat name>-<date>-<pod>-<sets>.txt``)."""
        return {
            p.name: p for p in self.logs_dir.glob("*.txt") if p.name.split("-")[2] == str(pod_id)
        }

    async def wait_pool(self, user: User, timeout: float = 30) -> Message:
        """Until the user has their end-of-draft DM."""
        return await self.driver.wait_for(
            lambda: next((m for m in self.driver.messages(user=user) if is_pool(m)), None),
            f"the pool DM of {user.username}",
            timeout,
        )

    def watch_deadlines(self) -> dict[tuple[int, int, int], datetime | None]:
        """Record the deadline of every pack the running bot shows, by (pod, seat, pick_no).

        Read where the bot builds a pack message, so the exact time the scheduler gave is
        known (the message itself only shows it to the second)."""
        presenter = self.live_bot.presenter
        seen: dict[tuple[int, int, int], datetime | None] = {}
        original = presenter.pack_fields

        async def pack_fields(offer: PackOffer, *, note: str = "") -> dict[str, Any]:
            seen[(offer.pod_id, offer.seat, offer.pick_no)] = offer.deadline
            return await original(offer, note=note)

        presenter.pack_fields = pack_fields  # type: ignore[method-assign]
        return seen


class Drafter:
    """A simulated player: picks from each pack the bot shows them, after ``think`` seconds."""

    def __init__(self, table: Table, user: User, *, seed: int = 0, think: float = 0.0) -> None:
        self.table = table
        self.user = user
        self.rng = random.Random(seed)
        self.think = think
        self.picks = 0
        self.refused = 0
        self.last: str | None = None

    def current_pack(self) -> tuple[Message, dict[str, Any]] | None:
        """The newest DM of the bot that carries a pick menu, with that menu."""
        for message in reversed(self.table.driver.messages(user=self.user)):
            menu = pick_menu(message)
            if menu is not None:
                return message, menu
        return None

    def done(self) -> bool:
        return any(is_pool(m) for m in self.table.driver.messages(user=self.user))

    async def next_pack(self, timeout: float = 30) -> tuple[Message, dict[str, Any]] | None:
        """The next pack menu this drafter has not chosen from yet; None once the pool came."""
        found = await self.table.driver.wait_for(
            self._next, f"a new pack for {self.user.username}", timeout
        )
        return None if found == "done" else found

    async def choose(self, message: Message, menu: dict[str, Any], value: str) -> InteractionHandle:
        """Send a choice from ``menu``; the drafter then waits for a pack with another menu."""
        self.last = menu["custom_id"]
        return await self.table.driver.select(self.user, message, menu["custom_id"], [value])

    async def draft(self, *, limit: int = 200, stop_after: int | None = None) -> None:
        """Pick until the pool arrives (the draft is over for everyone), or ``stop_after``
        more picks have been answered."""
        answered = 0
        while not self.done() and (stop_after is None or answered < stop_after):
            found = await self.next_pack()
            if found is None:
                return
            message, menu = found
            if self.think:
                await asyncio.sleep(self.rng.uniform(0, self.think))
            value = self.rng.choice(menu["options"])["value"]
            try:
                handle = await self.choose(message, menu, value)
            except DriverError:
                # The menu went before the choice was sent: its time ran out (a timed pod).
                self.refused += 1
                continue
            if await handle.acknowledged() == 7:
                self.picks += 1
            else:
                self.refused += 1
            answered += 1
            assert self.picks <= limit

    def _next(self) -> Any:
        if self.done():
            return "done"
        found = self.current_pack()
        if found is None or found[1]["custom_id"] == self.last:
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
                f"  sets_dir: {write_sets(folder / 'sets')}",
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

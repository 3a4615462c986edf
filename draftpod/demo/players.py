"""Simulated players: they open a lobby, join it, start it, and draft from their DMs.

They act only as a person with a Discord client could (the driver refuses anything else) and
read only what such a person would see: the lobby's buttons, the pack messages in their DMs and
the edits the bot makes to them. What the bot's contract promises is what they rely on:

- a pack is a DM with one select, custom_id ``pick:<pod>:<seat>:<pick_no>``, values ``1..N``;
- choosing edits that message (response type 7): it either carries the next pack already (a
  new select, higher pick number) or says it is waiting, and the next pack then comes as a
  new DM;
- a pick that times out is auto-picked: the message loses its select, the next pack is new;
- a choice that lost the race against the timeout is refused, ephemerally;
- the end is a DM with the pool image and a deck file.

Think times come from a seeded RNG: most picks take 0.2-1.0 s; a few take longer than the pick
timer, so the scheduler's time-outs and the bot's auto-picks are part of every run. One player
of each pod (the last to join) dawdles: it always lets its first pick run out, then runs out
five times as often as the others.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from bot.sandbox import Channel, Driver, Message, User

PICK_ID = re.compile(r"^pick:(?P<pod>[^:]+):(?P<seat>\d+):(?P<pick_no>\d+)$")
LOBBY_ID = re.compile(r"^lobby:(?P<action>join|leave|start):(?P<pod>[^:]+)$")
SELECT = 3  # Discord's component type of a string select
UPDATE_MESSAGE, DEFERRED_UPDATE = 7, 6
# Discord's 3 s deadline, plus the slack of a loaded machine before a choice counts as lost.
ANSWER_TIMEOUT = 5.0
FAST_THINK = (0.2, 1.0)
DAWDLER_FACTOR = 5.0

PlayerState = Literal["waiting", "thinking", "done", "stuck"]


@dataclass(frozen=True)
class PackOffer:
    """A pack as the player sees it: the select's id, where it is, and the choices."""

    custom_id: str
    pod: str
    seat: int
    pick_no: int
    values: tuple[str, ...]


def offer_on(message: Message) -> PackOffer | None:
    """The pack select of a message, or None (a pick made, a time-out, any other message)."""
    for custom_id, component in message.custom_ids().items():
        match = PICK_ID.match(custom_id)
        if match is None or component.get("type") != SELECT or component.get("disabled"):
            continue
        values = tuple(str(o["value"]) for o in component.get("options", ()))
        return PackOffer(custom_id, match["pod"], int(match["seat"]), int(match["pick_no"]), values)
    return None


def lobby_pod(message: Message) -> str | None:
    """The pod id the lobby message's buttons carry."""
    for custom_id in message.custom_ids():
        match = LOBBY_ID.match(custom_id)
        if match is not None:
            return match["pod"]
    return None


def is_draft_over(message: Message) -> bool:
    """The end-of-draft DM: no pack, and the pool image or the deck file attached."""
    if offer_on(message) is not None:
        return False
    names = [a.filename.lower() for a in message.attachments]
    return any(name.endswith("-deck.txt") or "pool" in name for name in names)


@dataclass
class PlayerStats:
    """What one player saw. ``autopicks`` are picks the bot made for it (the timer ran out
    first, including choices it refused as too late); ``lost`` are choices sent whose answer
    never came (the pick may or may not have counted)."""

    chosen: int = 0
    autopicks: int = 0
    refused: int = 0
    lost: int = 0
    # Choices the bot never answered because it was down (only when crashes are expected),
    # and choices that could not be sent because it was not connected: both chosen again.
    unanswered: int = 0
    unsent: int = 0
    pack_size: int = 0
    last_pick_no: int = 0
    to_next_pack_ms: list[float] = field(default_factory=list)
    to_queued_pack_ms: list[float] = field(default_factory=list)
    offers: list[PackOffer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def picks(self) -> int:
        return self.chosen + self.autopicks + self.lost


class Player:
    """One simulated human in one pod."""

    def __init__(
        self,
        driver: Driver,
        user: User,
        rng: random.Random,
        *,
        pick_seconds: float,
        slow_share: float,
        dawdler: bool,
        finished: asyncio.Event,
        wait_timeout: float,
        crashes_expected: bool = False,
    ) -> None:
        self.driver = driver
        self.user = user
        self.rng = rng
        self.pick_seconds = pick_seconds
        self.slow_share = min(1.0, slow_share * (DAWDLER_FACTOR if dawdler else 1.0))
        self.dawdler = dawdler
        self.finished = finished
        self.wait_timeout = wait_timeout
        # The fault tests kill the bot: a choice it never answered is then no error, the
        # player looks at its DMs again (the same pack still offered, or a new message).
        self.crashes_expected = crashes_expected
        self.stats = PlayerStats()
        self.state: PlayerState = "waiting"
        self.over = False

    @property
    def name(self) -> str:
        return self.user.display_name

    def _live(self, message: Message) -> Message:
        return self.driver.world.messages.get(message.id, message)

    def think_seconds(self) -> float:
        """How long this pick takes: longer than the timer for a few picks, so they run out."""
        walks_away = self.dawdler and len(self.stats.offers) == 1
        if walks_away or self.rng.random() < self.slow_share:
            return self.pick_seconds + self.rng.uniform(0.5, 1.5)
        return self.rng.uniform(*FAST_THINK)

    async def run(self) -> None:
        """Draft until the pool arrives or the pod is over; every error is kept in the stats."""
        from bot.sandbox import WaitTimeout

        try:
            await self._draft()
        except WaitTimeout as exc:
            self.stats.errors.append(f"{self.name}: {exc}")
            self.state = "stuck"
            return
        self.state = "done"

    async def _draft(self) -> None:
        current: Message | None = None
        sent_at: float | None = None  # a choice was accepted; its next pack is not yet here
        while True:
            if current is None:
                self.state = "waiting"
                message = await self._next_dm()
                if message is None:
                    return
                if offer_on(message) is None:
                    if is_draft_over(message):
                        self.over = True
                        return
                    continue  # any other DM: nothing to do
                if sent_at is not None:
                    self.stats.to_next_pack_ms.append((time.monotonic() - sent_at) * 1000)
                    sent_at = None
                current = message
            offer = offer_on(self._live(current))
            if offer is None:
                current = None
                continue
            current, sent_at = await self._pick(current, offer)

    async def _pick(
        self, message: Message, offer: PackOffer
    ) -> tuple[Message | None, float | None]:
        """Think, choose, and read the answer. Returns the message now holding this player's
        pack (None: wait for a new DM) and, when the next pack is still to come, the moment
        the choice was sent."""
        from bot.sandbox import ApiError, DriverError, WaitTimeout

        self.stats.offers.append(offer)
        self.stats.pack_size = max(self.stats.pack_size, len(offer.values))
        self.stats.last_pick_no = offer.pick_no
        self.state = "thinking"
        if await self._taken_while_thinking(message, offer):
            self.stats.autopicks += 1
            return self._holding(message), None
        value = self.rng.choice(offer.values)
        sent = time.monotonic()
        try:
            handle = await self.driver.select(
                self.user, self._live(message), offer.custom_id, [value]
            )
        except DriverError:
            if self._still_offers(message, offer):
                self.stats.unsent += 1  # the bot is not connected (restarting): choose again
                return message, None
            self.stats.autopicks += 1  # the select went away between the look and the choice
            return self._holding(message), None
        try:
            kind = await handle.acknowledged(ANSWER_TIMEOUT)
        except WaitTimeout as exc:
            return self._unanswered(message, offer, f"not answered: {exc}")
        except ApiError as exc:
            self.stats.lost += 1
            self.stats.errors.append(f"{self.name}: pick {offer.pick_no} not answered: {exc}")
            return None, None
        try:
            await self.driver.wait_for(
                lambda: self._moved_on(message, offer),
                f"{self.name}'s pack message to move past pick {offer.pick_no}",
                ANSWER_TIMEOUT
                if kind in (UPDATE_MESSAGE, DEFERRED_UPDATE)
                else self.pick_seconds + ANSWER_TIMEOUT,
            )
        except WaitTimeout as exc:
            return self._unanswered(message, offer, str(exc))
        if kind not in (UPDATE_MESSAGE, DEFERRED_UPDATE):
            self.stats.refused += 1  # an answer of its own: the bot said no (too late)
            self.stats.autopicks += 1
            return self._holding(message), None
        self.stats.chosen += 1
        if self._holding(message) is not None:
            elapsed = (time.monotonic() - sent) * 1000
            self.stats.to_next_pack_ms.append(elapsed)
            self.stats.to_queued_pack_ms.append(elapsed)
            return message, None
        return None, sent

    def _unanswered(
        self, message: Message, offer: PackOffer, why: str
    ) -> tuple[Message | None, None]:
        """A choice whose answer never came. If the message still offers the same pick, the
        player chooses again from it (a bot that came back keeps a current menu working);
        otherwise it waits for its next DM (the bot sends the current pack again)."""
        if self.crashes_expected:
            self.stats.unanswered += 1
        else:
            self.stats.lost += 1
            self.stats.errors.append(f"{self.name}: pick {offer.pick_no} {why}")
        return (message if self._still_offers(message, offer) else self._holding(message)), None

    def _still_offers(self, message: Message, offer: PackOffer) -> bool:
        live = self._live(message)
        now = offer_on(live)
        return not live.deleted and now is not None and now.custom_id == offer.custom_id

    def _moved_on(self, message: Message, offer: PackOffer) -> bool:
        now = offer_on(self._live(message))
        return now is None or now.custom_id != offer.custom_id

    def _holding(self, message: Message) -> Message | None:
        """The message if it offers a pack (the next one, carried by the edit), else None."""
        return message if offer_on(self._live(message)) is not None else None

    async def _taken_while_thinking(self, message: Message, offer: PackOffer) -> bool:
        """Think; True when the pack was auto-picked meanwhile (a person sees it at once)."""
        from bot.sandbox import WaitTimeout

        try:
            await self.driver.wait_for(
                lambda: self._moved_on(message, offer),
                f"{self.name} thinking",
                self.think_seconds(),
            )
        except WaitTimeout:
            return False
        return True

    async def _next_dm(self) -> Message | None:
        """The bot's next DM to this player, or None once the pod is over without one."""
        mail = asyncio.ensure_future(
            self.driver.next_message(user=self.user, timeout=self.wait_timeout)
        )
        over = asyncio.ensure_future(self.finished.wait())
        try:
            await asyncio.wait({mail, over}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            over.cancel()
            if not mail.done():
                mail.cancel()
        if mail.done() and not mail.cancelled():
            return mail.result()
        return None


@dataclass
class PodRun:
    """One pod of the demo: its players, its lobby, its id, whether the scheduler ended it."""

    index: int
    driver: Driver
    channel: Channel
    users: Sequence[User]
    options: dict[str, Any]
    players: list[Player] = field(default_factory=list)
    pod: str = ""
    lobby: Message | None = None
    status: str = "creating"
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    started_at: float = 0.0
    ended_at: float = 0.0

    @property
    def creator(self) -> User:
        return self.users[0]

    async def open(self) -> None:
        """``/draft create`` by the first player; the answer is the lobby message."""
        handle = await self.driver.invoke(
            self.creator, "draft create", self.options, channel=self.channel
        )
        self.lobby = await handle.message(timeout=ANSWER_TIMEOUT * 2)
        pod = lobby_pod(self.lobby)
        if pod is None:
            raise RuntimeError(f"the lobby message of pod {self.index + 1} has no lobby buttons")
        self.pod = pod
        self.status = "open"

    async def fill_and_start(self) -> None:
        """Everyone else presses Join, then the creator presses Start."""
        assert self.lobby is not None
        for user in self.users[1:]:
            handle = await self.driver.click(user, self.lobby, f"lobby:join:{self.pod}")
            await handle.acknowledged(ANSWER_TIMEOUT)
        handle = await self.driver.click(self.creator, self.lobby, f"lobby:start:{self.pod}")
        await handle.acknowledged(ANSWER_TIMEOUT)
        self.started_at = time.monotonic()
        self.status = "drafting"

    async def draft(self) -> None:
        await asyncio.gather(*(player.run() for player in self.players))
        self.ended_at = time.monotonic()

    def mark_ended(self, status: str) -> None:
        """The scheduler says the pod ended (finished, cancelled, expired)."""
        self.status = status
        self.finished.set()

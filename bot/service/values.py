"""The values the draft service takes from the cogs and gives to the presenter: no Discord here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.draft import Card
from bot.storage import PodRecord, SeatRecord
from draftpod.config import TimerPolicyName


@dataclass(frozen=True, slots=True)
class Player:
    """A Discord user as the draft knows them: an id and the name the table sees."""

    user_id: int
    name: str


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks for a privileged action, and whether they may manage the server."""

    user_id: int
    manages_guild: bool = False


@dataclass(frozen=True, slots=True)
class CreateOptions:
    set_code: str
    pick_seconds: int
    timer_policy: TimerPolicyName
    seats: int
    bots: int
    packs: int
    open: bool = True
    invited: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class SeatProgress:
    """One seat during the draft, for the lobby message and ``/draft status``."""

    seat_no: int
    name: str
    user_id: int | None
    picks: int
    total: int
    queued: int
    finished: bool

    @property
    def is_bot(self) -> bool:
        return self.user_id is None


@dataclass(frozen=True, slots=True)
class LobbyState:
    """Everything the lobby message shows at one moment."""

    pod: PodRecord
    set_name: str
    seats: tuple[SeatRecord, ...]
    progress: tuple[SeatProgress, ...] = ()
    expires_at: datetime | None = None
    autopicks: int = 0
    results: tuple[tuple[str, str, str], ...] = ()
    """At the end: each seat's name, its two main colours and its first pick."""


@dataclass(frozen=True, slots=True)
class PackOffer:
    """A pack in front of a player: what their DM shows and their pick menu offers."""

    pod_id: int
    seat: int
    user_id: int
    pick_no: int
    pack_no: int
    pick_in_pack: int
    cards: tuple[Card, ...]
    queued: int
    total_picks: int
    set_name: str
    deadline: datetime | None = None


@dataclass(frozen=True, slots=True)
class PickResult:
    """What a pick did, for the player who made it.

    ``next_offer`` is the pack the player holds now, if one was already waiting: the answer to
    the pick shows it at once. ``repeated`` is True for the same pick sent twice (a double click).
    """

    pod_id: int
    seat: int
    pick_no: int
    pack_size: int
    card: Card
    next_offer: PackOffer | None
    finished: bool
    repeated: bool = False


@dataclass(frozen=True, slots=True)
class PoolView:
    pod_id: int
    seat: int
    name: str
    set_code: str
    cards: tuple[Card, ...]
    running: bool


class Presenter(Protocol):
    """What the service asks of the Discord side (:class:`bot.ui.presenter.DiscordPresenter`)."""

    async def welcome(self, pod: PodRecord, user_id: int) -> None:
        """DM the player that they joined; raise :class:`DmClosed` if DMs are closed."""

    def lobby_changed(self, state: LobbyState) -> None:
        """Show the new lobby state (coalesced: a burst of changes is one edit)."""

    async def deliver_pack(self, offer: PackOffer) -> None:
        """A pack reached a player who was not looking at one: a new DM."""

    async def show_autopick(self, result: PickResult, reason: str) -> None:
        """The time ran out: show on the pack message what was picked and why."""

    async def show_warning(
        self, pod_id: int, seat: int, user_id: int, pick_no: int, seconds_left: float
    ) -> None:
        """The pick's time is nearly up."""

    async def pod_over(self, state: LobbyState, pools: tuple[PoolView, ...]) -> None:
        """The pod ended (finished, cancelled or expired): results, pools and decks."""

    async def refresh_pack(self, offer: PackOffer) -> None:
        """After a restart: make sure the player's DM shows this pack, sending it if not."""

    async def retire_pack(self, pod_id: int, seat: int) -> None:
        """After a restart, for a seat holding no pack: no menu is left working in its DM."""

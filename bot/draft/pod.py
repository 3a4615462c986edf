"""The pod: seats around a table, a queue of packs per seat, picks that are final at once.

Modelled on Draftmancer's ``DraftState``: each round every seat opens a pack; a seat picks from the
pack at the head of its queue and passes the rest to its neighbour's queue (left, right, left;
left is the next seat number). A seat's pick number counts its picks over the whole draft, so
``(seat, pick_no)`` names one pick for good and makes a repeated pick recognisable. A round ends
when every pack of it is empty; the next starts at once.

Everything random comes from the pod's seed: one RNG for collation and one per auto-pick
(``f"{seed}:{seat}:{pick_no}"``), so the order in which picks are replayed never changes an
outcome, and :func:`replay` rebuilds any pod from its pick log.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.draft.autopick import AutoPick, AutoPicker
from bot.draft.cards import Card, CardId, CardSet
from bot.draft.collation import open_packs
from bot.draft.errors import (
    CardMismatch,
    DraftNotStarted,
    NoSuchCard,
    NoSuchPick,
    NotYourTurn,
    PodSetupError,
    ReplayMismatch,
    StalePick,
    UnknownSeat,
)
from bot.draft.events import (
    DraftFinished,
    Event,
    PackPassed,
    PackReady,
    PickMade,
    RoundStarted,
    SeatFinished,
    SeatIdle,
)
from bot.draft.records import Direction, Picker, PickRecord, Seat, pick_position

Packs = Sequence[Sequence[Sequence[Card]]]
"""Opened packs indexed ``[round][seat]``, each in pack order."""

Collate = Callable[[CardSet, int, int, random.Random], Packs]
"""``(card_set, seats, packs_per_seat, rng) -> packs``: how a pod opens its boosters."""

DEFAULT_COLOUR_COMMIT_AFTER = 4


def collation_rng(seed: int) -> random.Random:
    return random.Random(f"{seed}:collation")


def autopick_rng(seed: int, seat: int, pick_no: int) -> random.Random:
    return random.Random(f"{seed}:{seat}:{pick_no}")


def direction_of(pack_no: int) -> Direction:
    """Pack 1 passes left, pack 2 right, pack 3 left, and so on."""
    return "left" if pack_no % 2 == 1 else "right"


@dataclass(frozen=True, slots=True)
class SeatView:
    """What one seat may see (Draftmancer's ``syncData``): its pack, its queue, its picks."""

    seat: int
    name: str
    pick_no: int
    pack_no: int
    pick_in_pack: int
    pack: tuple[Card, ...]
    queued: int
    picks: tuple[Card, ...]
    passing: Direction
    finished: bool

    @property
    def waiting(self) -> bool:
        return not self.finished and not self.pack


@dataclass(frozen=True, slots=True)
class PodState:
    """The whole observable state of a pod as plain values, to compare, store or show."""

    round: int
    finished: bool
    queues: tuple[tuple[tuple[CardId, ...], ...], ...]
    pools: tuple[tuple[CardId, ...], ...]
    picks: tuple[PickRecord, ...]


class Pod:
    """One draft. Construct, :meth:`start`, then :meth:`pick` until :attr:`finished`.

    Methods return the events of the change in order, or raise a
    :class:`~bot.draft.errors.DraftError` and change nothing. Bot seats pick inside the engine as
    soon as they hold a pack; their picks come out as :class:`PickMade` like any other.
    """

    def __init__(
        self,
        seed: int,
        card_set: CardSet,
        seats: Sequence[Seat],
        *,
        packs_per_seat: int = 3,
        colour_commit_after: int = DEFAULT_COLOUR_COMMIT_AFTER,
        collate: Collate | None = None,
    ) -> None:
        if not seats:
            raise PodSetupError("a pod needs at least one seat")
        names = [seat.name for seat in seats]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            # Logs name players, and MTGO log file names are made from them.
            raise PodSetupError(f"seat names must differ; more than one seat is named {twice[0]!r}")
        if packs_per_seat < 1:
            raise PodSetupError(f"packs per seat must be at least 1, not {packs_per_seat}")
        self.seed = seed
        self.card_set = card_set
        self.seats = tuple(seats)
        self.packs_per_seat = packs_per_seat
        self.autopicker = AutoPicker(card_set.ratings, colour_commit_after)
        opened = (collate or open_packs)(
            card_set, len(self.seats), packs_per_seat, collation_rng(seed)
        )
        self.packs: tuple[tuple[tuple[Card, ...], ...], ...] = tuple(
            tuple(tuple(pack) for pack in round_packs) for round_packs in opened
        )
        self.pack_size = self._check_packs()
        self.total_picks = packs_per_seat * self.pack_size
        self.started = False
        self.round = 0
        self._queues: list[deque[list[Card]]] = [deque() for _ in self.seats]
        self._pools: list[list[Card]] = [[] for _ in self.seats]
        self._seen: list[list[tuple[Card, ...]]] = [[] for _ in self.seats]
        self._by_seat: list[list[PickRecord]] = [[] for _ in self.seats]
        self._log: list[PickRecord] = []
        self._left_in_round = 0
        self._bots_enabled = True

    def _check_packs(self) -> int:
        seats = len(self.seats)
        if len(self.packs) != self.packs_per_seat or any(len(r) != seats for r in self.packs):
            raise PodSetupError(
                f"collation gave {[len(r) for r in self.packs]} packs per round, "
                f"expected {self.packs_per_seat} rounds of {seats}"
            )
        sizes = {len(pack) for round_packs in self.packs for pack in round_packs}
        if len(sizes) != 1 or 0 in sizes:
            raise PodSetupError(
                f"packs must all hold the same number of cards, got {sorted(sizes)}"
            )
        return sizes.pop()

    # -- reading ----------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.started and all(len(p) == self.total_picks for p in self._by_seat)

    @property
    def picks(self) -> tuple[PickRecord, ...]:
        """Every pick in the order it was made: the log to store, and to :func:`replay` from."""
        return tuple(self._log)

    def current_pick(self, seat: int) -> int:
        """The seat's next pick number (``total_picks + 1`` once it has picked everything)."""
        self._check_seat(seat)
        return len(self._by_seat[seat]) + 1

    def pool(self, seat: int) -> tuple[Card, ...]:
        self._check_seat(seat)
        return tuple(self._pools[seat])

    def seen(self, seat: int) -> tuple[tuple[Card, ...], ...]:
        """Each pack as the seat saw it at each of its picks, in pack order (for the logs)."""
        self._check_seat(seat)
        return tuple(self._seen[seat])

    def view(self, seat: int) -> SeatView:
        self._check_seat(seat)
        pick_no = len(self._by_seat[seat]) + 1
        finished = pick_no > self.total_picks
        pack_no, pick_in_pack = pick_position(min(pick_no, self.total_picks), self.pack_size)
        queue = self._queues[seat]
        return SeatView(
            seat=seat,
            name=self.seats[seat].name,
            pick_no=pick_no,
            pack_no=pack_no,
            pick_in_pack=pick_in_pack,
            pack=tuple(queue[0]) if queue else (),
            queued=max(0, len(queue) - 1),
            picks=tuple(self._pools[seat]),
            passing=direction_of(pack_no),
            finished=finished,
        )

    def state(self) -> PodState:
        return PodState(
            round=self.round,
            finished=self.finished,
            queues=tuple(
                tuple(tuple(card.id for card in pack) for pack in queue) for queue in self._queues
            ),
            pools=tuple(tuple(card.id for card in pool) for pool in self._pools),
            picks=tuple(self._log),
        )

    def suggestion(self, seat: int) -> AutoPick:
        """What auto-pick would take for the seat's current pack (what a time-out would pick)."""
        pick_no = self.current_pick(seat)
        queue = self._queues[seat]
        if not self.started:
            raise DraftNotStarted()
        if not queue:
            raise NotYourTurn(seat, pick_no, pick_no)
        return self.autopicker.choose(
            queue[0], self._pools[seat], autopick_rng(self.seed, seat, pick_no)
        )

    # -- changing ---------------------------------------------------------------------------

    def start(self) -> list[Event]:
        """Deal the first packs; bot seats make their first picks. Starting twice is a no-op."""
        if self.started:
            return []
        self.started = True
        events: list[Event] = []
        self._open_round(events)
        self._run_bots(events)
        return events

    def pick(
        self,
        seat: int,
        pick_no: int,
        index: int,
        *,
        by: Picker = "player",
        card_id: CardId | None = None,
        reason: str = "",
    ) -> list[Event]:
        """Take the card at ``index`` of the pack the seat holds at ``pick_no``.

        The same pick again (same index, same ``by``) returns no events; anything else for a
        pick already made raises :class:`StalePick`, so a player whose time ran out is told.
        ``card_id``, when given, must be the card at ``index`` (a guard against a menu built from
        another pack).
        """
        self._check_seat(seat)
        if not self.started:
            raise DraftNotStarted()
        done = self._by_seat[seat]
        current = len(done) + 1
        if 1 <= pick_no < current:
            record = done[pick_no - 1]
            if record.index == index and record.by == by and card_id in (None, record.card_id):
                return []
            raise StalePick(seat, pick_no, current)
        if pick_no < 1 or pick_no > self.total_picks:
            raise NoSuchPick(seat, pick_no, self.total_picks)
        queue = self._queues[seat]
        if pick_no > current or not queue:
            raise NotYourTurn(seat, pick_no, current)
        cards = queue[0]
        if not 0 <= index < len(cards):
            raise NoSuchCard(seat, pick_no, index, len(cards))
        if card_id is not None and cards[index].id != card_id:
            raise CardMismatch(seat, pick_no, index, card_id, cards[index].id)
        events: list[Event] = []
        self._take(seat, index, by, reason, events)
        self._run_bots(events)
        return events

    def autopick(self, seat: int, pick_no: int, *, by: Picker = "timeout") -> list[Event]:
        """Pick for the seat what auto-pick chooses (a time-out). Idempotent like :meth:`pick`.

        A time-out for a pick the player already made raises :class:`StalePick`; the same
        time-out again is a no-op.
        """
        self._check_seat(seat)
        done = self._by_seat[seat]
        if 1 <= pick_no <= len(done):
            record = done[pick_no - 1]
            if record.by == by:
                return []
            raise StalePick(seat, pick_no, len(done) + 1)
        if pick_no < 1 or pick_no > self.total_picks:
            raise NoSuchPick(seat, pick_no, self.total_picks)
        if pick_no != len(done) + 1:
            raise NotYourTurn(seat, pick_no, len(done) + 1)
        choice = self.suggestion(seat)
        return self.pick(seat, pick_no, choice.index, by=by, reason=choice.reason)

    # -- internals --------------------------------------------------------------------------

    def _check_seat(self, seat: int) -> None:
        if not 0 <= seat < len(self.seats):
            raise UnknownSeat(seat, len(self.seats))

    def _open_round(self, events: list[Event]) -> None:
        pack_no = self.round + 1
        events.append(RoundStarted(pack_no, direction_of(pack_no)))
        for seat, cards in enumerate(self.packs[self.round]):
            self._queues[seat].append(list(cards))
        self._left_in_round = len(self.seats) * self.pack_size
        for seat in range(len(self.seats)):
            self._announce(seat, events)

    def _announce(self, seat: int, events: list[Event]) -> None:
        if self.seats[seat].kind == "bot":
            return
        queue = self._queues[seat]
        pick_no = len(self._by_seat[seat]) + 1
        pack_no, pick_in_pack = pick_position(pick_no, self.pack_size)
        events.append(
            PackReady(seat, pick_no, pack_no, pick_in_pack, len(queue[0]), len(queue) - 1)
        )

    def _take(self, seat: int, index: int, by: Picker, reason: str, events: list[Event]) -> None:
        queue = self._queues[seat]
        pack = queue.popleft()
        self._seen[seat].append(tuple(pack))
        card = pack.pop(index)
        pick_no = len(self._by_seat[seat]) + 1
        record = PickRecord(seat, pick_no, index, card.id, by)
        self._by_seat[seat].append(record)
        self._log.append(record)
        self._pools[seat].append(card)
        events.append(PickMade(record, reason))
        self._left_in_round -= 1
        if pack:
            step = 1 if self.round % 2 == 0 else -1
            target = (seat + step) % len(self.seats)
            target_queue = self._queues[target]
            target_queue.append(pack)
            events.append(PackPassed(seat, target, self.round + 1, len(pack)))
            if len(target_queue) == 1 and target != seat:
                self._announce(target, events)
        if queue:
            self._announce(seat, events)
        elif self._left_in_round == 0:
            if self.round + 1 < self.packs_per_seat:
                self.round += 1
                self._open_round(events)
            else:
                events.append(DraftFinished(len(self._log)))
        elif self.seats[seat].kind != "bot":
            done = pick_no == self.total_picks
            events.append(SeatFinished(seat) if done else SeatIdle(seat, pick_no + 1))

    def _settle_bots(self) -> bool:
        """Make every bot pick that is due, even while bots are held back; True if any was."""
        made = len(self._log)
        enabled, self._bots_enabled = self._bots_enabled, True
        try:
            self._run_bots([])
        finally:
            self._bots_enabled = enabled
        return len(self._log) > made

    def _run_bots(self, events: list[Event]) -> None:
        if not self._bots_enabled:
            return
        bots = [seat for seat, info in enumerate(self.seats) if info.kind == "bot"]
        progressed = True
        while progressed:
            progressed = False
            for seat in bots:
                queue = self._queues[seat]
                if queue:
                    pick_no = len(self._by_seat[seat]) + 1
                    choice = self.autopicker.choose(
                        queue[0], self._pools[seat], autopick_rng(self.seed, seat, pick_no)
                    )
                    self._take(seat, choice.index, "bot", choice.reason, events)
                    progressed = True


def replay(
    seed: int,
    card_set: CardSet,
    seats: Sequence[Seat],
    picks: Iterable[PickRecord],
    *,
    packs_per_seat: int = 3,
    colour_commit_after: int = DEFAULT_COLOUR_COMMIT_AFTER,
    collate: Collate | None = None,
) -> Pod:
    """Rebuild a started pod from its pick log, exactly as it was live.

    Records are applied as logged, bot picks included, so a log stays valid when the auto-pick
    rules change. Bot picks that were due but are missing from the log are made at the end; they
    appear in ``pod.picks`` after the given records, for the caller to store. A record that does
    not fit raises :class:`ReplayMismatch` naming its position.
    """
    pod = Pod(
        seed,
        card_set,
        seats,
        packs_per_seat=packs_per_seat,
        colour_commit_after=colour_commit_after,
        collate=collate,
    )
    pod._bots_enabled = False
    pod.start()
    for position, record in enumerate(picks):
        try:
            try:
                pod.pick(
                    record.seat, record.pick_no, record.index, by=record.by, card_id=record.card_id
                )
            except NotYourTurn:
                # A log that holds only the players' picks: let the bots catch up, then retry.
                if not pod._settle_bots():
                    raise
                pod.pick(
                    record.seat, record.pick_no, record.index, by=record.by, card_id=record.card_id
                )
        except (CardMismatch, NoSuchCard, NotYourTurn, NoSuchPick, StalePick, UnknownSeat) as exc:
            raise ReplayMismatch(position, str(exc)) from exc
    pod._bots_enabled = True
    pod._settle_bots()
    return pod

"""What a pod tells its shell after a change: small frozen values, in the order things happened.

The shell (the bot's draft service) turns them into messages: :class:`PickMade` becomes a row of
the pick log, :class:`PackReady` a pack image and a ``seat_waiting`` to the scheduler,
:class:`SeatIdle` and :class:`SeatFinished` a ``seat_idle``, :class:`DraftFinished` the logs and a
``pod_end``. Bot seats pick inside the engine, so ``PackReady``, ``SeatIdle`` and ``SeatFinished``
are only ever about player seats.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.draft.records import Direction, PickRecord


@dataclass(frozen=True, slots=True)
class PickMade:
    """A pick is final. ``reason`` says why an auto-pick chose the card (empty for a player)."""

    record: PickRecord
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PackPassed:
    """What is left of a pack moved on to the next seat in this round's direction."""

    from_seat: int
    to_seat: int
    pack_no: int
    cards_left: int


@dataclass(frozen=True, slots=True)
class PackReady:
    """A player seat has a new pack in front of it: the pick ``pick_no`` is open."""

    seat: int
    pick_no: int
    pack_no: int
    pick_in_pack: int
    cards_left: int
    queued: int


@dataclass(frozen=True, slots=True)
class SeatIdle:
    """A player seat has picked and has no pack until its neighbour passes one."""

    seat: int
    next_pick_no: int


@dataclass(frozen=True, slots=True)
class SeatFinished:
    """A player seat has made its last pick; the others are still drafting."""

    seat: int


@dataclass(frozen=True, slots=True)
class RoundStarted:
    """Every seat opened pack ``pack_no``; it passes ``direction``."""

    pack_no: int
    direction: Direction


@dataclass(frozen=True, slots=True)
class DraftFinished:
    """Every card of every pack has been picked."""

    picks: int


Event = PickMade | PackPassed | PackReady | SeatIdle | SeatFinished | RoundStarted | DraftFinished

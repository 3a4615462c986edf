"""The values a pod is made of and remembered by: seats and pick records.

The pick log (a sequence of :class:`PickRecord`) is the source of truth of a draft: with the pod's
seed, its set and its seats it rebuilds every pack, pool and queue (:func:`bot.draft.pod.replay`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.draft.cards import CardId

SeatKind = Literal["player", "bot"]
Direction = Literal["left", "right"]
Picker = Literal["player", "timeout", "bot"]
"""Who made a pick: the player, the auto-pick at the player's time-out, or a bot drafter."""

PICKERS: tuple[Picker, ...] = ("player", "timeout", "bot")


@dataclass(frozen=True, slots=True)
class Seat:
    """One place at the table. ``name`` is what logs and lists show; bots pick for themselves."""

    name: str
    kind: SeatKind = "player"

    @property
    def is_bot(self) -> bool:
        return self.kind == "bot"


@dataclass(frozen=True, slots=True)
class PickRecord:
    """One pick, as stored: unique on ``(seat, pick_no)``.

    ``index`` is the position in the pack as the seat saw it; ``card_id`` is the card that was
    there, so a replay can tell a log that no longer fits its pod from one that does.
    """

    seat: int
    pick_no: int
    index: int
    card_id: CardId
    by: Picker = "player"


def pick_position(pick_no: int, pack_size: int) -> tuple[int, int]:
    """``(pack_no, pick_in_pack)``, both from 1, of a seat's overall pick number (from 1)."""
    return (pick_no - 1) // pack_size + 1, (pick_no - 1) % pack_size + 1


def fill_with_bots(seats: tuple[Seat, ...] | list[Seat], size: int) -> tuple[Seat, ...]:
    """The seats, with bot drafters added after them until the pod has ``size`` seats."""
    taken = {seat.name for seat in seats}
    filled = list(seats)
    number = 1
    while len(filled) < size:
        name = f"Bot {number}"
        number += 1
        if name not in taken:
            filled.append(Seat(name, "bot"))
    return tuple(filled)


def spread_bots(players: tuple[Seat, ...] | list[Seat], size: int) -> tuple[Seat, ...]:
    """The players and ``size - len(players)`` bot drafters, the bots spread evenly between them.

    Packs pass to the next seat, so a bot run between two players decides what each passes to
    the next; spreading the bots gives every player about the same number of bot neighbours
    instead of seating all humans side by side.
    """
    if not players:
        return fill_with_bots([], size)
    bots = fill_with_bots(players, size)[len(players) :]
    seats: list[Seat] = []
    for number, player in enumerate(players):
        seats.append(player)
        # The bots after this player: its even share of them, rounded so the shares add up.
        first = number * len(bots) // len(players)
        seats.extend(bots[first : (number + 1) * len(bots) // len(players)])
    return tuple(seats)

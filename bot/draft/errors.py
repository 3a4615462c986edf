"""Why the engine refused something: typed errors that carry the facts, one base for the package.

Each error holds the data a shell needs to answer a person in one plain sentence (which seat, which
pick number, what the current pick is), and ``str()`` gives a sentence fit for a log line. A refused
pick never changes the pod.
"""

from __future__ import annotations

from bot.draft.cards import CardId


class DraftError(Exception):
    """Base of every error the draft engine raises on purpose."""


class PodSetupError(DraftError):
    """The pod cannot be made as asked (no seats, uneven packs, a bad packs-per-seat count)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DraftNotStarted(DraftError):
    """A pick arrived before :meth:`Pod.start` dealt the first packs."""

    def __init__(self) -> None:
        super().__init__("the draft has not started")


class UnknownSeat(DraftError):
    def __init__(self, seat: int, seats: int) -> None:
        super().__init__(f"seat {seat} is not in this pod (seats 0..{seats - 1})")
        self.seat = seat
        self.seats = seats


class NoSuchPick(DraftError):
    """A pick number outside 1..packs x pack size."""

    def __init__(self, seat: int, pick_no: int, total: int) -> None:
        super().__init__(f"seat {seat}: pick {pick_no} does not exist (picks 1..{total})")
        self.seat = seat
        self.pick_no = pick_no
        self.total = total


class NotYourTurn(DraftError):
    """The seat does not hold a pack at that pick number yet: it is waiting, or asked ahead."""

    def __init__(self, seat: int, pick_no: int, current: int) -> None:
        if pick_no == current:
            message = f"seat {seat}: no pack to pick from yet for pick {pick_no}"
        else:
            message = f"seat {seat}: pick {pick_no} is ahead of the current pick {current}"
        super().__init__(message)
        self.seat = seat
        self.pick_no = pick_no
        self.current = current


class StalePick(DraftError):
    """The pick number is already done (with another card, or by someone else); nothing changed."""

    def __init__(self, seat: int, pick_no: int, current: int) -> None:
        super().__init__(
            f"seat {seat}: pick {pick_no} is already made, the current pick is {current}"
        )
        self.seat = seat
        self.pick_no = pick_no
        self.current = current


class NoSuchCard(DraftError):
    """The index is not a position in the pack the seat holds."""

    def __init__(self, seat: int, pick_no: int, index: int, cards: int) -> None:
        super().__init__(
            f"seat {seat}: pick {pick_no} has {cards} cards (0..{cards - 1}), not index {index}"
        )
        self.seat = seat
        self.pick_no = pick_no
        self.index = index
        self.cards = cards


class CardMismatch(DraftError):
    """The card at the index is not the card the caller expected (a stale menu, a bad log)."""

    def __init__(
        self, seat: int, pick_no: int, index: int, expected: CardId, found: CardId
    ) -> None:
        super().__init__(f"seat {seat}: pick {pick_no} index {index} holds {found}, not {expected}")
        self.seat = seat
        self.pick_no = pick_no
        self.index = index
        self.expected = expected
        self.found = found


class ReplayMismatch(DraftError):
    """A pick log that does not fit the pod it claims to describe; the record and the cause."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"pick log entry {position}: {reason}")
        self.position = position
        self.reason = reason


class LogFormatError(DraftError):
    """A draft log that cannot be read; names the line (from 1) and what is wrong with it."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason

"""The errors of the bot's storage: one base, each carrying the data a caller needs to answer.

Two families share the base. :class:`StorageFailure` says the database could not do what was asked
(locked past the retries, read-only, disk full, connection lost): nothing was written and the
caller must not acknowledge anything. The others are refusals of a valid database: the write would
break a rule (a second running pod for a player, a different card for a taken pick), and the error
says which rule and carries what the caller needs to tell the user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.records import PickRecord, PodStatus


class StorageError(Exception):
    """Base of every error raised by :mod:`bot.storage`."""


class StorageFailure(StorageError):
    """The database failed the operation; nothing of it was committed."""

    def __init__(self, operation: str, reason: str, *, attempts: int = 1) -> None:
        self.operation = operation
        self.reason = reason
        self.attempts = attempts
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"{operation} failed{tries}: {reason}")


class StorageBusy(StorageFailure):
    """The database stayed locked or busy through every retry (another writer held it)."""


class StorageConflict(StorageError):
    """A constraint of the schema refused a write that the code's own checks let through: a
    concurrent writer won a race the code could not see, or a bug. Nothing was committed."""

    def __init__(self, operation: str, reason: str) -> None:
        self.operation = operation
        self.reason = reason
        super().__init__(f"{operation} refused by the database: {reason}")


class PodNotFound(StorageError):
    def __init__(self, pod_id: int) -> None:
        self.pod_id = pod_id
        super().__init__(f"no pod {pod_id}")


class PodStateError(StorageError):
    """The pod is not in a state that allows the operation (joining a drafting pod, picking in a
    finished one)."""

    def __init__(self, pod_id: int, status: PodStatus, operation: str) -> None:
        self.pod_id = pod_id
        self.status = status
        self.operation = operation
        super().__init__(f"cannot {operation}: pod {pod_id} is {status}")


class PlayerBusy(StorageError):
    """The player already holds a seat in a running (open or drafting) pod."""

    def __init__(self, user_id: int, pod_id: int) -> None:
        self.user_id = user_id
        self.pod_id = pod_id
        super().__init__(f"user {user_id} is already in running pod {pod_id}")


class PodFull(StorageError):
    def __init__(self, pod_id: int, seats: int) -> None:
        self.pod_id = pod_id
        self.seats = seats
        super().__init__(f"pod {pod_id} is full ({seats} seats)")


class SeatNotFound(StorageError):
    def __init__(self, pod_id: int, *, user_id: int | None = None, seat_no: int | None = None):
        self.pod_id = pod_id
        self.user_id = user_id
        self.seat_no = seat_no
        who = f"user {user_id}" if user_id is not None else f"seat {seat_no}"
        super().__init__(f"pod {pod_id} has no {who}")


class PickConflict(StorageError):
    """Another card was already recorded for this ``(pod, seat, pick_no)``; ``winner`` is it."""

    def __init__(self, winner: PickRecord, card_index: int, card_id: str) -> None:
        self.winner = winner
        self.card_index = card_index
        self.card_id = card_id
        super().__init__(
            f"pod {winner.pod_id} seat {winner.seat_no} pick {winner.pick_no} is already "
            f"{winner.card_name} (index {winner.card_index}, by {winner.source}); "
            f"refused index {card_index} ({card_id})"
        )


class InvalidRecord(StorageError):
    """A value handed to storage breaks the schema's rules (a negative pick number, a naive
    datetime, settings of the wrong shape); refused before any write."""

"""The one place where errors become words for the person who acted.

Service refusals already carry their sentence; engine and storage errors are translated here;
anything else is a bug, logged with its context, and the user gets a short apology instead of a
traceback.
"""

from __future__ import annotations

import logging

from bot.draft import (
    CardMismatch,
    DraftError,
    DraftNotStarted,
    NoSuchCard,
    NoSuchPick,
    NotYourTurn,
    StalePick,
    UnknownSeat,
)
from bot.draft.set_errors import SetError
from bot.service import ServiceError
from bot.storage import (
    PickConflict,
    PlayerBusy,
    PodFull,
    PodNotFound,
    PodStateError,
    SeatNotFound,
    StorageBusy,
    StorageError,
)

log = logging.getLogger(__name__)


def describe(error: BaseException) -> str:
    """One plain sentence (or two) saying why nothing happened."""
    if isinstance(error, ServiceError):
        return str(error)
    if isinstance(error, DraftError):
        return _draft(error)
    if isinstance(error, StorageError):
        return _storage(error)
    if isinstance(error, SetError):
        return str(error)
    log.error("unexpected error shown to a user", exc_info=error)
    return "Something went wrong on my side; nothing was changed. Please try again."


def _draft(error: DraftError) -> str:
    if isinstance(error, StalePick):
        return (
            f"Pick {error.pick_no} is already made (you are on pick {error.current}); "
            "that menu is out of date."
        )
    if isinstance(error, NotYourTurn):
        return "That pack is not in front of you yet; wait for it to reach you."
    if isinstance(error, NoSuchCard):
        return f"There is no card {error.index + 1} in this pack: choose 1 to {error.cards}."
    if isinstance(error, CardMismatch):
        return "That menu belongs to another pack; pick from the newest one."
    if isinstance(error, NoSuchPick):
        return f"There is no pick {error.pick_no} in this draft."
    if isinstance(error, UnknownSeat | DraftNotStarted):
        return "That menu does not belong to this draft."
    return str(error)


def _storage(error: StorageError) -> str:
    if isinstance(error, PlayerBusy):
        return (
            f"You are already in pod #{error.pod_id}; a player can be in one running pod at a "
            "time. Leave it first (/draft leave)."
        )
    if isinstance(error, PodFull):
        return "That pod is full."
    if isinstance(error, PodNotFound):
        return "That pod does not exist."
    if isinstance(error, SeatNotFound):
        return "You are not seated in that pod."
    if isinstance(error, PodStateError):
        return f"That pod is {error.status}, so it cannot do that."
    if isinstance(error, PickConflict):
        return "That pick was already made another way (the timer ran out first)."
    if isinstance(error, StorageBusy):
        return "The draft database is busy; nothing was saved. Please try again in a moment."
    return "The draft database failed; nothing was saved. Please try again."

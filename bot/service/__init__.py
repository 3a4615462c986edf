"""The draft service: pods from lobby to logs, between the cogs and the engine.

:class:`DraftService` is the one place where a draft changes; it speaks to Discord only through
the :class:`Presenter` port and to the scheduler through :class:`SchedulerLink`.
"""

from bot.service.draft import DraftService, LivePod
from bot.service.errors import (
    BadOption,
    DmClosed,
    NoPodHere,
    NotAllowed,
    NotInvited,
    NotSeated,
    NotYourPack,
    ServiceError,
    Stopping,
    TimeRanOut,
    TooFewSeats,
    UnknownPod,
    WrongPhase,
)
from bot.service.link import SchedulerLink
from bot.service.values import (
    Actor,
    CreateOptions,
    LobbyState,
    PackOffer,
    PickResult,
    Player,
    PoolView,
    Presenter,
    SeatProgress,
)

__all__ = [
    "Actor",
    "BadOption",
    "CreateOptions",
    "DmClosed",
    "DraftService",
    "LivePod",
    "LobbyState",
    "NoPodHere",
    "NotAllowed",
    "NotInvited",
    "NotSeated",
    "NotYourPack",
    "PackOffer",
    "PickResult",
    "Player",
    "PoolView",
    "Presenter",
    "SchedulerLink",
    "SeatProgress",
    "ServiceError",
    "Stopping",
    "TimeRanOut",
    "TooFewSeats",
    "UnknownPod",
    "WrongPhase",
]

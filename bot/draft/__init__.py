"""The pure draft engine: cards, sets, collation, pods, auto-pick, logs.

No discord, zmq, asyncio or database import may appear anywhere below this package: values in,
values and events out. Time and randomness come in as arguments.
"""

from bot.draft.cards import (
    COLOURS,
    RARITIES,
    BoosterSpec,
    BoosterVariant,
    Card,
    CardFace,
    CardId,
    CardSet,
    Colour,
    Rarity,
    Ratings,
    SetCode,
    SetKind,
    Sheet,
)

__all__ = [
    "COLOURS",
    "RARITIES",
    "BoosterSpec",
    "BoosterVariant",
    "Card",
    "CardFace",
    "CardId",
    "CardSet",
    "Colour",
    "Rarity",
    "Ratings",
    "SetCode",
    "SetKind",
    "Sheet",
]

# The pod and what it produces: what the bot's draft service builds on.
from bot.draft.autopick import AutoPick, AutoPicker
from bot.draft.errors import (
    CardMismatch,
    DraftError,
    DraftNotStarted,
    LogFormatError,
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
from bot.draft.pod import Pod, PodState, SeatView, replay
from bot.draft.records import (
    Picker,
    PickRecord,
    Seat,
    SeatKind,
    fill_with_bots,
    pick_position,
    spread_bots,
)

__all__ += [
    "AutoPick",
    "AutoPicker",
    "CardMismatch",
    "DraftError",
    "DraftFinished",
    "DraftNotStarted",
    "Event",
    "LogFormatError",
    "NoSuchCard",
    "NoSuchPick",
    "NotYourTurn",
    "PackPassed",
    "PackReady",
    "PickMade",
    "PickRecord",
    "Picker",
    "Pod",
    "PodSetupError",
    "PodState",
    "ReplayMismatch",
    "RoundStarted",
    "Seat",
    "SeatFinished",
    "SeatIdle",
    "SeatKind",
    "SeatView",
    "StalePick",
    "UnknownSeat",
    "fill_with_bots",
    "pick_position",
    "replay",
    "spread_bots",
]

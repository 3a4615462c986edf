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

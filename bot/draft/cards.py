"""Cards and sets: the values every other part of draftpod is built on.

Plain frozen dataclasses with no behaviour beyond small derived views, so that the engine, the
renderer, storage and tests can share them freely. A card is identified within its set by
:data:`CardId` (the MTGJSON uuid for retail sets, a stable slug for cubes and custom sets); two
copies of one common in a pod are the same :class:`Card` value, told apart by their position in a
pack, never by identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NewType

CardId = NewType("CardId", str)
SetCode = NewType("SetCode", str)

Colour = Literal["W", "U", "B", "R", "G"]
COLOURS: tuple[Colour, ...] = ("W", "U", "B", "R", "G")

Rarity = Literal["common", "uncommon", "rare", "mythic", "special"]
RARITIES: tuple[Rarity, ...] = ("common", "uncommon", "rare", "mythic", "special")

SetKind = Literal["retail", "cube", "custom"]


@dataclass(frozen=True, slots=True)
class CardFace:
    """One face of a multi-face card (transform, modal DFC, split, adventure, flip)."""

    name: str
    mana_cost: str = ""
    type_line: str = ""
    text: str = ""
    colours: tuple[Colour, ...] = ()
    power: str | None = None
    toughness: str | None = None
    loyalty: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    """A card as drafted: what a player sees, what a log names, what auto-pick weighs.

    ``name`` is the full name ("Front // Back" for multi-face cards), which is what MTGO logs and
    decklists use. For multi-face cards the top-level fields describe the front face (mana cost,
    type, text) while ``mana_value`` and ``colours`` describe the card as a whole, as MTGJSON does;
    ``faces`` holds every face in order.
    """

    id: CardId
    name: str
    set_code: SetCode
    number: str
    rarity: Rarity
    mana_cost: str = ""
    mana_value: float = 0.0
    colours: tuple[Colour, ...] = ()
    colour_identity: tuple[Colour, ...] = ()
    type_line: str = ""
    text: str = ""
    power: str | None = None
    toughness: str | None = None
    loyalty: str | None = None
    layout: str = "normal"
    faces: tuple[CardFace, ...] = ()

    @property
    def is_land(self) -> bool:
        return "Land" in self.type_line.split("—")[0]

    @property
    def is_basic_land(self) -> bool:
        return self.type_line.startswith("Basic Land") or self.type_line.startswith(
            "Basic Snow Land"
        )

    @property
    def is_creature(self) -> bool:
        return "Creature" in self.type_line.split("—")[0]

    @property
    def front_name(self) -> str:
        """The name of the front face ("Befriending the Moths" for a transform card)."""
        return self.name.split(" // ")[0]


@dataclass(frozen=True, slots=True)
class Sheet:
    """A booster sheet: cards with integer weights, drawn with probability weight/total."""

    name: str
    cards: tuple[tuple[CardId, int], ...]
    balance_colours: bool = False
    foil: bool = False

    @property
    def total_weight(self) -> int:
        return sum(weight for _, weight in self.cards)


@dataclass(frozen=True, slots=True)
class BoosterVariant:
    """One kind of pack: how many cards come from each sheet, and how often this kind occurs."""

    contents: tuple[tuple[str, int], ...]
    weight: int

    @property
    def size(self) -> int:
        return sum(count for _, count in self.contents)


@dataclass(frozen=True, slots=True)
class BoosterSpec:
    """How a retail set's packs are made (MTGJSON ``booster.<kind>``)."""

    kind: str
    variants: tuple[BoosterVariant, ...]
    sheets: Mapping[str, Sheet]

    @property
    def total_weight(self) -> int:
        return sum(v.weight for v in self.variants)


@dataclass(frozen=True, slots=True)
class Ratings:
    """Card quality for auto-pick and bot drafters, higher is better, on a 0..1 scale.

    ``overall`` is keyed by card name; ``by_colours`` (where the data has it, as 17Lands does) is
    keyed by a colour pair such as ``"WU"`` and then by card name. ``source`` names the data
    ("17lands", "draftmancer", "heuristic") so a person can see why a bot picked what it did.
    """

    source: str = "heuristic"
    overall: Mapping[str, float] = field(default_factory=dict)
    by_colours: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CardSet:
    """A draftable set: a retail set with booster sheets, a cube, or a custom set.

    ``cards`` holds every card that can come out of a pack. ``booster`` is None for cubes and for
    sets collated by the rarity fallback. ``pack_size`` is the number of cards in one pack.
    ``cube_list`` (cubes only) names one card id per physical copy, in list order: a cube is dealt
    without replacement, so two copies of a card are two entries here but one :class:`Card`.
    """

    code: SetCode
    name: str
    kind: SetKind
    cards: Mapping[CardId, Card]
    pack_size: int
    booster: BoosterSpec | None = None
    ratings: Ratings = field(default_factory=Ratings)
    source: Path | None = None
    cube_list: tuple[CardId, ...] = ()

"""Small synthetic sets and a plain collation for the pod's tests: no files, fully known cards."""

from __future__ import annotations

import random

from bot.draft.cards import COLOURS, Card, CardId, CardSet, Colour, Rarity, Ratings, SetCode
from bot.draft.pod import Packs

_RARITY_CYCLE: tuple[Rarity, ...] = ("common",) * 6 + ("uncommon",) * 3 + ("rare", "mythic")


def make_card(
    number: int,
    name: str,
    *,
    colours: tuple[Colour, ...] = (),
    rarity: Rarity = "common",
    type_line: str = "Creature — Test",
    layout: str = "normal",
    set_code: str = "TST",
) -> Card:
    return Card(
        id=CardId(f"{set_code.lower()}-{number}"),
        name=name,
        set_code=SetCode(set_code),
        number=str(number),
        rarity=rarity,
        colours=colours,
        colour_identity=colours,
        type_line=type_line,
        layout=layout,
    )


def synthetic_set(
    cards_per_colour: int = 12,
    pack_size: int = 15,
    code: str = "TST",
    ratings: Ratings | None = None,
) -> CardSet:
    """A set with mono-coloured cards of every rarity, a few gold, split and land cards."""
    cards: list[Card] = []
    number = 1
    for colour in COLOURS:
        for i in range(cards_per_colour):
            rarity = _RARITY_CYCLE[i % len(_RARITY_CYCLE)]
            cards.append(make_card(number, f"{colour} Card {i}", colours=(colour,), rarity=rarity))
            number += 1
    extras: list[tuple[str, tuple[Colour, ...], str, str]] = [
        ("Life // Death", ("B",), "split", "Sorcery // Sorcery"),
        ("Fire // Ice", ("U", "R"), "split", "Instant // Instant"),
        ("Moth Rite // Imperial Moth", ("W",), "transform", "Enchantment — Saga"),
        ("Azorius Guard", ("W", "U"), "normal", "Creature — Human"),
        ("Wandering Dunes", (), "normal", "Land"),
        ("Forest", (), "normal", "Basic Land — Forest"),
    ]
    for name, colours, layout, type_line in extras:
        cards.append(make_card(number, name, colours=colours, layout=layout, type_line=type_line))
        number += 1
    return CardSet(
        code=SetCode(code),
        name=f"Test set {code}",
        kind="custom",
        cards={card.id: card for card in cards},
        pack_size=pack_size,
        ratings=ratings or Ratings(),
    )


def deal(card_set: CardSet, seats: int, packs_per_seat: int, rng: random.Random) -> Packs:
    """Packs of distinct cards drawn with ``rng``; the same card may recur across packs."""
    pool = sorted(card_set.cards.values(), key=lambda card: card.id)
    return [
        [tuple(rng.sample(pool, card_set.pack_size)) for _ in range(seats)]
        for _ in range(packs_per_seat)
    ]

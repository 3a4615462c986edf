"""Auto-pick: ratings first, a heuristic without them, colours after commitment, fair ties."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.draft.autopick import AutoPicker, heuristic_worth, pool_colours
from bot.draft.cards import Card, Colour, Rarity, Ratings
from tests.draft.pod_fixtures import make_card

_NUMBERS = itertools.count(1)


def card(
    name: str,
    colours: str = "",
    rarity: Rarity = "common",
    type_line: str = "Creature — Test",
    identity: str = "",
) -> Card:
    made = make_card(next(_NUMBERS), name, rarity=rarity, type_line=type_line)
    shade: tuple[Colour, ...] = tuple(colours)  # type: ignore[arg-type]
    ident: tuple[Colour, ...] = tuple(identity or colours)  # type: ignore[arg-type]
    return Card(
        id=made.id,
        name=name,
        set_code=made.set_code,
        number=made.number,
        rarity=rarity,
        colours=shade,
        colour_identity=ident,
        type_line=type_line,
    )


WB_POOL = [card(f"White {i}", "W") for i in range(3)] + [card(f"Black {i}", "B") for i in range(3)]
RATED = Ratings(
    source="draftmancer",
    overall={"Bomb": 0.95, "Good W": 0.6, "Good U": 0.65, "Filler": 0.3, "Moth Rite": 0.7},
)

CASES = [
    (
        "highest rating wins before commitment",
        RATED,
        [card("Filler", "W"), card("Good U", "U"), card("Good W", "W")],
        [],
        1,
        "highest rated",
    ),
    (
        "a double-faced card is rated by its front name",
        RATED,
        [card("Good W", "W"), card("Moth Rite // Imperial Moth", "W")],
        [],
        1,
        "highest rated",
    ),
    (
        "without ratings rarity leads",
        Ratings(),
        [card("C", "G"), card("M", "G", "mythic"), card("U", "G", "uncommon")],
        [],
        1,
        "best by rarity and colour",
    ),
    (
        "a basic land is never preferred",
        Ratings(),
        [card("Forest", type_line="Basic Land — Forest"), card("C", "G")],
        [],
        1,
        "best by rarity and colour",
    ),
    (
        "committed colours beat a slightly better off-colour card",
        RATED,
        [card("Good U", "U"), card("Good W", "W")],
        WB_POOL,
        1,
        "best in your colours W/B",
    ),
    (
        "a bomb is taken even off colour",
        RATED,
        [card("Good W", "W"), card("Bomb", "R")],
        WB_POOL,
        1,
        "strongest card, off your colours W/B",
    ),
    (
        "a dual land counts by its colour identity",
        Ratings(),
        [
            card("Island Dual", type_line="Land", identity="UR"),
            card("Plains Dual", type_line="Land", identity="WB"),
        ],
        WB_POOL,
        1,
        "best in your colours W/B",
    ),
    (
        "the colour pair's own ratings apply once committed",
        Ratings(
            source="17lands",
            overall={"Good U": 0.65, "Good W": 0.6},
            by_colours={"BW": {"Good W": 0.9}, "WU": {"Good U": 0.99}},
        ),
        [card("Good U", "B"), card("Good W", "W")],
        WB_POOL,
        1,
        "best in your colours W/B",
    ),
]


@pytest.mark.parametrize(
    ("ratings", "pack", "pool", "expected", "reason"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_choice_and_reason(
    ratings: Ratings, pack: list[Card], pool: list[Card], expected: int, reason: str
) -> None:
    """Each case picks the expected card and says why in words a player can read."""
    choice = AutoPicker(ratings, commit_after=4).choose(pack, pool, random.Random(0))
    assert (choice.index, choice.reason) == (expected, reason)


def test_colours_do_not_count_before_commitment() -> None:
    """Below commit_after picks the pool's colours are ignored: the best card wins."""
    picker = AutoPicker(RATED, commit_after=7)
    choice = picker.choose([card("Good W", "W"), card("Good U", "U")], WB_POOL, random.Random(0))
    assert (choice.index, choice.reason) == (1, "highest rated")


def test_ties_are_broken_by_the_rng_not_by_position() -> None:
    """Equal cards are chosen among evenly by the rng, and the same rng chooses the same."""
    pack = [card(f"Same {i}", "G") for i in range(5)]
    picker = AutoPicker(Ratings(), commit_after=4)
    chosen = {picker.choose(pack, [], random.Random(seed)).index for seed in range(60)}
    assert chosen == set(range(5))
    first = picker.choose(pack, [], random.Random(42)).index
    assert all(picker.choose(pack, [], random.Random(42)).index == first for _ in range(5))


def test_pool_colours_are_the_two_strongest() -> None:
    """The committed pair is the pool's two heaviest colours, written in WUBRG order."""
    pool = [card("B1", "B"), card("B2", "B"), card("W1", "W"), card("G1", "G"), card("B3", "B")]
    pool += [card("W2", "W")]
    assert pool_colours(pool) == ("W", "B")
    assert pool_colours([card("C", type_line="Artifact")]) == ()


def test_heuristic_orders_rarities_and_sinks_basics() -> None:
    """Without data a mythic outranks a rare, a rare an uncommon, any spell a basic land."""
    worths = [heuristic_worth(card("x", "R", rarity)) for rarity in ("mythic", "rare", "uncommon")]
    assert worths == sorted(worths, reverse=True)
    assert heuristic_worth(card("Mountain", type_line="Basic Land — Mountain")) == 0.0


def test_an_empty_pack_is_refused() -> None:
    """Choosing from nothing is a programming error, raised plainly."""
    with pytest.raises(ValueError):
        AutoPicker(Ratings(), 4).choose([], [], random.Random(0))

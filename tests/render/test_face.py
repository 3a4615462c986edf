"""Drawn card faces: every kind of card, frames tinted by colour, halves and back faces shown."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from bot.draft.cards import Card
from bot.render import draw_face, geometry
from bot.render.palette import TINTS
from bot.sets import load_catalog
from tests.render import cards

SETS_DIR = Path(__file__).resolve().parents[2] / "sets"


def _near(pixel: object, colour: tuple[int, int, int], tolerance: int = 10) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def _frame_pixel(face: Image.Image, x: int = 12, y: int = 200) -> object:
    """A pixel of the frame itself, between the black border and the boxes."""
    return face.getpixel((x, y))


@pytest.mark.parametrize("name", sorted(cards.ALL))
def test_every_kind_of_card_draws(name: str) -> None:
    """Each kind of card (DFC, split, adventure, planeswalker, land...) draws a full face."""
    face = draw_face(cards.ALL[name])
    assert face.mode == "RGB" and face.size == geometry.FACE_SIZE
    assert face.getpixel((2, 2)) == (12, 12, 12)
    assert len(face.getcolors(maxcolors=100_000) or ()) > 50


@pytest.mark.parametrize(
    ("card", "tint"),
    [
        pytest.param(cards.CREATURE, TINTS["G"].frame, id="mono green"),
        pytest.param(cards.PLANESWALKER, TINTS["W"].frame, id="mono white"),
        pytest.param(cards.GOLD, TINTS["gold"].frame, id="two colours is gold"),
        pytest.param(cards.ARTIFACT, TINTS["colourless"].frame, id="colourless artifact is grey"),
        pytest.param(cards.LAND, TINTS["land"].frame, id="land frame"),
    ],
)
def test_frame_is_tinted_by_colour(card: Card, tint: tuple[int, int, int]) -> None:
    """The frame tells the card's colour: its own colour, gold, grey, or the land brown."""
    assert _near(_frame_pixel(draw_face(card)), tint)


def test_hybrid_frame_shades_between_its_colours() -> None:
    """A card paid only with hybrid mana shades from one colour's frame to the other's."""
    face = draw_face(cards.HYBRID)
    assert _near(_frame_pixel(face, x=12), TINTS["W"].frame, tolerance=30)
    assert _near(_frame_pixel(face, x=geometry.FACE_WIDTH - 12), TINTS["G"].frame, tolerance=30)


def test_split_card_shows_both_halves_in_their_colours() -> None:
    """Fire // Ice: a red half above a blue half, each with its own name bar."""
    face = draw_face(cards.SPLIT)
    assert _near(_frame_pixel(face, y=100), TINTS["R"].frame)
    assert _near(_frame_pixel(face, y=330), TINTS["U"].frame)


@pytest.mark.parametrize("card", [cards.TRANSFORM, cards.ADVENTURE], ids=["transform", "adventure"])
def test_second_face_is_drawn(card: Card) -> None:
    """A back face or an adventure adds its text: the text box differs without it."""
    alone = dataclasses.replace(card, faces=card.faces[:1])
    box = geometry.TEXT_BOX
    difference = ImageChops.difference(draw_face(card).crop(box), draw_face(alone).crop(box))
    assert difference.getbbox() is not None


def test_drawing_is_deterministic() -> None:
    """The same card draws the same pixels, which is what makes the disk cache sound."""
    assert draw_face(cards.TRANSFORM).tobytes() == draw_face(cards.TRANSFORM).tobytes()


def test_card_without_data_is_drawn_by_name() -> None:
    """A name read from a log that no set knows still gets a face, not an error."""
    unknown = Card(
        id=cards.CardId("x"),
        name="Black Lotus",
        set_code=cards.SetCode("?"),
        number="",
        rarity="special",
    )
    assert draw_face(unknown).size == geometry.FACE_SIZE


def test_shipped_sets_draw() -> None:
    """Every multi-face card of the shipped sets, and a sample of the rest, draws a face."""
    catalog = load_catalog(SETS_DIR)
    assert not catalog.errors
    every = [card for card_set in catalog.sets.values() for card in card_set.cards.values()]
    special = [card for card in every if card.layout != "normal"]
    sample = random.Random(5).sample([card for card in every if card.layout == "normal"], 40)
    assert len(special) > 20
    for card in special + sample:
        assert draw_face(card).size == geometry.FACE_SIZE, card.name

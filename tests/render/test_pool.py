"""The pool image: columns by mana value, grouped by colour, with counts; 45 cards fit."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from bot.draft.cards import Card, CardId, SetCode
from bot.render import Renderer, geometry
from bot.render.pool import MAX_STACK, colour_group, column_label
from bot.sets import load_catalog
from tests.render import cards

SETS_DIR = Path(__file__).resolve().parents[2] / "sets"


@pytest.mark.parametrize(
    ("card", "column", "group"),
    [
        pytest.param(cards.CREATURE, "4", "G", id="four-drop creature"),
        pytest.param(cards.TRANSFORM, "4", "W", id="transform card by its front"),
        pytest.param(cards.SPLIT, "4", "multicolour", id="split card by its total value"),
        pytest.param(cards.ARTIFACT, "3", "colourless", id="colourless artifact"),
        pytest.param(cards.GOLD, "2", "multicolour", id="gold"),
        pytest.param(cards.PLANESWALKER, "4", "W", id="planeswalker"),
        pytest.param(cards.LAND, "Lands", "colourless", id="land"),
        pytest.param(cards.BASIC, "Lands", "colourless", id="basic land"),
        pytest.param(
            Card(CardId("u"), "Unheard Of", SetCode("?"), "", "special"),
            "?",
            "colourless",
            id="card without data",
        ),
    ],
)
def test_column_and_group(card: Card, column: str, group: str) -> None:
    """Each card lands in its mana-value column (or lands, or unknown) and its colour group."""
    assert column_label(card) == column
    assert colour_group(card) == group


@pytest.fixture(scope="module")
def pool_cards() -> list[Card]:
    catalog = load_catalog(SETS_DIR, only=[SETS_DIR / "NEO.json"])
    every = sorted(catalog.get("NEO").cards.values(), key=lambda card: card.id)
    return random.Random(7).sample(every, 45)


def test_pool_of_45_is_one_readable_image(renderer: Renderer, pool_cards: list[Card]) -> None:
    """45 picks make one RGB image under 1 MB, no taller than a full column needs."""
    image = renderer.pool(pool_cards, "Player 1")
    opened = Image.open(io.BytesIO(image.data))
    assert opened.mode == "RGB" and opened.size == (image.width, image.height)
    assert len(image.data) < 1024 * 1024
    tallest_stack = (MAX_STACK - 1) * 54 + 6 * 14 + geometry.FACE_HEIGHT
    assert image.height <= 88 + 34 + tallest_stack + 16
    columns = {column_label(card) for card in pool_cards}
    assert image.width >= len(columns) * geometry.FACE_WIDTH


def test_long_columns_wrap(renderer: Renderer) -> None:
    """A column of more cards than one stack holds continues in the next column."""
    others = [cards.LAND, cards.ARTIFACT, cards.GOLD]
    full = renderer.pool([cards.CREATURE] * MAX_STACK + others, "")
    wrapped = renderer.pool([cards.CREATURE] * (MAX_STACK + 1) + others, "")
    assert wrapped.height == full.height
    assert wrapped.width == full.width + geometry.FACE_WIDTH + 14


def test_empty_pool(renderer: Renderer) -> None:
    """A player with no picks yet still gets an image, not an error."""
    image = renderer.pool([], "Player 2")
    assert image.width > 0 and image.height > 0

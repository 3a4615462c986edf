"""Mana costs parsed into symbols, and symbols drawn with the Mana font."""

from __future__ import annotations

import pytest
from PIL import Image

from bot.render.symbols import (
    GENERIC_COLOUR,
    SYMBOL_COLOURS,
    is_known,
    parse_cost,
    symbol_advance,
    symbol_image,
)


@pytest.mark.parametrize(
    ("cost", "symbols"),
    [
        pytest.param("", (), id="no cost"),
        pytest.param("{3}{W}", ("3", "W"), id="generic and coloured"),
        pytest.param("{2}{W/U}{w/u}", ("2", "W/U", "W/U"), id="hybrid, any case"),
        pytest.param("{X}{R}{R}", ("X", "R", "R"), id="x cost"),
        pytest.param("{G/W/P}{2/B}{C}", ("G/W/P", "2/B", "C"), id="phyrexian hybrid, twobrid"),
        pytest.param("{1}{R} // {1}{U}", ("1", "R", "1", "U"), id="both halves of a split cost"),
    ],
)
def test_parse_cost(cost: str, symbols: tuple[str, ...]) -> None:
    """Costs split into their symbols in order, upper-cased, braces dropped."""
    assert parse_cost(cost) == symbols


def _near(pixel: object, colour: tuple[int, int, int], tolerance: int = 12) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


@pytest.mark.parametrize("symbol", ["W", "U", "B", "R", "G"])
def test_coloured_symbol_has_its_colour(symbol: str) -> None:
    """A coloured mana symbol is a disc of that colour's printed background."""
    image = symbol_image(symbol, 40)
    assert image.mode == "RGBA" and image.size == (40, 40)
    assert _near(image.getpixel((5, 20)), SYMBOL_COLOURS[symbol])
    corner = image.getpixel((0, 0))
    assert isinstance(corner, tuple) and corner[3] == 0


def test_hybrid_symbol_has_two_halves() -> None:
    """{W/U} is split on the diagonal: white at the top left, blue at the bottom right."""
    image = symbol_image("W/U", 60)
    assert _near(image.getpixel((40, 8)), SYMBOL_COLOURS["W"])
    assert _near(image.getpixel((20, 52)), SYMBOL_COLOURS["U"])


def test_unknown_symbol_is_drawn_as_text() -> None:
    """A symbol the font lacks still shows, as its text on a grey disc."""
    assert not is_known("ZZ")
    image = symbol_image("ZZ", 40)
    assert _near(image.getpixel((4, 20)), GENERIC_COLOUR)
    raw = image.tobytes()
    pixels = [raw[i : i + 4] for i in range(0, len(raw), 4)]
    inked = sum(1 for p in pixels if p[3] > 200 and sum(p[:3]) < 150)
    assert inked > 20


def test_shadowed_symbol_is_wider() -> None:
    """The name bar's symbols carry a drop shadow and take its width."""
    plain, shadowed = symbol_image("G", 20), symbol_image("G", 20, shadow=True)
    assert shadowed.width == symbol_advance(20, shadow=True) > plain.width == 20


def test_symbols_are_kept() -> None:
    """The same symbol at the same size is drawn once and shared."""
    assert symbol_image("T", 18) is symbol_image("T", 18)
    assert isinstance(symbol_image("T", 18), Image.Image)

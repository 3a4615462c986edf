"""Rules text: runs parsed from card text, laid out, shrunk to fit."""

from __future__ import annotations

import pytest

from bot.render.text import Block, Run, fit, layout, parse_paragraph, parse_text


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        pytest.param(
            "Flying",
            (Run("word", "Flying", spaced=False),),
            id="one word",
        ),
        pytest.param(
            "{T}: Add {G}.",
            (
                Run("symbol", "T", spaced=False),
                Run("word", ":", spaced=False),
                Run("word", "Add"),
                Run("symbol", "G"),
                Run("word", ".", spaced=False),
            ),
            id="symbols inline, punctuation glued",
        ),
        pytest.param(
            "Persist (When it dies.)",
            (
                Run("word", "Persist", spaced=False),
                Run("word", "(When", "italic"),
                Run("word", "it", "italic"),
                Run("word", "dies.)", "italic"),
            ),
            id="reminder text in italics",
        ),
        pytest.param(
            "[−2]: Exile it.",
            (
                Run("loyalty", "−2", "bold", spaced=False),
                Run("word", "Exile", spaced=False),
                Run("word", "it."),
            ),
            id="bracketed loyalty cost",
        ),
        pytest.param(
            "+1: Draw a card.",
            (
                Run("loyalty", "+1", "bold", spaced=False),
                Run("word", "Draw", spaced=False),
                Run("word", "a"),
                Run("word", "card."),
            ),
            id="plain loyalty cost",
        ),
    ],
)
def test_parse_paragraph(text: str, runs: tuple[Run, ...]) -> None:
    """Card text becomes words, symbols and loyalty costs, with reminder text in italics."""
    assert parse_paragraph(text) == runs


def test_parse_text_drops_empty_lines() -> None:
    """One paragraph per line of rules text; blank lines are not paragraphs."""
    assert len(parse_text("Flying\n\nVigilance\n")) == 2


LONG = " ".join(["Whenever a creature you control dies, draw a card."] * 6)


def test_long_text_shrinks_to_fit() -> None:
    """Text that does not fit at the largest size is set smaller, and then fits."""
    short = fit([Block(parse_text("Flying"))], 240, 180, 17, 9)
    long = fit([Block(parse_text(LONG))], 240, 180, 17, 9)
    assert short.size == 17 and short.fits
    assert 9 <= long.size < 17 and long.fits and long.height <= 180


def test_text_that_never_fits_is_reported() -> None:
    """At the smallest size, text still too long is marked as not fitting (it is cut)."""
    laid = fit([Block(parse_text(LONG * 4))], 240, 180, 17, 9)
    assert laid.size == 9 and not laid.fits


def test_lines_wrap_within_the_width() -> None:
    """No run of a wrapped paragraph ends past the column width."""
    laid = layout([Block(parse_text(LONG))], 200, 14)
    assert len(laid.lines) > 3
    assert all(p.x + p.width <= 200 for line in laid.lines for p in line.placed)


def test_tinted_blocks_get_backgrounds() -> None:
    """A block with a background (an adventure, a back face) gets its own tinted band."""
    laid = layout([Block(parse_text("Flying")), Block(parse_text("Trample"), (1, 2, 3))], 200, 14)
    assert len(laid.backgrounds) == 1
    top, bottom, colour = laid.backgrounds[0]
    assert colour == (1, 2, 3) and 0 < top < bottom == laid.height


def test_glued_runs_wrap_together() -> None:
    """A quote, a symbol and a colon written together never break across lines."""
    paragraph = parse_paragraph('a token with "{T}: Add {G}."')
    for width in range(40, 200, 7):
        laid = layout([Block((paragraph,))], width, 12)
        for line in laid.lines:
            values = [p.run.value for p in line.placed]
            if '"' in values:
                assert values[values.index('"') + 1 : values.index('"') + 3] == ["T", ":"], width

"""Mana symbols drawn with the Mana font: ``{W}``, ``{2/U}``, ``{G/W/P}``, ``{T}``.

Each symbol is drawn once per size at four times the resolution and scaled down, which gives
smooth circles (Pillow does not anti-alias shapes), then kept: a pack draws the same few dozen
symbols again and again. Hybrid symbols are drawn as the mana font's CSS draws them: a circle
split on the diagonal, the first half's glyph small at the top left, the second's at the bottom
right. A symbol the font does not know is drawn as its text on a grey disc, never dropped.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources

from PIL import Image, ImageDraw

from bot.render.fonts import font

SYMBOL_PATTERN = re.compile(r"\{([^{}]+)\}")

# Background colours of the symbols as printed (the values Scryfall's symbol images use).
SYMBOL_COLOURS: dict[str, tuple[int, int, int]] = {
    "W": (255, 251, 213),
    "U": (170, 224, 250),
    "B": (203, 194, 191),
    "R": (249, 170, 143),
    "G": (155, 211, 174),
}
GENERIC_COLOUR = (204, 194, 192)
GLYPH_COLOUR = (13, 15, 15)
# A thin dark rim, so that the pale white and generic symbols stand out on pale text boxes.
RIM_COLOUR = (70, 64, 60)
SHADOW_COLOUR = (0, 0, 0, 200)
_SUPERSAMPLE = 4


@dataclass(frozen=True, slots=True)
class _Glyphs:
    """The glyphs of one symbol: one centred, or two halves of a split symbol."""

    first: str
    second: str | None
    colours: tuple[tuple[int, int, int], tuple[int, int, int]]


@cache
def _codepoints() -> dict[str, dict[str, object]]:
    text = (resources.files("bot.render.assets") / "codepoints.json").read_text("utf-8")
    data: dict[str, dict[str, object]] = json.loads(text)
    return data


def parse_cost(cost: str) -> tuple[str, ...]:
    """The symbols of a mana cost, in order: ``"{2}{W/U}"`` gives ``("2", "W/U")``."""
    return tuple(match.group(1).upper() for match in SYMBOL_PATTERN.finditer(cost))


def named_glyph(name: str) -> str:
    """The character of the Mana font's glyph for the CSS class ``ms-<name>`` ("creature")."""
    glyphs: dict[str, dict[str, str]] = _codepoints()["glyphs"]  # type: ignore[assignment]
    return chr(int(glyphs[name]["before"], 16))


def is_known(symbol: str) -> bool:
    """Whether the Mana font has a glyph for ``symbol`` (given without braces)."""
    return f"{{{symbol.upper()}}}" in _codepoints()["symbols"]


def _colour(part: str) -> tuple[int, int, int]:
    return SYMBOL_COLOURS.get(part, GENERIC_COLOUR)


def _glyphs(symbol: str) -> _Glyphs | None:
    data = _codepoints()
    classes: dict[str, str] = data["symbols"]  # type: ignore[assignment]
    glyphs: dict[str, dict[str, str]] = data["glyphs"]  # type: ignore[assignment]
    name = classes.get(f"{{{symbol}}}")
    if name is None or name not in glyphs:
        return None
    entry = glyphs[name]
    first = chr(int(entry["before"], 16))
    second = chr(int(entry["after"], 16)) if "after" in entry else None
    parts = [p for p in symbol.split("/") if p != "P"]
    if second is None:
        colour = _colour(parts[0]) if len(parts) == 1 else GENERIC_COLOUR
        return _Glyphs(first, None, (colour, colour))
    left, right = (parts + parts)[:2]
    return _Glyphs(first, second, (_colour(left), _colour(right)))


def _draw_glyph(
    draw: ImageDraw.ImageDraw, glyph: str, centre: tuple[float, float], extent: float
) -> None:
    """Draw ``glyph`` so that its ink is ``extent`` pixels at most, centred on ``centre``."""
    probe = font("symbol", 100)
    left, top, right, bottom = probe.getbbox(glyph)
    scale = extent / max(right - left, bottom - top, 1)
    size = max(1, round(100 * scale))
    face = font("symbol", size)
    left, top, right, bottom = face.getbbox(glyph)
    x = centre[0] - (left + right) / 2
    y = centre[1] - (top + bottom) / 2
    draw.text((x, y), glyph, font=face, fill=GLYPH_COLOUR)


def _draw_text_symbol(draw: ImageDraw.ImageDraw, text: str, size: int) -> None:
    face = font("bold", max(1, round(size * (0.62 if len(text) < 2 else 0.48))))
    draw.text((size / 2, size / 2), text, font=face, fill=GLYPH_COLOUR, anchor="mm")


_lock = threading.Lock()
_images: dict[tuple[str, int, bool], Image.Image] = {}


def symbol_image(symbol: str, diameter: int, *, shadow: bool = False) -> Image.Image:
    """An RGBA image of ``symbol`` (without braces) ``diameter`` pixels across.

    With ``shadow`` the image is a tenth wider and taller and carries the printed cost's drop
    shadow to the lower left. The image is shared: paste it, never draw on it.
    """
    key = (symbol.upper(), diameter, shadow)
    with _lock:
        found = _images.get(key)
    if found is not None:
        return found
    made = _render_symbol(key[0], diameter, shadow)
    with _lock:
        return _images.setdefault(key, made)


def symbol_advance(diameter: int, *, shadow: bool = False) -> int:
    """The width a symbol of ``diameter`` takes, shadow included."""
    return diameter + (_shadow_offset(diameter) if shadow else 0)


def _shadow_offset(diameter: int) -> int:
    return max(1, round(diameter / 10))


def _render_symbol(symbol: str, diameter: int, shadow: bool) -> Image.Image:
    big = diameter * _SUPERSAMPLE
    offset = _shadow_offset(diameter) * _SUPERSAMPLE if shadow else 0
    canvas = Image.new("RGBA", (big + offset, big + offset), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    disc = (offset, 0, offset + big - 1, big - 1)
    if shadow:
        draw.ellipse((0, offset, big - 1, offset + big - 1), fill=SHADOW_COLOUR)
    glyphs = _glyphs(symbol)
    if glyphs is None:
        draw.ellipse(disc, fill=GENERIC_COLOUR)
        layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        _draw_text_symbol(ImageDraw.Draw(layer), symbol, big)
        canvas.alpha_composite(layer, (offset, 0))
    elif glyphs.second is None:
        draw.ellipse(disc, fill=glyphs.colours[0])
        _draw_glyph(draw, glyphs.first, (offset + big / 2, big / 2), big * 0.66)
    else:
        draw.ellipse(disc, fill=glyphs.colours[0])
        # The second half: the lower-right half of the disc, below the rising diagonal.
        draw.pieslice(disc, start=-45, end=135, fill=glyphs.colours[1])
        _draw_glyph(draw, glyphs.first, (offset + big * 0.31, big * 0.31), big * 0.4)
        _draw_glyph(draw, glyphs.second, (offset + big * 0.69, big * 0.69), big * 0.4)
    draw.ellipse(disc, outline=RIM_COLOUR, width=max(1, big // 32))
    size = (symbol_advance(diameter, shadow=shadow), symbol_advance(diameter, shadow=shadow))
    return canvas.resize(size, Image.Resampling.LANCZOS)

"""The fonts the renderer ships, loaded once per style, size and thread.

FreeType faces are not safe to share between threads that draw at the same time, and the
renderer draws in an executor, so each thread keeps its own fonts. Text is Latin card text, so
the basic layout engine is used: it is faster than Raqm and the same on every machine.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources
from io import BytesIO
from typing import Literal

from PIL import ImageFont

FontStyle = Literal["regular", "bold", "italic", "symbol"]

_FILES: dict[FontStyle, str] = {
    "regular": "DejaVuSansCondensed.ttf",
    "bold": "DejaVuSansCondensed-Bold.ttf",
    "italic": "DejaVuSansCondensed-Oblique.ttf",
    "symbol": "mana.ttf",
}

_local = threading.local()


@cache
def _font_bytes(style: FontStyle) -> bytes:
    return (resources.files("bot.render.assets") / _FILES[style]).read_bytes()


def font(style: FontStyle, size: float) -> ImageFont.FreeTypeFont:
    """The shipped font of ``style`` at ``size`` pixels, for use on the calling thread only."""
    fonts: dict[tuple[FontStyle, float], ImageFont.FreeTypeFont] | None = getattr(
        _local, "fonts", None
    )
    if fonts is None:
        fonts = _local.fonts = {}
    key = (style, size)
    found = fonts.get(key)
    if found is None:
        found = ImageFont.truetype(
            BytesIO(_font_bytes(style)), size, layout_engine=ImageFont.Layout.BASIC
        )
        fonts[key] = found
    return found

"""The pack image: every card of a pack in a grid, each with the number the pick menu uses.

Five cards to a row, numbered 1..N left to right, top to bottom, in pack order. The badge is a
yellow disc with a black ring and a black number, which reads on light and dark cards alike and
on Discord's light and dark themes; it sits over the card's art (see :mod:`geometry`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from bot.render import geometry as g
from bot.render.errors import TooManyCards
from bot.render.fonts import font

COLUMNS = 5
# Discord's select menus hold 25 options, so no pick menu can offer more cards than that.
MAX_PACK_CARDS = 25
GAP = 12
MARGIN = 16
HEADER_HEIGHT = 56
BACKGROUND = (43, 45, 49)
HEADER_INK = (242, 243, 245)
HEADER_MUTED = (181, 186, 193)
BADGE_FILL = (255, 214, 10)
BADGE_RING = (0, 0, 0)
BADGE_INK = (0, 0, 0)
BADGE_RING_WIDTH = 4
_SUPERSAMPLE = 4


@dataclass(frozen=True, slots=True)
class PackHeader:
    """What the header line says: which pod, which pack and pick."""

    pod: str
    pack_no: int
    pick_no: int
    note: str = ""

    @property
    def title(self) -> str:
        return f"{self.pod} · Pack {self.pack_no} · Pick {self.pick_no}"


def pack_size(count: int) -> tuple[int, int]:
    """Width and height of the image of a pack of ``count`` cards."""
    # At least three columns wide, so that the header line fits over the last picks.
    columns = min(COLUMNS, max(count, 3))
    rows = max(1, -(-count // COLUMNS))
    width = 2 * MARGIN + columns * g.FACE_WIDTH + (columns - 1) * GAP
    height = HEADER_HEIGHT + MARGIN + rows * g.FACE_HEIGHT + (rows - 1) * GAP
    return width, height


def cell_origin(index: int) -> tuple[int, int]:
    """Top-left corner of the face of the card at ``index`` (0-based) in the pack image."""
    row, column = divmod(index, COLUMNS)
    return (
        MARGIN + column * (g.FACE_WIDTH + GAP),
        HEADER_HEIGHT + row * (g.FACE_HEIGHT + GAP),
    )


def badge_centre(index: int) -> tuple[int, int]:
    """Centre of the number badge of the card at ``index`` (0-based) in the pack image."""
    x, y = cell_origin(index)
    return x + g.BADGE_CENTRE[0], y + g.BADGE_CENTRE[1]


_badges: dict[int, Image.Image] = {}
_badge_lock = threading.Lock()


def badge(number: int) -> Image.Image:
    """The RGBA badge for ``number``, drawn once and kept (paste it, never draw on it)."""
    with _badge_lock:
        found = _badges.get(number)
    if found is not None:
        return found
    size = g.BADGE_DIAMETER * _SUPERSAMPLE
    ring = BADGE_RING_WIDTH * _SUPERSAMPLE
    big = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    draw.ellipse((0, 0, size - 1, size - 1), fill=BADGE_RING)
    draw.ellipse((ring, ring, size - 1 - ring, size - 1 - ring), fill=BADGE_FILL)
    text = str(number)
    scale = 0.56 if len(text) == 1 else 0.46
    face = font("bold", round(size * scale))
    draw.text((size / 2, size / 2), text, font=face, fill=BADGE_INK, anchor="mm")
    made = big.resize((g.BADGE_DIAMETER, g.BADGE_DIAMETER), Image.Resampling.LANCZOS)
    with _badge_lock:
        return _badges.setdefault(number, made)


def compose_pack(faces: Sequence[Image.Image], header: PackHeader) -> Image.Image:
    """The pack image of ``faces`` in pack order, numbered from 1."""
    if len(faces) > MAX_PACK_CARDS:
        raise TooManyCards("pack", len(faces), MAX_PACK_CARDS)
    canvas = Image.new("RGB", pack_size(len(faces)), BACKGROUND)
    _draw_header(canvas, header, len(faces))
    for index, face in enumerate(faces):
        canvas.paste(face, cell_origin(index))
        number = badge(index + 1)
        x, y = badge_centre(index)
        radius = g.BADGE_DIAMETER // 2
        canvas.paste(number, (x - radius, y - radius), number)
    return canvas


def compose_cards(faces: Sequence[Image.Image]) -> Image.Image:
    """Faces in the pack's grid without header or numbers, to look at cards by themselves."""
    columns = min(COLUMNS, max(len(faces), 1))
    rows = max(1, -(-len(faces) // COLUMNS))
    canvas = Image.new(
        "RGB",
        (
            2 * MARGIN + columns * g.FACE_WIDTH + (columns - 1) * GAP,
            2 * MARGIN + rows * g.FACE_HEIGHT + (rows - 1) * GAP,
        ),
        BACKGROUND,
    )
    for index, face in enumerate(faces):
        row, column = divmod(index, COLUMNS)
        canvas.paste(
            face, (MARGIN + column * (g.FACE_WIDTH + GAP), MARGIN + row * (g.FACE_HEIGHT + GAP))
        )
    return canvas


def _draw_header(canvas: Image.Image, header: PackHeader, count: int) -> None:
    draw = ImageDraw.Draw(canvas)
    middle = HEADER_HEIGHT // 2 + 2
    title_font = font("bold", 28)
    draw.text((MARGIN, middle), header.title, font=title_font, fill=HEADER_INK, anchor="lm")
    if count == 0:
        hint = "no cards left"
    elif count == 1:
        hint = "1 card: pick 1"
    else:
        hint = f"{count} cards: pick 1–{count}"
    if header.note:
        hint = f"{header.note} · {hint}"
    hint_font = font("bold", 22)
    room = canvas.width - 2 * MARGIN - title_font.getlength(header.title) - 24
    if hint_font.getlength(hint) <= room:
        draw.text(
            (canvas.width - MARGIN, middle), hint, font=hint_font, fill=HEADER_MUTED, anchor="rm"
        )

"""The pool image: a player's picks laid out like a deck builder's view.

One column per mana value (0–1, 2, 3, 4, 5, 6+), then lands, then cards whose data is unknown
(a log may name cards no loaded set has). In each column the cards overlap so that each shows
its name bar, grouped by colour in WUBRG order, then multicolour, then colourless, with a small
gap between groups. Each column is headed by its mana value and count; the top line counts the
pool by colour group and by creatures, other spells and lands. Columns that would be empty are
left out, so a 45-card pool stays about as wide as the screen it is viewed on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from bot.draft.cards import COLOURS, Card
from bot.render import geometry as g
from bot.render.fonts import font
from bot.render.palette import ordered
from bot.render.symbols import symbol_image

BACKGROUND = (43, 45, 49)
INK = (242, 243, 245)
MUTED = (181, 186, 193)
MARGIN = 16
GAP = 14
TITLE_HEIGHT = 88
COLUMN_HEADER = 34
# How much of each covered card shows: its whole name bar (geometry.NAME_BAR ends at 49).
STEP = 54
GROUP_GAP = 14
# A longer column wraps into the next, so that the image stays about as tall as it is wide.
MAX_STACK = 12

GROUPS = (*COLOURS, "multicolour", "colourless")
GROUP_LABELS = {"multicolour": "Multi", "colourless": "Colourless"}


@dataclass(frozen=True, slots=True)
class _Column:
    label: str
    cards: tuple[tuple[Card, Image.Image], ...]
    total: int
    continued: bool = False


def colour_group(card: Card) -> str:
    """The group a card is shown in: one colour, ``multicolour`` or ``colourless``."""
    own = ordered(card.colours)
    if len(own) == 1:
        return own[0]
    return "multicolour" if own else "colourless"


def column_label(card: Card) -> str:
    """The column of a card: ``"0–1"``, ``"2"``..``"5"``, ``"6+"``, ``"Lands"`` or ``"?"``."""
    if not card.type_line:
        return "?"
    if card.is_land and not card.mana_cost:
        return "Lands"
    value = int(card.mana_value)
    if value <= 1:
        return "0–1"
    return "6+" if value >= 6 else str(value)


COLUMN_ORDER = ("0–1", "2", "3", "4", "5", "6+", "Lands", "?")
COLUMN_TITLES = {"Lands": "Lands", "?": "Unknown cards"}


def _sort_key(card: Card) -> tuple[int, int, str]:
    group = colour_group(card)
    identity = "".join(ordered(card.colour_identity))
    return (GROUPS.index(group), len(identity), f"{identity}{card.name}")


def _columns(entries: Sequence[tuple[Card, Image.Image]]) -> list[_Column]:
    columns: dict[str, list[tuple[Card, Image.Image]]] = {label: [] for label in COLUMN_ORDER}
    for card, face in entries:
        columns[column_label(card)].append((card, face))
    laid: list[_Column] = []
    for label, cards in columns.items():
        ordered_cards = sorted(cards, key=lambda entry: _sort_key(entry[0]))
        for start in range(0, len(ordered_cards), MAX_STACK):
            chunk = tuple(ordered_cards[start : start + MAX_STACK])
            laid.append(_Column(label, chunk, total=len(cards), continued=start > 0))
    return laid


def _stack_height(column: _Column) -> int:
    cards = [card for card, _ in column.cards]
    groups = len({colour_group(card) for card in cards})
    return (len(cards) - 1) * STEP + (groups - 1) * GROUP_GAP + g.FACE_HEIGHT


def compose_pool(entries: Sequence[tuple[Card, Image.Image]], title: str) -> Image.Image:
    """The pool image of ``entries`` (each card with its face), headed by ``title``."""
    columns = _columns(entries)
    count = max(len(columns), 3)
    width = 2 * MARGIN + count * g.FACE_WIDTH + (count - 1) * GAP
    tallest = max((_stack_height(column) for column in columns), default=0)
    height = TITLE_HEIGHT + COLUMN_HEADER + tallest + MARGIN
    canvas = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    _draw_title(canvas, draw, title, [card for card, _ in entries])
    for number, column in enumerate(columns):
        x = MARGIN + number * (g.FACE_WIDTH + GAP)
        noun = "card" if column.total == 1 else "cards"
        label = COLUMN_TITLES.get(column.label, f"Mana value {column.label}")
        heading = f"{label} (more)" if column.continued else f"{label} · {column.total} {noun}"
        draw.text(
            (x + 4, TITLE_HEIGHT + COLUMN_HEADER // 2),
            heading,
            font=font("bold", 20),
            fill=MUTED,
            anchor="lm",
        )
        y = TITLE_HEIGHT + COLUMN_HEADER
        previous: str | None = None
        for card, face in column.cards:
            group = colour_group(card)
            if previous is not None:
                y += STEP + (GROUP_GAP if group != previous else 0)
            canvas.paste(face, (x, y))
            previous = group
    return canvas


def _draw_title(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, title: str, cards: list[Card]
) -> None:
    """Title on the first line; counts by colour group, then by kind, on the second."""
    noun = "card" if len(cards) == 1 else "cards"
    heading = f"{title} · {len(cards)} {noun}" if title else f"{len(cards)} {noun}"
    draw.text((MARGIN, 24), heading, font=font("bold", 28), fill=INK, anchor="lm")
    counts = {group: 0 for group in GROUPS}
    for card in cards:
        if column_label(card) not in ("Lands", "?"):
            counts[colour_group(card)] += 1
    creatures = sum(card.is_creature for card in cards)
    lands = sum(column_label(card) == "Lands" for card in cards)
    unknown = sum(column_label(card) == "?" for card in cards)
    spells = len(cards) - creatures - lands - unknown
    face = font("bold", 20)
    middle = 64
    diameter = 22
    x = float(MARGIN)
    for group in GROUPS:
        if not counts[group]:
            continue
        if group in COLOURS:
            symbol = symbol_image(group, diameter)
            canvas.paste(symbol, (round(x), round(middle - diameter / 2)), symbol)
            x += diameter + 6
        else:
            draw.text((x, middle), GROUP_LABELS[group], font=face, fill=MUTED, anchor="lm")
            x += face.getlength(GROUP_LABELS[group]) + 6
        draw.text((x, middle), str(counts[group]), font=face, fill=INK, anchor="lm")
        x += face.getlength(str(counts[group])) + 20
    tail = f"Creatures {creatures} · Other spells {spells} · Lands {lands}"
    if unknown:
        tail += f" · Unknown {unknown}"
    draw.text((x + 10, middle), tail, font=face, fill=MUTED, anchor="lm")

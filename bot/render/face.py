"""A card face drawn from the card's data, for cards without an image of their own.

What a drafter needs to decide, readable when the pack image is opened on a phone: a frame tinted
by colour, the name with its mana cost in real symbols, the type line with a rarity mark, the
rules text shrunk to fit with symbols inline, power/toughness or loyalty, and set and number.
A double-faced card shows its front with the back summarised under the front's text; an
adventure shows the adventure above the creature's text; a split card shows both halves.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PIL import Image, ImageDraw

from bot.draft.cards import Card, CardFace
from bot.render import geometry as g
from bot.render.fonts import FontStyle, font
from bot.render.palette import (
    RGB,
    TINTS,
    FrameStyle,
    Tint,
    cost_colours,
    frame_style,
    ink_on,
    ordered,
)
from bot.render.symbols import named_glyph, parse_cost, symbol_advance, symbol_image
from bot.render.text import Block, Run, draw, fit, parse_paragraph, parse_text

BORDER_COLOUR = (12, 12, 12)
OUTLINE = (40, 34, 28)
TEXT_COLOUR = (16, 16, 16)

SPLIT_LAYOUTS = frozenset({"split", "aftermath"})
BACK_LAYOUTS = frozenset({"transform", "modal_dfc", "flip", "meld", "reversible_card"})
LAYOUT_LABELS = {
    "transform": "TRANSFORMS",
    "modal_dfc": "MODAL DOUBLE-FACED",
    "flip": "FLIP",
    "meld": "MELDS",
    "adventure": "ADVENTURE",
    "split": "SPLIT",
    "aftermath": "AFTERMATH",
}
# Card types in the order that decides the art band's icon ("Artifact Creature" is a creature),
# each with its Mana font glyph.
TYPE_ICONS = (
    ("Planeswalker", "planeswalker"),
    ("Battle", "battle"),
    ("Creature", "creature"),
    ("Land", "land"),
    ("Artifact", "artifact"),
    ("Enchantment", "enchantment"),
    ("Instant", "instant"),
    ("Sorcery", "sorcery"),
)
RARITY_COLOURS: dict[str, RGB] = {
    "common": (24, 24, 24),
    "uncommon": (176, 196, 210),
    "rare": (222, 184, 80),
    "mythic": (236, 104, 36),
    "special": (150, 90, 190),
}


@dataclass(frozen=True, slots=True)
class _Side:
    """One face as drawn: the card's own fields, or one of its faces."""

    name: str
    mana_cost: str
    type_line: str
    text: str
    colours: tuple[str, ...]
    power: str | None
    toughness: str | None
    loyalty: str | None

    @classmethod
    def of_face(cls, face: CardFace) -> _Side:
        return cls(
            face.name,
            face.mana_cost,
            face.type_line,
            face.text,
            tuple(face.colours),
            face.power,
            face.toughness,
            face.loyalty,
        )

    @classmethod
    def front(cls, card: Card) -> _Side:
        if card.faces:
            face = card.faces[0]
            side = cls.of_face(face)
            return side if side.colours else dataclasses.replace(side, colours=card.colours)
        return cls(
            card.front_name,
            card.mana_cost.split(" // ")[0],
            card.type_line.split(" // ")[0],
            card.text.split("\n//\n")[0],
            tuple(card.colours),
            card.power,
            card.toughness,
            card.loyalty,
        )


def draw_face(card: Card) -> Image.Image:
    """The drawn face of ``card``: an RGB image of :data:`geometry.FACE_SIZE`."""
    image = Image.new("RGB", g.FACE_SIZE, BORDER_COLOUR)
    if card.layout in SPLIT_LAYOUTS and len(card.faces) >= 2:
        frame = _draw_split(image, card)
    else:
        frame = _draw_single(image, card)
    _draw_footer(image, card, frame)
    return image


def _draw_single(image: Image.Image, card: Card) -> RGB:
    """Draw a one-face card (or the front of a two-faced one); the frame colour at the foot."""
    side = _Side.front(card)
    style = frame_style(side.colours, side.mana_cost, side.type_line, card.colour_identity)
    _fill(image, g.FRAME, style, "frame", radius=12)
    _draw_name_bar(image, g.NAME_BAR, side, style)
    _draw_art(image, g.ART, side, style, LAYOUT_LABELS.get(card.layout))
    _draw_type_bar(image, g.TYPE_BAR, side, style, card.rarity)
    _fill(image, g.TEXT_BOX, style, "box", radius=6)
    blocks = _blocks(card, side)
    pt = _pt_text(side)
    bottom_clear = 14 if (pt or side.loyalty) else 0
    if card.is_basic_land and len(card.colour_identity) == 1:
        _draw_basic_symbol(image, card.colour_identity[0])
    elif blocks:
        _draw_text(image, g.TEXT_BOX, blocks, largest=17, smallest=9, bottom_clear=bottom_clear)
    if side.loyalty:
        _draw_loyalty(image, side.loyalty)
    elif pt:
        _draw_pt(image, pt, style)
    return style.left.frame


def _draw_split(image: Image.Image, card: Card) -> RGB:
    """Both halves of a split card, one above the other, each with its own frame colour."""
    # Card data often gives each half the colours of the whole card; the cost says better.
    top, bottom = (
        dataclasses.replace(side, colours=cost_colours(side.mana_cost) or side.colours)
        for side in map(_Side.of_face, card.faces[:2])
    )
    top_style = frame_style(top.colours, top.mana_cost, top.type_line)
    bottom_style = frame_style(bottom.colours, bottom.mana_cost, bottom.type_line)
    middle = g.SPLIT_MIDDLE
    left, upper, right, lower = g.FRAME
    _fill(image, (left, upper, right, middle + 4), top_style, "frame", radius=12)
    _fill(image, (left, middle - 4, right, lower), bottom_style, "frame", radius=12)
    ImageDraw.Draw(image).line((left, middle, right, middle), fill=BORDER_COLOUR, width=3)
    _draw_name_bar(image, g.NAME_BAR, top, top_style)
    _draw_art(image, g.ART, top, top_style, LAYOUT_LABELS.get(card.layout))
    halves = (
        (top, top_style, g.SPLIT_TOP_TYPE_BAR, g.SPLIT_TOP_TEXT_BOX),
        (bottom, bottom_style, g.SPLIT_BOTTOM_TYPE_BAR, g.SPLIT_BOTTOM_TEXT_BOX),
    )
    _draw_name_bar(image, g.SPLIT_BOTTOM_NAME_BAR, bottom, bottom_style)
    for side, style, type_bar, text_box in halves:
        _draw_type_bar(image, type_bar, side, style, card.rarity)
        _fill(image, text_box, style, "box", radius=6)
        _draw_text(image, text_box, [Block(parse_text(side.text))], 15, 8)
    return bottom_style.left.frame


def _blocks(card: Card, front: _Side) -> list[Block]:
    if not (front.type_line or front.text or front.mana_cost):
        return [
            Block((parse_paragraph("(No card data: this card is in none of the loaded sets.)"),))
        ]
    blocks: list[Block] = []
    others = [_Side.of_face(face) for face in card.faces[1:]]
    if card.layout == "adventure" and others:
        adventure = others[0]
        tint = _tint_of(adventure.colours)
        header = _header(adventure.name, adventure.mana_cost)
        kind = parse_paragraph(adventure.type_line, "italic")
        blocks.append(Block((header, kind, *parse_text(adventure.text)), tint.bar))
    if front.text:
        blocks.append(Block(parse_text(front.text)))
    if card.layout in BACK_LAYOUTS and others:
        back = others[0]
        tint = _tint_of(back.colours or front.colours)
        header = _header(f"↻ {back.name}", back.mana_cost)
        stats = _pt_text(back) or (f"Loyalty {back.loyalty}" if back.loyalty else "")
        kind = (*parse_paragraph(back.type_line, "italic"), *_words(stats, "bold"))
        blocks.append(Block((header, kind, *parse_text(back.text)), tint.bar))
    return blocks


def _header(name: str, mana_cost: str) -> tuple[Run, ...]:
    symbols = tuple(Run("symbol", s) for s in parse_cost(mana_cost))
    return (*_words(name, "bold"), *symbols)


def _words(text: str, style: FontStyle) -> tuple[Run, ...]:
    return tuple(Run("word", word, style) for word in text.split())


def _tint_of(colours: tuple[str, ...]) -> Tint:
    own = ordered(colours)
    if not own:
        return TINTS["colourless"]
    return TINTS[own[0]] if len(own) == 1 else TINTS["gold"]


def _pt_text(side: _Side) -> str:
    if side.power is None or side.toughness is None:
        return ""
    return f"{side.power}/{side.toughness}"


def _fill(image: Image.Image, box: g.Box, style: FrameStyle, part: str, radius: int) -> None:
    """Fill ``box`` with one part of the frame's tint, shading left to right on hybrid frames."""
    left_colour: RGB = getattr(style.left, part)
    right_colour: RGB = getattr(style.right, part)
    canvas = ImageDraw.Draw(image)
    if left_colour == right_colour:
        canvas.rounded_rectangle(box, radius=radius, fill=left_colour)
        return
    width, height = box[2] - box[0] + 1, box[3] - box[1] + 1
    ends = Image.new("RGB", (2, 1))
    ends.putpixel((0, 0), left_colour)
    ends.putpixel((1, 0), right_colour)
    shade = ends.resize((width, height), Image.Resampling.BILINEAR)
    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, width - 1, height - 1), radius=radius, fill=255)
    image.paste(shade, box[:2], mask)


def _fit_font(
    text: str, style: FontStyle, width: float, largest: int, smallest: int
) -> tuple[str, int]:
    """The largest size at which ``text`` fits ``width``; at the smallest, cut with an ellipsis."""
    for size in range(largest, smallest - 1, -1):
        if font(style, size).getlength(text) <= width:
            return text, size
    face = font(style, smallest)
    while text and face.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…", smallest


def _draw_name_bar(image: Image.Image, box: g.Box, side: _Side, style: FrameStyle) -> None:
    _fill(image, box, style, "bar", radius=9)
    canvas = ImageDraw.Draw(image)
    canvas.rounded_rectangle(box, radius=9, outline=OUTLINE, width=1)
    left, top, right, bottom = box
    symbols = parse_cost(side.mana_cost)
    diameter = 20
    step = symbol_advance(diameter, shadow=True) + 1
    x = right - 7 - step * len(symbols)
    centre = (top + bottom) / 2
    for index, symbol in enumerate(symbols):
        picture = symbol_image(symbol, diameter, shadow=True)
        image.paste(picture, (x + index * step, round(centre - diameter / 2)), picture)
    room = x - left - 14
    name, size = _fit_font(side.name, "bold", room, 18, 11)
    canvas.text((left + 8, centre), name, font=font("bold", size), fill=TEXT_COLOUR, anchor="lm")


def _draw_art(
    image: Image.Image, box: g.Box, side: _Side, style: FrameStyle, label: str | None
) -> None:
    _fill(image, box, style, "art", radius=3)
    canvas = ImageDraw.Draw(image)
    kind = next((icon for word, icon in TYPE_ICONS if word in side.type_line), None)
    left, top, right, bottom = box
    art: RGB = style.left.art
    pale = tuple(round(c + (255 - c) * 0.22) for c in art)
    if kind is not None:
        glyph = named_glyph(kind)
        face = font("symbol", round((bottom - top) * 0.7))
        canvas.text(
            ((left + right) / 2, (top + bottom) / 2), glyph, font=face, fill=pale, anchor="mm"
        )
    if label:
        face = font("bold", 10)
        width = face.getlength(label)
        pill = (right - width - 14, bottom - 20, right - 5, bottom - 5)
        canvas.rounded_rectangle(pill, radius=7, fill=(20, 20, 20))
        canvas.text(
            (pill[0] + 5, bottom - 12.5), label, font=face, fill=(245, 245, 245), anchor="lm"
        )


def _draw_type_bar(
    image: Image.Image, box: g.Box, side: _Side, style: FrameStyle, rarity: str
) -> None:
    _fill(image, box, style, "bar", radius=7)
    canvas = ImageDraw.Draw(image)
    canvas.rounded_rectangle(box, radius=7, outline=OUTLINE, width=1)
    left, top, right, bottom = box
    centre = (top + bottom) / 2
    _draw_rarity_gem(canvas, (right - 15, centre), rarity)
    text, size = _fit_font(side.type_line or "—", "bold", right - left - 40, 14, 9)
    canvas.text((left + 8, centre), text, font=font("bold", size), fill=TEXT_COLOUR, anchor="lm")


def _draw_rarity_gem(canvas: ImageDraw.ImageDraw, centre: tuple[float, float], rarity: str) -> None:
    x, y = centre
    colour = RARITY_COLOURS.get(rarity, RARITY_COLOURS["special"])
    gem = [(x, y - 9), (x + 7, y), (x, y + 9), (x - 7, y)]
    canvas.polygon(gem, fill=colour, outline=(0, 0, 0), width=2)
    canvas.line([(x - 3, y - 1), (x, y - 5)], fill=(255, 255, 255), width=1)


def _draw_text(
    image: Image.Image,
    box: g.Box,
    blocks: list[Block],
    largest: int,
    smallest: int,
    bottom_clear: int = 0,
) -> None:
    left, top, right, bottom = box
    inset = 7
    width = right - left - 2 * inset
    height = bottom - top - 2 * inset + 2 - bottom_clear
    laid = fit(blocks, width, height, largest, smallest)
    spare = max(0.0, height - laid.height)
    # Short text sits in the middle of the box, as on printed cards.
    offset = spare / 2 if len(blocks) == 1 and laid.height < height * 0.5 else 0.0
    draw(image, laid, (left + inset, top + inset + offset), (width, height - offset), TEXT_COLOUR)


def _draw_basic_symbol(image: Image.Image, colour: str) -> None:
    left, top, right, bottom = g.TEXT_BOX
    diameter = 96
    picture = symbol_image(colour, diameter)
    x = round((left + right - diameter) / 2)
    y = round((top + bottom - diameter) / 2)
    image.paste(picture, (x, y), picture)


def _draw_pt(image: Image.Image, text: str, style: FrameStyle) -> None:
    canvas = ImageDraw.Draw(image)
    _fill(image, g.PT_BOX, FrameStyle(style.right, style.right), "bar", radius=8)
    canvas.rounded_rectangle(g.PT_BOX, radius=8, outline=OUTLINE, width=2)
    left, top, right, bottom = g.PT_BOX
    fitted, size = _fit_font(text, "bold", right - left - 10, 20, 12)
    canvas.text(
        ((left + right) / 2, (top + bottom) / 2 + 1),
        fitted,
        font=font("bold", size),
        fill=TEXT_COLOUR,
        anchor="mm",
    )


def _draw_loyalty(image: Image.Image, loyalty: str) -> None:
    canvas = ImageDraw.Draw(image)
    centre = (g.PT_BOX[2] - 26, (g.PT_BOX[1] + g.PT_BOX[3]) / 2)
    shield = font("symbol", 46)
    canvas.text(
        centre,
        named_glyph("loyalty-start"),
        font=shield,
        fill=(30, 30, 30),
        anchor="mm",
        stroke_width=2,
        stroke_fill=(235, 235, 235),
    )
    canvas.text(
        (centre[0], centre[1] - 1),
        loyalty,
        font=font("bold", 18),
        fill=(250, 250, 250),
        anchor="mm",
    )


def _draw_footer(image: Image.Image, card: Card, frame: RGB) -> None:
    canvas = ImageDraw.Draw(image)
    ink = ink_on(frame)
    rarity = (card.rarity or "?")[0].upper()
    label = f"{card.set_code} · {card.number} · {rarity}" if card.number else str(card.set_code)
    canvas.text(
        (g.TEXT_BOX[0] + 2, g.FOOTER_BASELINE), label, font=font("bold", 11), fill=ink, anchor="ls"
    )

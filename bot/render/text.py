"""Rules text laid out in a box: wrapped, shrunk to fit, with mana symbols inline.

Text is a list of :class:`Block` values (the card's text, an adventure, a back face), each a list
of paragraphs made of runs: words, symbols such as ``{T}`` and planeswalker loyalty costs.
Reminder text in parentheses is set in italics. :func:`fit` tries sizes from large to small and
keeps the first at which everything fits; at the smallest size what still overflows is cut with
an ellipsis rather than drawn outside the box.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image, ImageDraw

from bot.render.fonts import FontStyle, font
from bot.render.palette import RGB
from bot.render.symbols import SYMBOL_PATTERN, symbol_image

RunKind = Literal["word", "symbol", "loyalty"]

LOYALTY_FILL = (34, 30, 28)
LOYALTY_INK = (250, 250, 250)
_TOKEN = re.compile(r"\{[^{}]+\}|[^\s{]+|\{")
_LOYALTY = re.compile(r"^\[?([+\-−]?(?:\d+|X))\]?:\s*")


@dataclass(frozen=True, slots=True)
class Run:
    """A word, a symbol (without braces) or a loyalty cost; ``spaced`` if a space precedes it."""

    kind: RunKind
    value: str
    style: FontStyle = "regular"
    spaced: bool = True


Paragraph = tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class Block:
    """Paragraphs drawn together, on their own tinted background when ``background`` is set."""

    paragraphs: tuple[Paragraph, ...]
    background: RGB | None = None


def parse_paragraph(text: str, style: FontStyle = "regular") -> Paragraph:
    """Runs of one line of rules text: symbols split out, reminder text in italics."""
    runs: list[Run] = []
    loyalty = _LOYALTY.match(text)
    if loyalty:
        runs.append(Run("loyalty", loyalty.group(1).replace("-", "−"), "bold", spaced=False))
        text = text[loyalty.end() :]
    depth = 0
    previous_end = 0
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        spaced = bool(runs) and match.start() > previous_end
        previous_end = match.end()
        symbol = SYMBOL_PATTERN.fullmatch(token)
        italic = depth > 0 or token.startswith("(")
        depth += token.count("(") - token.count(")")
        depth = max(depth, 0)
        if symbol:
            runs.append(Run("symbol", symbol.group(1).upper(), style, spaced))
        else:
            runs.append(Run("word", token, "italic" if italic else style, spaced))
    return tuple(runs)


def parse_text(text: str, style: FontStyle = "regular") -> tuple[Paragraph, ...]:
    """Paragraphs of a card's rules text, one per line; empty lines are dropped."""
    return tuple(parse_paragraph(line, style) for line in text.splitlines() if line.strip())


@dataclass(frozen=True, slots=True)
class _Placed:
    run: Run
    x: float
    width: float


@dataclass(slots=True)
class _Line:
    placed: list[_Placed] = field(default_factory=list)
    y: float = 0.0


@dataclass(slots=True)
class Layout:
    """Runs placed at one size; ``height`` is what they take, ``fits`` whether they all fit."""

    size: float
    lines: list[_Line]
    backgrounds: list[tuple[float, float, RGB]]
    height: float
    fits: bool


def _symbol_diameter(size: float) -> int:
    # Never below 11 pixels: a smaller mana symbol cannot be told from its neighbours.
    return max(11, round(size * 0.92))


def _run_width(run: Run, size: float) -> float:
    if run.kind == "symbol":
        return _symbol_diameter(size) + 1
    if run.kind == "loyalty":
        return font("bold", size).getlength(run.value) + size * 0.7
    return font(run.style, size).getlength(run.value)


def _words(paragraph: Paragraph) -> list[list[Run]]:
    """Runs glued together (``{T}:``, ``"{1},``) as one unit, so a line never breaks inside."""
    words: list[list[Run]] = []
    for run in paragraph:
        if words and not run.spaced:
            words[-1].append(run)
        else:
            words.append([run])
    return words


def layout(blocks: Sequence[Block], width: float, size: float) -> Layout:
    """Place every run at ``size`` in a column ``width`` wide (no height limit)."""
    line_height = round(size * 1.2)
    gap = round(size * 0.4)
    pad = round(size * 0.35)
    space = font("regular", size).getlength(" ")
    lines: list[_Line] = []
    backgrounds: list[tuple[float, float, RGB]] = []
    y = 0.0
    for index, block in enumerate(blocks):
        if index:
            y += gap
        top = y
        if block.background is not None:
            y += pad
        for number, paragraph in enumerate(block.paragraphs):
            if number:
                y += gap
            line = _Line(y=y)
            x = 0.0
            for word in _words(paragraph):
                widths = [_run_width(run, size) for run in word]
                lead = space if line.placed else 0.0
                if line.placed and x + lead + sum(widths) > width:
                    lines.append(line)
                    y += line_height
                    line = _Line(y=y)
                    x, lead = 0.0, 0.0
                x += lead
                for run, run_width in zip(word, widths, strict=True):
                    line.placed.append(_Placed(run, x, run_width))
                    x += run_width
            lines.append(line)
            y += line_height
        if block.background is not None:
            y += pad
            backgrounds.append((top, y, block.background))
    widest = max((p.x + p.width for line in lines for p in line.placed), default=0.0)
    return Layout(size, lines, backgrounds, y, fits=widest <= width + 0.5)


def fit(
    blocks: Sequence[Block], width: float, height: float, largest: float, smallest: float
) -> Layout:
    """The layout at the largest size from ``largest`` down to ``smallest`` that fits the box."""
    # Half-point steps: a whole point is a big jump at the sizes small boxes end up at.
    for step in range(round(2 * max(largest, smallest)), round(2 * smallest), -1):
        candidate = layout(blocks, width, step / 2)
        if candidate.fits and candidate.height <= height:
            return candidate
    last = layout(blocks, width, smallest)
    last.fits = last.fits and last.height <= height
    return last


def draw(
    image: Image.Image,
    laid: Layout,
    origin: tuple[float, float],
    box: tuple[float, float],
    colour: RGB,
) -> None:
    """Draw ``laid`` with its top left at ``origin``, clipped to a box of ``box`` (w, h)."""
    canvas = ImageDraw.Draw(image)
    left, top = origin
    width, height = box
    size = laid.size
    for start, end, background in laid.backgrounds:
        canvas.rounded_rectangle(
            (left - 4, top + start, left + width + 4, top + min(end, height)),
            radius=4,
            fill=background,
        )
    line_height = round(size * 1.2)
    lines = laid.lines
    for number, line in enumerate(lines):
        if line.y + line_height > height + 1:
            break
        following = lines[number + 1] if number + 1 < len(lines) else None
        cut = following is not None and following.y + line_height > height + 1
        placed = line.placed
        if cut:
            # Make room for the ellipsis that says the text goes on.
            room = width - font("regular", size).getlength(" …")
            while placed and placed[-1].x + placed[-1].width > room:
                placed = placed[:-1]
        for item in placed:
            _draw_run(image, canvas, item, (left, top + line.y), size, colour)
        if cut:
            end = placed[-1].x + placed[-1].width if placed else 0.0
            baseline = top + line.y + round(size * 0.95)
            ellipsis = (left + end + font("regular", size).getlength(" "), baseline)
            canvas.text(ellipsis, "…", font=font("regular", size), fill=colour, anchor="ls")
            break


def _draw_run(
    image: Image.Image,
    canvas: ImageDraw.ImageDraw,
    item: _Placed,
    line_origin: tuple[float, float],
    size: float,
    colour: RGB,
) -> None:
    x = line_origin[0] + item.x
    y = line_origin[1] + round(size * 0.95)
    run = item.run
    if run.kind == "symbol":
        diameter = _symbol_diameter(size)
        symbol = symbol_image(run.value, diameter)
        centre = y - size * 0.36
        image.paste(symbol, (round(x), round(centre - diameter / 2)), symbol)
    elif run.kind == "loyalty":
        canvas.rounded_rectangle(
            (x, y - size * 0.95, x + item.width - size * 0.25, y + size * 0.22),
            radius=round(size * 0.3),
            fill=LOYALTY_FILL,
        )
        face = font("bold", size)
        canvas.text((x + size * 0.22, y), run.value, font=face, fill=LOYALTY_INK, anchor="ls")
    else:
        canvas.text((x, y), run.value, font=font(run.style, size), fill=colour, anchor="ls")

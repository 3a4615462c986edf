"""Frame colours: what tells a player a card's colour at a glance.

One colour gets its own frame; two colours paid only with hybrid symbols get a frame shading
from one to the other (as printed hybrid cards do); any other multicolour card is gold;
colourless cards are grey; lands are brown with their bars tinted by the colours they make.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.draft.cards import COLOURS, Colour
from bot.render.symbols import parse_cost

RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Tint:
    """The colours of one frame: the frame itself, its name and type bars, its text box."""

    frame: RGB
    bar: RGB
    box: RGB
    art: RGB


TINTS: dict[str, Tint] = {
    "W": Tint(frame=(222, 214, 186), bar=(247, 243, 226), box=(251, 249, 240), art=(196, 186, 150)),
    "U": Tint(frame=(38, 112, 180), bar=(196, 221, 242), box=(228, 238, 247), art=(28, 82, 138)),
    "B": Tint(frame=(58, 52, 50), bar=(205, 198, 194), box=(228, 224, 221), art=(36, 32, 31)),
    "R": Tint(frame=(200, 66, 44), bar=(244, 204, 188), box=(249, 232, 224), art=(150, 46, 30)),
    "G": Tint(frame=(38, 122, 74), bar=(196, 224, 200), box=(228, 240, 228), art=(26, 88, 52)),
    "gold": Tint(
        frame=(206, 168, 72), bar=(242, 226, 170), box=(251, 243, 220), art=(160, 124, 44)
    ),
    "colourless": Tint(
        frame=(152, 160, 168), bar=(214, 219, 224), box=(238, 240, 242), art=(108, 116, 124)
    ),
    "land": Tint(frame=(150, 122, 92), bar=(222, 208, 188), box=(243, 237, 228), art=(112, 88, 64)),
}


@dataclass(frozen=True, slots=True)
class FrameStyle:
    """How to tint a frame: ``left`` and ``right`` differ only for two-colour hybrid cards."""

    left: Tint
    right: Tint

    @property
    def split(self) -> bool:
        return self.left != self.right


def ordered(colours: Collection[str]) -> tuple[Colour, ...]:
    """Colours in the WUBRG order cards print them in."""
    return tuple(c for c in COLOURS if c in colours)


def cost_colours(mana_cost: str) -> tuple[Colour, ...]:
    """The colours a mana cost asks for, in WUBRG order."""
    return ordered({part for symbol in parse_cost(mana_cost) for part in symbol.split("/")})


def _is_hybrid_only(mana_cost: str) -> bool:
    coloured = [s for s in parse_cost(mana_cost) if any(c in s for c in COLOURS)]
    return bool(coloured) and all("/" in s and s.split("/")[0] in COLOURS for s in coloured)


def frame_style(
    colours: Sequence[str], mana_cost: str, type_line: str, identity: Sequence[str] = ()
) -> FrameStyle:
    """The frame of a card (or of one face) with these colours, cost and type."""
    own = ordered(colours)
    if "Land" in type_line.split("—")[0] and not own:
        made = ordered(identity)
        land = TINTS["land"]
        if len(made) == 1:
            tint = Tint(land.frame, TINTS[made[0]].bar, land.box, land.art)
            return FrameStyle(tint, tint)
        if len(made) == 2:
            return FrameStyle(
                Tint(land.frame, TINTS[made[0]].bar, land.box, land.art),
                Tint(land.frame, TINTS[made[1]].bar, land.box, land.art),
            )
        if len(made) > 2:
            tint = Tint(land.frame, TINTS["gold"].bar, land.box, land.art)
            return FrameStyle(tint, tint)
        return FrameStyle(land, land)
    if not own:
        return FrameStyle(TINTS["colourless"], TINTS["colourless"])
    if len(own) == 1:
        return FrameStyle(TINTS[own[0]], TINTS[own[0]])
    if len(own) == 2 and _is_hybrid_only(mana_cost):
        return FrameStyle(TINTS[own[0]], TINTS[own[1]])
    return FrameStyle(TINTS["gold"], TINTS["gold"])


def luminance(colour: RGB) -> float:
    """Perceived brightness, 0..255, to choose black or white text on a colour."""
    r, g, b = colour
    return 0.299 * r + 0.587 * g + 0.114 * b


def ink_on(colour: RGB) -> RGB:
    """Black or white, whichever reads better on ``colour``."""
    return (16, 16, 16) if luminance(colour) > 140 else (250, 250, 250)

"""Parsers for set files: decoded data in, :class:`~bot.draft.cards.CardSet` values out.

Each parser takes what was already read (a decoded JSON/YAML document or the text of a list) and
the file's path, used only to name the file in a :class:`~bot.draft.set_errors.SetFileError`.
"""

from bot.draft.setfiles.cube import CardIndex, build_cube, parse_cube_cards
from bot.draft.setfiles.cubelist import CubeEntry, CubeList, parse_cube_csv, parse_cube_text
from bot.draft.setfiles.custom import parse_custom_set
from bot.draft.setfiles.mtgjson import BOOSTER_KINDS, booster_kinds, parse_mtgjson
from bot.draft.setfiles.ratings import for_names, parse_17lands, parse_draftmancer

__all__ = [
    "BOOSTER_KINDS",
    "CardIndex",
    "CubeEntry",
    "CubeList",
    "booster_kinds",
    "build_cube",
    "for_names",
    "parse_17lands",
    "parse_cube_cards",
    "parse_cube_csv",
    "parse_cube_text",
    "parse_custom_set",
    "parse_draftmancer",
    "parse_mtgjson",
]

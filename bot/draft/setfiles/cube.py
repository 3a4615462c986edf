"""Cubes: a parsed list plus card data looked up by name.

Card data comes first from a ``<cube>.cards.json`` file beside the list (records keyed by the
list's own spelling, ``cubeListName``), then from the retail sets already loaded. Names are matched
folding case and accents, and a list may name a multi-face card by its front face alone. A name
with no data is an error at its line: a cube with blank cards cannot be drafted or rendered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bot.draft.cards import Card, CardFace, CardId, CardSet, SetCode
from bot.draft.set_errors import SetFileError
from bot.draft.setfiles._fields import (
    Fields,
    colours_of_cost,
    mana_value_of_cost,
    name_key,
    set_code_from,
    slug,
    unique_id,
)
from bot.draft.setfiles.cubelist import CubeList

DEFAULT_CUBE_PACK_SIZE = 15


class CardIndex:
    """Cards by folded name, full name first and then front-face name."""

    def __init__(self) -> None:
        self._by_name: dict[str, Card] = {}
        self._by_front: dict[str, Card] = {}

    def add(self, card: Card, *aliases: str) -> None:
        for name in (card.name, *aliases):
            self._by_name.setdefault(name_key(name), card)
        self._by_front.setdefault(name_key(card.front_name), card)

    def add_all(self, cards: Iterable[Card]) -> None:
        for card in cards:
            self.add(card)

    def find(self, name: str) -> Card | None:
        key = name_key(name)
        return self._by_name.get(key) or self._by_front.get(key)

    def __len__(self) -> int:
        return len(self._by_name)


def parse_cube_cards(doc: Any, source: Path) -> CardIndex:
    """Read a ``*.cards.json`` file: ``{"cards": [record, ...]}`` in MTGJSON field names."""
    f = Fields(source)
    records = f.get(f.mapping(doc, ""), "cards", list, "")
    index = CardIndex()
    for i, raw in enumerate(records):
        where = f"cards[{i}]"
        record = f.mapping(raw, where)
        name = f.get(record, "name", str, where)
        raw_printing = record.get("printing")
        printing: Mapping[str, Any] = raw_printing if isinstance(raw_printing, Mapping) else {}
        mana_cost = f.opt(record, "manaCost", str, where, "")
        faces = tuple(
            _face(f, face, f"{where}.faces[{j}]")
            for j, face in enumerate(f.sequence(record.get("faces") or [], f"{where}.faces"))
        )
        card = Card(
            id=slug(name),
            name=name,
            set_code=SetCode(str(printing.get("set", ""))),
            number=str(printing.get("number", "")),
            rarity=f.rarity(record, where),
            mana_cost=faces[0].mana_cost if faces else mana_cost,
            mana_value=f.opt(record, "manaValue", float, where, mana_value_of_cost(mana_cost)),
            colours=f.colours(record, "colors", where),
            colour_identity=f.colours(record, "colorIdentity", where),
            type_line=faces[0].type_line if faces else f.opt(record, "type", str, where, ""),
            text=faces[0].text if faces else f.opt(record, "text", str, where, ""),
            power=faces[0].power if faces else f.text(record, "power", where),
            toughness=faces[0].toughness if faces else f.text(record, "toughness", where),
            loyalty=faces[0].loyalty if faces else f.text(record, "loyalty", where),
            layout=f.opt(record, "layout", str, where, "normal"),
            faces=faces,
        )
        alias = record.get("cubeListName")
        index.add(card, *([alias] if isinstance(alias, str) else []))
    return index


def build_cube(
    cube: CubeList, source: Path, lookups: Iterable[CardIndex], *, code: str | None = None
) -> CardSet:
    """A cube :class:`CardSet`: one :class:`Card` per distinct name, ``cube_list`` per copy."""
    indexes = tuple(lookups)
    declared = cube.code or code
    set_code = SetCode(
        set_code_from(declared, source, declared=True)
        if declared
        else set_code_from(source.stem, source, declared=False)
    )
    cards: dict[CardId, Card] = {}
    by_key: dict[str, CardId] = {}
    cube_list: list[CardId] = []
    for entry in cube.entries:
        found = next((c for c in (i.find(entry.name) for i in indexes) if c), None)
        if found is None:
            raise SetFileError(source, f"line {entry.line}", f"no card data for {entry.name!r}")
        key = name_key(found.name)
        if key not in by_key:
            card_id = unique_id(slug(found.name), cards)
            number = found.number
            if entry.printing is not None:
                number = entry.printing[1] or number
            cards[card_id] = dataclasses.replace(
                found, id=card_id, set_code=set_code, number=number
            )
            by_key[key] = card_id
        cube_list.extend([by_key[key]] * entry.count)
    return CardSet(
        code=set_code,
        name=cube.name or source.stem,
        kind="cube",
        cards=cards,
        pack_size=cube.pack_size or DEFAULT_CUBE_PACK_SIZE,
        cube_list=tuple(cube_list),
        source=source,
    )


def _face(f: Fields, raw: Any, where: str) -> CardFace:
    face = f.mapping(raw, where)
    mana_cost = f.opt(face, "manaCost", str, where, "")
    colours = f.colours(face, "colors", where) if "colors" in face else colours_of_cost(mana_cost)
    return CardFace(
        name=f.opt(face, "faceName", str, where, f.opt(face, "name", str, where, "")),
        mana_cost=mana_cost,
        type_line=f.opt(face, "type", str, where, ""),
        text=f.opt(face, "text", str, where, ""),
        colours=colours,
        power=f.text(face, "power", where),
        toughness=f.text(face, "toughness", where),
        loyalty=f.text(face, "loyalty", where),
    )

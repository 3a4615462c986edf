"""Custom sets: the small own format described in ``docs/sets.md``.

The engine receives the already-decoded document (a mapping), so this module stays free of any
YAML library; the file is decoded with a safe loader by the adapter in :mod:`bot.sets`. Keys are
checked strictly, as in the settings: a misspelt key is an error, not a silently missing field.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.draft.cards import Card, CardFace, CardId, CardSet, SetCode
from bot.draft.setfiles._fields import (
    Fields,
    colours_of_cost,
    mana_value_of_cost,
    order_colours,
    set_code_from,
    slug,
    unique_id,
)

SET_KEYS = frozenset({"code", "name", "pack_size", "cards"})
CARD_KEYS = frozenset(
    {
        "name",
        "rarity",
        "number",
        "mana_cost",
        "mana_value",
        "colours",
        "type",
        "text",
        "power",
        "toughness",
        "loyalty",
        "layout",
        "faces",
    }
)
FACE_KEYS = frozenset(
    {"name", "mana_cost", "type", "text", "colours", "power", "toughness", "loyalty"}
)
MIN_PACK, MAX_PACK = 6, 20
# A split card's mana value is the total of its halves; other multi-face cards count the front.
_SUMMED_LAYOUTS = frozenset({"split", "aftermath"})


def parse_custom_set(doc: Any, source: Path) -> CardSet:
    """Build a :class:`CardSet` (kind ``custom``, rarity-fallback collation) from a mapping."""
    f = Fields(source)
    data = f.mapping(doc, "")
    _known_keys(f, data, SET_KEYS, "")
    code = SetCode(set_code_from(f.get(data, "code", str, ""), source, declared=True))
    pack_size = f.opt(data, "pack_size", int, "", 15)
    if not MIN_PACK <= pack_size <= MAX_PACK:
        raise f.fail("pack_size", f"must be from {MIN_PACK} to {MAX_PACK}, not {pack_size}")
    cards: dict[CardId, Card] = {}
    names: set[str] = set()
    for i, raw in enumerate(f.get(data, "cards", list, "")):
        card = _card(f, raw, code, i, cards)
        if card.name in names:
            raise f.fail(f"cards[{i}].name", f"{card.name!r} appears twice")
        names.add(card.name)
        cards[card.id] = card
    _check_rarities(f, cards)
    return CardSet(
        code=code,
        name=f.get(data, "name", str, ""),
        kind="custom",
        cards=cards,
        pack_size=pack_size,
        source=source,
    )


def _card(f: Fields, raw: Any, code: SetCode, i: int, taken: Mapping[CardId, Card]) -> Card:
    where = f"cards[{i}]"
    data = f.mapping(raw, where)
    _known_keys(f, data, CARD_KEYS, where)
    name = f.get(data, "name", str, where).strip()
    if not name:
        raise f.fail(f"{where}.name", "empty name")
    faces = tuple(
        _face(f, face, f"{where}.faces[{j}]")
        for j, face in enumerate(f.sequence(data.get("faces") or [], f"{where}.faces"))
    )
    if len(faces) == 1:
        raise f.fail(f"{where}.faces", "a multi-face card needs at least two faces")
    layout = f.opt(data, "layout", str, where, "transform" if faces else "normal")
    if faces and name != " // ".join(face.name for face in faces):
        joined = " // ".join(face.name for face in faces)
        raise f.fail(f"{where}.name", f"a multi-face card is named after its faces: {joined!r}")
    mana_cost = f.opt(data, "mana_cost", str, where, faces[0].mana_cost if faces else "")
    costs = [face.mana_cost for face in faces] if layout in _SUMMED_LAYOUTS else [mana_cost]
    colours = f.colours(data, "colours", where) if "colours" in data else ()
    if not colours:
        every_cost = [mana_cost, *(face.mana_cost for face in faces)]
        colours = order_colours([c for cost in every_cost for c in colours_of_cost(cost)])
    return Card(
        id=unique_id(slug(name), taken),
        name=name,
        set_code=code,
        number=f.text(data, "number", where) or str(i + 1),
        rarity=f.rarity(data, where),
        mana_cost=mana_cost,
        mana_value=f.opt(
            data, "mana_value", float, where, sum(mana_value_of_cost(c) for c in costs)
        ),
        colours=colours,
        colour_identity=colours,
        type_line=f.opt(data, "type", str, where, faces[0].type_line if faces else ""),
        text=f.opt(data, "text", str, where, faces[0].text if faces else ""),
        power=f.text(data, "power", where) or (faces[0].power if faces else None),
        toughness=f.text(data, "toughness", where) or (faces[0].toughness if faces else None),
        loyalty=f.text(data, "loyalty", where) or (faces[0].loyalty if faces else None),
        layout=layout,
        faces=faces,
    )


def _face(f: Fields, raw: Any, where: str) -> CardFace:
    data = f.mapping(raw, where)
    _known_keys(f, data, FACE_KEYS, where)
    mana_cost = f.opt(data, "mana_cost", str, where, "")
    return CardFace(
        name=f.get(data, "name", str, where),
        mana_cost=mana_cost,
        type_line=f.opt(data, "type", str, where, ""),
        text=f.opt(data, "text", str, where, ""),
        colours=f.colours(data, "colours", where) or colours_of_cost(mana_cost),
        power=f.text(data, "power", where),
        toughness=f.text(data, "toughness", where),
        loyalty=f.text(data, "loyalty", where),
    )


def _known_keys(f: Fields, data: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            dotted = f"{where}.{key}" if where else str(key)
            raise f.fail(dotted, f"unknown key; allowed: {', '.join(sorted(allowed))}")


def _check_rarities(f: Fields, cards: Mapping[CardId, Card]) -> None:
    """The rarity fallback needs a card for each of its slots (a basic land is optional)."""
    rarities = {card.rarity for card in cards.values() if not card.is_basic_land}
    if "common" not in rarities:
        raise f.fail("cards", "needs at least one common for the default pack")
    if "uncommon" not in rarities:
        raise f.fail("cards", "needs at least one uncommon for the default pack")
    if not rarities & {"rare", "mythic"}:
        raise f.fail("cards", "needs at least one rare or mythic for the default pack")

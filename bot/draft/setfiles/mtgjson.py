"""MTGJSON v5 set files: cards, and booster sheets when the file has them.

The booster kind used is the first present of ``draft``, ``default`` and ``arena``: MTGJSON
renamed ``default`` to ``draft`` during 5.x, and ``arena`` (no foils, sometimes 14 cards) is the
fallback for files that only have that. Sheets point at side-``a`` uuids; a double-faced card
appears once per face in ``cards``, so its :class:`CardFace` values are built from its other face
entries. Foil sheets are kept as sheets and their cards are plain cards: a draft has no use for
the finish.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.draft.cards import (
    BoosterSpec,
    BoosterVariant,
    Card,
    CardFace,
    CardId,
    CardSet,
    SetCode,
    Sheet,
)
from bot.draft.setfiles._fields import Fields, order_colours

BOOSTER_KINDS: tuple[str, ...] = ("draft", "default", "arena")
_UNION_COLOUR_LAYOUTS = frozenset({"split", "adventure", "flip", "modal_dfc", "aftermath"})


def is_mtgjson(doc: Any) -> bool:
    """Whether a decoded JSON document looks like an MTGJSON set file (``{"data": {...}}``)."""
    return isinstance(doc, Mapping) and isinstance(doc.get("data"), Mapping)


def booster_kinds(doc: Any) -> tuple[str, ...]:
    """The booster kinds a decoded MTGJSON file offers, in file order (empty if none)."""
    data = doc.get("data") if isinstance(doc, Mapping) else None
    booster = data.get("booster") if isinstance(data, Mapping) else None
    return tuple(booster) if isinstance(booster, Mapping) else ()


def parse_mtgjson(doc: Any, source: Path, *, kind: str | None = None) -> CardSet:
    """Build a :class:`CardSet` from a decoded MTGJSON v5 set file.

    ``kind`` names the booster kind to use (an error if the file lacks it); by default the first
    of :data:`BOOSTER_KINDS` that the file has.
    """
    f = Fields(source)
    data = f.mapping(f.mapping(doc, "").get("data"), "data")
    code = SetCode(f.get(data, "code", str, "data").upper())
    name = f.get(data, "name", str, "data")
    raw_cards = f.sequence(f.get(data, "cards", list, "data"), "data.cards")
    entries: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for index, raw in enumerate(raw_cards):
        entry = f.mapping(raw, f"data.cards[{index}]")
        uuid = f.get(entry, "uuid", str, f"data.cards[{index}]")
        entries[uuid] = (index, entry)

    booster = _booster(f, data, entries, kind)
    if booster is None:
        wanted = _main_set_uuids(f, data, entries)
    else:
        wanted = [cid for sheet in booster.sheets.values() for cid, _ in sheet.cards]
    cards: dict[CardId, Card] = {}
    for uuid in wanted:
        if uuid not in cards:
            cards[CardId(uuid)] = _card(f, code, entries, uuid)
    if not cards:
        raise f.fail("data.cards", "no draftable cards")
    pack_size = max(booster.variants, key=lambda v: v.weight).size if booster else 15
    return CardSet(
        code=code,
        name=name,
        kind="retail",
        cards=cards,
        pack_size=pack_size,
        booster=booster,
        source=source,
    )


def _booster(
    f: Fields,
    data: Mapping[str, Any],
    entries: Mapping[str, tuple[int, Mapping[str, Any]]],
    wanted: str | None,
) -> BoosterSpec | None:
    raw = data.get("booster")
    boosters = f.mapping(raw, "data.booster") if raw is not None else {}
    if wanted is not None and wanted not in boosters:
        raise f.fail("data.booster", f"no booster kind {wanted!r}")
    kind = wanted or next((k for k in BOOSTER_KINDS if k in boosters), None)
    if kind is None:
        return None
    where = f"data.booster.{kind}"
    spec = f.mapping(boosters[kind], where)
    sheets: dict[str, Sheet] = {}
    for sheet_name, raw_sheet in f.mapping(f.get(spec, "sheets", dict, where), where).items():
        sheets[sheet_name] = _sheet(f, sheet_name, raw_sheet, entries, f"{where}.sheets")
    variants: list[BoosterVariant] = []
    for i, raw_variant in enumerate(f.sequence(f.get(spec, "boosters", list, where), where)):
        variants.append(_variant(f, raw_variant, sheets, f"{where}.boosters[{i}]"))
    if not variants:
        raise f.fail(f"{where}.boosters", "no booster variants")
    total = sum(v.weight for v in variants)
    declared = f.opt(spec, "boostersTotalWeight", int, where, total)
    if declared != total:
        raise f.fail(
            f"{where}.boostersTotalWeight", f"is {declared} but the weights sum to {total}"
        )
    used = {name for v in variants for name, _ in v.contents}
    return BoosterSpec(
        kind=kind, variants=tuple(variants), sheets={n: s for n, s in sheets.items() if n in used}
    )


def _sheet(
    f: Fields,
    name: str,
    raw: Any,
    entries: Mapping[str, tuple[int, Mapping[str, Any]]],
    where: str,
) -> Sheet:
    where = f"{where}.{name}"
    sheet = f.mapping(raw, where)
    weights = f.mapping(f.get(sheet, "cards", dict, where), f"{where}.cards")
    cards: list[tuple[CardId, int]] = []
    for uuid, weight in weights.items():
        key = f"{where}.cards.{uuid}"
        if isinstance(weight, bool) or not isinstance(weight, int) or weight <= 0:
            raise f.fail(key, f"weight must be a positive whole number, not {weight!r}")
        if uuid not in entries:
            raise f.fail(key, "no card with this uuid in data.cards")
        if entries[uuid][1].get("side") not in (None, "a"):
            raise f.fail(key, "points at the back face of a card; sheets name the front face")
        cards.append((CardId(uuid), weight))
    if not cards:
        raise f.fail(f"{where}.cards", "empty sheet")
    result = Sheet(
        name=name,
        cards=tuple(cards),
        balance_colours=f.opt(sheet, "balanceColors", bool, where, False),
        foil=f.opt(sheet, "foil", bool, where, False),
    )
    declared = f.opt(sheet, "totalWeight", int, where, result.total_weight)
    if declared != result.total_weight:
        raise f.fail(
            f"{where}.totalWeight", f"is {declared} but the weights sum to {result.total_weight}"
        )
    return result


def _variant(f: Fields, raw: Any, sheets: Mapping[str, Sheet], where: str) -> BoosterVariant:
    variant = f.mapping(raw, where)
    weight = f.get(variant, "weight", int, where)
    if weight <= 0:
        raise f.fail(f"{where}.weight", f"must be positive, not {weight}")
    contents: list[tuple[str, int]] = []
    for sheet_name, count in f.mapping(f.get(variant, "contents", dict, where), where).items():
        key = f"{where}.contents.{sheet_name}"
        if sheet_name not in sheets:
            raise f.fail(key, "no sheet of this name")
        if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
            raise f.fail(key, f"count must be a positive whole number, not {count!r}")
        if count > len(sheets[sheet_name].cards):
            raise f.fail(
                key, f"draws {count} cards from a sheet of {len(sheets[sheet_name].cards)}"
            )
        contents.append((sheet_name, count))
    if not contents:
        raise f.fail(f"{where}.contents", "empty booster")
    return BoosterVariant(contents=tuple(contents), weight=weight)


def _main_set_uuids(
    f: Fields, data: Mapping[str, Any], entries: Mapping[str, tuple[int, Mapping[str, Any]]]
) -> list[str]:
    """Without booster data: one printing per name, from the numbered main set."""
    base = f.opt(data, "baseSetSize", int, "data", 0)
    seen: set[str] = set()
    uuids: list[str] = []
    for uuid, (_, entry) in entries.items():
        number = str(entry.get("number", ""))
        if entry.get("side") not in (None, "a") or entry.get("name") in seen:
            continue
        if base and not (number.isdigit() and int(number) <= base):
            continue
        seen.add(str(entry.get("name")))
        uuids.append(uuid)
    return uuids


def _card(
    f: Fields,
    code: SetCode,
    entries: Mapping[str, tuple[int, Mapping[str, Any]]],
    uuid: str,
) -> Card:
    index, entry = entries[uuid]
    where = f"data.cards[{index}]"
    name = f.get(entry, "name", str, where)
    layout = f.opt(entry, "layout", str, where, "normal")
    faces: list[CardFace] = []
    others = f.sequence(entry.get("otherFaceIds") or [], f"{where}.otherFaceIds")
    if others:
        faces.append(_face(f, entry, where))
        backs = [
            entries[o]
            for o in others
            if isinstance(o, str) and o in entries and entries[o][1].get("name") == name
        ]
        backs.sort(key=lambda pair: str(pair[1].get("side", "")))
        faces.extend(_face(f, back, f"data.cards[{i}]") for i, back in backs)
    colours = f.colours(entry, "colors", where)
    if layout in _UNION_COLOUR_LAYOUTS and faces:
        colours = order_colours([c for face in faces for c in face.colours])
    return Card(
        id=CardId(uuid),
        name=name,
        set_code=code,
        number=str(f.get(entry, "number", str, where)),
        rarity=f.rarity(entry, where),
        mana_cost=f.opt(entry, "manaCost", str, where, ""),
        mana_value=f.opt(entry, "manaValue", float, where, 0.0),
        colours=colours,
        colour_identity=f.colours(entry, "colorIdentity", where),
        type_line=f.opt(entry, "type", str, where, ""),
        text=f.opt(entry, "text", str, where, ""),
        power=f.text(entry, "power", where),
        toughness=f.text(entry, "toughness", where),
        loyalty=f.text(entry, "loyalty", where),
        layout=layout,
        faces=tuple(faces),
    )


def _face(f: Fields, entry: Mapping[str, Any], where: str) -> CardFace:
    return CardFace(
        name=f.opt(entry, "faceName", str, where, f.get(entry, "name", str, where)),
        mana_cost=f.opt(entry, "manaCost", str, where, ""),
        type_line=f.opt(entry, "type", str, where, ""),
        text=f.opt(entry, "text", str, where, ""),
        colours=f.colours(entry, "colors", where),
        power=f.text(entry, "power", where),
        toughness=f.text(entry, "toughness", where),
        loyalty=f.text(entry, "loyalty", where),
    )

"""Small, valid set documents that tests copy and break one key at a time."""

from __future__ import annotations

import copy
from typing import Any

COLOURS = "WUBRG"


def mtgjson_doc(commons: int = 12) -> dict[str, Any]:
    """A tiny MTGJSON v5 set: commons of every colour, uncommons, a rare, a DFC, basics."""
    cards: list[dict[str, Any]] = []

    def add(uuid: str, name: str, rarity: str, **extra: Any) -> None:
        number = str(len(cards) + 1)
        cards.append({"uuid": uuid, "name": name, "number": number, "rarity": rarity, **extra})

    for i in range(commons):
        colour = COLOURS[i % 5]
        add(
            f"c{i}",
            f"Common {i}",
            "common",
            colors=[colour],
            manaCost=f"{{{colour}}}",
            type="Instant",
        )
    for i in range(4):
        add(f"u{i}", f"Uncommon {i}", "uncommon", colors=["W"], type="Sorcery")
    add("r0", "Rare 0", "rare", colors=["B"], type="Creature — Horror", power="2", toughness="2")
    add(
        "m0",
        "Mythic 0",
        "mythic",
        colors=["R"],
        type="Legendary Planeswalker — Tester",
        loyalty="3",
    )
    dfc = "Front Face // Back Face"
    add(
        "d0",
        dfc,
        "uncommon",
        faceName="Front Face",
        side="a",
        layout="transform",
        otherFaceIds=["d0b"],
        colors=["G"],
        manaCost="{1}{G}",
        type="Creature — Wolf",
        power="1",
        toughness="1",
    )
    add(
        "d0b",
        dfc,
        "uncommon",
        faceName="Back Face",
        side="b",
        layout="transform",
        otherFaceIds=["d0"],
        colors=["G"],
        type="Creature — Werewolf",
        power="3",
        toughness="3",
    )
    add("l0", "Forest", "common", type="Basic Land — Forest", supertypes=["Basic"])
    sheets = {
        "common": {
            "balanceColors": True,
            "foil": False,
            "totalWeight": commons,
            "cards": {f"c{i}": 1 for i in range(commons)},
        },
        "uncommon": {
            "foil": False,
            "totalWeight": 5,
            "cards": {**{f"u{i}": 1 for i in range(4)}, "d0": 1},
        },
        "rare": {"foil": False, "totalWeight": 3, "cards": {"r0": 2, "m0": 1}},
        "land": {"foil": False, "totalWeight": 1, "cards": {"l0": 1}},
    }
    boosters = [{"contents": {"common": 5, "uncommon": 3, "rare": 1, "land": 1}, "weight": 1}]
    return {
        "meta": {"version": "5.2.0"},
        "data": {
            "code": "TST",
            "name": "Test Set",
            "cards": cards,
            "booster": {
                "draft": {"boosters": boosters, "boostersTotalWeight": 1, "sheets": sheets}
            },
        },
    }


def custom_doc() -> dict[str, Any]:
    """A tiny custom set in draftpod's own format, as decoded from YAML."""
    return {
        "code": "CUS",
        "name": "Custom",
        "cards": [
            {"name": "Alpha", "rarity": "common", "mana_cost": "{W}", "type": "Instant"},
            {"name": "Beta", "rarity": "uncommon", "mana_cost": "{1}{U}", "type": "Sorcery"},
            {
                "name": "Gamma",
                "rarity": "rare",
                "mana_cost": "{B}",
                "type": "Creature — Bat",
                "power": 1,
                "toughness": 1,
            },
        ],
    }


def with_change(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``doc`` with the dotted ``path`` set to ``value`` (``DELETE`` removes it)."""
    out = copy.deepcopy(doc)
    *parents, last = path.split(".")
    node: Any = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is DELETE:
        del node[int(last) if isinstance(node, list) else last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


DELETE = object()

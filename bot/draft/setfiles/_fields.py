"""Typed reads from decoded JSON/YAML with errors that name the file and the dotted key.

Set files come from people and from the internet; every field is checked for type where it is
read, so a bad value is reported at its key instead of surfacing later as an AttributeError.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from bot.draft.cards import COLOURS, RARITIES, CardId, Colour, Rarity
from bot.draft.set_errors import SetFileError

T = TypeVar("T")

_TYPE_WORDS: dict[type, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    dict: "a mapping",
    list: "a list",
}


class Fields:
    """Reads values out of one decoded file, raising :class:`SetFileError` for bad ones."""

    def __init__(self, source: Path) -> None:
        self.source = source

    def fail(self, where: str, reason: str) -> SetFileError:
        return SetFileError(self.source, where, reason)

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"expected a mapping, found {_kind(value)}")
        return value

    def sequence(self, value: Any, where: str) -> Sequence[Any]:
        if not isinstance(value, list | tuple):
            raise self.fail(where, f"expected a list, found {_kind(value)}")
        return value

    def get(self, data: Mapping[str, Any], key: str, kind: type[T], where: str) -> T:
        """A required key of the given type."""
        dotted = f"{where}.{key}" if where else key
        if key not in data:
            raise self.fail(dotted, "missing")
        return self._check(data[key], kind, dotted)

    def opt(self, data: Mapping[str, Any], key: str, kind: type[T], where: str, default: T) -> T:
        """An optional key of the given type; ``None`` counts as absent."""
        value = data.get(key)
        if value is None:
            return default
        return self._check(value, kind, f"{where}.{key}" if where else key)

    def text(self, data: Mapping[str, Any], key: str, where: str) -> str | None:
        """An optional string, numbers accepted (YAML reads ``power: 2`` as an int)."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(f"{where}.{key}", f"expected text, found {_kind(value)}")
        return str(value)

    def colours(self, data: Mapping[str, Any], key: str, where: str) -> tuple[Colour, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = list(value)
        items = self.sequence(value, f"{where}.{key}")
        bad = [c for c in items if c not in COLOURS]
        if bad:
            raise self.fail(f"{where}.{key}", f"unknown colour {bad[0]!r}; use W, U, B, R, G")
        return order_colours(items)

    def rarity(self, data: Mapping[str, Any], where: str) -> Rarity:
        value = self.get(data, "rarity", str, where)
        lowered = "special" if value.lower() == "bonus" else value.lower()
        for rarity in RARITIES:
            if rarity == lowered:
                return rarity
        raise self.fail(f"{where}.rarity", f"unknown rarity {value!r}")

    def _check(self, value: Any, kind: type[T], where: str) -> T:
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)  # type: ignore[return-value]
        if isinstance(value, bool) and kind is not bool:
            raise self.fail(
                where, f"expected {_TYPE_WORDS.get(kind, kind.__name__)}, found {value}"
            )
        if not isinstance(value, kind):
            wanted = _TYPE_WORDS.get(kind, kind.__name__)
            raise self.fail(where, f"expected {wanted}, found {_kind(value)}")
        return value


def order_colours(colours: Sequence[str]) -> tuple[Colour, ...]:
    """Colours in WUBRG order without repeats, the order MTGJSON and Arena use."""
    present = set(colours)
    return tuple(c for c in COLOURS if c in present)


def colours_of_cost(mana_cost: str) -> tuple[Colour, ...]:
    """The colours named by a mana cost such as ``{2}{W/U}{B}``."""
    return order_colours([ch for sym in re.findall(r"\{([^}]*)\}", mana_cost) for ch in sym])


def mana_value_of_cost(mana_cost: str) -> float:
    """The mana value of a cost: numbers count their value, X counts 0, anything else 1."""
    total = 0.0
    for symbol in re.findall(r"\{([^}]*)\}", mana_cost):
        if symbol.isdigit():
            total += int(symbol)
        elif symbol in {"X", "Y", "Z"}:
            continue
        elif symbol.startswith("2/"):
            total += 2
        else:
            total += 1
    return total


def canonical_name(name: str) -> str:
    """A list name as MTGJSON spells it: a single ``/`` between halves becomes `` // ``."""
    if "/" not in name and "  " not in name and name == name.strip():
        return name
    name = " ".join(name.split())
    if "//" in name:
        return " // ".join(part.strip() for part in name.split("//"))
    if "/" in name:
        return " // ".join(part.strip() for part in name.split("/"))
    return name


def name_key(name: str) -> str:
    """A lookup key for names: case, accents and spacing folded ("Lórien" finds "Lorien")."""
    folded = canonical_name(name).casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug(name: str) -> CardId:
    """A stable, readable id for a card of a cube or custom set: ``fire-ice`` for "Fire // Ice"."""
    text = "-".join(re.findall(r"[a-z0-9]+", name_key(name)))
    return CardId(text or "card")


def set_code_from(raw: str, source: Path, *, declared: bool) -> str:
    """A set code, upper case, from a declared code or from a file name.

    A declared code must be 1–24 letters and digits as written: codes name folders such as
    ``sets/<CODE>/images``, so ``../x`` is refused, not repaired. A file name is reduced to its
    letters and digits, since nobody chose it as a code.
    """
    if declared:
        code = raw.strip().upper()
        if not re.fullmatch(r"[A-Z0-9]{1,24}", code):
            raise SetFileError(source, "code", f"must be 1–24 letters and digits, not {raw!r}")
        return code
    code = re.sub(r"[^A-Za-z0-9]", "", raw).upper()[:24]
    if not code:
        raise SetFileError(source, "code", f"cannot make a set code from the file name {raw!r}")
    return code


def unique_id(card_id: CardId, taken: Mapping[CardId, object]) -> CardId:
    """``card_id``, or ``card_id-2``, ``-3``... when two names fold to the same slug."""
    candidate, n = card_id, 2
    while candidate in taken:
        candidate, n = CardId(f"{card_id}-{n}"), n + 1
    return candidate


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    for kind, word in _TYPE_WORDS.items():
        if type(value) is kind:
            return word
    return type(value).__name__

"""Card ratings from 17Lands and Draftmancer, brought to one 0..1 scale.

17Lands gives a games-in-hand win rate (percent) per card, overall ("All Decks") and per deck
colour pair; 0.0 there means "no data", so such values are left out rather than read as a 0% win
rate. Win rates are mapped linearly so that the set's worst overall card is 0 and its best is 1;
the colour-pair figures use the same mapping (clamped), so a pair rating and an overall rating can
be compared. Draftmancer gives a 0–5 score per name; it is divided by 5. Both are keyed by the full
card name ("Front // Back"), which is how :class:`~bot.draft.cards.Ratings` is keyed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations
from pathlib import Path
from typing import Any

from bot.draft.cards import COLOURS, Ratings
from bot.draft.setfiles._fields import Fields

SEVENTEEN_LANDS = "17lands"
DRAFTMANCER = "draftmancer"
COLOUR_PAIRS: frozenset[str] = frozenset("".join(pair) for pair in combinations(COLOURS, 2))
_ALL_DECKS = "All Decks"
_DRAFTMANCER_MAX = 5.0


def parse_17lands(doc: Any, source: Path) -> Ratings:
    """Ratings from a 17Lands card-ratings file (``card_ratings`` → ``deck_colors`` → gihwr)."""
    f = Fields(source)
    records = f.get(f.mapping(doc, ""), "card_ratings", dict, "")
    raw: dict[str, dict[str, float]] = {}
    for key, value in records.items():
        where = f"card_ratings.{key}"
        record = f.mapping(value, where)
        name = f.get(record, "name", str, where)
        decks = f.mapping(record.get("deck_colors") or {}, f"{where}.deck_colors")
        rates: dict[str, float] = {}
        for colours, stats in decks.items():
            if colours != _ALL_DECKS and colours not in COLOUR_PAIRS:
                continue
            at = f"{where}.deck_colors.{colours}"
            gihwr = f.opt(f.mapping(stats, at), "gihwr", float, at, 0.0)
            if gihwr > 0.0:
                rates[colours] = gihwr
        if rates:
            raw[name] = rates
    overall = [rates[_ALL_DECKS] for rates in raw.values() if _ALL_DECKS in rates]
    if not overall:
        raise f.fail("card_ratings", "no card has an 'All Decks' win rate")
    low, high = min(overall), max(overall)
    span = (high - low) or 1.0

    def scale(value: float) -> float:
        return min(1.0, max(0.0, (value - low) / span))

    by_colours: dict[str, dict[str, float]] = {}
    for name, rates in raw.items():
        for colours, value in rates.items():
            if colours != _ALL_DECKS:
                by_colours.setdefault(colours, {})[name] = scale(value)
    return Ratings(
        source=SEVENTEEN_LANDS,
        overall={n: scale(r[_ALL_DECKS]) for n, r in raw.items() if _ALL_DECKS in r},
        by_colours=by_colours,
    )


def parse_draftmancer(doc: Any, source: Path) -> Ratings:
    """Ratings from a Draftmancer ratings file: ``{"Card Name": 0..5, ...}``."""
    f = Fields(source)
    data = f.mapping(doc, "")
    overall: dict[str, float] = {}
    for name, value in data.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise f.fail(str(name), f"rating must be a number, not {value!r}")
        if not 0 <= value <= _DRAFTMANCER_MAX:
            raise f.fail(str(name), f"rating must be from 0 to 5, not {value}")
        overall[str(name)] = float(value) / _DRAFTMANCER_MAX
    return Ratings(source=DRAFTMANCER, overall=overall)


def for_names(ratings: Ratings, names: Iterable[str]) -> Ratings:
    """Ratings keyed by the given full names, a multi-face card found by its front name too.

    Rating sources name double-faced cards either way ("Front // Back" or "Front"); the set's own
    spelling is what auto-pick looks up, so the keys are rewritten to it and other names dropped.
    """
    wanted = list(names)

    def pick(table: Mapping[str, float]) -> dict[str, float]:
        found: dict[str, float] = {}
        for name in wanted:
            value = table.get(name)
            if value is None:
                value = table.get(name.split(" // ")[0])
            if value is not None:
                found[name] = value
        return found

    return Ratings(
        source=ratings.source,
        overall=pick(ratings.overall),
        by_colours={pair: pick(table) for pair, table in ratings.by_colours.items()},
    )

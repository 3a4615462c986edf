"""Opening packs: booster sheets when the set has them, a rarity default otherwise, cubes dealt.

Everything random comes from the ``rng`` argument, drawn in a fixed order, so the same seed opens
the same packs; :func:`open_packs` is what ``replay`` relies on.

* **Sheets.** A booster variant is chosen with probability weight/total; its sheets are drawn in
  the variant's order, each giving ``count`` cards, each drawn with probability weight/total among
  the sheet's cards not already in the pack (repeated draws are rejected, which is the same
  distribution as removing the drawn card). Sheets may share cards (NEO's land and common sheets
  share the dual lands; a foil sheet shares everything), and a pack never holds a card twice unless
  a sheet has nothing else left. A ``balanceColors`` sheet first gives one card of each colour,
  drawn by weight among that colour's cards, when the sheet has that colour and enough slots.
* **Rarity default** (sets without booster data): one rare or mythic (a mythic 1 time in 8 when the
  set has mythics), three uncommons, commons to fill, and one basic land when the set has basics.
* **Cubes** are shuffled once and dealt without replacement across the whole pod.

A pack lists its cards rarest first (mythic, rare, uncommon, common, basic land), as a pack is
shown to a drafter; cards of one rarity keep the order they were drawn in.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.draft.cards import COLOURS, BoosterSpec, Card, CardId, CardSet, Sheet
from bot.draft.set_errors import CollationError, CubeTooSmall

Pack = tuple[Card, ...]
MYTHIC_CHANCE = 1 / 8
FALLBACK_UNCOMMONS = 3
_REJECTIONS_BEFORE_EXACT = 32
_ORDER = {"mythic": 0, "rare": 1, "special": 2, "uncommon": 3, "common": 4}


def open_packs(
    card_set: CardSet, seats: int, packs_per_seat: int, rng: random.Random
) -> list[list[Pack]]:
    """Open ``packs_per_seat`` packs for each of ``seats`` seats, indexed ``[round][seat]``."""
    if seats < 1 or packs_per_seat < 1:
        raise CollationError(f"need at least one seat and one pack, not {seats} x {packs_per_seat}")
    if card_set.kind == "cube" or card_set.cube_list:
        return _deal_cube(card_set, seats, packs_per_seat, rng)
    opener = _SheetOpener(card_set) if card_set.booster else _RarityOpener(card_set)
    return [[opener.open(rng) for _ in range(seats)] for _ in range(packs_per_seat)]


def _by_rarity(cards: Sequence[Card]) -> Pack:
    return tuple(sorted(cards, key=lambda c: (c.is_basic_land, _ORDER.get(c.rarity, 5))))


@dataclass(frozen=True, slots=True)
class _Table:
    """A weighted table prepared once per call: cumulative weights for bisecting."""

    ids: tuple[CardId, ...]
    cumulative: tuple[int, ...]

    @classmethod
    def of(cls, weighted: Sequence[tuple[CardId, int]]) -> _Table:
        return cls(
            tuple(i for i, _ in weighted), tuple(itertools.accumulate(w for _, w in weighted))
        )

    def draw(self, rng: random.Random, taken: set[CardId]) -> CardId:
        """One id by weight, never one in ``taken`` unless the table has nothing else."""
        if taken and taken.issuperset(self.ids):
            taken = set()
        total = self.cumulative[-1]
        for _ in range(_REJECTIONS_BEFORE_EXACT):
            card_id = self.ids[bisect_right(self.cumulative, rng.random() * total)]
            if card_id not in taken:
                return card_id
        return self._draw_exact(rng, taken)

    def _draw_exact(self, rng: random.Random, taken: set[CardId]) -> CardId:
        weights = [0] * len(self.ids)
        previous = 0
        for i, (card_id, cumulative) in enumerate(zip(self.ids, self.cumulative, strict=True)):
            weights[i] = 0 if card_id in taken else cumulative - previous
            previous = cumulative
        return rng.choices(self.ids, weights=weights)[0]


class _SheetOpener:
    def __init__(self, card_set: CardSet) -> None:
        booster = card_set.booster
        assert booster is not None
        self.booster: BoosterSpec = booster
        self.cards = card_set.cards
        self.variants = _Table.of(
            [(CardId(str(i)), v.weight) for i, v in enumerate(booster.variants)]
        )
        self.tables = {name: _Table.of(sheet.cards) for name, sheet in booster.sheets.items()}
        self.colour_tables = {
            name: self._colour_tables(sheet)
            for name, sheet in booster.sheets.items()
            if sheet.balance_colours
        }

    def _colour_tables(self, sheet: Sheet) -> dict[str, _Table]:
        tables: dict[str, _Table] = {}
        for colour in COLOURS:
            weighted = [(i, w) for i, w in sheet.cards if colour in self.cards[i].colours]
            if weighted:
                tables[colour] = _Table.of(weighted)
        return tables

    def open(self, rng: random.Random) -> Pack:
        variant = self.booster.variants[int(self.variants.draw(rng, set()))]
        pack: list[Card] = []
        taken: set[CardId] = set()
        for sheet_name, count in variant.contents:
            drawn: list[CardId] = []
            colours = self.colour_tables.get(sheet_name, {})
            if colours and count >= len(COLOURS):
                for table in colours.values():
                    if not taken.issuperset(table.ids):
                        drawn.append(table.draw(rng, taken))
                        taken.add(drawn[-1])
            table = self.tables[sheet_name]
            while len(drawn) < count:
                drawn.append(table.draw(rng, taken))
                taken.add(drawn[-1])
            if colours and count >= len(COLOURS):
                rng.shuffle(drawn)
            pack.extend(self.cards[i] for i in drawn)
        return _by_rarity(pack)


class _RarityOpener:
    def __init__(self, card_set: CardSet) -> None:
        pools: dict[str, list[CardId]] = {"mythic": [], "rare": [], "uncommon": [], "common": []}
        basics: list[CardId] = []
        for card in card_set.cards.values():
            if card.is_basic_land:
                basics.append(card.id)
            elif card.rarity in pools:
                pools[card.rarity].append(card.id)
        self.cards = card_set.cards
        self.pools = {
            rarity: _Table.of([(i, 1) for i in ids]) for rarity, ids in pools.items() if ids
        }
        self.basics = _Table.of([(i, 1) for i in basics]) if basics else None
        self.size = card_set.pack_size
        if "common" not in self.pools:
            raise CollationError(f"set {card_set.code} has no commons to fill a pack")

    def _slot(self, rng: random.Random, rarities: Sequence[str], taken: set[CardId]) -> CardId:
        for rarity in rarities:
            table = self.pools.get(rarity)
            if table is not None and not taken.issuperset(table.ids):
                return table.draw(rng, taken)
        # Every pool asked for is exhausted: a small set repeats a common rather than short a pack.
        return self.pools["common"].draw(rng, set())

    def open(self, rng: random.Random) -> Pack:
        taken: set[CardId] = set()
        drawn: list[CardId] = []

        def add(card_id: CardId) -> None:
            drawn.append(card_id)
            taken.add(card_id)

        mythic = "mythic" in self.pools and (
            "rare" not in self.pools or rng.random() < MYTHIC_CHANCE
        )
        add(
            self._slot(rng, ("mythic", "rare") if mythic else ("rare", "mythic", "uncommon"), taken)
        )
        for _ in range(FALLBACK_UNCOMMONS):
            add(self._slot(rng, ("uncommon", "common"), taken))
        land = 1 if self.basics is not None else 0
        while len(drawn) < self.size - land:
            add(self._slot(rng, ("common",), taken))
        if self.basics is not None:
            add(self.basics.draw(rng, set()))
        return _by_rarity([self.cards[i] for i in drawn])


def _deal_cube(
    card_set: CardSet, seats: int, packs_per_seat: int, rng: random.Random
) -> list[list[Pack]]:
    pool: list[CardId] = list(card_set.cube_list or card_set.cards)
    size = card_set.pack_size
    needed = seats * packs_per_seat * size
    if needed > len(pool):
        raise CubeTooSmall(card_set.code, needed, len(pool))
    rng.shuffle(pool)
    cards: Mapping[CardId, Card] = card_set.cards
    packs: list[list[Pack]] = []
    for round_no in range(packs_per_seat):
        row = []
        for seat in range(seats):
            start = (round_no * seats + seat) * size
            row.append(tuple(cards[i] for i in pool[start : start + size]))
        packs.append(row)
    return packs

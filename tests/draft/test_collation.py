"""Collation: packs follow the sheet weights, the rarity default and cube dealing, reproducibly.

The statistical tests open 10,000 packs with a fixed seed and compare each observed count with
its expectation. A count of independent packs is binomial, so the tolerance is stated in standard
deviations of that binomial, sqrt(n * p * (1 - p)): 4.5 of them. For a correct collator the chance
of any one of the ~200 checked counts straying that far is under 0.2%, yet a sheet weight read
wrongly by 10% moves the big counts by far more than that. The seed is fixed, so the run is exact.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from bot.draft.cards import COLOURS, CardId, CardSet
from bot.draft.collation import MYTHIC_CHANCE, open_packs
from bot.draft.set_errors import CollationError, CubeTooSmall
from bot.draft.setfiles import CardIndex, build_cube, parse_cube_text, parse_mtgjson

SETS = Path(__file__).resolve().parent.parent.parent / "sets"
PACKS = 10_000
SIGMAS = 4.5


@cache
def retail(code: str, kind: str) -> CardSet:
    path = SETS / f"{code}.json"
    return parse_mtgjson(json.loads(path.read_text(encoding="utf-8")), path, kind=kind)


@cache
def opened(code: str, kind: str, seed: int = 20260101) -> list[tuple[CardId, ...]]:
    rows = open_packs(retail(code, kind), seats=PACKS, packs_per_seat=1, rng=random.Random(seed))
    return [tuple(card.id for card in pack) for pack in rows[0]]


def assert_binomial(observed: int, n: int, p: float, what: str) -> None:
    sigma = math.sqrt(n * p * (1 - p))
    assert abs(observed - n * p) <= SIGMAS * sigma + 1e-9, (
        f"{what}: observed {observed}, expected {n * p:.1f} ± {SIGMAS * sigma:.1f}"
    )


def sheet(card_set: CardSet, name: str) -> dict[CardId, int]:
    assert card_set.booster is not None
    return dict(card_set.booster.sheets[name].cards)


def test_neo_rare_sheet_frequencies_match_weights() -> None:
    """Each rare and mythic of NEO turns up weight/136 of the time; mythics overall likewise."""
    rares = sheet(retail("NEO", "arena"), "rareMythic")
    total = sum(rares.values())
    seen = Counter(cid for pack in opened("NEO", "arena") for cid in pack if cid in rares)
    for cid, weight in rares.items():
        assert_binomial(seen[cid], PACKS, weight / total, f"rareMythic {cid}")
    cards = retail("NEO", "arena").cards
    mythic_weight = sum(w for cid, w in rares.items() if cards[cid].rarity == "mythic")
    mythics = sum(n for cid, n in seen.items() if cards[cid].rarity == "mythic")
    assert_binomial(mythics, PACKS, mythic_weight / total, "mythic share")
    assert sum(seen.values()) == PACKS


@pytest.mark.parametrize(
    ("sheet_name", "count"),
    [
        pytest.param("dfcCommonUncommon", 1, id="dfc-weighted-9-and-28"),
        pytest.param("sfcUncommon", 3, id="uncommons-three-without-replacement"),
    ],
)
def test_neo_sheet_inclusion_frequencies(sheet_name: str, count: int) -> None:
    """Cards of a sheet appear with probability count * weight / total (exact for these sheets)."""
    weights = sheet(retail("NEO", "arena"), sheet_name)
    total = sum(weights.values())
    seen = Counter(cid for pack in opened("NEO", "arena") for cid in pack if cid in weights)
    assert sum(seen.values()) == count * PACKS
    for cid, weight in weights.items():
        assert_binomial(seen[cid], PACKS, count * weight / total, f"{sheet_name} {cid}")


def test_neo_basic_lands_follow_the_land_sheet() -> None:
    """Each basic land printing of the NEO land sheet shows up 1/30 of the time."""
    neo = retail("NEO", "arena")
    land = sheet(neo, "land")
    basics = [cid for cid in land if neo.cards[cid].is_basic_land]
    assert len(basics) >= 10
    seen = Counter(cid for pack in opened("NEO", "arena") for cid in pack if cid in basics)
    for cid in basics:
        assert_binomial(seen[cid], PACKS, land[cid] / sum(land.values()), f"land {cid}")


def test_neo_commons_are_colour_balanced_and_never_repeat() -> None:
    """Every NEO pack holds a common of each colour and no sheet gives a card twice."""
    neo = retail("NEO", "arena")
    commons = sheet(neo, "sfcCommon")
    for pack in opened("NEO", "arena"):
        assert len(pack) == 15 and len(set(pack)) == len(pack)
        colours = {c for cid in pack if cid in commons for c in neo.cards[cid].colours}
        assert colours >= set(COLOURS)


def test_neo_rarity_counts_per_pack() -> None:
    """A NEO pack: one rare or mythic, 3 or 4 uncommons (the DFC slot), the rest common."""
    neo = retail("NEO", "arena")
    dfc = sheet(neo, "dfcCommonUncommon")
    uncommon_dfc = sum(w for cid, w in dfc.items() if neo.cards[cid].rarity == "uncommon")
    fourth_uncommon = 0
    for pack in opened("NEO", "arena"):
        rarities = Counter(neo.cards[cid].rarity for cid in pack)
        assert rarities["rare"] + rarities["mythic"] == 1
        assert rarities["uncommon"] in (3, 4)
        fourth_uncommon += rarities["uncommon"] == 4
    assert_binomial(fourth_uncommon, PACKS, uncommon_dfc / sum(dfc.values()), "uncommon DFC")


def test_vow_booster_variants_follow_their_weights() -> None:
    """VOW arena packs carry a DFC rare in 1 of 6 packs (variant weights 5:1), never two."""
    vow = retail("VOW", "arena")
    dfc_rares = sheet(vow, "dfcRareMythic")
    with_dfc_rare = 0
    for pack in opened("VOW", "arena"):
        found = sum(cid in dfc_rares for cid in pack)
        assert found <= 1 and len(pack) == 14
        with_dfc_rare += found
    assert_binomial(with_dfc_rare, PACKS, 1 / 6, "dfcRareMythic variant")


def test_neo_default_foil_variant_takes_a_common_slot() -> None:
    """In 1 of 3 NEO default packs a foil replaces a common; seen as 8 sheet commons, not 9."""
    neo = retail("NEO", "default")
    commons, foil = sheet(neo, "sfcCommon"), sheet(neo, "foil")
    foil_common_share = sum(w for cid, w in foil.items() if cid in commons) / sum(foil.values())
    eight = 0
    for pack in opened("NEO", "default"):
        in_sheet = sum(cid in commons for cid in pack)
        assert in_sheet in (8, 9) and len(pack) == 15
        eight += in_sheet == 8
    assert_binomial(eight, PACKS, (1 / 3) * (1 - foil_common_share), "foil variant")


def test_rarity_default_for_a_set_without_booster_data() -> None:
    """Without sheets: 1 rare-or-mythic (mythic 1 in 8), 3 uncommons, 10 commons, 1 basic."""
    neo = dataclasses.replace(retail("NEO", "arena"), booster=None)
    rows = open_packs(neo, seats=PACKS, packs_per_seat=1, rng=random.Random(7))[0]
    mythics = 0
    for pack in rows:
        assert len(pack) == 15 and len({c.id for c in pack}) == 15
        basics = [c for c in pack if c.is_basic_land]
        rarities = Counter(c.rarity for c in pack if not c.is_basic_land)
        assert len(basics) == 1 and rarities["uncommon"] == 3 and rarities["common"] == 10
        assert rarities["rare"] + rarities["mythic"] == 1
        mythics += rarities["mythic"]
    assert_binomial(mythics, PACKS, MYTHIC_CHANCE, "mythic 1 in 8")


def test_packs_are_indexed_by_round_then_seat_and_sorted_rarest_first() -> None:
    """open_packs returns [round][seat]; each pack lists its rare first and its basic last."""
    packs = open_packs(retail("NEO", "arena"), seats=8, packs_per_seat=3, rng=random.Random(1))
    assert [len(row) for row in packs] == [8, 8, 8]
    for pack in (p for row in packs for p in row):
        assert pack[0].rarity in ("rare", "mythic")


def test_same_seed_same_packs_other_seed_other_packs() -> None:
    """Collation is a function of the rng: equal seeds give equal pods, and seeds matter."""
    neo = retail("NEO", "default")
    first = open_packs(neo, 8, 3, random.Random(42))
    assert open_packs(neo, 8, 3, random.Random(42)) == first
    assert open_packs(neo, 8, 3, random.Random(43)) != first


def _cube(text: str) -> CardSet:
    index = CardIndex()
    index.add_all(retail("NEO", "arena").cards.values())
    return build_cube(parse_cube_text(text, Path("c.txt")), Path("c.txt"), [index])


def test_cube_is_dealt_without_replacement_across_the_pod() -> None:
    """No cube copy is dealt twice in a pod; a card with 2 copies appears at most twice."""
    names = sorted({c.name for c in retail("NEO", "arena").cards.values()})[:130]
    cube = _cube("# pack_size: 15\n" + "2 " + names[0] + "\n" + "\n".join(names[1:]) + "\n")
    assert len(cube.cube_list) == 131
    for seed in range(20):
        packs = open_packs(cube, seats=4, packs_per_seat=2, rng=random.Random(seed))
        dealt = Counter(card.id for row in packs for pack in row for card in pack)
        assert sum(dealt.values()) == 4 * 2 * 15
        assert all(n <= cube.cube_list.count(cid) for cid, n in dealt.items())


def test_cube_dealing_is_deterministic() -> None:
    """The same seed deals the same cube packs."""
    names = sorted({c.name for c in retail("NEO", "arena").cards.values()})[:60]
    cube = _cube("\n".join(names))
    assert open_packs(cube, 2, 2, random.Random(5)) == open_packs(cube, 2, 2, random.Random(5))


def test_cube_too_small_is_a_clear_error() -> None:
    """Asking a 60-card cube for 8 x 3 x 15 cards fails with the numbers in the error."""
    names = sorted({c.name for c in retail("NEO", "arena").cards.values()})[:60]
    with pytest.raises(CubeTooSmall) as caught:
        open_packs(_cube("\n".join(names)), seats=8, packs_per_seat=3, rng=random.Random(0))
    assert (caught.value.needed, caught.value.available) == (360, 60)
    assert "360" in str(caught.value)


@pytest.mark.parametrize(("seats", "packs"), [(0, 3), (8, 0)], ids=["no-seats", "no-packs"])
def test_empty_pod_is_refused(seats: int, packs: int) -> None:
    """A pod without seats or packs is a CollationError, not an empty list."""
    with pytest.raises(CollationError):
        open_packs(retail("NEO", "arena"), seats, packs, random.Random(0))

"""Every file shipped in sets/ loads, opens a full pod, and is accounted for in NOTICE.md."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.draft.collation import open_packs
from bot.sets import Catalog, load_catalog
from draftpod.config import load_config

ROOT = Path(__file__).resolve().parent.parent.parent
SETS = ROOT / "sets"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    limit = load_config(root=ROOT).sets.max_file_mb * 1024 * 1024
    return load_catalog(SETS, max_file_bytes=limit)


def test_every_shipped_set_file_loads(catalog: Catalog) -> None:
    """All shipped set files load under the configured size limit; all failures listed at once."""
    assert [str(error) for error in catalog.errors] == []
    assert {"NEO", "VOW", "AHC1", "DPS"} <= set(catalog.sets)


def test_every_shipped_set_opens_a_full_pod(catalog: Catalog) -> None:
    """Each shipped set opens 8 x 3 packs of its pack size; every failure is listed."""
    failures = []
    for code, card_set in sorted(catalog.sets.items()):
        packs = open_packs(card_set, seats=8, packs_per_seat=3, rng=random.Random(code))
        sizes = {len(pack) for row in packs for pack in row}
        if sizes != {card_set.pack_size}:
            failures.append(f"{code}: pack sizes {sorted(sizes)}, expected {card_set.pack_size}")
        blank = [c.id for c in card_set.cards.values() if not (c.name and c.type_line)]
        if blank:
            failures.append(f"{code}: cards without name or type line: {blank[:5]}")
        faceless = [c.name for c in card_set.cards.values() if " // " in c.name and not c.faces]
        if faceless:
            failures.append(f"{code}: multi-face cards without faces: {faceless[:5]}")
    assert failures == []


@pytest.mark.parametrize(
    ("code", "source", "at_least"),
    [("NEO", "draftmancer", 270), ("VOW", "17lands", 260), ("AHC1", "draftmancer", 450)],
)
def test_shipped_ratings_cover_their_sets(
    catalog: Catalog, code: str, source: str, at_least: int
) -> None:
    """Shipped ratings attach to their set, from the expected source, for most of its cards."""
    ratings = catalog.get(code).ratings
    assert ratings.source == source and len(ratings.overall) >= at_least
    assert all(0.0 <= value <= 1.0 for value in ratings.overall.values())


def test_notice_lists_every_shipped_data_file() -> None:
    """NOTICE.md names every file in sets/, so no data ships without its source and licence."""
    notice = (ROOT / "NOTICE.md").read_text(encoding="utf-8")
    missing = [p.name for p in sorted(SETS.iterdir()) if p.is_file() and p.name not in notice]
    assert missing == []

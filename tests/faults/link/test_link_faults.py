"""Whole timed drafts with the ZMQ link between bot and scheduler dropping, duplicating,
delaying and reordering frames in both directions (:mod:`.linkproxy`)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from .linkproxy import Faults
from .support import proxied_table, timed_pods

log = logging.getLogger(__name__)

RATES = [0.05, 0.10, 0.20]


@pytest.mark.slow
@pytest.mark.parametrize("rate", RATES, ids=[f"{int(r * 100)}pct" for r in RATES])
async def test_timed_drafts_survive_a_faulty_link(tmp_path: Path, rate: float) -> None:
    """Every pod finishes with each pick stored once, and each pick timer fires at most once
    (exactly once where the pick was the timer's); nothing the proxy does changes that."""
    seed = int(rate * 1000)
    async with proxied_table(tmp_path, Faults.all_at(rate), seed=seed) as (t, proxy):
        figures = await timed_pods(t, pods=2, packs=2, pick_seconds=1, seed=seed)
        figures.proxy = {f"{d} {what}": n for (d, what), n in sorted(proxy.counts.items())}
    log.warning("link faults at %s: %s; proxy %s", rate, figures.row(), figures.proxy)
    print(f"\nlink faults at {rate:.0%}: {figures.row()}\n  proxy: {figures.proxy}")
    assert figures.completed == figures.pods
    assert figures.picks_lost == 0 and figures.picks_doubled == 0
    assert figures.picks_stored == figures.picks_expected
    assert max(figures.fires.values()) == 1, figures.fires
    assert max(figures.executions.values()) == 1, figures.executions
    # Each timed-out pick is the work of its timer's one firing.
    assert figures.timeout_picks <= len(figures.fires)
    assert figures.proxy["to_scheduler dropped"] > 0 and figures.proxy["to_handler dropped"] > 0

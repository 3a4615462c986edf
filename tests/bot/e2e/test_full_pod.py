"""Whole drafts through the real bot, the real scheduler process and the local Discord."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.draft.mtgo_log import parse_mtgo_log

from .harness import Drafter, table


async def test_two_players_and_six_bots_draft_a_whole_pod(tmp_path: Path) -> None:
    """Two players draft 3 packs with six bot drafters; both get pools and MTGO logs."""
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        pod_id, lobby = await t.create_pod(alice, bots=6, pick_seconds=0)
        await t.join(bob, lobby, pod_id)
        await t.start(alice, lobby, pod_id)
        drafters = [Drafter(t, alice, seed=1), Drafter(t, bob, seed=2)]
        await asyncio.wait_for(asyncio.gather(*(d.draft() for d in drafters)), 120)
        assert [d.picks for d in drafters] == [45, 45]
        logs = sorted(t.logs_dir.glob("*.txt"))
        assert len(logs) == 8
        for name in ("Player_1", "Player_2"):
            text = next(p for p in logs if p.name.startswith(name)).read_text()
            assert len(parse_mtgo_log(text).picks) == 45

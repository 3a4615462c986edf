"""Matchmaking: queued players fill one pod; its fill timer starts it with bot drafters."""

from __future__ import annotations

import asyncio
from pathlib import Path

from .harness import Drafter, components_of, table


async def test_queued_players_share_a_pod_that_starts_with_bots_when_its_timer_fires(
    tmp_path: Path,
) -> None:
    """Two players queue for NEO: one pod, started by its fill timer, the rest bot drafters."""
    async with table(tmp_path, queue_fill_seconds=1, packs_per_player=1) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        first = await t.driver.invoke(alice, "draft queue", {"set": "NEO"}, channel=t.channel)
        lobby = await first.message()
        second = await t.driver.invoke(bob, "draft queue", {"set": "NEO"}, channel=t.channel)
        note = await second.message()
        assert note.ephemeral and "queued in pod" in note.content
        leave_ids = [c["custom_id"] for c in components_of(note)]
        pod_id = int(leave_ids[0].rsplit(":", 1)[1])
        assert f"lobby:join:{pod_id}" in [c.get("custom_id") for c in components_of(lobby)]
        drafters = [Drafter(t, alice, seed=3), Drafter(t, bob, seed=4)]
        await asyncio.wait_for(asyncio.gather(*(d.draft() for d in drafters)), 60)
        assert [d.picks for d in drafters] == [15, 15]
        assert t.bot is not None
        seats = await t.bot.store.pods.seats(pod_id)
        assert len(seats) == 8 and sum(1 for s in seats if s.is_bot) == 6


async def test_leaving_the_queue_is_one_click(tmp_path: Path) -> None:
    """The queue note's button takes the player out of the pod they were placed in."""
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        await (
            await t.driver.invoke(alice, "draft queue", {"set": "NEO"}, channel=t.channel)
        ).message()
        note = await (
            await t.driver.invoke(bob, "draft queue", {"set": "NEO"}, channel=t.channel)
        ).message()
        button = components_of(note)[0]["custom_id"]
        await (await t.driver.click(bob, note, button)).acknowledged()
        pod_id = int(button.rsplit(":", 1)[1])
        assert t.bot is not None
        seats = await t.bot.store.pods.seats(pod_id)
        assert [s.user_id for s in seats] == [alice.id]
        assert await t.bot.store.queue.get(bob.id) is None

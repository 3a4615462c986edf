"""A lobby nobody starts expires; eight players draft a full table; a typed number picks."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.scheduler.scheduler_support import wait_until

from .harness import Drafter, description, pick_menu, table


async def test_a_lobby_nobody_starts_expires_and_says_so(tmp_path: Path) -> None:
    """The scheduler's lobby_expired ends the pod; the lobby shows it and its buttons go."""
    async with table(tmp_path, lobby_ttl_seconds=1) as t:
        bot = await t.start_bot()
        (alice,) = await t.add_players(1)
        pod_id, lobby = await t.create_pod(alice, packs=1)
        await t.driver.wait_for(
            lambda: "Expired" in description(lobby) or None, "the lobby to expire", 15
        )
        assert lobby.components == []

        async def expired() -> bool:
            return (await bot.store.pods.get(pod_id)).status == "expired"

        await wait_until(expired, what="the store to say the pod expired")
        assert await bot.store.pods.running_pod_of(alice.id) is None


async def test_eight_players_draft_a_full_table(tmp_path: Path) -> None:
    """Eight people, no bot drafters: every seat picks every card of its pack once."""
    async with table(tmp_path) as t:
        await t.start_bot()
        players = await t.add_players(8)
        pod_id, lobby = await t.create_pod(players[0], packs=1, pick_seconds=0)
        for user in players[1:]:
            await t.join(user, lobby, pod_id)
        await t.start(players[0], lobby, pod_id)
        drafters = [Drafter(t, user, seed=n) for n, user in enumerate(players)]
        await asyncio.wait_for(asyncio.gather(*(d.draft() for d in drafters)), 120)
        picks = await t.picks(pod_id)
        assert len(picks) == 8 * 15
        assert len({(p.seat_no, p.pick_no) for p in picks}) == 8 * 15
        assert all(p.source == "player" for p in picks)


async def test_typing_a_number_in_the_dm_picks_that_card(tmp_path: Path) -> None:
    """ "3" in the DM takes card 3 of the pack in front of the player, as the menu would."""
    async with table(tmp_path) as t:
        bot = await t.start_bot()
        (alice,) = await t.add_players(1)
        pod_id, lobby = await t.create_pod(alice, bots=1, seats=2, packs=1, pick_seconds=0)
        await t.start(alice, lobby, pod_id)
        message, menu = await t.driver.wait_for(
            lambda: Drafter(t, alice).current_pack(), "alice's first pack", 10
        )
        third = menu["options"][2]["label"].split(". ", 1)[1]
        await t.driver.send_dm(alice, "3")
        await t.driver.wait_for(
            lambda: "You took" in description(message) or None, "the pack message to change", 10
        )
        assert third in description(message)
        seat = await t.seat_of(pod_id, alice)
        first = next(p for p in await bot.store.picks.for_pod(pod_id) if p.seat_no == seat)
        assert (first.pick_no, first.card_index, first.card_name) == (1, 2, third)
        assert pick_menu(message) is None or pick_menu(message)["custom_id"] != menu["custom_id"]

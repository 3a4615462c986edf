"""Pick timers: the scheduler's ``pick_timeout`` auto-picks for a player who does not pick."""

from __future__ import annotations

import asyncio
from pathlib import Path

from .harness import SMALL_PACK, SMALL_SET, Drafter, description, is_pack, keys_of, pick_menu, table


async def test_a_player_who_never_picks_is_auto_picked_through_the_whole_draft(
    tmp_path: Path,
) -> None:
    """Each pick the idle player misses is auto-picked, shown on its message, then next pack."""
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        pod_id, lobby = await t.create_pod(
            alice, set=SMALL_SET, timer="fixed", pick_seconds=1, packs=1, bots=2
        )
        await t.join(bob, lobby, pod_id)
        await t.start(alice, lobby, pod_id)
        await asyncio.wait_for(Drafter(t, alice, seed=1).draft(), 30)
        await t.wait_pool(bob)

        packs = [m for m in t.driver.messages(user=bob) if is_pack(m)]
        # Every pack came as a new DM (bob never answered one), and each was then edited once
        # to say what the timer took, with its menu gone.
        assert len(packs) == SMALL_PACK
        for message in packs:
            assert message.revisions[0].components, "a pack message came without its menu"
            assert "Time ran out: auto-picked **" in description(message)
            assert pick_menu(message) is None
        bob_seat = await t.seat_of(pod_id, bob)
        menus = [m.revisions[0].components[0]["components"][0]["custom_id"] for m in packs]
        assert menus == [f"pick:{pod_id}:{bob_seat}:{n}" for n in range(1, SMALL_PACK + 1)]

        log = t.pod_log(pod_id)
        mine = [p for p in log.picks if p.seat == bob_seat]
        assert [p.by for p in mine] == ["timeout"] * SMALL_PACK
        picks = await t.picks(pod_id)
        assert len(picks) == 4 * SMALL_PACK and set(keys_of(picks).values()) == {1}
        assert {p.source for p in picks if p.seat_no == bob_seat} == {"timeout"}


async def test_a_player_is_warned_before_the_time_runs_out(tmp_path: Path) -> None:
    """The scheduler's pick_warning reaches the player's DM while the pick is still open."""
    async with table(tmp_path, warning_seconds=2) as t:
        await t.start_bot()
        (alice,) = await t.add_players(1)
        pod_id, lobby = await t.create_pod(
            alice, set=SMALL_SET, bots=1, seats=2, packs=1, timer="fixed", pick_seconds=4
        )
        await t.start(alice, lobby, pod_id)
        warning = await t.driver.wait_for(
            lambda: next(
                (m for m in t.driver.messages(user=alice) if "s left for pick 1" in m.content),
                None,
            ),
            "a warning before pick 1 times out",
            10,
        )
        assert "About 2 s left" in warning.content
        picks = await t.picks(pod_id)
        seat = await t.seat_of(pod_id, alice)
        assert not [p for p in picks if p.seat_no == seat]

"""Either process killed or stopped mid-draft: players see their pack again, no pick lost."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.draft.mtgo_log import parse_mtgo_log

from .harness import SMALL_PACK, SMALL_SET, Drafter, Table, is_pack, keys_of, pick_no_of, table

PACK = 15  # NEO


async def current_picks(t: Table, pod_id: int) -> dict[int, int]:
    """The pick each seat is on, from the store (the truth a restarted bot rebuilds from)."""
    done: dict[int, int] = {}
    for pick in await t.picks(pod_id):
        done[pick.seat_no] = max(done.get(pick.seat_no, 0), pick.pick_no)
    return {seat: picks + 1 for seat, picks in done.items()}


async def test_a_bot_restart_mid_draft_shows_each_player_their_pack_and_loses_nothing(
    tmp_path: Path,
) -> None:
    """Bot stopped after some picks and started again: current packs shown, draft completes."""
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        pod_id, lobby = await t.create_pod(alice, bots=2, packs=1)
        await t.join(bob, lobby, pod_id)
        await t.start(alice, lobby, pod_id)
        drafters = [Drafter(t, alice, seed=1), Drafter(t, bob, seed=2)]
        await asyncio.wait_for(asyncio.gather(*(d.draft(stop_after=4) for d in drafters)), 20)
        seats = [await t.seat_of(pod_id, d.user) for d in drafters]
        before = len(await t.picks(pod_id))

        await t.stop_bot()
        await t.start_bot()

        on = await current_picks(t, pod_id)
        assert len(await t.picks(pod_id)) >= before
        for drafter, seat in zip(drafters, seats, strict=True):
            # The newest menu in the player's DM is the pick they are on, and it works.
            wanted = f"pick:{pod_id}:{seat}:{on[seat]}"
            await t.driver.wait_for(
                lambda d=drafter, w=wanted: (f := d.current_pack()) and f[1]["custom_id"] == w,
                f"{drafter.user.username}'s current pack after the restart",
            )
        await asyncio.wait_for(asyncio.gather(*(d.draft() for d in drafters)), 30)

        picks = await t.picks(pod_id)
        assert set(keys_of(picks).values()) == {1}
        assert len(picks) == 4 * 1 * PACK
        assert sorted((p.seat_no, p.pick_no) for p in picks if p.seat_no in seats) == sorted(
            (s, n) for s in seats for n in range(1, PACK + 1)
        )
        assert [d.picks for d in drafters] == [PACK, PACK]
        log = t.pod_log(pod_id)
        assert len(log.picks) == 4 * PACK
        for path in t.mtgo_logs(pod_id).values():
            assert len(parse_mtgo_log(path.read_text()).picks) == PACK


async def test_a_bot_stopped_with_choices_in_flight_loses_and_doubles_no_pick(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Bot stopped the moment two choices are sent: each stands once or the pack comes again."""
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        pod_id, lobby = await t.create_pod(alice, bots=2, packs=1)
        await t.join(bob, lobby, pod_id)
        await t.start(alice, lobby, pod_id)
        drafters = [Drafter(t, alice, seed=3), Drafter(t, bob, seed=4)]
        seats = [await t.seat_of(pod_id, d.user) for d in drafters]
        for _ in range(2):
            await asyncio.wait_for(asyncio.gather(*(d.draft(stop_after=2) for d in drafters)), 20)
            found = await asyncio.gather(*(d.next_pack() for d in drafters))
            for drafter, pack in zip(drafters, found, strict=True):
                assert pack is not None
                await drafter.choose(pack[0], pack[1], pack[1]["options"][0]["value"])
            await t.stop_bot()
            await t.start_bot()
            on = await current_picks(t, pod_id)
            for drafter, seat in zip(drafters, seats, strict=True):
                wanted = f"pick:{pod_id}:{seat}:{on[seat]}"
                await t.driver.wait_for(
                    lambda d=drafter, w=wanted: (f := d.current_pack()) and f[1]["custom_id"] == w,
                    f"{drafter.user.username}'s current pack after the restart",
                )
                drafter.last = None  # whether or not the in-flight choice stood, pick on
        await asyncio.wait_for(asyncio.gather(*(d.draft() for d in drafters)), 30)

        picks = await t.picks(pod_id)
        assert set(keys_of(picks).values()) == {1}
        assert len(picks) == 4 * PACK
        assert len(t.pod_log(pod_id).picks) == 4 * PACK
        # A stop answers what it took on: no callback died on a closed session.
        failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert failed == [], [r.getMessage() for r in failed]


async def test_a_scheduler_killed_mid_draft_fires_the_timers_when_it_is_back(
    tmp_path: Path,
) -> None:
    """Scheduler killed (-9) during a timed pod and restarted: auto-picks resume, logs complete."""
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        pod_id, lobby = await t.create_pod(
            alice, set=SMALL_SET, timer="fixed", pick_seconds=1, packs=1, bots=2
        )
        await t.join(bob, lobby, pod_id)
        await t.start(alice, lobby, pod_id)
        bob_seat = await t.seat_of(pod_id, bob)
        alice_drafts = asyncio.create_task(Drafter(t, alice, seed=5).draft())

        def bob_packs() -> list[str]:
            return [
                m.revisions[0].components[0]["components"][0]["custom_id"]
                for m in t.driver.messages(user=bob)
                if is_pack(m)
            ]

        # Bob never picks: his first pick is made by the timer, then the scheduler dies.
        first = await t.driver.wait_for(
            lambda: next((m for m in t.driver.messages(user=bob) if is_pack(m)), None),
            "bob's first pack",
        )
        await t.driver.wait_for(
            lambda: "Time ran out" in str(first.embeds), "the time-out of bob's first pick"
        )
        await t.scheduler.kill()
        # With the scheduler down the bot still deals: bob's next pack reaches him.
        await t.driver.wait_for(lambda: len(bob_packs()) >= 2, "bob's second pack")
        down = await t.picks(pod_id)
        await t.scheduler.start()
        restarted = len(down)

        await t.wait_pool(bob)
        await asyncio.wait_for(alice_drafts, 30)
        assert [pick_no_of(c) for c in bob_packs()] == list(range(1, SMALL_PACK + 1))
        picks = await t.picks(pod_id)
        assert set(keys_of(picks).values()) == {1}
        assert len(picks) == 4 * SMALL_PACK
        bob_picks = [p for p in picks if p.seat_no == bob_seat]
        assert [p.source for p in bob_picks] == ["timeout"] * SMALL_PACK
        # Picks 2 on were made by timers that fired after the scheduler came back.
        assert not any(p.seat_no == bob_seat and p.pick_no > 1 for p in down)
        assert len(picks) > restarted
        log = t.pod_log(pod_id)
        assert len(log.picks) == 4 * SMALL_PACK
        assert [p.by for p in log.picks if p.seat == bob_seat] == ["timeout"] * SMALL_PACK
        for path in t.mtgo_logs(pod_id).values():
            assert len(parse_mtgo_log(path.read_text()).picks) == SMALL_PACK

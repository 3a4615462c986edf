"""The gateway dropping in the middle of a pick, DMs closed after joining, a pack message deleted.

Pods of the six-card set; each test ends with every pod complete, every pick stored once and
no pack posted twice.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from tests.bot.e2e.harness import SMALL_PACK, Drafter, is_pack, pick_menu, table

from .support import (
    Signalling,
    SturdyDrafter,
    at_pick,
    draft_all,
    open_pod,
    outcome,
    record_figures,
)


@pytest.mark.parametrize(
    ("fault", "hold"),
    [("drop_gateway", 0.0), ("gateway_outage", 0.5), ("gateway_outage", 3.5)],
    ids=["drop", "outage-0.5s", "outage-3.5s"],
)
async def test_the_gateway_goes_while_a_choice_is_answered(
    tmp_path: Path, fault: str, hold: float
) -> None:
    """A choice sent just as the gateway drops reaches the bot on RESUME (replayed). After a
    short outage it is answered in time; after one longer than Discord's 3 s the callback gets
    10062 and the bot shows the pick by editing the DM. Nothing lost or doubled either way."""
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        pod_id = await open_pod(t, [alice, bob], bots=2, pick_seconds=0)
        chosen = asyncio.Event()
        drafters = [Signalling(t, alice, chosen, seed=1), Signalling(t, bob, chosen, seed=2)]
        drafting = asyncio.ensure_future(draft_all(drafters, 180))
        faults = 0
        for pick_no in (2, 4):
            await at_pick(t, alice, pick_no)
            chosen.clear()
            if fault == "drop_gateway":
                await chosen.wait()
                await t.driver.drop_gateway()
            else:
                async with t.driver.gateway_outage():
                    await chosen.wait()
                    await asyncio.sleep(hold)  # the outage's length is the fault itself
            faults += 1
            await t.driver.wait_connected(resumes=faults, timeout=30)
        await drafting
        result = await outcome(t, pod_id, [alice, bob], seats=4)
        unconfirmed = sum(d.unconfirmed for d in drafters)
        record_figures(
            f"{fault} during a choice" + (f" ({hold} s)" if hold else ""),
            "driver.drop_gateway / gateway_outage right after a menu choice, twice a pod",
            [result],
            note=f"{faults} disconnects, resumed; {unconfirmed} answers past the deadline",
        )
        result.check()
        if hold > 3:
            assert unconfirmed >= 1


async def test_dms_closed_after_joining_the_timer_picks_and_the_draft_ends(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Bob closes his DMs after joining: his packs cannot be delivered (403 50007, logged, not
    retried), the pick timer auto-picks every one of his picks, alice drafts on, the pod ends."""
    caplog.set_level(logging.WARNING, logger="bot")
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        pod_id, lobby = await t.create_pod(
            alice, set="E2E", bots=2, packs=1, timer="fixed", pick_seconds=1
        )
        await t.join(bob, lobby, pod_id)
        t.driver.close_dms(bob)
        seen = len(t.driver.messages(user=bob))
        await t.start(alice, lobby, pod_id)
        await asyncio.wait_for(SturdyDrafter(t, alice, seed=3).draft(), 120)
        result = await outcome(t, pod_id, [alice], seats=4)
        bob_seat = await t.seat_of(pod_id, bob)
        bob_picks = [p for p in await t.picks(pod_id) if p.seat_no == bob_seat]
        record_figures(
            "DMs closed after joining",
            "driver.close_dms between join and start; fixed 1 s pick timer",
            [result],
            note=f"{len(bob_picks)} of bob's picks auto-picked by the timer, no pack delivered",
        )
        result.check()
        assert len(t.driver.messages(user=bob)) == seen
        assert [p.source for p in bob_picks] == ["timeout"] * SMALL_PACK
        assert any("not delivered" in r.getMessage() for r in caplog.records)
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("how", ["typed pick", "pick timer"])
async def test_a_deleted_pack_message_is_sent_again_not_lost(tmp_path: Path, how: str) -> None:
    """A moderator deletes the player's pack message. Picking by typing a number (the menu is
    gone with the message) or letting the timer pick: the edit that would show the next pack
    gets 10008, and the next pack comes as a new message instead; the draft completes."""
    timer = {"timer": "fixed", "pick_seconds": 2} if how == "pick timer" else {"pick_seconds": 0}
    async with table(tmp_path) as t:
        await t.start_bot()
        (alice,) = await t.add_players(1)
        pod_id = await open_pod(t, [alice], bots=1, seats=2, **timer)
        message, _ = await t.driver.wait_for(
            lambda: Drafter(t, alice).current_pack(), "alice's first pack", 20
        )
        await t.discord.messages.delete(message)
        assert message.deleted and Drafter(t, alice).current_pack() is None
        if how == "typed pick":
            await t.driver.send_dm(alice, "2")
        again = await t.driver.wait_for(
            lambda: next(
                (m for m in t.driver.messages(user=alice) if is_pack(m) and pick_menu(m)), None
            ),
            "the next pack as a new message",
            30,
        )
        assert again.id != message.id and pick_menu(again)["custom_id"].endswith(":2")
        await asyncio.wait_for(SturdyDrafter(t, alice, seed=4).draft(), 120)
        result = await outcome(t, pod_id, [alice], seats=2)
        seat = await t.seat_of(pod_id, alice)
        first = next(p for p in await t.picks(pod_id) if p.seat_no == seat and p.pick_no == 1)
        record_figures(
            f"pack message deleted ({how})",
            "the local Discord deletes the bot's DM (MESSAGE_DELETE); next edit gets 10008",
            [result],
            note=f"pick 1 by {first.source}; next pack re-sent as a new message",
        )
        result.check()
        assert first.source == ("player" if how == "typed pick" else "timeout")

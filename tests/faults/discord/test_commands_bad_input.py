"""Commands and picks the bot must refuse, not already tried in tests/bot/e2e/test_bad_input.py:
a pick after the pod was cancelled, joining a second pod, starting with too few players, cancel
and kick by someone without the power, options out of range. Each: a plain answer to the one
who acted, nothing changed, the bot goes on."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox import DriverError
from tests.bot.e2e.harness import Drafter, table

from .support import SturdyDrafter, open_pod, outcome, record_input, refusal


async def test_a_pick_after_the_pod_was_cancelled_is_refused(tmp_path: Path) -> None:
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        pod_id = await open_pod(t, [alice, bob], bots=2, pick_seconds=0)
        message, menu = await t.driver.wait_for(
            lambda: Drafter(t, bob).current_pack(), "bob's first pack", 20
        )
        handle = await t.driver.invoke(alice, "draft cancel", {"pod": pod_id}, channel=t.channel)
        assert "cancelled" in await refusal(handle)
        before = await t.picks(pod_id)
        await t.wait_pool(bob)
        # Bob's client still shows the menu it was sent with.
        from tests.bot.e2e.harness import as_first_shown

        text = await refusal(
            await t.forge_select(bob, as_first_shown(message), menu["custom_id"], ["1"])
        )
        assert f"Pod #{pod_id} is cancelled" in text, text
        await t.driver.send_dm(bob, "1")
        typed = await t.driver.wait_for(
            lambda: next(
                (m for m in t.driver.messages(user=bob) if "no pack in front" in m.content), None
            ),
            "the answer to a typed pick after the cancel",
        )
        assert typed is not None
        assert await t.picks(pod_id) == before
        assert (await t.live_bot.store.pods.get(pod_id)).status == "cancelled"
        record_input("pick after the pod was cancelled", "stale menu + typed number", 2, 2)


async def test_joining_a_second_pod_is_refused_naming_the_first(tmp_path: Path) -> None:
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        first, _ = await t.create_pod(alice, set="E2E", bots=1, packs=1)
        second, lobby = await t.create_pod(bob, set="E2E", bots=1, packs=1)
        text = await refusal(await t.press(alice, lobby, "join", second))
        assert f"already in pod #{first}" in text, text
        handle = await t.driver.invoke(alice, "draft create", {"set": "E2E"}, channel=t.channel)
        assert f"already in pod #{first}" in await refusal(handle)
        handle = await t.driver.invoke(alice, "draft queue", {"set": "E2E"}, channel=t.channel)
        assert f"already in pod #{first}" in await refusal(handle)
        seats = await t.live_bot.store.pods.seats(second)
        assert [s.user_id for s in seats] == [bob.id]
        record_input("joining a second pod", "Join button, /draft create, /draft queue", 3, 3)


async def test_starting_with_too_few_players_is_refused(tmp_path: Path) -> None:
    async with table(tmp_path) as t:
        await t.start_bot()
        (alice,) = await t.add_players(1)
        pod_id, lobby = await t.create_pod(alice, set="E2E", bots=0, packs=1)
        text = await refusal(await t.press(alice, lobby, "start", pod_id))
        assert "needs at least 2" in text, text
        handle = await t.driver.invoke(alice, "draft start", {"pod": pod_id}, channel=t.channel)
        assert "needs at least 2" in await refusal(handle)
        assert (await t.live_bot.store.pods.get(pod_id)).status == "open"
        record_input("start with too few players", "Start button and /draft start, 1 seat", 2, 2)


async def test_cancel_and_kick_by_someone_without_the_power_are_refused(tmp_path: Path) -> None:
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob, carol = await t.add_players(3)
        pod_id, lobby = await t.create_pod(alice, set="E2E", bots=0, packs=1)
        await t.join(bob, lobby, pod_id)
        for actor, command, options in [
            (bob, "draft cancel", {"pod": pod_id}),
            (carol, "draft cancel", {"pod": pod_id}),
            (bob, "draft kick", {"user": alice, "pod": pod_id}),
            (carol, "draft kick", {"user": bob, "pod": pod_id}),
        ]:
            handle = await t.driver.invoke(actor, command, options, channel=t.channel)
            assert "Only the creator" in await refusal(handle)
        handle = await t.driver.invoke(
            alice, "draft kick", {"user": alice, "pod": pod_id}, channel=t.channel
        )
        assert "cannot be kicked" in await refusal(handle)
        assert (await t.live_bot.store.pods.get(pod_id)).status == "open"
        seats = await t.live_bot.store.pods.seats(pod_id)
        assert [s.user_id for s in seats] == [alice.id, bob.id]
        record_input(
            "cancel/kick without the power", "non-creator cancel x2, kick x2, kick creator", 5, 5
        )


OUT_OF_RANGE: list[tuple[dict[str, Any], str]] = [
    ({"seats": 2, "bots": 2}, "Bot drafters must be between 0 and 1"),
    ({"seats": 9}, "Seats must be between 2 and 8, not 9"),
    ({"seats": 1}, "Seats must be between 2 and 8, not 1"),
    ({"bots": 8}, "Bot drafters must be between 0 and 7"),
    ({"packs": 0}, "Packs must be between 1 and 5, not 0"),
    ({"packs": 6}, "Packs must be between 1 and 5, not 6"),
    ({"pick_seconds": 601}, "Pick time must be between 0 and 600 seconds, not 601"),
    ({"pick_seconds": -1}, "Pick time must be between 0 and 600 seconds, not -1"),
    ({"timer": "forever"}, ""),
]


async def test_options_out_of_range_are_refused_and_open_nothing(tmp_path: Path) -> None:
    """Values Discord's client would not send are refused by the driver (the command's ranges
    and choices are what Discord enforces); what it lets through, the bot refuses by name."""
    async with table(tmp_path) as t:
        await t.start_bot()
        (alice,) = await t.add_players(1)
        by_client = by_bot = 0
        for options, words in OUT_OF_RANGE:
            try:
                handle = await t.driver.invoke(
                    alice, "draft create", {"set": "E2E", **options}, channel=t.channel
                )
            except DriverError:
                by_client += 1
                continue
            text = await refusal(handle)
            assert words and words in text, (options, text)
            assert "Traceback" not in text
            by_bot += 1
        assert await t.live_bot.store.pods.running() == ()
        assert by_client + by_bot == len(OUT_OF_RANGE)
        record_input(
            "create options out of range",
            "/draft create with seats/bots/packs/pick_seconds/timer outside their ranges",
            len(OUT_OF_RANGE),
            by_client + by_bot,
            note=f"{by_client} refused by Discord's client (option ranges), {by_bot} by the bot",
        )
        # The bot is fine afterwards: a good pod drafts to the end.
        pod_id = await open_pod(t, [alice], bots=1, seats=2, pick_seconds=0)
        await asyncio.wait_for(SturdyDrafter(t, alice).draft(), 60)
        (await outcome(t, pod_id, [alice], seats=2)).check()


@pytest.mark.parametrize("pod", [0, 999, -1, 2**62])
async def test_commands_naming_a_pod_that_does_not_exist(tmp_path: Path, pod: int) -> None:
    async with table(tmp_path) as t:
        await t.start_bot()
        (alice,) = await t.add_players(1)
        for command in ("draft join", "draft start", "draft cancel", "draft status"):
            try:
                handle = await t.driver.invoke(alice, command, {"pod": pod}, channel=t.channel)
            except DriverError:
                continue
            text = await refusal(handle)
            assert "does not exist" in text or "no pod" in text.lower() or str(pod) in text, text

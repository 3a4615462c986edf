"""Wrong clicks and wrong options: a plain answer to the one who acted, and nothing changes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.sandbox import InteractionHandle, Message

from .harness import Drafter, as_first_shown, keys_of, pick_menu, table


async def refusal(handle: InteractionHandle) -> str:
    """The text of an ephemeral answer (only the one who acted sees it)."""
    assert await handle.acknowledged() == 4
    answer = await handle.message()
    assert answer.ephemeral, answer.content
    return answer.content


async def test_lobby_refusals(tmp_path: Path) -> None:
    """Joining twice says already; Start by a non-creator and an unknown set are refused."""
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)

        handle = await t.driver.invoke(alice, "draft create", {"set": "NOPE"}, channel=t.channel)
        text = await refusal(handle)
        assert "NOPE" in text and "NEO" in text and "VOW" in text, text
        assert await t.live_bot.store.pods.running() == ()

        pod_id, lobby = await t.create_pod(alice, bots=1, packs=1)
        assert "already" in await refusal(await t.press(alice, lobby, "join", pod_id))
        await t.join(bob, lobby, pod_id)
        assert "already" in await refusal(await t.press(bob, lobby, "join", pod_id))
        seats = await t.live_bot.store.pods.seats(pod_id)
        assert [s.user_id for s in seats] == [alice.id, bob.id]

        text = await refusal(await t.press(bob, lobby, "start", pod_id))
        assert "Only the creator" in text, text
        assert (await t.live_bot.store.pods.get(pod_id)).status == "open"


async def test_stale_and_foreign_menus_are_refused_and_change_nothing(tmp_path: Path) -> None:
    """A menu answered already, sent again, and another player's menu: refused, no pick."""
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        pod_id, lobby = await t.create_pod(alice, bots=2, packs=1)
        await t.join(bob, lobby, pod_id)
        await t.start(alice, lobby, pod_id)
        alice_d, bob_d = Drafter(t, alice), Drafter(t, bob)
        (pack, menu), (bob_pack, bob_menu) = await asyncio.gather(
            alice_d.next_pack(), bob_d.next_pack()
        )
        alice_seat = await t.seat_of(pod_id, alice)
        first_id = menu["custom_id"]

        # A double choice: both sent from the same menu before the bot answered either.
        one = await alice_d.choose(pack, menu, menu["options"][0]["value"])
        two = await t.driver.select(alice, pack, first_id, [menu["options"][1]["value"]])
        kinds = sorted([await one.acknowledged(), await two.acknowledged()])
        assert kinds == [4, 7]
        loser = one if one.record.response_type == 4 else two
        assert "already made" in (await loser.message()).content
        winner_value = (one if loser is two else two).record.payload["data"]["values"][0]
        before = await t.picks(pod_id)
        stored = next(p for p in before if p.seat_no == alice_seat and p.pick_no == 1)
        assert stored.card_index == int(winner_value) - 1 and stored.source == "player"
        # The menu now on the message is the next pick's, or none: the old one is gone.
        current = pick_menu(pack)
        assert current is None or current["custom_id"] != first_id

        # The old menu again, as a stale client would still show it: refused.
        stale = as_first_shown(pack)
        text = await refusal(await t.forge_select(alice, stale, first_id, ["3"]))
        assert "already made" in text and "out of date" in text, text

        # Bob's own message carrying alice's current menu: not his to choose from.
        def alice_next() -> tuple[Message, str] | None:
            found = alice_d.current_pack()
            if found is None or found[1]["custom_id"] == first_id:
                return None
            return found[0], found[1]["custom_id"]

        alice_message, foreign = await t.driver.wait_for(alice_next, "alice's second pack")
        text = await refusal(await t.forge_select(bob, alice_message, foreign, ["1"]))
        assert "not yours" in text, text

        # A number outside the pack, typed or chosen: refused too.
        text = await refusal(await t.forge_select(bob, bob_pack, bob_menu["custom_id"], ["99"]))
        assert "no card 99" in text, text
        await t.driver.send_dm(bob, "42")
        typed = await t.driver.wait_for(
            lambda: next(
                (m for m in t.driver.messages(user=bob) if "no card 42" in m.content), None
            ),
            "the answer to a typed number not in the pack",
        )
        assert typed.author_id != bob.id

        after = await t.picks(pod_id)
        assert after == before
        assert set(keys_of(after).values()) == {1}
        # And the draft goes on as if nothing had happened.
        await asyncio.wait_for(asyncio.gather(alice_d.draft(), bob_d.draft()), 30)
        assert len(await t.picks(pod_id)) == 4 * 15

"""Discord failing under the bot: a lost answer to a message POST does not post it twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .harness import pick_menu, table


async def test_a_pack_whose_post_answer_was_lost_arrives_once(tmp_path: Path) -> None:
    """discord.py resends the POST after a 500 with the nonce it made (and enforce_nonce), so
    Discord answers the resend with the first message: every pack is posted once."""
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        pod_id, lobby = await t.create_pod(alice, bots=2, seats=4, packs=1, pick_seconds=0)
        await t.join(bob, lobby, pod_id)
        fault = t.discord.faults.lose_response(
            "POST /channels/{channel_id}/messages", count=1, status=500
        )
        await t.start(alice, lobby, pod_id)
        for user in (alice, bob):
            await t.driver.wait_for(
                lambda u=user: any(pick_menu(m) for m in t.driver.messages(user=u)) or None,
                f"the first pack of {user.username}",
                10,
            )
        assert fault.fired == 1
        menus = Counter(
            pick_menu(m)["custom_id"]
            for user in (alice, bob)
            for m in t.driver.messages(user=user)
            if pick_menu(m)
        )
        assert menus and max(menus.values()) == 1, menus

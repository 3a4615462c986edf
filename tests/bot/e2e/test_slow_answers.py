"""A pick that cannot be answered within Discord's deadline is deferred, then shown in place."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.ui import components

from .harness import Drafter, description, pick_menu, table


async def test_a_pick_held_up_by_a_busy_pod_is_deferred_then_edited_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer is a deferred update (type 6) in time; the same message then shows the pick."""
    monkeypatch.setattr(components, "ANSWER_WITHIN", 0.2)
    async with table(tmp_path) as t:
        bot = await t.start_bot()
        (alice,) = await t.add_players(1)
        pod_id, lobby = await t.create_pod(alice, bots=1, seats=2, packs=1, pick_seconds=0)
        await t.start(alice, lobby, pod_id)
        message, menu = await t.driver.wait_for(
            lambda: Drafter(t, alice).current_pack(), "alice's first pack", 10
        )
        edits = len(message.revisions)
        async with bot.service.live[pod_id].lock:
            handle = await t.driver.select(alice, message, menu["custom_id"], ["1"])
            assert await handle.acknowledged() == 6
        await t.driver.wait_for_edit(message, revisions=edits, timeout=10)
        assert "You took" in description(message)
        assert pick_menu(message) is None or pick_menu(message)["custom_id"] != menu["custom_id"]
        await asyncio.wait_for(Drafter(t, alice).draft(), 60)

"""Players whose DMs are closed: told in the channel when they try to sit down, not seated."""

from __future__ import annotations

from pathlib import Path

from .harness import table


async def test_joining_with_closed_dms_is_refused_in_the_channel(tmp_path: Path) -> None:
    """A join with closed DMs gets a public answer to open DMs and no seat; reopened, it works."""
    async with table(tmp_path) as t:
        await t.start_bot()
        alice, bob = await t.add_players(2)
        pod_id, lobby = await t.create_pod(alice, bots=1, packs=1)
        t.driver.close_dms(bob)

        handle = await t.press(bob, lobby, "join", pod_id)
        assert await handle.acknowledged() == 4
        answer = await handle.message()
        assert not answer.ephemeral and answer.visible_to is None
        assert answer in t.driver.messages(channel=t.channel)
        assert f"<@{bob.id}>" in answer.content
        assert "direct messages" in answer.content.lower()
        seats = await t.live_bot.store.pods.seats(pod_id)
        assert [s.user_id for s in seats] == [alice.id]

        t.driver.open_dms(bob)
        await t.join(bob, lobby, pod_id)
        seats = await t.live_bot.store.pods.seats(pod_id)
        assert [s.user_id for s in seats] == [alice.id, bob.id]


async def test_creating_a_pod_with_closed_dms_is_refused_in_the_channel(tmp_path: Path) -> None:
    """/draft create with closed DMs: a public answer, and no lobby left open behind it."""
    async with table(tmp_path) as t:
        await t.start_bot()
        (carol,) = await t.add_players(1)
        t.driver.close_dms(carol)
        handle = await t.driver.invoke(carol, "draft create", {"set": "NEO"}, channel=t.channel)
        answer = await handle.message()
        assert not answer.ephemeral
        assert "direct messages" in answer.content.lower()
        assert not answer.components, "a lobby was posted for a pod nobody can draft in"
        assert await t.live_bot.store.pods.running() == ()

"""Smoke: the tiny bot logs in, syncs and answers a slash command."""

from __future__ import annotations

from bot.sandbox import LocalDiscord

from .tiny_bot import TinyBot


async def test_slash_command_answers(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """/hello is answered with a channel message built from its options."""
    d = sandbox.driver
    guild = await d.add_guild("Pod")
    alice = d.add_user("alice")
    await d.add_member(guild, alice)
    handle = await d.invoke(alice, "hello", {"name": "bob", "times": 2}, channel=d.channel(guild, "general"))
    message = await handle.message()
    assert message.content == "hello bob hello bob"
    assert d.unknown_routes() == []

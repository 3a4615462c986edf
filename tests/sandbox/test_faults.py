"""Switchable faults: closed DMs, 429s discord.py waits out, server errors, slow answers."""

from __future__ import annotations

import discord
import pytest

from bot.sandbox import LocalDiscord

from .tiny_bot import TinyBot

SEND = "POST /channels/{channel_id}/messages"
CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"


async def test_closed_dms_answer_50007(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """Sending to a user who closed DMs is 403 / 50007; the bot tells them in its answer."""
    d = sandbox.driver
    alice = d.add_user("alice")
    d.close_dms(alice)
    handle = await d.invoke(alice, "pack")
    answer = await handle.message()
    assert (answer.content, answer.visible_to) == ("cannot DM you (50007)", alice.id)
    assert isinstance(tiny.failures[0], discord.Forbidden)
    assert [m for m in d.messages(user=alice) if not m.ephemeral] == []
    d.open_dms(alice)
    await (await d.invoke(alice, "pack")).acknowledged()
    contents = [m.content for m in d.messages(user=alice) if not m.ephemeral]
    assert contents == ["Your pack"]


@pytest.mark.parametrize(
    ("route", "is_global"),
    [
        pytest.param(SEND, False, id="per-route"),
        pytest.param(None, True, id="global"),
    ],
)
async def test_429_is_waited_out_and_retried(
    sandbox: LocalDiscord, tiny: TinyBot, route: str | None, is_global: bool
) -> None:
    """A 429 with Via and retry_after is retried by discord.py; one message results."""
    alice = sandbox.driver.add_user("alice")
    channel = await (await tiny.fetch_user(alice.id)).create_dm()
    fault = sandbox.faults.rate_limit(route, count=2, retry_after=0.01, is_global=is_global)
    sent = await channel.send("through")
    assert fault.fired == 2
    statuses = [c.status for c in sandbox.calls.calls if c.route == SEND]
    assert statuses == [429, 429, 200]
    assert [m.id for m in sandbox.driver.messages(user=alice)] == [sent.id]


async def test_429_on_an_interaction_callback_is_retried(
    sandbox: LocalDiscord, tiny: TinyBot
) -> None:
    """The webhook adapter retries a rate-limited callback within the deadline."""
    sandbox.faults.rate_limit(CALLBACK, retry_after=0.01)
    alice = sandbox.driver.add_user("alice")
    handle = await sandbox.driver.invoke(alice, "hello", {"name": "again"})
    assert (await handle.message()).content == "hello again"


async def test_server_error_reaches_the_bot(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """A 503 (which discord.py does not retry) surfaces as DiscordServerError; no message."""
    alice = sandbox.driver.add_user("alice")
    channel = await (await tiny.fetch_user(alice.id)).create_dm()
    sandbox.faults.server_error(SEND, status=503)
    with pytest.raises(discord.DiscordServerError) as failed:
        await channel.send("lost")
    assert failed.value.status == 503
    assert sandbox.driver.messages(user=alice) == []
    assert (await channel.send("next")).content == "next"


async def test_lost_response_is_made_safe_by_the_nonce(
    sandbox: LocalDiscord, tiny: TinyBot
) -> None:
    """A send whose answer was lost, retried with its nonce, leaves exactly one message."""
    alice = sandbox.driver.add_user("alice")
    channel = await (await tiny.fetch_user(alice.id)).create_dm()
    sandbox.faults.lose_response(SEND)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("pack 1 pick 1", nonce="pod7-s2-p1")
    retried = await channel.send("pack 1 pick 1", nonce="pod7-s2-p1")
    (only,) = sandbox.driver.messages(user=alice)
    assert only.id == retried.id and only.content == "pack 1 pick 1"


async def test_slow_network_makes_a_prompt_answer_late(
    sandbox: LocalDiscord, tiny: TinyBot
) -> None:
    """A callback held past the deadline by a slow route is refused with 10062."""
    sandbox.interactions.deadline = 0.1
    sandbox.faults.slow(CALLBACK, seconds=0.15, count=1)
    alice = sandbox.driver.add_user("alice")
    handle = await sandbox.driver.invoke(alice, "hello", {"name": "late"})
    assert (await handle.rejection()).code == 10062

"""Counting REST calls by kind, recording unknown routes, and the JSON content type."""

from __future__ import annotations

import aiohttp

from bot.sandbox import LocalDiscord

from .tiny_bot import TinyBot


async def test_calls_split_global_and_interaction(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """A DM send counts against the global limit; callbacks and follow-ups do not."""
    d = sandbox.driver
    alice = d.add_user("alice")
    before = d.api_calls()
    await (await d.invoke(alice, "pack")).message()
    pack = d.api_calls() - before
    assert (pack.global_limited, pack.interaction) == (2, 1)
    assert pack.by_route == {
        "POST /users/@me/channels": 1,
        "POST /channels/{channel_id}/messages": 1,
        "POST /interactions/{interaction_id}/{token}/callback": 1,
    }
    before = d.api_calls()
    await (await d.invoke(alice, "later")).followups(2)
    later = d.api_calls() - before
    assert (later.global_limited, later.interaction) == (0, 3)


async def test_unknown_routes_are_404_and_recorded() -> None:
    """A route the local Discord does not know is answered 404 and listed for the tests."""
    async with LocalDiscord() as server, aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bot {server.token}"}
        async with session.get(server.api_url + "/guilds/1/bans", headers=headers) as response:
            assert response.status == 404
            assert response.headers["Content-Type"] == "application/json"
        async with session.get(server.api_url + "/users/@me", headers=headers) as response:
            assert response.headers["Content-Type"] == "application/json"
        assert server.driver.unknown_routes() == ["GET /api/v10/guilds/1/bans"]


async def test_rest_needs_the_bot_token() -> None:
    """Without the bot's token every bot route answers 401."""
    async with (
        LocalDiscord() as server,
        aiohttp.ClientSession() as session,
        session.get(server.api_url + "/users/@me") as response,
    ):
        assert response.status == 401
        assert (await response.json())["message"] == "401: Unauthorized"

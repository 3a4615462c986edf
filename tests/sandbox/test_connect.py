"""Pointing discord.py at the local Discord, restoring it, and refusing with a real token."""

from __future__ import annotations

import discord.gateway
import discord.http
import pytest

from bot.sandbox import LocalDiscord, RealTokenConfigured, is_sandbox_token, pointed_at


def test_points_and_restores() -> None:
    """Inside the block both class attributes name the sandbox; after it, Discord again."""
    server = LocalDiscord(port=4321)
    before = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    with pointed_at(server, environ={"DISCORD_TOKEN": server.token}):
        assert discord.http.Route.BASE == "http://127.0.0.1:4321/api/v10"
        gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        assert str(gateway) == "ws://127.0.0.1:4321/gateway/"
    after = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    assert after == before


def test_points_at_a_server_in_another_process() -> None:
    """A base URL is enough to point discord.py at a local Discord run elsewhere."""
    with pointed_at("http://127.0.0.1:5678/", environ={}):
        assert discord.http.Route.BASE == "http://127.0.0.1:5678/api/v10"
        gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        assert str(gateway.with_query(v=10)) == "ws://127.0.0.1:5678/gateway/?v=10"


def test_refuses_a_real_token() -> None:
    """A DISCORD_TOKEN that is not a sandbox token stops the redirection and changes nothing."""
    server = LocalDiscord(port=4321)
    before = discord.http.Route.BASE
    with (
        pytest.raises(RealTokenConfigured),
        pointed_at(server, environ={"DISCORD_TOKEN": "MTIz.real.token"}),
    ):
        pass
    assert before == discord.http.Route.BASE


@pytest.mark.parametrize(
    ("token", "sandboxed"),
    [
        pytest.param("sandbox.abc", True, id="sandbox"),
        pytest.param("MTA0NTQ2.GxYz.abcdef", False, id="real-shape"),
        pytest.param("", False, id="empty"),
    ],
)
def test_sandbox_tokens_are_recognised(token: str, sandboxed: bool) -> None:
    """Only tokens the local Discord issued count as sandbox tokens."""
    assert is_sandbox_token(token) is sandboxed

"""The discord.py adapter of the outbound queue, with Discord faked at the HTTP wire so that
discord.py's own request building and payload parsing run."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord.http import Route

from bot.outbound import OutboundQueue
from bot.outbound.discord_transport import DiscordTransport

BOT_USER = {"id": "900", "username": "draftpod", "discriminator": "0", "avatar": None, "bot": True}
GUILD_ID, TEXT_CHANNEL, DM_CHANNEL = 1, 10, 77


def message_payload(message_id: Any, channel_id: Any, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": BOT_USER,
        "content": body.get("content", ""),
        "embeds": body.get("embeds", []),
        "timestamp": "2026-05-01T12:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "pinned": False,
        "type": 0,
    }


class Wire:
    """Answers discord.py's HTTP requests like Discord would, and records them."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, Any] | None]] = []
        self.gone: set[int] = set()
        self._next_id = discord.utils.time_snowflake(discord.utils.utcnow())

    async def request(self, route: Route, **kwargs: Any) -> Any:
        body = kwargs.get("json")
        path = route.url.removeprefix(Route.BASE)
        self.requests.append((route.method, path, body))
        parts = path.split("/")
        message_id = int(parts[4]) if len(parts) > 4 and parts[4].isdigit() else None
        if message_id in self.gone:
            response = SimpleNamespace(status=404, reason="Not Found")
            raise discord.NotFound(response, {"code": 10008, "message": "Unknown Message"})
        if route.method == "POST" and path.endswith("/messages"):
            self._next_id += 1
            return message_payload(self._next_id, route.channel_id, body or {})
        if route.method == "PATCH":
            return message_payload(message_id, route.channel_id, body or {})
        return None

    def calls(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path, _ in self.requests]


def make_client(wire: Wire, *, manage_messages: bool) -> discord.Client:
    client = discord.Client(intents=discord.Intents(guilds=True))
    client.http.request = wire.request  # type: ignore[method-assign]
    state = client._connection
    state.user = discord.ClientUser(state=state, data=BOT_USER)  # type: ignore[arg-type]
    allowed = discord.Permissions(
        view_channel=True, send_messages=True, manage_messages=manage_messages
    )
    guild: Any = {
        "id": str(GUILD_ID),
        "name": "drafts",
        "icon": None,
        "owner_id": "5",
        "features": [],
        "emojis": [],
        "stickers": [],
        "member_count": 1,
        "roles": [
            {
                "id": str(GUILD_ID),
                "name": "@everyone",
                "permissions": str(allowed.value),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
            }
        ],
        "members": [
            {
                "user": BOT_USER,
                "roles": [],
                "joined_at": "2026-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
            }
        ],
        "channels": [
            {
                "id": str(TEXT_CHANNEL),
                "type": 0,
                "name": "draft-lobby",
                "position": 0,
                "permission_overwrites": [],
                "guild_id": str(GUILD_ID),
            }
        ],
    }
    state._add_guild_from_data(guild)
    return client


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
def transport(wire: Wire) -> Iterator[DiscordTransport]:
    yield DiscordTransport(make_client(wire, manage_messages=True))


async def test_send_to_an_uncached_dm_is_one_post(wire: Wire, transport: DiscordTransport) -> None:
    """A DM channel not in the cache is used by id: one POST, a parsed Message back."""
    embed = discord.Embed(title="Pack 1, pick 1")
    message = await transport.send(DM_CHANNEL, {"content": "Your pack", "embed": embed})
    assert isinstance(message, discord.Message)
    assert (message.channel.id, message.content) == (DM_CHANNEL, "Your pack")
    assert message.embeds[0].title == "Pack 1, pick 1"
    assert wire.calls() == [("POST", f"/channels/{DM_CHANNEL}/messages")]


async def test_edit_patches_only_the_given_fields(wire: Wire, transport: DiscordTransport) -> None:
    """An edit is one PATCH of the message carrying just the fields asked for."""
    message = await transport.edit(TEXT_CHANNEL, 555, {"content": "3 of 8 seats"})
    assert (message.id, message.content) == (555, "3 of 8 seats")
    method, path, body = wire.requests[0]
    assert (method, path) == ("PATCH", f"/channels/{TEXT_CHANNEL}/messages/555")
    assert body is not None and body["content"] == "3 of 8 seats" and "embeds" not in body


async def test_deleting_a_message_already_gone_succeeds(
    wire: Wire, transport: DiscordTransport
) -> None:
    """Unknown Message on delete means the job's goal holds: no error."""
    wire.gone.add(555)
    await transport.delete(DM_CHANNEL, 555)
    assert wire.calls() == [("DELETE", f"/channels/{DM_CHANNEL}/messages/555")]


async def test_editing_a_message_already_gone_is_reported(
    wire: Wire, transport: DiscordTransport
) -> None:
    """Unknown Message on edit reaches the caller, who may send a new one."""
    wire.gone.add(555)
    with pytest.raises(discord.NotFound):
        await transport.edit(DM_CHANNEL, 555, {"content": "x"})


@pytest.mark.parametrize(
    ("channel_id", "manage", "expected"),
    [
        pytest.param(TEXT_CHANNEL, True, True, id="guild-text-with-manage-messages"),
        pytest.param(TEXT_CHANNEL, False, False, id="guild-text-without-permission"),
        pytest.param(DM_CHANNEL, True, False, id="dm-channel"),
    ],
)
def test_bulk_delete_needs_a_guild_channel_and_manage_messages(
    wire: Wire, channel_id: int, manage: bool, expected: bool
) -> None:
    """Bulk delete is offered only where Discord allows it."""
    transport = DiscordTransport(make_client(wire, manage_messages=manage))
    assert transport.can_bulk_delete(channel_id) is expected


async def test_delete_many_bulks_young_messages_and_deletes_old_ones_singly(
    wire: Wire, transport: DiscordTransport
) -> None:
    """Messages under 14 days old go in bulk chunks of 100; older ones one call each."""
    young_start = discord.utils.time_snowflake(discord.utils.utcnow())
    young = [young_start + n for n in range(150)]
    old = [discord.utils.time_snowflake(discord.utils.utcnow().replace(year=2020))]
    await transport.delete_many(TEXT_CHANNEL, young + old)
    bulk = [body for method, path, body in wire.requests if path.endswith("bulk-delete")]
    assert [len(body["messages"]) for body in bulk if body] == [100, 50]
    assert wire.calls()[-1] == ("DELETE", f"/channels/{TEXT_CHANNEL}/messages/{old[0]}")
    assert len(wire.requests) == 3


async def test_delete_many_without_permission_deletes_one_by_one(wire: Wire) -> None:
    """Without Manage Messages the bot still deletes its own messages, one call each."""
    transport = DiscordTransport(make_client(wire, manage_messages=False))
    await transport.delete_many(TEXT_CHANNEL, [5, 6])
    assert wire.calls() == [
        ("DELETE", f"/channels/{TEXT_CHANNEL}/messages/5"),
        ("DELETE", f"/channels/{TEXT_CHANNEL}/messages/6"),
    ]


async def test_queue_over_discord_turns_a_burst_of_lobby_edits_into_one_request(
    wire: Wire, transport: DiscordTransport
) -> None:
    """Through the queue, rapid lobby edits reach the wire as one PATCH with the last content."""
    queue = OutboundQueue(transport, coalesce_seconds=0.05)
    edits = []
    for seats in range(1, 9):
        edits.append(queue.edit(TEXT_CHANNEL, 555, {"content": f"{seats} of 8 seats"}))
        await asyncio.sleep(0)
    results = await asyncio.wait_for(asyncio.gather(*edits), 5)
    assert {m.content for m in results if m is not None} == {"8 of 8 seats"}
    assert None not in results
    assert wire.calls() == [("PATCH", f"/channels/{TEXT_CHANNEL}/messages/555")]
    await queue.aclose()

"""The gateway: READY and guilds, member chunks, RESUME with replay, shards, bad tokens."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest

from bot.sandbox import LocalDiscord, pointed_at
from bot.sandbox.snowflake import shard_for

from .conftest import running
from .tiny_bot import ShardedTinyBot, TinyBot


async def test_ready_brings_guilds_channels_and_members(sandbox: LocalDiscord) -> None:
    """Guilds made before login arrive as GUILD_CREATE with their channels and member count."""
    d = sandbox.driver
    guild = await d.add_guild("Pod", channels=("general", "drafts"))
    alice = d.add_user("alice")
    await d.add_member(guild, alice)
    async with running(TinyBot(), sandbox.token) as bot:
        cached = bot.get_guild(guild.id)
        assert cached is not None
        assert sorted(c.name for c in cached.text_channels) == ["drafts", "general"]
        assert cached.member_count == 2
        assert bot.user is not None and bot.user.id == sandbox.world.bot.id


async def test_member_chunks_answer_request_guild_members(sandbox: LocalDiscord) -> None:
    """A large guild comes without members; discord.py asks for them and caches every one."""
    d = sandbox.driver
    guild = await d.add_guild("Big")
    users = [d.add_user(f"user{i}") for i in range(300)]
    for user in users:
        await d.add_member(guild, user)
    async with running(TinyBot(members=True), sandbox.token) as bot:
        cached = bot.get_guild(guild.id)
        assert cached is not None and cached.chunked
        assert {u.id for u in users} <= {m.id for m in cached.members}
        assert cached.get_member(users[0].id).name == "user0"  # type: ignore[union-attr]
        assert any(event == "GUILD_MEMBERS_CHUNK" for _, event, _ in sandbox.gateway.events)


async def test_dropped_connection_resumes_and_replays(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """Events sent while the gateway is down reach the bot after it RESUMEs, not re-IDENTIFYs."""
    d = sandbox.driver
    alice = d.add_user("alice")
    async with d.gateway_outage():
        await d.send_dm(alice, "while you were away")
    await d.wait_connected(resumes=1)
    echo = await d.next_message(user=alice)
    assert echo.content == "echo: while you were away"
    await asyncio.wait_for(tiny.resumed.wait(), 5)
    assert (sandbox.gateway.identifies, sandbox.gateway.resumes) == (1, 1)
    assert sandbox.gateway.sessions[0].replayed >= 1


async def test_reconnect_request_is_followed_by_a_resume(
    sandbox: LocalDiscord, tiny: TinyBot
) -> None:
    """Op 7 RECONNECT makes discord.py reconnect and RESUME its session."""
    await sandbox.driver.request_reconnect()
    await sandbox.driver.wait_connected(resumes=1)
    assert sandbox.gateway.identifies == 1


async def test_unknown_session_is_invalidated_and_the_bot_identifies(
    sandbox: LocalDiscord, tiny: TinyBot
) -> None:
    """A RESUME of a session the gateway forgot gets op 9, and discord.py identifies anew."""
    d = sandbox.driver
    async with d.gateway_outage():
        sandbox.gateway.sessions[0].id = "forgotten"
    await d.wait_for(lambda: sandbox.gateway.identifies == 2, "a second IDENTIFY")
    await d.wait_connected()
    alice = d.add_user("alice")
    await d.send_dm(alice, "hi again")
    assert (await d.next_message(user=alice)).content == "echo: hi again"


async def test_two_shards_each_get_their_own_guild() -> None:
    """GET /gateway/bot asks for two shards; each shard gets only the guilds it owns."""
    async with LocalDiscord(shards=2) as server:
        d = server.driver
        ids = [server.world.ids.next(new_millisecond=True) for _ in range(2)]
        while shard_for(ids[0], 2) == shard_for(ids[1], 2):
            ids[1] = server.world.ids.next(new_millisecond=True)
        guilds = [await d.add_guild(f"Guild {i}", guild_id=gid) for i, gid in enumerate(ids)]
        with pointed_at(server, environ={}):
            async with running(ShardedTinyBot(), server.token) as bot:
                assert bot.shard_count == 2
                for guild in guilds:
                    cached = bot.get_guild(guild.id)
                    assert cached is not None and cached.shard_id == d.shard_of(guild)
                    creates = [
                        s
                        for s, e, g in server.gateway.events
                        if e == "GUILD_CREATE" and g == guild.id
                    ]
                    assert creates == [d.shard_of(guild)]
                alice = d.add_user("alice")
                await d.add_member(guilds[1], alice)
                handle = await d.invoke(
                    alice, "hello", {"name": "shard"}, channel=d.channel(guilds[1], "general")
                )
                assert (await handle.message()).content == "hello shard"
        assert server.internal_errors == []


async def test_heartbeats_are_acknowledged_over_zlib_stream(
    sandbox: LocalDiscord, tiny: TinyBot
) -> None:
    """discord.py asks for zlib-stream; the gateway compresses and acknowledges heartbeats."""
    session = sandbox.gateway.sessions[0]
    assert session.connection is not None and session.connection.compressed
    await sandbox.driver.wait_for(lambda: sandbox.gateway.heartbeats >= 1, "a heartbeat")
    assert tiny.latency < float("inf")


async def test_bad_token_fails_login(sandbox: LocalDiscord) -> None:
    """A wrong token is refused at login with 401, as discord.py's LoginFailure."""
    bot = TinyBot()
    with pytest.raises(discord.LoginFailure):
        await bot.login("sandbox.not-the-token")
    await bot.close()


@pytest.mark.parametrize(
    ("frames", "code"),
    [
        pytest.param(["not json"], 4002, id="garbled"),
        pytest.param(['{"op": 2, "d": null}'], 4002, id="identify-without-data"),
        pytest.param(['{"op": 8, "d": {"guild_id": "1"}}'], 4003, id="before-identify"),
        pytest.param(['{"op": 2, "d": {"token": "sandbox.wrong"}}'], 4004, id="wrong-token"),
        pytest.param(['{"op": 99, "d": {}}'], 4003, id="unknown-op-before-identify"),
    ],
)
async def test_bad_gateway_frames_close_with_discords_codes(frames: list[str], code: int) -> None:
    """A client that breaks the protocol is closed with the code Discord uses."""
    async with (
        LocalDiscord() as server,
        aiohttp.ClientSession() as session,
        session.ws_connect(server.gateway_url + "?v=10&encoding=json") as ws,
    ):
        assert (await ws.receive_json())["op"] == 10
        for frame in frames:
            await ws.send_str(frame)
        closing = await ws.receive()
        assert (closing.type, closing.data) == (aiohttp.WSMsgType.CLOSE, code)

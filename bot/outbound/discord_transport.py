"""The outbound queue's port onto discord.py, the one module of :mod:`bot.outbound` importing it.

Channels are looked up in the client's cache and, when absent (a DM channel after a restart), used
as a ``PartialMessageable``, which can send, edit and delete by id without fetching anything: one
REST call per job, never two. Rate limits are left to discord.py's own limiter, which waits out a
429 and retries; errors it gives up on reach the job's caller unchanged.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Protocol, cast

import aiohttp
import discord

from bot.outbound.queue import Retry

BULK_DELETE_MAX = 100
# Discord refuses bulk deletes of messages older than 14 days; a minute's margin keeps a message
# that ages past the limit while the request is in flight out of the batch.
BULK_DELETE_MAX_AGE_SECONDS = 14 * 24 * 60 * 60 - 60


class _MessageChannel(Protocol):
    async def send(self, **fields: Any) -> discord.Message: ...

    def get_partial_message(self, message_id: int, /) -> discord.PartialMessage: ...


class DiscordTransport:
    """:class:`bot.outbound.Transport` of :class:`discord.Message` over a discord.py client."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    def _channel(self, channel_id: int) -> _MessageChannel:
        channel = self._client.get_channel(channel_id)
        if channel is None:
            return cast(_MessageChannel, self._client.get_partial_messageable(channel_id))
        if not hasattr(channel, "get_partial_message"):
            raise TypeError(f"channel {channel_id} ({type(channel).__name__}) takes no messages")
        return cast(_MessageChannel, channel)

    async def send(self, channel_id: int, fields: Mapping[str, Any]) -> discord.Message:
        return await self._channel(channel_id).send(**fields)

    async def edit(
        self, channel_id: int, message_id: int, fields: Mapping[str, Any]
    ) -> discord.Message:
        partial = self._channel(channel_id).get_partial_message(message_id)
        return await partial.edit(**fields)

    async def delete(self, channel_id: int, message_id: int) -> None:
        try:
            await self._channel(channel_id).get_partial_message(message_id).delete()
        except discord.NotFound:
            return  # already gone, which is what was asked

    async def delete_many(self, channel_id: int, message_ids: Sequence[int]) -> None:
        """Bulk delete in chunks of 100 where allowed; messages too old for it one by one."""
        channel = self._client.get_channel(channel_id)
        if not self.can_bulk_delete(channel_id) or channel is None:
            for message_id in message_ids:
                await self.delete(channel_id, message_id)
            return
        bulk = cast(discord.TextChannel, channel)
        limit = discord.utils.utcnow() - timedelta(seconds=BULK_DELETE_MAX_AGE_SECONDS)
        oldest = discord.utils.time_snowflake(limit)
        young = [m for m in message_ids if m >= oldest]
        old = [m for m in message_ids if m < oldest]
        for start in range(0, len(young), BULK_DELETE_MAX):
            chunk = young[start : start + BULK_DELETE_MAX]
            await bulk.delete_messages([discord.Object(id=m) for m in chunk])
        for message_id in old:
            await self.delete(channel_id, message_id)

    def can_bulk_delete(self, channel_id: int) -> bool:
        """Guild text channels and threads where the bot has Manage Messages."""
        channel = self._client.get_channel(channel_id)
        if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
            return False
        if not hasattr(channel, "delete_messages"):
            return False
        me = channel.guild.me
        return me is not None and channel.permissions_for(me).manage_messages


def transient(error: BaseException) -> bool:
    """Errors a later attempt may not meet: a 429 that outlasted discord.py's own retries, a
    5xx, a connection that failed. A 4xx (unknown message, closed DMs...) stays."""
    if isinstance(error, discord.HTTPException):
        return error.status == 429 or error.status >= 500
    return isinstance(error, aiohttp.ClientError | OSError | asyncio.TimeoutError)


def prepare(kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A send carries one nonce through every attempt, with ``enforce_nonce`` (discord.py sets
    it with a nonce): Discord answers a repeat within minutes with the first message."""
    prepared = dict(fields)
    if kind == "send" and prepared.get("nonce") is None:
        prepared["nonce"] = secrets.randbits(63)
    return prepared


def rewind(fields: Mapping[str, Any]) -> None:
    """Files go back to their start: discord.py rewinds them between its own tries only."""
    files = list(fields.get("files") or ()) + list(fields.get("attachments") or ())
    if fields.get("file") is not None:
        files.append(fields["file"])
    for file in files:
        if isinstance(file, discord.File):
            file.reset()


RETRY = Retry(transient, prepare=prepare, rewind=rewind)
"""The bot's retry policy for the outbound queue."""

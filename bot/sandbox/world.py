"""The state of the local Discord and the one condition every wait listens on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot.sandbox import errors
from bot.sandbox.model import (
    ALL_PERMISSIONS,
    DM_CHANNEL,
    EVERYONE_PERMISSIONS,
    TEXT_CHANNEL,
    Attachment,
    Channel,
    Command,
    Guild,
    Member,
    Message,
    User,
)
from bot.sandbox.snowflake import SnowflakeGenerator

T = TypeVar("T")

# Discord returns the first message for a repeated nonce "within the past few minutes".
NONCE_WINDOW_SECONDS = 300.0


class World:
    """Users, guilds, channels, messages and synced commands of one bot application."""

    def __init__(self, *, bot_name: str = "draftpod") -> None:
        self.ids = SnowflakeGenerator()
        self.application_id = self.ids.next()
        self.bot = User(id=self.application_id, username=bot_name, bot=True)
        self.owner = User(id=self.ids.next(), username="owner")
        self.users: dict[int, User] = {self.bot.id: self.bot, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.members: dict[tuple[int, int], Member] = {}
        self.messages: dict[int, Message] = {}
        self.channel_messages: dict[int, list[int]] = {}
        self.dm_channels: dict[int, int] = {}
        self.attachments: dict[int, Attachment] = {}
        self.commands: dict[int | None, list[Command]] = {}
        self.base_url = ""
        self._nonces: dict[tuple[int, str], tuple[int, float]] = {}
        self._changed = asyncio.Condition()

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    async def changed(self) -> None:
        """Wake every waiter: something they may be waiting for happened."""
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], T | None], what: str, timeout: float) -> T:
        """The first truthy value of ``predicate``, re-checked on every change."""
        async with self._changed:
            try:
                return await asyncio.wait_for(self._changed.wait_for(predicate), timeout)  # type: ignore[arg-type]
            except TimeoutError:
                raise errors.WaitTimeout(what, timeout) from None

    def user(self, user_id: int) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise errors.unknown_user() from None

    def channel(self, channel_id: int) -> Channel:
        try:
            return self.channels[channel_id]
        except KeyError:
            raise errors.unknown_channel() from None

    def guild(self, guild_id: int) -> Guild:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise errors.unknown_guild() from None

    def message(self, channel_id: int, message_id: int) -> Message:
        message = self.messages.get(message_id)
        if message is None or message.deleted or message.channel_id != channel_id:
            raise errors.unknown_message()
        return message

    def add_user(self, username: str, *, global_name: str | None = None, bot: bool = False) -> User:
        user = User(id=self.ids.next(), username=username, global_name=global_name, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self, name: str, *, owner_id: int | None = None, guild_id: int | None = None
    ) -> Guild:
        guild = Guild(
            id=guild_id or self.ids.next(new_millisecond=True),
            name=name,
            owner_id=owner_id or self.owner.id,
            admin_role_id=self.ids.next(),
        )
        if guild.id in self.guilds:
            raise errors.DriverError(f"guild {guild.id} exists already")
        self.guilds[guild.id] = guild
        self.add_member(guild.id, self.bot.id, admin=True)
        return guild

    def permissions(self, member: Member) -> int:
        """What Discord computes for a member: all for the owner and administrators."""
        guild = self.guilds[member.guild_id]
        if member.admin or member.user_id == guild.owner_id:
            return ALL_PERMISSIONS
        return EVERYONE_PERMISSIONS

    def add_channel(self, guild_id: int, name: str) -> Channel:
        guild = self.guild(guild_id)
        channel = Channel(
            id=self.ids.next(),
            type=TEXT_CHANNEL,
            name=name,
            guild_id=guild.id,
            position=len(guild.channel_ids),
        )
        self.channels[channel.id] = channel
        self.channel_messages[channel.id] = []
        guild.channel_ids.append(channel.id)
        return channel

    def add_member(
        self, guild_id: int, user_id: int, *, nick: str | None = None, admin: bool = False
    ) -> Member:
        guild = self.guild(guild_id)
        self.user(user_id)
        member = Member(guild.id, user_id, joined_at=self.now(), nick=nick, admin=admin)
        if (guild.id, user_id) not in self.members:
            guild.member_ids.append(user_id)
        self.members[(guild.id, user_id)] = member
        return member

    def dm_channel(self, user_id: int) -> Channel:
        """The DM channel between the bot and a user, created on first use as on Discord."""
        user = self.user(user_id)
        channel_id = self.dm_channels.get(user.id)
        if channel_id is not None:
            return self.channels[channel_id]
        channel = Channel(
            id=self.ids.next(), type=DM_CHANNEL, name=user.username, recipient_id=user.id
        )
        self.channels[channel.id] = channel
        self.channel_messages[channel.id] = []
        self.dm_channels[user.id] = channel.id
        return channel

    def nonce_message(self, channel_id: int, nonce: str, monotonic: float) -> Message | None:
        found = self._nonces.get((channel_id, nonce))
        if found is None or monotonic - found[1] > NONCE_WINDOW_SECONDS:
            return None
        return self.messages.get(found[0])

    def add_message(self, message: Message, *, monotonic: float) -> Message:
        self.messages[message.id] = message
        self.channel_messages.setdefault(message.channel_id, []).append(message.id)
        if message.nonce is not None:
            self._nonces[(message.channel_id, message.nonce)] = (message.id, monotonic)
        for attachment in message.attachments:
            self.attachments[attachment.id] = attachment
        message.snapshot("create", message.created_at)
        return message

    def edit_message(self, message: Message, changes: dict[str, Any]) -> Message:
        for key, value in changes.items():
            setattr(message, key, value)
        for attachment in message.attachments:
            self.attachments[attachment.id] = attachment
        message.edited_at = self.now()
        message.snapshot("edit", message.edited_at)
        return message

    def delete_message(self, message: Message) -> None:
        message.deleted = True
        message.snapshot("delete", self.now())

    def channel_history(self, channel_id: int) -> list[Message]:
        return [
            self.messages[i]
            for i in self.channel_messages.get(channel_id, [])
            if not self.messages[i].deleted
        ]

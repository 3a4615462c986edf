"""The driver: what tests and the demo do as Discord's users, and what they read back.

Every wait listens on the local Discord's one condition with a timeout; nothing polls.
Messages the bot sends are read like a mailbox: :meth:`Driver.next_message` returns the bot's
messages to a user or channel one after another, so none is missed between two waits.
"""

from __future__ import annotations

import contextlib
import mimetypes
import secrets
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.sandbox import invocations, payloads
from bot.sandbox.calls import CallCounts
from bot.sandbox.errors import DriverError
from bot.sandbox.handles import DEFAULT_TIMEOUT, InteractionHandle
from bot.sandbox.interactions import (
    AUTOCOMPLETE,
    COMMAND,
    COMPONENT,
    MODAL_SUBMIT,
    InteractionRecord,
)
from bot.sandbox.messages import image_size
from bot.sandbox.model import Attachment, Channel, Command, Guild, Message, User
from bot.sandbox.snowflake import shard_for
from bot.sandbox.transcript import render_transcript, render_transcript_files

if TYPE_CHECKING:
    from bot.sandbox.server import LocalDiscord

T = TypeVar("T")


class Driver:
    def __init__(self, discord: LocalDiscord) -> None:
        self.discord = discord
        self.world = discord.world
        self._read: dict[int, int] = {}

    # -- the world -------------------------------------------------------------------------
    def add_user(self, username: str, *, global_name: str | None = None) -> User:
        return self.world.add_user(username, global_name=global_name)

    async def add_guild(
        self, name: str, *, channels: Sequence[str] = ("general",), guild_id: int | None = None
    ) -> Guild:
        """A guild the bot is in, with text channels; a connected bot gets GUILD_CREATE."""
        guild = self.world.add_guild(name, guild_id=guild_id)
        for channel in channels:
            self.world.add_channel(guild.id, channel)
        await self.discord.gateway.dispatch(
            "GUILD_CREATE", payloads.guild(self.world, guild), guild_id=guild.id
        )
        return guild

    async def add_channel(self, guild: Guild, name: str) -> Channel:
        channel = self.world.add_channel(guild.id, name)
        data = payloads.channel(self.world, channel)
        await self.discord.gateway.dispatch("CHANNEL_CREATE", data, guild_id=guild.id)
        return channel

    async def add_member(
        self, guild: Guild, user: User, *, nick: str | None = None, admin: bool = False
    ) -> None:
        """A member with @everyone's permissions, or every permission with ``admin``."""
        member = self.world.add_member(guild.id, user.id, nick=nick, admin=admin)
        data = payloads.member(self.world, member) | {"guild_id": str(guild.id)}
        await self.discord.gateway.dispatch("GUILD_MEMBER_ADD", data, guild_id=guild.id)

    def channel(self, guild: Guild, name: str) -> Channel:
        for channel_id in guild.channel_ids:
            if self.world.channels[channel_id].name == name:
                return self.world.channels[channel_id]
        raise DriverError(f"{guild.name} has no channel {name!r}")

    def shard_of(self, guild: Guild) -> int:
        return shard_for(guild.id, self.discord.rest.shards)

    def command(self, name: str, *, guild: Guild | None = None) -> Command:
        """A synced command: the guild's own first, then the global ones."""
        for scope in ([guild.id] if guild else []) + [None]:
            for command in self.world.commands.get(scope, []):
                if command.name == name:
                    return command
        raise DriverError(f"no command /{name} was synced")

    # -- faults ----------------------------------------------------------------------------
    def close_dms(self, user: User) -> None:
        """The user stops accepting DMs from the bot: sends to their DM channel get 50007."""
        user.dms_open = False

    def open_dms(self, user: User) -> None:
        user.dms_open = True

    async def drop_gateway(self, shard: int | None = None, *, code: int = 4000) -> int:
        return await self.discord.gateway.drop(shard, code=code)

    async def request_reconnect(self, shard: int | None = None) -> None:
        """Ask the bot to reconnect and RESUME (gateway op 7)."""
        await self.discord.gateway.request_reconnect(shard)

    @contextlib.asynccontextmanager
    async def gateway_outage(self, shard: int | None = None) -> AsyncIterator[None]:
        """Drop the gateway and keep it unreachable for the block; events meanwhile are
        buffered, and the bot gets them when it RESUMEs after the block."""
        self.discord.gateway.hold()
        try:
            await self.drop_gateway(shard)
            yield
        finally:
            self.discord.gateway.release()

    async def wait_connected(
        self, shard: int = 0, *, resumes: int = 0, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        """Until the shard has a live session that has resumed at least ``resumes`` times."""
        gateway = self.discord.gateway

        def ready() -> bool:
            session = gateway.sessions.get(shard)
            return (
                session is not None
                and session.connection is not None
                and session.resumes >= resumes
            )

        await self.wait_for(ready, f"shard {shard} connected after {resumes} resumes", timeout)

    async def dispatch(
        self, event: str, data: dict[str, Any], *, guild_id: int | None = None
    ) -> None:
        """Any gateway event, raw, to the shard owning ``guild_id`` (DMs: shard 0)."""
        if not await self.discord.gateway.dispatch(event, data, guild_id=guild_id):
            raise DriverError(f"no gateway session owns guild {guild_id}: is the bot connected?")

    # -- interactions ----------------------------------------------------------------------
    async def _interact(
        self,
        kind: int,
        user: User,
        channel: Channel,
        data: dict[str, Any],
        message: Message | None = None,
    ) -> InteractionHandle:
        interaction_id = self.world.ids.next()
        token = "interaction." + secrets.token_urlsafe(48)
        payload = invocations.base(
            self.world, interaction_id=interaction_id, token=token, kind=kind, user=user,
            channel=channel, data=data, upload_limit=self.discord.upload_limit, message=message,
        )  # fmt: skip
        record = InteractionRecord(
            id=interaction_id, token=token, type=kind, user_id=user.id, channel_id=channel.id,
            guild_id=channel.guild_id, message_id=message.id if message else None,
            created=time.monotonic(), payload=payload,
        )  # fmt: skip
        self.discord.interactions.add(record)
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=channel.guild_id)
        return InteractionHandle(self.world, record)

    def _where(self, user: User, channel: Channel | None) -> Channel:
        return channel if channel is not None else self.world.dm_channel(user.id)

    async def invoke(
        self,
        user: User,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        channel: Channel | None = None,
    ) -> InteractionHandle:
        """Run ``/command [group] [sub] option:value...`` in a channel, or in the bot's DM."""
        where = self._where(user, channel)
        name, *path = command.split()
        guild = self.world.guilds.get(where.guild_id or 0)
        found = self.command(name, guild=guild)
        data = invocations.command_data(
            self.world, found, path, options or {}, guild_id=where.guild_id
        )
        return await self._interact(COMMAND, user, where, data)

    async def autocomplete(
        self, user: User, command: str, options: dict[str, Any], focused: str, *,
        channel: Channel | None = None, timeout: float = DEFAULT_TIMEOUT,
    ) -> list[dict[str, Any]]:  # fmt: skip
        """The choices the bot offers while ``focused`` is being typed."""
        where = self._where(user, channel)
        name, *path = command.split()
        found = self.command(name, guild=self.world.guilds.get(where.guild_id or 0))
        data = invocations.command_data(
            self.world, found, path, options, guild_id=where.guild_id, focused=focused
        )
        handle = await self._interact(AUTOCOMPLETE, user, where, data)
        return await handle.choices(timeout)

    def _visible(self, user: User, message: Message) -> Message:
        channel = self.world.channels[message.channel_id]
        fresh = self.world.messages.get(message.id)
        if fresh is None or fresh.deleted:
            raise DriverError(f"message {message.id} is deleted")
        if (fresh.visible_to not in (None, user.id)) or (
            channel.is_dm and channel.recipient_id != user.id
        ):
            raise DriverError(f"{user.username} cannot see message {message.id}")
        return fresh

    async def click(self, user: User, message: Message, custom_id: str) -> InteractionHandle:
        fresh = self._visible(user, message)
        data = invocations.component_data(fresh, custom_id, None)
        return await self._interact(
            COMPONENT, user, self.world.channels[fresh.channel_id], data, fresh
        )

    async def select(
        self, user: User, message: Message, custom_id: str, values: Sequence[str]
    ) -> InteractionHandle:
        fresh = self._visible(user, message)
        data = invocations.component_data(fresh, custom_id, list(values))
        return await self._interact(
            COMPONENT, user, self.world.channels[fresh.channel_id], data, fresh
        )

    async def submit_modal(
        self,
        user: User,
        opened_by: InteractionHandle,
        values: dict[str, str],
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> InteractionHandle:
        """Fill and submit the modal the bot showed in answer to ``opened_by``."""
        modal = await opened_by.modal(timeout)
        record = opened_by.record
        message = self.world.messages.get(record.message_id or 0)
        data = invocations.modal_data(modal, values)
        return await self._interact(
            MODAL_SUBMIT, user, self.world.channels[record.channel_id], data, message
        )

    # -- messages --------------------------------------------------------------------------
    async def send_dm(
        self, user: User, content: str, *, files: Sequence[tuple[str, bytes]] = ()
    ) -> Message:
        """The user writes to the bot in their DM channel (MESSAGE_CREATE on shard 0)."""
        return await self.post(user, self.world.dm_channel(user.id), content, files=files)

    async def post(
        self, user: User, channel: Channel, content: str, *, files: Sequence[tuple[str, bytes]] = ()
    ) -> Message:
        """The user writes in a channel (they must be a member of its guild) or in their DM."""
        if channel.guild_id is not None and (channel.guild_id, user.id) not in self.world.members:
            raise DriverError(f"{user.username} is not a member of guild {channel.guild_id}")
        attachments = []
        for filename, blob in files:
            size = image_size(blob)
            kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            attachments.append(Attachment(
                id=self.world.ids.next(), channel_id=channel.id, filename=filename,
                content_type=kind, data=blob,
                width=size[0] if size else None, height=size[1] if size else None,
            ))  # fmt: skip
        message = Message(
            id=self.world.ids.next(), channel_id=channel.id, author_id=user.id,
            created_at=self.world.now(), content=content, attachments=attachments,
        )  # fmt: skip
        self.world.add_message(message, monotonic=time.monotonic())
        data = payloads.message(self.world, message)
        await self.dispatch("MESSAGE_CREATE", data, guild_id=channel.guild_id)
        await self.world.changed()
        return message

    def _bot_messages(self, channel_id: int) -> list[Message]:
        ids = self.world.channel_messages.get(channel_id, [])
        return [
            self.world.messages[i]
            for i in ids
            if self.world.messages[i].author_id == self.world.bot.id
        ]

    def _target(self, user: User | None, channel: Channel | None) -> Callable[[], int | None]:
        if (user is None) == (channel is None):
            raise DriverError("name exactly one of user= (their DM) or channel=")
        if channel is not None:
            return lambda: channel.id
        assert user is not None
        return lambda: self.world.dm_channels.get(user.id)

    async def next_message(
        self,
        *,
        user: User | None = None,
        channel: Channel | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Message:
        """The bot's next message to a user's DM or a channel that this driver has not returned."""
        target = self._target(user, channel)

        def unread() -> Message | None:
            channel_id = target()
            if channel_id is None:
                return None
            sent = self._bot_messages(channel_id)
            index = self._read.get(channel_id, 0)
            return sent[index] if index < len(sent) else None

        message = await self.wait_for(unread, f"a bot message to {user or channel}", timeout)
        self._read[message.channel_id] = self._read.get(message.channel_id, 0) + 1
        return message

    async def wait_for_edit(
        self, message: Message, *, revisions: int | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> Message:
        """Until the message has more than ``revisions`` states (default: as many as now)."""
        seen = len(message.revisions) if revisions is None else revisions
        return await self.wait_for(
            lambda: message if len(message.revisions) > seen else None,
            f"an edit of message {message.id}",
            timeout,
        )

    async def wait_for(
        self, predicate: Callable[[], T | None], what: str, timeout: float = DEFAULT_TIMEOUT
    ) -> T:
        return await self.world.wait_for(predicate, what, timeout)

    def messages(
        self, *, user: User | None = None, channel: Channel | None = None, deleted: bool = False
    ) -> list[Message]:
        """Every message of a DM or channel in order, the users' and the bot's."""
        channel_id = self._target(user, channel)()
        ids = self.world.channel_messages.get(channel_id or 0, [])
        return [
            self.world.messages[i] for i in ids if deleted or not self.world.messages[i].deleted
        ]

    def file(self, attachment: Attachment) -> bytes:
        return self.world.attachments[attachment.id].data

    def transcript_html(
        self,
        *,
        title: str = "draftpod transcript",
        summary: dict[str, object] | None = None,
        inline_images: bool = True,
    ) -> str:
        """Every conversation so far as one self-contained HTML page (see transcript.py)."""
        records = self.discord.interactions.records.values()
        return render_transcript(
            self.world, records, title=title, summary=summary, inline_images=inline_images
        )

    def write_transcript(
        self,
        path: Path,
        *,
        title: str = "draftpod transcript",
        summary: dict[str, object] | None = None,
        image_folder: str = "images",
    ) -> list[Path]:
        """Write the page to ``path`` with each distinct image once as a file beside it, under
        ``image_folder``: a long session's images would make one self-contained page too heavy
        to open. Returns every file written."""
        records = self.discord.interactions.records.values()
        html, files = render_transcript_files(
            self.world, records, title=title, summary=summary, image_folder=image_folder
        )
        written = []
        for name, data in files.items():
            target = path.parent / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(target)
        path.write_text(html, encoding="utf-8")
        return [path, *written]

    def api_calls(self) -> CallCounts:
        return self.discord.calls.counts()

    def unknown_routes(self) -> list[str]:
        return self.discord.calls.unknown_routes()

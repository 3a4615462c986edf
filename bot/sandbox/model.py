"""The records the local Discord keeps: users, guilds, channels, members, messages, files.

Records are mutable where Discord's objects are (a message is edited, a user closes DMs);
what was seen at a moment is kept as frozen :class:`Revision` values for the transcript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

TEXT_CHANNEL = 0
DM_CHANNEL = 1

EPHEMERAL = 1 << 6
LOADING = 1 << 7


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    dms_open: bool = True

    @property
    def display_name(self) -> str:
        return self.global_name or self.username


ALL_PERMISSIONS = (1 << 53) - 1
# A new guild's @everyone: view channels, send messages, embed links, attach files, read
# history, add reactions, use application commands.
EVERYONE_PERMISSIONS = (
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 6) | (1 << 31)
)


@dataclass
class Guild:
    """Two roles: @everyone (the guild's id) and an administrator role members may hold."""

    id: int
    name: str
    owner_id: int
    admin_role_id: int
    locale: str = "en-US"
    channel_ids: list[int] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)


@dataclass
class Channel:
    id: int
    type: int
    name: str
    guild_id: int | None = None
    recipient_id: int | None = None
    position: int = 0

    @property
    def is_dm(self) -> bool:
        return self.type == DM_CHANNEL


@dataclass(frozen=True)
class Member:
    guild_id: int
    user_id: int
    joined_at: datetime
    nick: str | None = None
    admin: bool = False


@dataclass(frozen=True)
class Attachment:
    """A file as stored behind the CDN path; ``data`` is the exact bytes uploaded."""

    id: int
    channel_id: int
    filename: str
    content_type: str
    data: bytes
    description: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def path(self) -> str:
        return f"/attachments/{self.channel_id}/{self.id}/{self.filename}"


@dataclass(frozen=True)
class Revision:
    """One state of a message as its readers saw it: created, edited or deleted."""

    kind: Literal["create", "edit", "delete"]
    at: datetime
    content: str
    embeds: tuple[dict[str, Any], ...]
    components: tuple[dict[str, Any], ...]
    attachments: tuple[Attachment, ...]
    flags: int


@dataclass
class Message:
    id: int
    channel_id: int
    author_id: int
    created_at: datetime
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    nonce: str | None = None
    edited_at: datetime | None = None
    deleted: bool = False
    application_id: int | None = None
    interaction_id: int | None = None
    visible_to: int | None = None
    revisions: list[Revision] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def snapshot(self, kind: Literal["create", "edit", "delete"], at: datetime) -> None:
        self.revisions.append(
            Revision(
                kind=kind,
                at=at,
                content=self.content,
                embeds=tuple(self.embeds),
                components=tuple(self.components),
                attachments=tuple(self.attachments),
                flags=self.flags,
            )
        )

    def custom_ids(self) -> dict[str, dict[str, Any]]:
        """Every interactive component of the message by ``custom_id``, at any depth."""
        found: dict[str, dict[str, Any]] = {}
        stack = list(self.components)
        while stack:
            component = stack.pop()
            if "custom_id" in component:
                found[component["custom_id"]] = component
            stack.extend(component.get("components", ()))
            if isinstance(component.get("component"), dict):
                stack.append(component["component"])
            if isinstance(component.get("accessory"), dict):
                stack.append(component["accessory"])
        return found


@dataclass(frozen=True)
class CommandOption:
    """A synced option; sub-commands and groups carry their own options."""

    name: str
    type: int
    required: bool = False
    autocomplete: bool = False
    options: tuple[CommandOption, ...] = ()
    choices: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Command:
    id: int
    name: str
    type: int
    guild_id: int | None
    options: tuple[CommandOption, ...]
    payload: dict[str, Any]

"""Creating, editing and deleting messages, with their files, limits and gateway events."""

from __future__ import annotations

import json
import mimetypes
import struct
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from bot.sandbox import limits, payloads
from bot.sandbox.errors import ApiError
from bot.sandbox.gateway import Gateway
from bot.sandbox.model import EPHEMERAL, LOADING, Attachment, Channel, Message
from bot.sandbox.world import World


@dataclass(frozen=True)
class Upload:
    """A ``files[n]`` part of a multipart request."""

    index: int
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Body:
    """A request's JSON (``payload_json`` when multipart) and its files."""

    payload: dict[str, Any]
    files: tuple[Upload, ...] = ()


async def read_body(request: web.Request) -> Body:
    """Parse JSON or multipart exactly as discord.py sends them; bad JSON is Discord's 50109."""
    if request.content_type.startswith("multipart/"):
        payload: dict[str, Any] = {}
        files: list[Upload] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            if name == "payload_json":
                payload = _json(await part.text())
            elif name.startswith("files[") and name.endswith("]") and name[6:-1].isdigit():
                files.append(
                    Upload(
                        index=int(name[6:-1]),
                        filename=part.filename or "file",
                        content_type=part.headers.get("Content-Type", "application/octet-stream"),
                        data=bytes(await part.read()),
                    )
                )
        return Body(payload, tuple(files))
    if not request.can_read_body:
        return Body({})
    return Body(_json(await request.text()))


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None
    return value if isinstance(value, dict) else {"_": value}


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or WebP, as Discord reports them for images."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


# JPEG start-of-frame markers carry the size; C4 (Huffman tables), C8 and CC are not frames.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return int(width), int(height)
        at += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


class MessageService:
    """The one path every message takes, from a channel POST, a callback or a follow-up."""

    def __init__(self, world: World, gateway: Gateway, *, upload_limit: int) -> None:
        self.world = world
        self.gateway = gateway
        self.upload_limit = upload_limit

    def _attachments(
        self, channel: Channel, body: Body, kept: list[Attachment]
    ) -> list[Attachment]:
        if sum(len(f.data) for f in body.files) > self.upload_limit:
            raise ApiError(413, 40005, "Request entity too large")
        described = {str(a.get("id")): a for a in body.payload.get("attachments") or []}
        created = []
        for upload in body.files:
            meta = described.get(str(upload.index), {})
            size = image_size(upload.data)
            filename = meta.get("filename") or upload.filename
            guessed, _ = mimetypes.guess_type(filename)
            created.append(
                Attachment(
                    id=self.world.ids.next(),
                    channel_id=channel.id,
                    filename=filename,
                    content_type=guessed or upload.content_type,
                    data=upload.data,
                    description=meta.get("description"),
                    width=size[0] if size else None,
                    height=size[1] if size else None,
                )
            )
        return [*kept, *created]

    async def create(
        self,
        channel: Channel,
        author_id: int,
        body: Body,
        *,
        visible_to: int | None = None,
        interaction_id: int | None = None,
        extra_flags: int = 0,
    ) -> Message:
        payload = body.payload
        nonce = payload.get("nonce")
        nonce = None if nonce is None else str(nonce)
        limits.check_message(
            payload, attachments=len(body.files), editing=bool(extra_flags & LOADING)
        )
        if nonce is not None and payload.get("enforce_nonce"):
            earlier = self.world.nonce_message(channel.id, nonce, time.monotonic())
            if earlier is not None:
                return earlier
        message = Message(
            id=self.world.ids.next(),
            channel_id=channel.id,
            author_id=author_id,
            created_at=self.world.now(),
            content=str(payload.get("content") or ""),
            embeds=list(payload.get("embeds") or []),
            components=list(payload.get("components") or []),
            attachments=self._attachments(channel, body, []),
            flags=int(payload.get("flags") or 0) | extra_flags,
            nonce=nonce,
            application_id=self.world.application_id if interaction_id else None,
            interaction_id=interaction_id,
            visible_to=visible_to,
        )
        self.world.add_message(message, monotonic=time.monotonic())
        if not message.ephemeral:
            data = payloads.message(self.world, message)
            await self.gateway.dispatch("MESSAGE_CREATE", data, guild_id=channel.guild_id)
        await self.world.changed()
        return message

    async def edit(self, message: Message, body: Body, *, clear_flags: int = 0) -> Message:
        payload = body.payload
        kept = message.attachments
        if "attachments" in payload:
            keep = {str(a.get("id")) for a in payload["attachments"] or []}
            kept = [a for a in message.attachments if str(a.id) in keep]
        channel = self.world.channels[message.channel_id]
        attachments = self._attachments(channel, body, kept)
        limits.check_message(payload, attachments=len(attachments), editing=True)
        changes: dict[str, Any] = {"attachments": attachments}
        for key in ("content", "embeds", "components"):
            if key in payload:
                default: Any = "" if key == "content" else []
                changes[key] = payload[key] if payload[key] is not None else default
        if "flags" in payload and payload["flags"] is not None:
            changes["flags"] = int(payload["flags"]) | (message.flags & (EPHEMERAL | LOADING))
        if clear_flags:
            changes["flags"] = changes.get("flags", message.flags) & ~clear_flags
        self.world.edit_message(message, changes)
        if not message.ephemeral:
            data = payloads.message(self.world, message)
            await self.gateway.dispatch("MESSAGE_UPDATE", data, guild_id=channel.guild_id)
        await self.world.changed()
        return message

    async def delete(self, message: Message) -> None:
        channel = self.world.channels[message.channel_id]
        self.world.delete_message(message)
        if not message.ephemeral:
            data: dict[str, Any] = {"id": str(message.id), "channel_id": str(channel.id)}
            if channel.guild_id is not None:
                data["guild_id"] = str(channel.guild_id)
            await self.gateway.dispatch("MESSAGE_DELETE", data, guild_id=channel.guild_id)
        await self.world.changed()

"""Discord's JSON for the local Discord's records, shaped as discord.py 2.7 parses them."""

from __future__ import annotations

from typing import Any

from bot.sandbox import model
from bot.sandbox.model import Attachment, Channel, Guild, Member, Message, User
from bot.sandbox.world import World

# The bot holds every permission: channel overwrites and missing permissions are not modelled.
ALL_PERMISSIONS = str(model.ALL_PERMISSIONS)


def iso(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat()


def user(record: User) -> dict[str, Any]:
    return {
        "id": str(record.id),
        "username": record.username,
        "global_name": record.global_name,
        "discriminator": "0",
        "avatar": None,
        "bot": record.bot,
        "public_flags": 0,
        "flags": 0,
    }


def member(world: World, record: Member, *, with_user: bool = True) -> dict[str, Any]:
    admin_role = world.guilds[record.guild_id].admin_role_id
    payload: dict[str, Any] = {
        "roles": [str(admin_role)] if record.admin else [],
        "nick": record.nick,
        "avatar": None,
        "joined_at": iso(record.joined_at),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        payload["user"] = user(world.users[record.user_id])
    return payload


def channel(world: World, record: Channel) -> dict[str, Any]:
    if record.is_dm:
        assert record.recipient_id is not None
        return {
            "id": str(record.id),
            "type": record.type,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user(world.users[record.recipient_id])],
        }
    return {
        "id": str(record.id),
        "type": record.type,
        "guild_id": str(record.guild_id),
        "name": record.name,
        "position": record.position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def roles(guild: Guild) -> list[dict[str, Any]]:
    base = {"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
    return [
        base | {"id": str(guild.id), "name": "@everyone", "position": 0,
                "permissions": str(model.EVERYONE_PERMISSIONS)},
        base | {"id": str(guild.admin_role_id), "name": "Admin", "position": 1,
                "permissions": ALL_PERMISSIONS},
    ]  # fmt: skip


def guild(world: World, record: Guild, *, large_threshold: int = 250) -> dict[str, Any]:
    """The GUILD_CREATE payload: the guild with its channels, and its members unless large.

    A guild above the IDENTIFY's ``large_threshold`` is sent with the bot alone, so the bot
    must ask for the rest with REQUEST_GUILD_MEMBERS, as on Discord.
    """
    large = len(record.member_ids) > large_threshold
    listed = [world.bot.id] if large else record.member_ids
    return {
        "id": str(record.id),
        "name": record.name,
        "icon": None,
        "owner_id": str(record.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": roles(record),
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": record.locale,
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": iso(world.members[(record.id, world.bot.id)].joined_at),
        "large": large,
        "unavailable": False,
        "member_count": len(record.member_ids),
        "members": [member(world, world.members[(record.id, m)]) for m in listed],
        "channels": [channel(world, world.channels[c]) for c in record.channel_ids],
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def attachment(world: World, record: Attachment) -> dict[str, Any]:
    url = world.base_url + record.path()
    payload: dict[str, Any] = {
        "id": str(record.id),
        "filename": record.filename,
        "size": record.size,
        "url": url,
        "proxy_url": url,
        "content_type": record.content_type,
    }
    if record.description is not None:
        payload["description"] = record.description
    if record.width is not None:
        payload["width"] = record.width
        payload["height"] = record.height
    return payload


def message(world: World, record: Message) -> dict[str, Any]:
    channel_record = world.channels[record.channel_id]
    payload: dict[str, Any] = {
        "id": str(record.id),
        "type": 0 if record.interaction_id is None else 20,
        "channel_id": str(record.channel_id),
        "author": user(world.users[record.author_id]),
        "content": record.content,
        "timestamp": iso(record.created_at),
        "edited_timestamp": iso(record.edited_at),
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [attachment(world, a) for a in record.attachments],
        "embeds": list(record.embeds),
        "components": list(record.components),
        "pinned": False,
        "flags": record.flags,
    }
    if channel_record.guild_id is not None:
        payload["guild_id"] = str(channel_record.guild_id)
        member_record = world.members.get((channel_record.guild_id, record.author_id))
        if member_record is not None:
            payload["member"] = member(world, member_record, with_user=False)
    if record.nonce is not None:
        payload["nonce"] = record.nonce
    if record.application_id is not None:
        payload["application_id"] = str(record.application_id)
        payload["webhook_id"] = str(record.application_id)
    return payload

"""The job methods the scheduler runs in the bot: the draft's timers and the general ones.

Every method is idempotent: the scheduler delivers at least once and the handler library
answers a redelivered ``run_id`` from its cache, but a job may still arrive again after a
restart of either process, so each checks the state before acting (``pick_timeout`` picks only
if that pick is still open). Register more with :func:`job_method`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from bot.app import DraftBot

log = logging.getLogger(__name__)

JobMethod = Callable[["DraftBot", dict[str, Any]], Awaitable[Any]]
JOB_METHODS: dict[str, JobMethod] = {}


def job_method(name: str) -> Callable[[JobMethod], JobMethod]:
    """Decorator: ``async def fn(bot, params) -> JSON`` becomes the job method ``name``."""

    def register(fn: JobMethod) -> JobMethod:
        JOB_METHODS[name] = fn
        return fn

    return register


def _int(params: dict[str, Any], key: str) -> int:
    value = params.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ValueError(f"{key} must be a number, not {value!r}")
    return int(value)


@job_method("pick_timeout")
async def pick_timeout(bot: DraftBot, params: dict[str, Any]) -> Any:
    return await bot.service.timeout(
        _int(params, "pod"), _int(params, "seat"), _int(params, "pick_no")
    )


@job_method("pick_warning")
async def pick_warning(bot: DraftBot, params: dict[str, Any]) -> Any:
    warned = await bot.service.warn(
        _int(params, "pod"),
        _int(params, "seat"),
        _int(params, "pick_no"),
        float(params.get("seconds_left", 0)),
    )
    return {"warned": warned}


@job_method("lobby_expired")
async def lobby_expired(bot: DraftBot, params: dict[str, Any]) -> Any:
    return {"expired": await bot.service.expire(_int(params, "pod"))}


@job_method("pod_idle")
async def pod_idle(bot: DraftBot, params: dict[str, Any]) -> Any:
    # Nobody has picked for a long time: the pick timers keep the draft moving; just note it.
    log.info("pod %s is idle", params.get("pod"))
    return {"noted": True}


@job_method("pod_cleanup")
async def pod_cleanup(bot: DraftBot, params: dict[str, Any]) -> Any:
    return {"forgotten": await bot.service.forget(_int(params, "pod"))}


@job_method("queue_fill")
async def queue_fill(bot: DraftBot, params: dict[str, Any]) -> Any:
    return await bot.service.fill_timer(_int(params, "pod"))


@job_method("ping")
async def ping(bot: DraftBot, params: dict[str, Any]) -> Any:
    return {
        "pong": True,
        "handler": bot.handler.handler_id,
        "guilds": len(bot.guilds),
        "latency_ms": round(bot.latency * 1000, 1) if bot.latency == bot.latency else None,
    }


@job_method("send_message")
async def send_message(bot: DraftBot, params: dict[str, Any]) -> Any:
    content = str(params.get("content", ""))[:2000]
    if not content:
        raise ValueError("content must not be empty")
    message = await bot.outbound.send(_int(params, "channel_id"), {"content": content})
    return {"message_id": message.id}


@job_method("send_embed")
async def send_embed(bot: DraftBot, params: dict[str, Any]) -> Any:
    embed = discord.Embed(
        title=str(params.get("title", ""))[:256] or None,
        description=str(params.get("description", ""))[:4096] or None,
        colour=int(params.get("colour", 0x5865F2)),
    )
    message = await bot.outbound.send(_int(params, "channel_id"), {"embed": embed})
    return {"message_id": message.id}


@job_method("update_status")
async def update_status(bot: DraftBot, params: dict[str, Any]) -> Any:
    text = str(params.get("text", ""))[:128]
    await bot.change_presence(activity=discord.Game(text) if text else None)
    return {"status": text}


@job_method("schedule_announcement")
async def schedule_announcement(bot: DraftBot, params: dict[str, Any]) -> Any:
    """Schedule a ``send_message`` for later: ``channel_id``, ``content``, ``run_date``."""
    when = datetime.fromisoformat(str(params["run_date"]))
    if when.tzinfo is None:
        raise ValueError("run_date must carry a time zone")
    job_id = await bot.handler.schedule(
        "send_message",
        {"channel_id": _int(params, "channel_id"), "content": str(params.get("content", ""))},
        trigger={"type": "date", "run_date": when},
        job_id=str(params["job_id"]) if params.get("job_id") else None,
    )
    return {"job_id": job_id}


@job_method("cleanup_old_messages")
async def cleanup_old_messages(bot: DraftBot, params: dict[str, Any]) -> Any:
    """Delete the bot's own messages older than ``older_than_hours`` (default 24) in a channel."""
    channel_id = _int(params, "channel_id")
    cutoff = datetime.now(UTC) - timedelta(hours=float(params.get("older_than_hours", 24)))
    limit = min(int(params.get("limit", 100)), 500)
    channel = bot.get_channel(channel_id) or await bot.fetch_channel(channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        raise ValueError(f"channel {channel_id} holds no messages")
    mine = [
        message.id
        async for message in channel.history(limit=limit, before=cutoff)
        if bot.user is not None and message.author.id == bot.user.id
    ]
    for message_id in mine:
        bot.outbound.delete(channel_id, message_id)
    return {"deleted": len(mine)}


@job_method("update_role")
async def update_role(bot: DraftBot, params: dict[str, Any]) -> Any:
    """Give (``action: add``) or take (``remove``) a role of ``guild_id`` to ``user_id``."""
    guild = bot.get_guild(_int(params, "guild_id"))
    if guild is None:
        raise ValueError(f"not in guild {params.get('guild_id')}")
    role = guild.get_role(_int(params, "role_id"))
    if role is None:
        raise ValueError(f"no role {params.get('role_id')} in {guild.name}")
    member = guild.get_member(_int(params, "user_id")) or await guild.fetch_member(
        _int(params, "user_id")
    )
    if params.get("action", "add") == "remove":
        await member.remove_roles(role, reason="scheduled job")
    else:
        await member.add_roles(role, reason="scheduled job")
    return {"member": member.id, "role": role.id, "action": params.get("action", "add")}

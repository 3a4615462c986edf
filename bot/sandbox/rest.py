"""The REST routes discord.py calls, thin: parse, ask the services, answer Discord's JSON."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.sandbox import commands, errors, payloads
from bot.sandbox.errors import ApiError
from bot.sandbox.gateway import Gateway
from bot.sandbox.interactions import Interactions
from bot.sandbox.messages import MessageService, read_body
from bot.sandbox.world import World

API_PREFIX = "/api/v10"
BULK_DELETE_MAX_AGE = timedelta(days=14)


def json_response(data: Any, status: int = 200) -> web.Response:
    """JSON with ``Content-Type`` exactly ``application/json``: discord.py compares it as is."""
    body = json.dumps(data, separators=(",", ":")).encode()
    return web.Response(status=status, body=body, headers={"Content-Type": "application/json"})


def no_content() -> web.Response:
    return web.Response(status=204)


def snowflake(request: web.Request, key: str) -> int:
    try:
        return int(request.match_info[key])
    except ValueError:
        raise ApiError(400, 50035, "Invalid Form Body", {key: {"_errors": [
            {"code": "NUMBER_TYPE_COERCE", "message": "Value is not snowflake."}
        ]}}) from None  # fmt: skip


class RestApi:
    def __init__(
        self,
        world: World,
        gateway: Gateway,
        messages: MessageService,
        interactions: Interactions,
        *,
        shards: int,
    ) -> None:
        self.world = world
        self.gateway = gateway
        self.messages = messages
        self.interactions = interactions
        self.shards = shards

    def add_routes(self, app: web.Application) -> None:
        table = [
            ("GET", "/users/@me", self.get_me),
            ("POST", "/users/@me/channels", self.create_dm),
            ("GET", "/users/{user_id}", self.get_user),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", "/applications/{application_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/commands", self.put_commands),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.put_commands),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("POST", "/channels/{channel_id}/typing", self.typing),
            ("GET", "/channels/{channel_id}/messages", self.history),
            ("POST", "/channels/{channel_id}/messages", self.send),
            ("POST", "/channels/{channel_id}/messages/bulk-delete", self.bulk_delete),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.get_guild_channels),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self.callback),
            ("POST", "/webhooks/{application_id}/{token}", self.followup),
            ("GET", "/webhooks/{application_id}/{token}/messages/{message_id}", self.hook_get),
            ("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}", self.hook_edit),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self.hook_delete,
            ),
        ]
        for method, path, handler in table:
            app.router.add_route(method, API_PREFIX + path, handler)

    async def get_me(self, request: web.Request) -> web.Response:
        return json_response(
            payloads.user(self.world.bot) | {"verified": True, "mfa_enabled": False}
        )

    async def get_user(self, request: web.Request) -> web.Response:
        return json_response(payloads.user(self.world.user(snowflake(request, "user_id"))))

    async def create_dm(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        try:
            recipient = int(body.payload["recipient_id"])
        except (KeyError, TypeError, ValueError):
            raise ApiError(400, 50035, "Invalid Form Body", {"recipient_id": {"_errors": [
                {"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}
            ]}}) from None  # fmt: skip
        return json_response(payloads.channel(self.world, self.world.dm_channel(recipient)))

    async def get_application(self, request: web.Request) -> web.Response:
        return json_response({
            "id": str(self.world.application_id),
            "name": self.world.bot.username,
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": payloads.user(self.world.owner),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "bot": payloads.user(self.world.bot),
        })  # fmt: skip

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway.ws_url()})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response({
            "url": self.gateway.ws_url(),
            "shards": self.shards,
            "session_start_limit": {
                "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1,
            },
        })  # fmt: skip

    def _scope(self, request: web.Request) -> int | None:
        if snowflake(request, "application_id") != self.world.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" not in request.match_info:
            return None
        return self.world.guild(snowflake(request, "guild_id")).id

    async def get_commands(self, request: web.Request) -> web.Response:
        synced = self.world.commands.get(self._scope(request), [])
        return json_response([c.payload for c in synced])

    async def put_commands(self, request: web.Request) -> web.Response:
        guild_id = self._scope(request)
        try:
            wanted = json.loads(await request.text())
        except ValueError:
            raise ApiError(400, 50109, "The request body contains invalid JSON.") from None
        synced = commands.sync(self.world, guild_id, wanted)
        return json_response([c.payload for c in synced])

    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self.world.channel(snowflake(request, "channel_id"))
        return json_response(payloads.channel(self.world, channel))

    async def typing(self, request: web.Request) -> web.Response:
        self.world.channel(snowflake(request, "channel_id"))
        return no_content()

    async def history(self, request: web.Request) -> web.Response:
        channel = self.world.channel(snowflake(request, "channel_id"))
        visible = [m for m in self.world.channel_history(channel.id) if not m.ephemeral]
        limit = min(max(int(request.query.get("limit", 50)), 1), 100)
        query = {
            k: int(request.query[k]) for k in ("before", "after", "around") if k in request.query
        }
        if "before" in query:
            visible = [m for m in visible if m.id < query["before"]]
        if "after" in query:
            visible = [m for m in visible if m.id > query["after"]][:limit]
        if "around" in query:
            index = next(
                (i for i, m in enumerate(visible) if m.id >= query["around"]), len(visible)
            )
            start = max(index - limit // 2, 0)
            visible = visible[start : start + limit]
        chosen = visible[-limit:]
        return json_response([payloads.message(self.world, m) for m in reversed(chosen)])

    async def send(self, request: web.Request) -> web.Response:
        channel = self.world.channel(snowflake(request, "channel_id"))
        recipient = channel.recipient_id
        if recipient is not None and not self.world.user(recipient).dms_open:
            raise errors.cannot_dm()
        message = await self.messages.create(channel, self.world.bot.id, await read_body(request))
        return json_response(payloads.message(self.world, message))

    async def get_message(self, request: web.Request) -> web.Response:
        message = self.world.message(
            snowflake(request, "channel_id"), snowflake(request, "message_id")
        )
        return json_response(payloads.message(self.world, message))

    async def edit(self, request: web.Request) -> web.Response:
        message = self.world.message(
            snowflake(request, "channel_id"), snowflake(request, "message_id")
        )
        if message.author_id != self.world.bot.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        message = await self.messages.edit(message, await read_body(request))
        return json_response(payloads.message(self.world, message))

    async def delete(self, request: web.Request) -> web.Response:
        channel = self.world.channel(snowflake(request, "channel_id"))
        message = self.world.message(channel.id, snowflake(request, "message_id"))
        if channel.is_dm and message.author_id != self.world.bot.id:
            raise ApiError(403, 50003, "Cannot execute action on a DM channel")
        await self.messages.delete(message)
        return no_content()

    async def bulk_delete(self, request: web.Request) -> web.Response:
        channel = self.world.channel(snowflake(request, "channel_id"))
        if channel.is_dm:
            raise ApiError(403, 50003, "Cannot execute action on a DM channel")
        ids = [int(i) for i in (await read_body(request)).payload.get("messages") or []]
        if not 2 <= len(ids) <= 100:
            raise ApiError(
                400,
                50016,
                "Provided too few or too many messages to delete. "
                "Must provide at least 2 and fewer than 100 messages to delete.",
            )
        found = [self.world.message(channel.id, i) for i in ids]
        oldest_allowed = self.world.now() - BULK_DELETE_MAX_AGE
        if any(m.created_at < oldest_allowed for m in found):
            raise ApiError(
                400, 50034, "You can only bulk delete messages that are under 14 days old."
            )
        for message in found:
            self.world.delete_message(message)
        data = {
            "ids": [str(i) for i in ids],
            "channel_id": str(channel.id),
            "guild_id": str(channel.guild_id),
        }
        await self.gateway.dispatch("MESSAGE_DELETE_BULK", data, guild_id=channel.guild_id)
        await self.world.changed()
        return no_content()

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self.world.guild(snowflake(request, "guild_id"))
        return json_response(payloads.guild(self.world, guild))

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self.world.guild(snowflake(request, "guild_id"))
        return json_response(
            [payloads.channel(self.world, self.world.channels[c]) for c in guild.channel_ids]
        )

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self.world.guild(snowflake(request, "guild_id"))
        member = self.world.members.get((guild.id, snowflake(request, "user_id")))
        if member is None:
            raise errors.unknown("Member", 10007)
        return json_response(payloads.member(self.world, member))

    async def callback(self, request: web.Request) -> web.Response:
        interaction_id = snowflake(request, "interaction_id")
        body = await read_body(request)
        result = await self.interactions.callback(interaction_id, request.match_info["token"], body)
        if request.query.get("with_response") in ("1", "true", "True"):
            return json_response(result)
        return no_content()

    def _hook(self, request: web.Request) -> Any:
        return self.interactions.by_webhook(
            snowflake(request, "application_id"), request.match_info["token"]
        )

    async def followup(self, request: web.Request) -> web.Response:
        record = self._hook(request)
        message = await self.interactions.followup(record, await read_body(request))
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(payloads.message(self.world, message))
        return no_content()

    async def hook_get(self, request: web.Request) -> web.Response:
        message = self.interactions.message(self._hook(request), request.match_info["message_id"])
        return json_response(payloads.message(self.world, message))

    async def hook_edit(self, request: web.Request) -> web.Response:
        record = self._hook(request)
        body = await read_body(request)
        message = await self.interactions.edit(record, request.match_info["message_id"], body)
        return json_response(payloads.message(self.world, message))

    async def hook_delete(self, request: web.Request) -> web.Response:
        message = self.interactions.message(self._hook(request), request.match_info["message_id"])
        await self.messages.delete(message)
        return no_content()

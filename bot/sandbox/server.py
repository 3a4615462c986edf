"""The local Discord: one aiohttp server with the gateway, the REST API and the CDN."""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox.calls import Call, CallKind, CallLog
from bot.sandbox.driver import Driver
from bot.sandbox.errors import ApiError, unauthorized
from bot.sandbox.faults import Fault, Faults
from bot.sandbox.gateway import GATEWAY_PATH, Gateway
from bot.sandbox.interactions import Interactions
from bot.sandbox.messages import MessageService
from bot.sandbox.rest import API_PREFIX, RestApi, json_response
from bot.sandbox.world import World

_log = logging.getLogger(__name__)

TOKEN_PREFIX = "sandbox."
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024  # Discord's limit for a bot in an unboosted guild
DEFAULT_HEARTBEAT_MS = 41_250

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def server_error(status: int) -> web.Response:
    return json_response({"message": f"{status}: Server Error", "code": 0}, status)


def is_sandbox_token(token: str) -> bool:
    return token.startswith(TOKEN_PREFIX)


class LocalDiscord:
    """Discord at the wire for one bot application, on 127.0.0.1 and a free port.

    ``interaction_deadline`` is Discord's 3 seconds by default; tests shorten it so that a
    slow bot meets 10062 without the suite waiting seconds.
    """

    def __init__(
        self,
        *,
        shards: int = 1,
        interaction_deadline: float = 3.0,
        upload_limit: int = DEFAULT_UPLOAD_LIMIT,
        heartbeat_interval_ms: int = DEFAULT_HEARTBEAT_MS,
        bot_name: str = "draftpod",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = TOKEN_PREFIX + secrets.token_urlsafe(24)
        self.host, self.port = host, port
        self.upload_limit = upload_limit
        self.world = World(bot_name=bot_name)
        self.world.base_url = self.base_url
        self.gateway = Gateway(
            self.world, token=self.token, heartbeat_interval_ms=heartbeat_interval_ms
        )
        self.messages = MessageService(self.world, self.gateway, upload_limit=upload_limit)
        self.interactions = Interactions(self.world, self.messages, deadline=interaction_deadline)
        self.faults = Faults()
        self.calls = CallLog()
        self.rest = RestApi(
            self.world, self.gateway, self.messages, self.interactions, shards=shards
        )
        self.driver = Driver(self)
        self.internal_errors: list[str] = []
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return self.gateway.ws_url()

    async def start(self) -> LocalDiscord:
        app = web.Application(middlewares=[self._middleware], client_max_size=1024**3)
        app.router.add_get(GATEWAY_PATH, self.gateway.handle)
        self.rest.add_routes(app)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._cdn)
        app.router.add_route("*", "/{tail:.*}", self._unknown, name="unknown")
        app.on_shutdown.append(self._close_gateway)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.world.base_url = self.base_url
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalDiscord:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _close_gateway(self, app: web.Application) -> None:
        await self.gateway.drop(code=1001)

    def _classify(self, request: web.Request) -> tuple[CallKind | None, str]:
        resource = request.match_info.route.resource
        if resource is not None and resource.name == "unknown":
            return "unknown", f"{request.method} {request.path}"
        canonical = resource.canonical if resource is not None else request.path
        if canonical.startswith("/attachments/"):
            return "cdn", f"GET {canonical}"
        if not canonical.startswith(API_PREFIX):
            return None, canonical
        route = f"{request.method} {canonical[len(API_PREFIX) :]}"
        if canonical.startswith((API_PREFIX + "/interactions/", API_PREFIX + "/webhooks/")):
            return "interaction", route
        return "global", route

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        kind, route = self._classify(request)
        if kind is None:
            return await handler(request)
        status = 500
        try:
            if kind == "global" and request.headers.get("Authorization") != f"Bot {self.token}":
                raise unauthorized()
            fired = self.faults.take(route) if kind in ("global", "interaction") else []
            for fault in fired:
                answer = await self._apply(fault)
                if answer is not None:
                    status = answer.status
                    return answer
            response = await handler(request)
            status = response.status
            lost = next((f for f in fired if f.kind == "lost_response"), None)
            if lost is not None:
                status = lost.status
                return server_error(lost.status)
            return response
        except ApiError as exc:
            status = exc.status
            return json_response(exc.body(), exc.status)
        except Exception as exc:
            # A bug of the sandbox, not a Discord answer: kept so that tests fail on it.
            _log.exception("local Discord failed on %s %s", request.method, request.path)
            self.internal_errors.append(f"{request.method} {request.path}: {exc!r}")
            return json_response({"message": "500: Internal Server Error", "code": 0}, 500)
        finally:
            self.calls.add(
                Call(self.world.now(), request.method, route, request.path, kind, status)
            )
            await self.world.changed()

    async def _apply(self, fault: Fault) -> web.Response | None:
        if fault.kind == "slow":
            await asyncio.sleep(fault.seconds)
            return None
        if fault.kind == "lost_response":
            return None
        if fault.kind == "server_error":
            return server_error(fault.status)
        body: dict[str, Any] = {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": fault.is_global,
        }
        response = json_response(body, 429)
        response.headers["Via"] = "1.1 google"
        response.headers["Retry-After"] = str(math.ceil(fault.retry_after))
        response.headers["X-RateLimit-Scope"] = "global" if fault.is_global else "user"
        if fault.is_global:
            response.headers["X-RateLimit-Global"] = "true"
        return response

    async def _cdn(self, request: web.Request) -> web.Response:
        attachment_id = request.match_info["attachment_id"]
        attachment = self.world.attachments.get(
            int(attachment_id) if attachment_id.isdigit() else 0
        )
        if attachment is None or str(attachment.channel_id) != request.match_info["channel_id"]:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=attachment.data, headers={"Content-Type": attachment.content_type})

    async def _unknown(self, request: web.Request) -> web.Response:
        return json_response({"message": "404: Not Found", "code": 0}, 404)

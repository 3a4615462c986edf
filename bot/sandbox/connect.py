"""Point discord.py at the local Discord, and put it back.

Two class attributes carry every REST call (interaction callbacks and follow-ups included) and
the first gateway connection; RESUMEs follow ``resume_gateway_url`` from READY, which the local
Discord sets to itself. This is the only module of the package that imports discord.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import discord.gateway
import discord.http
import yarl

from bot.sandbox.errors import RealTokenConfigured
from bot.sandbox.gateway import GATEWAY_PATH
from bot.sandbox.rest import API_PREFIX
from bot.sandbox.server import LocalDiscord, is_sandbox_token


@contextmanager
def pointed_at(
    sandbox: LocalDiscord | str, *, environ: Mapping[str, str] = os.environ
) -> Iterator[None]:
    """Within the block, discord.py talks to ``sandbox``; refuses if a real token is set.

    ``sandbox`` is a server of this process, or the base URL (``http://127.0.0.1:<port>``) of
    one running in another process. A ``DISCORD_TOKEN`` that is not a sandbox token means this
    process may be a real bot: redirecting it silently would hide its traffic, so nothing is
    changed and an error raised.
    """
    token = environ.get("DISCORD_TOKEN")
    if token and not is_sandbox_token(token):
        raise RealTokenConfigured(
            "DISCORD_TOKEN holds a real token; unset it to run against the local Discord"
        )
    route = discord.http.Route
    websocket = discord.gateway.DiscordWebSocket
    saved = (route.BASE, websocket.DEFAULT_GATEWAY)
    base = sandbox.base_url if isinstance(sandbox, LocalDiscord) else sandbox.rstrip("/")
    route.BASE = base + API_PREFIX
    websocket.DEFAULT_GATEWAY = yarl.URL(base.replace("http://", "ws://", 1) + GATEWAY_PATH)
    try:
        yield
    finally:
        route.BASE, websocket.DEFAULT_GATEWAY = saved

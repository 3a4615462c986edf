"""``draftpod bot``: run the Discord bot in the foreground (token from ``DISCORD_TOKEN``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

from draftpod.config import Config, secret


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "bot",
        help="run the Discord bot (needs DISCORD_TOKEN and a running scheduler)",
        description="Run the Discord bot until SIGINT or SIGTERM. See docs/running.md.",
    )
    parser.add_argument(
        "--local-discord",
        metavar="URL",
        help="talk to a local Discord stand-in at URL instead of Discord (demo and tests only)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, config: Config) -> int:
    token = secret("DISCORD_TOKEN")
    if not token:
        print(
            "draftpod bot: set DISCORD_TOKEN to the bot's token (see docs/running.md)",
            file=sys.stderr,
        )
        return 2
    from bot.app import handler_keys
    from draftpod.config import ConfigError

    try:
        handler_keys(config)
    except ConfigError as exc:
        print(f"draftpod bot: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    redirect: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
    if args.local_discord:
        from bot.sandbox import pointed_at

        redirect = pointed_at(args.local_discord)
    with redirect:
        asyncio.run(_serve(config, token))
    return 0


async def _serve(config: Config, token: str) -> None:
    from bot.app import DraftBot, run_bot

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    def ready(bot: DraftBot) -> None:
        user = bot.user.id if bot.user is not None else 0
        print(f"bot ready user={user} guilds={len(bot.guilds)}", flush=True)

    await run_bot(config, token, on_ready=ready, stop=stop)

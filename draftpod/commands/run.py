"""``draftpod run``: the one-machine deployment, the scheduler as a supervised child plus the bot.

The scheduler is a separate process by design (it owns time, and must not stall when the bot's
loop is busy rendering), but one machine should still need one command. So this starts
``python -m scheduler`` as a child, restarted with backoff if it dies (its deadlines are durable,
so a restart loses no timer), waits for its ready line, then runs the bot in this process. On
SIGINT or SIGTERM the bot stops first, so it does not spend its last seconds reconnecting to a
scheduler that is already gone, then the scheduler.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from draftpod.config import Config, secret

log = logging.getLogger("draftpod.run")

TOKEN_ENV = "DISCORD_TOKEN"
EXIT_NO_TOKEN = 2
EXIT_SETTINGS = 2  # the scheduler's own code for a settings file it cannot use
BOT_STOP_GRACE = 15.0


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "run",
        help="run the scheduler (as a supervised child) and the bot: one-machine deployment",
        description="Start the scheduler as a child process, restarted if it dies, then run "
        "the bot in this process until SIGINT or SIGTERM. Needs DISCORD_TOKEN.",
    )
    parser.add_argument(
        "--scheduler-log",
        type=Path,
        metavar="FILE",
        help="write the scheduler's log to FILE (default: this process's standard error, "
        "with the bot's)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, config: Config) -> int:
    token = secret(TOKEN_ENV)
    if token is None:
        print(
            f"draftpod run: {TOKEN_ENV} is not set; put the bot's token from the Discord "
            "developer portal in the environment (try `draftpod demo` to run without one)",
            file=sys.stderr,
        )
        return EXIT_NO_TOKEN
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    scheduler_log: Path | None = args.scheduler_log
    return asyncio.run(_run(config, token, getattr(args, "config", None), scheduler_log))


async def _run(
    config: Config, token: str, config_file: str | None, scheduler_log: Path | None
) -> int:
    from draftpod.processes import SCHEDULER_READY, ChildFailed, ChildSpec, Supervisor

    argv = [sys.executable, "-m", "scheduler"]
    if config_file is not None:
        argv += ["--config", config_file]
    bound: dict[str, str] = {}

    def announced(match: Any) -> None:
        zmq = match["zmq"]
        if bound and bound["zmq"] != zmq:
            log.error("the restarted scheduler bound %s, not %s: the bot cannot follow it "
                      "(give scheduler.zmq_address a fixed port)", zmq, bound["zmq"])  # fmt: skip
        bound.setdefault("zmq", zmq)

    scheduler = Supervisor(
        ChildSpec("scheduler", argv, SCHEDULER_READY, scheduler_log),
        fatal_codes=frozenset({EXIT_SETTINGS}),
        on_ready=announced,
    )
    try:
        ready = await scheduler.start()
    except ChildFailed as exc:
        print(f"draftpod run: {exc}", file=sys.stderr)
        return 1
    log.info("%s (log: %s)", ready.group(0), scheduler_log or "standard error")
    config = dataclasses.replace(
        config, scheduler=dataclasses.replace(config.scheduler, zmq_address=bound["zmq"])
    )

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    bot_stop = asyncio.Event()
    bot = asyncio.create_task(_bot(config, token, bot_stop), name="bot")
    stopping = asyncio.create_task(stop.wait(), name="stop-signal")
    gave_up = asyncio.create_task(scheduler.finished.wait(), name="scheduler-gave-up")
    code = 0
    try:
        await asyncio.wait({bot, stopping, gave_up}, return_when=asyncio.FIRST_COMPLETED)
        if gave_up.done() and not bot.done():
            log.error("the scheduler cannot be restarted (exit code %s)", scheduler.gave_up)
            code = 1
        if bot.done():
            code = _bot_exit(bot)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        if not bot.done():
            log.info("stopping the bot")
            bot_stop.set()  # run_bot flushes its outbound queue and closes its stores
            try:
                await asyncio.wait_for(asyncio.shield(bot), BOT_STOP_GRACE)
            except TimeoutError:
                log.warning("the bot did not stop within %gs; cancelling it", BOT_STOP_GRACE)
                bot.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await bot
        stopping.cancel()
        gave_up.cancel()
        log.info("stopping the scheduler")
        await scheduler.stop()
    return code


async def _bot(config: Config, token: str, stop: asyncio.Event) -> None:
    from bot.app import run_bot

    await run_bot(config, token, stop=stop)


def _bot_exit(task: asyncio.Task[None]) -> int:
    """The exit code once the bot returned on its own: 0 if it ended cleanly."""
    if task.cancelled():
        return 0
    error = task.exception()
    if error is None:
        return 0
    log.error("the bot stopped with an error", exc_info=error)
    return 1

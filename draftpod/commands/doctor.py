"""``draftpod doctor``: check a deployment end to end and say what to fix.

The troubleshooting list of a scheduler integration, as a command: settings, sets, folders, the
bot's database, the Discord token and application, the scheduler, the bot's handler, and a job's
round trip through the bot. One line per check; exit 0 when no check failed, 1 otherwise. The
checks live in :mod:`draftpod.doctor`; this module is the command line around them.
"""

from __future__ import annotations

import argparse
from typing import Any

from draftpod.config import Config


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "doctor",
        help="check settings, sets, database, Discord and the scheduler; say what to fix",
        description="Check everything the bot and the scheduler need, one line per check "
        "(ok / FAIL / skip), with what to do for each failure. Exit 0 when no check failed, "
        "1 otherwise. See docs/running.md.",
    )
    parser.add_argument(
        "--timeout",
        type=_positive,
        default=5.0,
        metavar="SECONDS",
        help="longest wait for each network answer (default 5); the ping job gets twice this",
    )
    parser.add_argument(
        "--discord-api",
        metavar="URL",
        help="check against the local Discord at URL (http://127.0.0.1:PORT) instead of Discord",
    )
    parser.add_argument(
        "--skip-discord",
        action="store_true",
        help="do not check the token or log in to Discord (e.g. on the scheduler's machine)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, config: Config) -> int:
    import asyncio

    from draftpod.doctor import Options, diagnose, exit_code

    options = Options(
        timeout=args.timeout,
        discord_api=args.discord_api,
        skip_discord=args.skip_discord,
        job_wait=2 * args.timeout,
    )
    report = asyncio.run(diagnose(config, options, emit=lambda line: print(line, flush=True)))
    print(report.summary(), flush=True)
    return exit_code(report.checks)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value

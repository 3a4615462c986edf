"""``draftpod keys FOLDER [HANDLER_ID...]``: make CURVE keys for the ZMQ link."""

from __future__ import annotations

import argparse
from typing import Any

from draftpod.config import Config


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "keys",
        help="make CURVE keys for the scheduler and its handlers",
        description="Make the scheduler's CURVE key pair and one per handler id "
        "(default: draftpod-bot). See docs/scheduler.md.",
    )
    parser.add_argument("folder", help="folder to write the key files into")
    parser.add_argument("handler_ids", nargs="*", help="handler ids (default: draftpod-bot)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from scheduler.keys import keys_command

    return keys_command(args.folder, args.handler_ids)

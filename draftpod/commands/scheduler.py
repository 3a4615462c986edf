"""``draftpod scheduler``: run the scheduler process in the foreground."""

from __future__ import annotations

import argparse
from typing import Any

from draftpod.config import Config


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "scheduler",
        help="run the scheduler (timers, pod lifecycle, ZMQ handlers, HTTP API)",
        description="Run the scheduler until SIGINT or SIGTERM. See docs/scheduler.md.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from scheduler.app import run as serve

    return serve(config)

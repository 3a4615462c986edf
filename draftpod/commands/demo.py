"""``draftpod demo``: whole drafts on this machine, no network, no token (see draftpod.demo).

Runs the scheduler and the bot as child processes against a local Discord with simulated
players, shows the pods' progress, and leaves the MTGO logs, an HTML transcript of every
conversation and ``summary.json`` in the run folder.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from draftpod.config import Config

EXIT_INTERRUPTED = 130


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="run whole drafts offline: scheduler and bot against a local Discord",
        description="Start the scheduler and the bot as child processes against a local "
        "Discord, let simulated players draft, and write the MTGO logs, transcript.html and "
        "summary.json to the run folder. Exit 1 if any draft did not complete.",
    )
    add = parser.add_argument
    add(
        "--out",
        type=Path,
        default=Path("out/demo"),
        metavar="DIR",
        help="run folder, cleared of an earlier run's files (default: out/demo)",
    )
    add("--pods", type=int, default=2, metavar="N", help="pods drafting at once (default 2)")
    add("--players", type=int, default=4, metavar="N", help="simulated humans per pod (default 4)")
    add(
        "--seats",
        type=int,
        default=8,
        metavar="N",
        help="seats per pod; those no human takes get bot drafters (default 8)",
    )
    add("--packs", type=int, default=3, metavar="N", help="packs per player (default 3)")
    add(
        "--pick-time",
        dest="pick_seconds",
        type=int,
        default=4,
        metavar="S",
        help="seconds per pick before it is auto-picked (default 4)",
    )
    add(
        "--timer",
        choices=("fixed", "scaled", "mtr", "none"),
        default="fixed",
        help="pick timer policy (default fixed)",
    )
    add("--set", dest="set_code", default="NEO", metavar="CODE", help="set to draft (default NEO)")
    add("--seed", type=int, default=1, help="seed of the players' choices and think times")
    add(
        "--slow",
        type=float,
        default=0.02,
        metavar="SHARE",
        help="share of picks a player lets run out (the last of each pod: five times as "
        "many); default 0.02",
    )
    add("--quiet", action="store_true", help="no live progress lines")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from draftpod.demo.options import DemoOptions
    from draftpod.demo.runner import run_demo

    options = DemoOptions(
        out=args.out,
        pods=args.pods,
        players=args.players,
        seats=args.seats,
        packs=args.packs,
        pick_seconds=args.pick_seconds,
        timer=args.timer,
        seed=args.seed,
        set_code=args.set_code,
        slow=args.slow,
        live=not args.quiet,
    )
    problems = options.problems(config)
    if problems:
        for problem in problems:
            print(f"draftpod demo: {problem}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(run_demo(config, options))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("draftpod demo: interrupted; every process it started is stopped", file=sys.stderr)
        return EXIT_INTERRUPTED

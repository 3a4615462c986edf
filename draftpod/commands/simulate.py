"""``draftpod simulate``: a whole draft offline, every seat a bot drafter, logs written to a folder.

The engine's own shell in miniature: load the catalog, make a pod, let the bots draft it, write one
MTGO log per seat and the JSON log of the pod, print what happened. Same seed, same draft.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from draftpod.config import Config


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="run a whole draft offline with every seat auto-picking; write the logs",
        description="Run a whole draft offline with every seat auto-picking and write one MTGO "
        "log per seat plus a JSON log of the pod.",
    )
    parser.add_argument("--set", dest="set_code", required=True, metavar="CODE", help="set code")
    parser.add_argument("--players", type=int, default=8, metavar="N", help="seats (default 8)")
    parser.add_argument("--seed", type=int, metavar="S", help="pod seed (default: random)")
    parser.add_argument("--logs", type=Path, metavar="DIR", help="folder for the logs")
    parser.add_argument("--packs", type=int, metavar="P", help="packs per player")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from bot.draft.errors import DraftError
    from bot.draft.pod import Pod
    from bot.draft.records import fill_with_bots
    from bot.draft.set_errors import SetError
    from bot.logfiles import write_pod_logs
    from bot.sets import load_catalog

    players: int = args.players
    low, high = config.draft.min_seats, config.draft.max_seats
    if not low <= players <= high:
        return _fail(f"--players must be between {low} and {high}, not {players}")
    packs: int = args.packs if args.packs is not None else config.draft.packs_per_player
    if packs < 1:
        return _fail(f"--packs must be at least 1, not {packs}")
    seed: int = args.seed if args.seed is not None else secrets.randbelow(2**31)
    logs_dir: Path = args.logs if args.logs is not None else config.paths.logs_dir

    catalog = load_catalog(config.paths.sets_dir)
    try:
        card_set = catalog.get(args.set_code)
        pod = Pod(
            seed,
            card_set,
            fill_with_bots([], players),
            packs_per_seat=packs,
            colour_commit_after=config.draft.autopick_colour_commit_after,
        )
    except (SetError, DraftError) as exc:
        return _fail(str(exc))
    started_at = datetime.now(UTC).astimezone()
    pod.start()
    written = write_pod_logs(pod, logs_dir, event=str(seed), started_at=started_at)
    print(summary(pod, written, logs_dir))
    return 0


def summary(pod: Any, written: list[Path], logs_dir: Path) -> str:
    set_name = f"{pod.card_set.code} ({pod.card_set.name})"
    lines = [
        f"Drafted {set_name}: {len(pod.seats)} seats, {pod.packs_per_seat} packs of "
        f"{pod.pack_size}, seed {pod.seed}, {len(pod.picks)} picks.",
        "",
        f"{'seat':<5}{'drafter':<10}{'colours':<9}first pick",
    ]
    for seat, info in enumerate(pod.seats):
        pool = pod.pool(seat)
        colours = "/".join(pod.autopicker.colours(pool)) or "-"
        first = pool[0].name if pool else "-"
        lines.append(f"{seat:<5}{info.name:<10}{colours:<9}{first}")
    lines += ["", f"Wrote {len(written)} files to {logs_dir}:"]
    lines += [f"  {path.name}" for path in written]
    return "\n".join(lines)


def _fail(message: str) -> int:
    print(f"draftpod simulate: {message}", file=sys.stderr)
    return 2

"""``draftpod sets check [PATH]``: load set files the way the bot does and report on each.

Meant for whoever drops a file into the sets folder: it shows what the bot will offer (code, name,
kind, card count, booster kinds, ratings) and every file that failed with its reason, and exits
non-zero when any file failed, so it also serves as a check in CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from draftpod.config import Config

if TYPE_CHECKING:
    from bot.draft.catalog import CatalogEntry

COLUMNS = ("code", "name", "kind", "cards", "boosters", "ratings")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("sets", help="inspect and validate set files")
    actions = parser.add_subparsers(dest="sets_command", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check", help="validate set files and print what they offer (exit 1 if any file failed)"
    )
    check.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="a set file or a folder of them (default: paths.sets_dir from the settings)",
    )
    check.set_defaults(run=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from bot.draft.catalog import COMPANION_SUFFIXES
    from bot.sets import load_catalog

    path: Path = args.path or config.paths.sets_dir
    limit = config.sets.max_file_mb * 1024 * 1024
    if path.is_dir():
        catalog = load_catalog(path, max_file_bytes=limit)
    elif path.is_file():
        if path.name.lower().endswith(COMPANION_SUFFIXES):
            print(
                f"draftpod: {path.name} holds card data or ratings for another file; "
                "check the set file or the folder",
                file=sys.stderr,
            )
            return 2
        catalog = load_catalog(path.parent, max_file_bytes=limit, only=[path])
    else:
        print(f"draftpod: no such file or folder: {path}", file=sys.stderr)
        return 2
    rows = [_row(entry) for entry in catalog.entries.values()]
    _table(rows, sys.stdout)
    if catalog.errors:
        print(f"\n{len(catalog.errors)} file(s) failed:")
        for error in catalog.errors:
            print(f"  {error}")
        return 1
    print(f"\n{len(rows)} set(s), no errors.")
    return 0


def _row(entry: CatalogEntry) -> tuple[str, ...]:
    card_set = entry.card_set
    if card_set.booster is not None:
        others = [k for k in entry.booster_kinds if k != card_set.booster.kind]
        boosters = card_set.booster.kind + (f" (+{', '.join(others)})" if others else "")
    elif card_set.kind == "cube":
        boosters = f"cube of {len(card_set.cube_list)}"
    else:
        boosters = "rarity default"
    ratings = card_set.ratings
    rated = f"{ratings.source} ({len(ratings.overall)})" if ratings.overall else ratings.source
    return (
        card_set.code,
        card_set.name,
        card_set.kind,
        str(len(card_set.cards)),
        boosters,
        rated,
    )


def _table(rows: list[tuple[str, ...]], out: TextIO) -> None:
    widths = [max(len(r[i]) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    for row in [COLUMNS, tuple("-" * w for w in widths), *rows]:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        out.write("\n")

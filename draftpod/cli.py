"""The ``draftpod`` console script: one entry point for every process and tool.

Each sub-command is a module in :mod:`draftpod.commands` with ``register(subparsers)`` (adds its
parser and sets ``run``) and ``run(args, config) -> int``. Modules are discovered, so adding a
command is adding a file. Heavy imports belong inside ``run`` so ``draftpod --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from draftpod import commands
from draftpod.config import ConfigError, load_config


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="draftpod", description="Magic: The Gathering booster drafts inside Discord."
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="settings file overriding config/default.yaml (default: $DRAFTPOD_CONFIG)",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"draftpod: {exc}", file=sys.stderr)
        return 2
    return int(args.run(args, config) or 0)


if __name__ == "__main__":
    sys.exit(main())

"""``python -m scheduler [--config FILE]``: run the scheduler process."""

from __future__ import annotations

import argparse
import sys

from draftpod.config import ConfigError, load_config
from scheduler.app import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scheduler", description=__doc__)
    parser.add_argument(
        "--config", metavar="FILE", help="settings file (default: $DRAFTPOD_CONFIG)"
    )
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"scheduler: {exc}", file=sys.stderr)
        return 2
    return run(config)


if __name__ == "__main__":
    sys.exit(main())

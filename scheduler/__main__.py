"""``python -m scheduler [--config FILE]``: run the scheduler process; ``python -m scheduler keys
FOLDER [HANDLER_ID...]``: make CURVE keys for the ZMQ link."""

from __future__ import annotations

import argparse
import sys

from draftpod.config import ConfigError, load_config
from scheduler.app import run


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["keys"]:
        keys = argparse.ArgumentParser(
            prog="python -m scheduler keys",
            description="Make CURVE key pairs: the scheduler's and one per handler id.",
        )
        keys.add_argument("folder", help="folder to write the key files into")
        keys.add_argument("handler_ids", nargs="*", help="handler ids (default: draftpod-bot)")
        parsed = keys.parse_args(argv[1:])
        from scheduler.keys import keys_command

        return keys_command(parsed.folder, parsed.handler_ids)
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

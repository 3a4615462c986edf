"""A tiny child for tests/test_processes.py: prints a ready line, logs, and misbehaves on request.

``python tests/process_child.py [--starts FILE] [--plan ok,die,fail...] [--exit-code C]
[--silent] [--ignore-term] [--chatty]``: with ``--plan``, the Nth start (counted in the
``--starts`` file) exits before its ready line (``fail``), right after it (``die``), or serves
until SIGTERM (``ok``, and every start past the plan).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=Path, help="file counting the starts (one line each)")
    parser.add_argument("--plan", default="", help="what each start does: ok, die or fail")
    parser.add_argument("--exit-code", type=int, default=1)
    parser.add_argument("--silent", action="store_true", help="never print the ready line")
    parser.add_argument("--ignore-term", action="store_true")
    parser.add_argument("--chatty", action="store_true", help="flood stdout after ready")
    args = parser.parse_args()

    start = 1
    if args.starts is not None:
        with args.starts.open("a") as stream:
            stream.write(f"{os.getpid()}\n")
        start = len(args.starts.read_text().splitlines())
    plan = [step for step in args.plan.split(",") if step]
    step = plan[start - 1] if start <= len(plan) else "ok"
    print(f"child {start} warming up", file=sys.stderr, flush=True)
    if step == "fail":
        print("child failing on purpose", file=sys.stderr, flush=True)
        return args.exit_code

    stop = threading.Event()
    if args.ignore_term:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    else:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if args.silent:
        stop.wait()
        return 0
    print("some noise before the ready line", flush=True)
    print(f"child ready pid={os.getpid()} start={start}", flush=True)
    if step == "die":
        return args.exit_code
    if args.chatty:
        for n in range(20_000):
            print(f"chatter {n} " + "x" * 60)
        sys.stdout.flush()
    stop.wait()
    print("child stopping on SIGTERM", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

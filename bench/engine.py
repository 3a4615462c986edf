"""Benchmark of the draft engine: whole 8-seat drafts of the shipped NEO, bots at every seat.

Run from the repository root: ``python bench/engine.py [--drafts N] [--set CODE]``. Every figure is
also given as a ratio to a baseline measured in the same run on the same machine: a bare loop that
makes the same number of picks by removing an element from a list of the same size and appending
it to a pool, so the ratios say what the engine's rules cost over the least a draft must do.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.draft.collation import open_packs  # noqa: E402
from bot.draft.pod import Pod, collation_rng  # noqa: E402
from bot.draft.records import fill_with_bots  # noqa: E402
from bot.sets import load_catalog  # noqa: E402

SEATS = 8
PACKS = 3


def timed(work: Callable[[int], object], repeats: int) -> list[float]:
    """Seconds per call of ``work(i)`` for i in range(repeats)."""
    samples = []
    for i in range(repeats):
        start = time.perf_counter()
        work(i)
        samples.append(time.perf_counter() - start)
    return samples


def baseline(pack_size: int) -> Callable[[int], object]:
    def draft(i: int) -> object:
        rng = random.Random(i)
        pools: list[list[int]] = [[] for _ in range(SEATS)]
        for _ in range(PACKS):
            packs = [list(range(pack_size)) for _ in range(SEATS)]
            for pick in range(pack_size):
                for seat in range(SEATS):
                    pack = packs[(seat + pick) % SEATS]
                    pools[seat].append(pack.pop(rng.randrange(len(pack))))
        return pools

    return draft


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=60)
    parser.add_argument("--set", dest="set_code", default="NEO")
    args = parser.parse_args()
    card_set = load_catalog(ROOT / "sets").get(args.set_code)
    seats = fill_with_bots([], SEATS)
    picks = SEATS * PACKS * card_set.pack_size

    def full_draft(i: int) -> object:
        pod = Pod(i, card_set, seats, packs_per_seat=PACKS)
        pod.start()
        assert pod.finished
        return pod

    def collation(i: int) -> object:
        return open_packs(card_set, SEATS, PACKS, collation_rng(i))

    for work in (baseline(card_set.pack_size), full_draft, collation):
        timed(work, 3)  # warm caches and the interpreter's specialisations
    base = statistics.median(timed(baseline(card_set.pack_size), args.drafts))
    draft = statistics.median(timed(full_draft, args.drafts))
    opening = statistics.median(timed(collation, args.drafts))

    print(
        f"{args.set_code}: {SEATS} seats x {PACKS} packs of {card_set.pack_size} = {picks} picks, "
        f"median of {args.drafts} drafts"
    )
    rows = [
        ("baseline (list removals)", base),
        ("full draft (collation + bot picks)", draft),
        ("  of which collation", opening),
        ("  of which picking", draft - opening),
    ]
    print(f"{'':38}{'ms/draft':>10}{'us/pick':>10}{'x baseline':>12}")
    for name, seconds in rows:
        print(
            f"{name:38}{seconds * 1e3:>10.2f}{seconds / picks * 1e6:>10.1f}{seconds / base:>12.1f}"
        )
    print(f"target: under 50 ms per draft ({'met' if draft < 0.050 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

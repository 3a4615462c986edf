"""How long the sets folder takes to load, cold and cached, and how long a pod's packs take to open.

Run: ``python bench/sets.py [SETS_DIR]``. Figures are printed as milliseconds and as ratios to a
baseline measured in the same run: ``json.loads`` of the same JSON files (the least any loader
must do). Nothing is asserted; timings belong in this report, not in tests.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.draft.collation import open_packs  # noqa: E402
from bot.sets import ParseCache, load_catalog  # noqa: E402


def best_ms(run: Callable[[], object], repeat: int) -> float:
    """The median of ``repeat`` runs, in milliseconds (the median shrugs off a noisy neighbour)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    sets_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "sets"
    json_files = sorted(sets_dir.glob("*.json"))

    def baseline() -> None:
        for path in json_files:
            json.loads(path.read_bytes())

    base = best_ms(baseline, 15)
    cold = best_ms(lambda: load_catalog(sets_dir), 15)
    cache = ParseCache()
    load_catalog(sets_dir, cache=cache)
    warm = best_ms(lambda: load_catalog(sets_dir, cache=cache), 15)
    catalog = load_catalog(sets_dir)
    print(f"sets folder: {sets_dir} ({len(catalog.sets)} sets, {len(catalog.errors)} errors)")
    print(f"baseline  json.loads of {len(json_files)} JSON files: {base:8.2f} ms  (1.00x)")
    print(f"catalog   cold load:                     {cold:8.2f} ms  ({cold / base:.2f}x)")
    print(f"catalog   cached reload, nothing changed: {warm:7.2f} ms  ({warm / base:.2f}x)")
    for code, card_set in sorted(catalog.sets.items()):
        pod = best_ms(partial(open_packs, card_set, 8, 3, random.Random(1)), 50)
        print(f"open_packs {code:5} 8 seats x 3 packs: {pod:8.3f} ms  ({pod / base:.3f}x)")


if __name__ == "__main__":
    main()

"""Timer lateness: N pick timers due over ~10 s, measured at a handler in another process.

Floor: bare ``loop.call_at`` in one process with the same due times, in the same run.
Run: ``python bench/timer_lateness.py [N ...]`` (default 1000 10000).
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import scheduler_process, show, summary

from scheduler.client import Handler

SPREAD_SECONDS = 10.0


def due_offsets(n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    return sorted(rng.uniform(0, SPREAD_SECONDS) for _ in range(n))


async def bare_call_at(offsets: list[float]) -> list[float]:
    """The floor: one loop, one process, ``call_at`` per timer, lateness on the wall clock."""
    loop = asyncio.get_running_loop()
    late: list[float] = []
    done = asyncio.Event()
    start = time.time() + 0.5

    def fire(due: float) -> None:
        late.append(time.time() - due)
        if len(late) == len(offsets):
            done.set()

    base = loop.time() + (start - time.time())
    for offset in offsets:
        loop.call_at(base + offset, fire, start + offset)
    await done.wait()
    return late


async def through_scheduler(offsets: list[float]) -> tuple[list[float], float]:
    """Each timer as a date job in the durable store; lateness where the handler runs it."""
    async with scheduler_process() as running:
        handler = Handler("bench", address=running.zmq, ack_timeout=30.0)
        late: list[float] = []
        done = asyncio.Event()

        @handler.job("tick")
        async def tick(params: dict[str, float]) -> None:
            late.append(time.time() - params["due"])
            if len(late) == len(offsets):
                done.set()

        await handler.start(timeout=30)
        setup = len(offsets) * 0.0015 + 2.0
        start = time.time() + setup
        began = time.perf_counter()
        for chunk in range(0, len(offsets), 100):
            await asyncio.gather(
                *(
                    handler.schedule(
                        "tick",
                        {"due": start + o},
                        trigger={"type": "date", "run_date": start + o},
                    )
                    for o in offsets[chunk : chunk + 100]
                )
            )
        armed = time.perf_counter() - began
        if time.time() > start:
            print(f"  warning: arming took {armed:.1f} s, past the first due time", file=sys.stderr)
        await asyncio.wait_for(done.wait(), SPREAD_SECONDS + setup + 120)
        await handler.stop(grace=0)
        return late, armed / len(offsets)


async def main(counts: list[int]) -> None:
    for n in counts:
        offsets = due_offsets(n, seed=n)
        floor = summary(await bare_call_at(offsets))
        late, per_add = await through_scheduler(offsets)
        measured = summary(late)
        print(f"{n} timers due over {SPREAD_SECONDS:g} s")
        print(show("  bare loop.call_at, one process (floor)", floor))
        print(show("  scheduler -> handler in another process", measured))
        ratio = {k: measured[k] / floor[k] if floor[k] else float("inf") for k in measured}
        print(
            "  ratio to floor                             "
            + "  ".join(f"{k} {v:8.1f} x " for k, v in ratio.items())
        )
        print(f"  arming: {per_add * 1e6:.0f} us per schedule request (pipelined by 100)")


if __name__ == "__main__":
    asyncio.run(main([int(a) for a in sys.argv[1:]] or [1000, 10000]))

"""REST calls the outbound queue spends on live lobbies, against one call per change.

Simulated pods share one guild channel; in each, players join and leave at random (seeded) times
and every change edits the pod's lobby message, as the bot does. A transport with a fixed round
trip stands in for Discord. The baseline is the same changes sent without the queue: one call each.
Figures: calls per change (the ratio that decides how many pods one token carries) and how stale a
lobby gets (submit to edit made, p50 and p99).

    python -m bench.outbound [--pods 20] [--changes 12] [--span 3] [--rtt 0.03] [--coalesce 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random
import statistics
import time
from collections.abc import Mapping, Sequence
from typing import Any

from bot.outbound import OutboundQueue

CHANNEL = 1


class SlowDiscord:
    """Answers after a fixed round trip, as a REST call would; counts what it is asked."""

    def __init__(self, rtt: float) -> None:
        self.rtt = rtt
        self.calls = 0

    async def _call(self) -> int:
        self.calls += 1
        await asyncio.sleep(self.rtt)
        return self.calls

    async def send(self, channel_id: int, fields: Mapping[str, Any]) -> int:
        return await self._call()

    async def edit(self, channel_id: int, message_id: int, fields: Mapping[str, Any]) -> int:
        return await self._call()

    async def delete(self, channel_id: int, message_id: int) -> None:
        await self._call()

    async def delete_many(self, channel_id: int, message_ids: Sequence[int]) -> None:
        await self._call()

    def can_bulk_delete(self, channel_id: int) -> bool:
        return True


def _waited(waits: list[float], submitted: float, _: object) -> None:
    waits.append(time.perf_counter() - submitted)


async def lobby(
    queue: OutboundQueue[int], pod: int, times: list[float], waits: list[float]
) -> None:
    started = time.perf_counter()
    pending = []
    for n, at in enumerate(times):
        await asyncio.sleep(max(0.0, at - (time.perf_counter() - started)))
        submitted = time.perf_counter()
        future = queue.edit(CHANNEL, 10_000 + pod, {"content": f"{n + 1} seats"}, group=pod)
        future.add_done_callback(functools.partial(_waited, waits, submitted))
        pending.append(future)
    await asyncio.gather(*pending)


async def run(pods: int, changes: int, span: float, rtt: float, coalesce: float) -> None:
    rng = random.Random(7)
    schedule = [sorted(rng.uniform(0, span) for _ in range(changes)) for _ in range(pods)]
    discord = SlowDiscord(rtt)
    queue = OutboundQueue(discord, coalesce_seconds=coalesce)
    waits: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(lobby(queue, pod, times, waits) for pod, times in enumerate(schedule)))
    elapsed = time.perf_counter() - started
    await queue.aclose()
    total = pods * changes
    quantiles = statistics.quantiles(waits, n=100)
    print(f"{pods} pods x {changes} lobby changes over {span:.1f}s, round trip {rtt * 1000:.0f} ms")
    print(f"baseline  one call per change: {total:6d} calls = 1.00 per change")
    print(
        f"queue     coalesce {coalesce:.2f}s:      {discord.calls:6d} calls ="
        f" {discord.calls / total:4.2f} per change"
        f" ({total / discord.calls:4.1f}x fewer), lobby staleness p50"
        f" {quantiles[49] * 1000:5.0f} ms, p99 {quantiles[98] * 1000:5.0f} ms, run {elapsed:.1f}s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=20)
    parser.add_argument("--changes", type=int, default=12, help="lobby changes per pod")
    parser.add_argument("--span", type=float, default=3.0, help="seconds the changes spread over")
    parser.add_argument("--rtt", type=float, default=0.03, help="simulated REST round trip, s")
    parser.add_argument("--coalesce", type=float, default=0.5)
    args = parser.parse_args()
    asyncio.run(run(args.pods, args.changes, args.span, args.rtt, args.coalesce))

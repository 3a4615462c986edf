"""Re-arming a pick timer, what every pick does: microseconds per ``seat_waiting`` round trip
(sent, committed, re-armed, acknowledged), against a bare DEALER/ROUTER echo round trip.

Run: ``python bench/rearm.py [N]`` (default 3000 picks).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import zmq
import zmq.asyncio
from _common import echo_process, scheduler_process, show, summary

from scheduler.client import Handler
from scheduler.timers import TimerPolicy

SEATS = 8


async def echo_round_trips(n: int) -> list[float]:
    async with echo_process() as endpoint:
        context = zmq.asyncio.Context()
        dealer = context.socket(zmq.DEALER)
        dealer.connect(endpoint)
        payload = b'{"v":1,"type":"seat_waiting","msg_id":"0123456789abcdef","pod":"bench"}'
        samples = []
        for _ in range(n):
            began = time.perf_counter()
            await dealer.send(payload)
            await dealer.recv()
            samples.append(time.perf_counter() - began)
        dealer.close(linger=0)
        context.term()
        return samples


async def rearm_round_trips(n: int) -> list[float]:
    async with scheduler_process() as running:
        handler = Handler("bench", address=running.zmq)
        handler.add_job("pick_timeout", _noop)
        await handler.start(timeout=30)
        await handler.pod_start("bench", SEATS, TimerPolicy("scaled", 75, 15, 15))
        samples = []
        for pick in range(n):
            seat, pick_no = pick % SEATS, pick // SEATS + 1
            began = time.perf_counter()
            await handler.seat_waiting("bench", seat, pick_no, 15 - (pick_no - 1) % 15)
            samples.append(time.perf_counter() - began)
        await handler.stop(grace=0)
        return samples


async def _noop(params: dict[str, object]) -> None:
    return None


async def main(n: int) -> None:
    echo = summary(await echo_round_trips(n), scale=1e6)
    rearm = summary(await rearm_round_trips(n), scale=1e6)
    print(f"{n} round trips, one at a time")
    print(show("  bare DEALER/ROUTER echo (floor)", echo, "us"))
    print(show("  seat_waiting: commit + re-arm + ack", rearm, "us"))
    print(
        "  ratio to floor                             "
        + "  ".join(f"{k} {rearm[k] / echo[k]:8.1f} x " for k in rearm)
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))

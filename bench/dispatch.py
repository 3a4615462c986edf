"""Dispatch throughput: jobs per second through the ROUTER to one handler in another process,
against a bare pyzmq DEALER/ROUTER echo in the same run (pipelined, and one at a time).

N date jobs all come due at the same instant; the figure is N over the time from that instant to
the last job run at the handler (fire, deliver, run, result: the whole path).
Run: ``python bench/dispatch.py [N]`` (default 5000).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import zmq
import zmq.asyncio
from _common import echo_process, scheduler_process

from scheduler.client import Handler


async def echo_rates(n: int) -> tuple[float, float]:
    """Messages per second through a bare echo: pipelined, then one at a time."""
    async with echo_process() as endpoint:
        context = zmq.asyncio.Context()
        dealer = context.socket(zmq.DEALER)
        dealer.setsockopt(zmq.SNDHWM, 100_000)
        dealer.setsockopt(zmq.RCVHWM, 100_000)
        dealer.connect(endpoint)
        payload = b'{"v":1,"type":"run","run_id":"0123456789abcdef0123456789abcdef"}'
        await dealer.send(payload)
        await dealer.recv()

        async def receive_all() -> None:
            for _ in range(n):
                await dealer.recv()

        began = time.perf_counter()
        receiver = asyncio.create_task(receive_all())
        for _ in range(n):
            await dealer.send(payload)
        await receiver
        pipelined = n / (time.perf_counter() - began)
        began = time.perf_counter()
        for _ in range(n):
            await dealer.send(payload)
            await dealer.recv()
        sequential = n / (time.perf_counter() - began)
        dealer.close(linger=0)
        context.term()
        return pipelined, sequential


async def scheduler_rate(n: int) -> tuple[float, float]:
    """Jobs per second from the common due instant to the last run; and mean fire lateness."""
    async with scheduler_process() as running:
        handler = Handler("bench", address=running.zmq, ack_timeout=30.0)
        seen: list[float] = []
        done = asyncio.Event()

        @handler.job("work")
        async def work(params: dict[str, int]) -> None:
            seen.append(time.time())
            if len(seen) == n:
                done.set()

        await handler.start(timeout=30)
        due = time.time() + n * 0.0015 + 2.0
        for chunk in range(0, n, 100):
            await asyncio.gather(
                *(
                    handler.schedule("work", {"n": i}, trigger={"type": "date", "run_date": due})
                    for i in range(chunk, min(n, chunk + 100))
                )
            )
        await asyncio.wait_for(done.wait(), 120)
        await handler.stop(grace=0)
        return n / (max(seen) - due), max(seen) - due


async def main(n: int) -> None:
    pipelined, sequential = await echo_rates(n)
    rate, span = await scheduler_rate(n)
    print(f"{n} jobs due at one instant, one handler in another process")
    print(f"  bare DEALER/ROUTER echo, pipelined       {pipelined:10,.0f} msg/s")
    print(f"  bare DEALER/ROUTER echo, one at a time   {sequential:10,.0f} msg/s")
    print(f"  scheduler fire -> run -> result          {rate:10,.0f} jobs/s")
    print(f"  (the last job ran {span:.2f} s after the common due time)")
    print(
        f"  ratio to pipelined echo {rate / pipelined:.2f} x, to one-at-a-time echo "
        f"{rate / sequential:.2f} x"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))

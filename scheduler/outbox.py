"""The outbox: every run stays here until its handler's result arrives.

Delivery is at least once. A run goes to its handler at once, then again with capped exponential
backoff until a result comes; while no handler for it is connected it is held, never dropped, and
when a handler registers every run it can take is replayed immediately. Handlers de-duplicate by
``run_id``, so a resend never runs a job twice.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from scheduler import protocol as p
from scheduler.metrics import Metrics
from scheduler.router import HandlerInfo, Router
from scheduler.store import RunRecord

log = logging.getLogger("scheduler.outbox")


@dataclass
class Delivery:
    run: RunRecord
    sends: int = 0
    step: int = 0
    next_at: float = 0.0
    held: bool = False


class Outbox:
    """Runs awaiting results, with their resend schedule."""

    def __init__(self, router: Router, metrics: Metrics, *, initial: float, maximum: float) -> None:
        self._router = router
        self._metrics = metrics
        self._initial = initial
        self._maximum = maximum
        self.pending: dict[str, Delivery] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._seq = itertools.count()
        self._wake = asyncio.Event()

    @property
    def held(self) -> int:
        return sum(1 for d in self.pending.values() if d.held)

    async def add(self, run: RunRecord) -> None:
        """Take a committed run and try to deliver it now."""
        delivery = Delivery(run)
        self.pending[run.run_id] = delivery
        await self._deliver(delivery)

    def done(self, run_id: str) -> Delivery | None:
        """The run's result arrived: stop delivering it."""
        return self.pending.pop(run_id, None)

    async def replay(self, info: HandlerInfo) -> None:
        """A handler said hello: send it every run it can take, now, restarting the backoff."""
        for delivery in list(self.pending.values()):
            run = delivery.run
            if run.handler_id in ("", info.handler_id) and run.method in info.methods:
                delivery.step = 0
                await self._deliver(delivery)

    async def resend(self) -> None:
        """Forever: resend runs whose backoff has passed."""
        while True:
            now = time.monotonic()
            while self._heap and self._heap[0][0] <= now:
                at, _, run_id = heapq.heappop(self._heap)
                delivery = self.pending.get(run_id)
                if delivery is not None and delivery.next_at == at and not delivery.held:
                    await self._deliver(delivery)
            wait = self._heap[0][0] - time.monotonic() if self._heap else self._maximum
            self._wake.clear()
            try:
                async with asyncio.timeout(max(0.0, min(wait, self._maximum))):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def _deliver(self, delivery: Delivery) -> None:
        run = delivery.run
        info = self._router.route(run.handler_id, run.method)
        if info is None:
            if not delivery.held:
                log.info("run %s (%s) held: no handler for it", run.run_id, run.method)
            delivery.held = True
            return
        delivery.held = False
        message = p.Run(
            run.run_id,
            run.job_id,
            run.method,
            run.params,
            datetime.fromtimestamp(run.due_at, UTC).isoformat(),
            delivery.sends + 1,
        )
        if await self._router.send(info.identity, message):
            delivery.sends += 1
            self._metrics.delivered += 1
            if delivery.sends > 1:
                self._metrics.retried += 1
        delay = min(self._initial * 2**delivery.step, self._maximum)
        delivery.step += 1
        self._schedule(delivery, time.monotonic() + delay)

    def _schedule(self, delivery: Delivery, at: float) -> None:
        delivery.next_at = at
        earliest = not self._heap or at < self._heap[0][0]
        heapq.heappush(self._heap, (at, next(self._seq), delivery.run.run_id))
        if earliest:
            self._wake.set()

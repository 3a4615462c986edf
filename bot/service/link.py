"""The bot's side of the pod lifecycle: requests to the scheduler, in order, never blocking a pick.

Every lifecycle request of one pod goes through one FIFO worker, so a seat's ``seat_idle`` can
never overtake the ``seat_waiting`` that followed it (the scheduler would cancel the new timer).
Callers do not wait for the scheduler: a request is queued and the pick goes on. It is resent by
the handler library until acknowledged, so while the scheduler is down the players keep picking
and the timers are armed when it comes back. A caller that wants the deadline of a pick (to show
it) waits for that one acknowledgement for at most ``deadline_wait`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.tasks import create_task
from scheduler.client import Handler, HandlerStopped, SchedulerRejected, TimerPolicy

log = logging.getLogger(__name__)

Request = Callable[[], Awaitable[Any]]


@dataclass
class _PodQueue:
    items: asyncio.Queue[tuple[str, Request, asyncio.Future[Any]]] = field(
        default_factory=asyncio.Queue
    )
    worker: asyncio.Task[None] | None = None


class SchedulerLink:
    """Queues lifecycle requests per pod and sends them one at a time until acknowledged."""

    def __init__(self, handler: Handler, *, deadline_wait: float = 1.0) -> None:
        self.handler = handler
        self.deadline_wait = deadline_wait
        self._pods: dict[int, _PodQueue] = {}

    def pod_open(self, pod_id: int, lobby_ttl: float) -> asyncio.Future[Any]:
        return self._queue(
            pod_id, "pod_open", lambda: self.handler.pod_open(str(pod_id), lobby_ttl)
        )

    def pod_start(self, pod_id: int, seats: int, policy: TimerPolicy) -> asyncio.Future[Any]:
        return self._queue(
            pod_id, "pod_start", lambda: self.handler.pod_start(str(pod_id), seats, policy)
        )

    def seat_waiting(
        self, pod_id: int, seat: int, pick_no: int, cards_left: int
    ) -> asyncio.Future[Any]:
        """Arm the seat's pick timer; the future gives the deadline (None: untimed)."""
        return self._queue(
            pod_id,
            f"seat_waiting {seat} {pick_no}",
            lambda: self.handler.seat_waiting(str(pod_id), seat, pick_no, cards_left),
        )

    def seat_idle(self, pod_id: int, seat: int) -> asyncio.Future[Any]:
        return self._queue(
            pod_id, f"seat_idle {seat}", lambda: self.handler.seat_idle(str(pod_id), seat)
        )

    def pod_end(self, pod_id: int, outcome: str) -> asyncio.Future[Any]:
        return self._queue(
            pod_id,
            "pod_end",
            lambda: self.handler.pod_end(str(pod_id), outcome),  # type: ignore[arg-type]
        )

    async def deadline(self, future: asyncio.Future[Any]) -> datetime | None:
        """The deadline a ``seat_waiting`` future gives, or None if it is not known in time."""
        with contextlib.suppress(TimeoutError, SchedulerRejected, HandlerStopped):
            value = await asyncio.wait_for(asyncio.shield(future), self.deadline_wait)
            return value if isinstance(value, datetime) else None
        return None

    def _queue(self, pod_id: int, label: str, request: Request) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        queue = self._pods.setdefault(pod_id, _PodQueue())
        queue.items.put_nowait((label, request, future))
        if queue.worker is None or queue.worker.done():
            queue.worker = create_task(self._work(pod_id, queue), name=f"scheduler link {pod_id}")
        return future

    async def _work(self, pod_id: int, queue: _PodQueue) -> None:
        while True:
            # Retire with no await between the check and the removal: a request queued after
            # this either sees the worker still here or finds it gone and starts another.
            if queue.items.empty():
                if self._pods.get(pod_id) is queue:
                    del self._pods[pod_id]
                return
            label, request, future = queue.items.get_nowait()
            try:
                result = await request()
            except SchedulerRejected as exc:
                # A refusal is final (the pod ended meanwhile, say): nothing to retry.
                log.warning("scheduler refused %s of pod %s: %s", label, pod_id, exc)
                _settle(future, error=exc)
            except HandlerStopped as exc:
                _settle(future, error=exc)
            except Exception as exc:
                log.exception("scheduler request %s of pod %s failed", label, pod_id)
                _settle(future, error=exc)
            else:
                _settle(future, result=result)
            finally:
                queue.items.task_done()


def _settle(future: asyncio.Future[Any], *, result: Any = None, error: Any = None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
        # Nobody may await it; mark the exception retrieved so it is not reported as lost.
        future.exception()
    else:
        future.set_result(result)

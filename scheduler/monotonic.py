"""One-shot timers on the event loop's monotonic clock, armed from absolute UTC deadlines.

A deadline is stored as an absolute UTC time (the deadlines table: what survives a restart and
what a handler is told). Once armed in a running process it is a monotonic delay: the wall
clock is read once, at arming, to turn ``due_at`` into "so many seconds from now", and the loop's
monotonic clock counts them down. A wall-clock jump after that (an NTP step, a changed time
zone, a suspended VM's clock catching up) neither fires a timer early nor holds it back:
APScheduler's date triggers, which compare due times with the wall clock at every wake-up, fired
every timer inside a forward jump at once and delayed every timer by a backward one.

A timer due in the past (armed at start after downtime) fires at once, once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Wall = Callable[[], float]


@dataclass(frozen=True, slots=True)
class _Armed:
    due_at: float
    handle: asyncio.TimerHandle | None


class MonotonicTimers:
    """``arm(job_id, due_at)`` calls ``on_due(job_id)`` when the time is up, synchronously in the
    loop's callback, so what it reads and changes cannot interleave with a re-arm."""

    def __init__(self, on_due: Callable[[str], None], *, wall: Wall = time.time) -> None:
        self._on_due = on_due
        self._wall = wall
        self._armed: dict[str, _Armed] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def running(self) -> bool:
        return self._loop is not None

    def start(self) -> None:
        """Count down from now: timers armed before (at start-up) begin here."""
        self._loop = asyncio.get_running_loop()
        for job_id, armed in list(self._armed.items()):
            self._armed[job_id] = _Armed(armed.due_at, self._schedule(job_id, armed.due_at))

    def stop(self) -> None:
        for armed in self._armed.values():
            if armed.handle is not None:
                armed.handle.cancel()
        self._armed.clear()
        self._loop = None

    def arm(self, job_id: str, due_at: float) -> None:
        """Arm or re-arm ``job_id`` for the absolute UTC time ``due_at`` (seconds since epoch)."""
        self.disarm(job_id)
        handle = self._schedule(job_id, due_at) if self._loop is not None else None
        self._armed[job_id] = _Armed(due_at, handle)

    def disarm(self, job_id: str) -> bool:
        armed = self._armed.pop(job_id, None)
        if armed is not None and armed.handle is not None:
            armed.handle.cancel()
        return armed is not None

    def due_at(self, job_id: str) -> float | None:
        armed = self._armed.get(job_id)
        return None if armed is None else armed.due_at

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._armed

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._armed))

    def __len__(self) -> int:
        return len(self._armed)

    def _schedule(self, job_id: str, due_at: float) -> asyncio.TimerHandle:
        assert self._loop is not None
        delay = max(0.0, due_at - self._wall())
        return self._loop.call_at(self._loop.time() + delay, self._fire, job_id)

    def _fire(self, job_id: str) -> None:
        if self._armed.pop(job_id, None) is not None:
            self._on_due(job_id)

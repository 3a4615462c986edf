"""One-shot timers count down on the monotonic clock: a wall-clock jump neither fires nor
holds them."""

from __future__ import annotations

import asyncio

from scheduler.monotonic import MonotonicTimers


class Wall:
    """A wall clock the test can step, as NTP or an operator would."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Fired:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.event = asyncio.Event()

    def __call__(self, job_id: str) -> None:
        self.ids.append(job_id)
        self.event.set()

    async def next(self, timeout: float = 5.0) -> str:
        await asyncio.wait_for(self.event.wait(), timeout)
        self.event.clear()
        return self.ids[-1]


async def test_a_forward_jump_fires_no_timer_early() -> None:
    """An hour's step forward: the timer due in 0.2 s fires alone; the one due in 30 min waits."""
    wall, fired = Wall(), Fired()
    timers = MonotonicTimers(fired, wall=wall)
    timers.start()
    timers.arm("soon", wall.now + 0.2)
    timers.arm("later", wall.now + 1800)
    wall.now += 3600
    assert await fired.next() == "soon"
    assert fired.ids == ["soon"] and "later" in timers
    timers.stop()


async def test_a_backward_jump_holds_no_timer() -> None:
    """An hour's step back after arming: the timer still fires 0.2 s after it was armed."""
    wall, fired = Wall(), Fired()
    timers = MonotonicTimers(fired, wall=wall)
    timers.start()
    loop = asyncio.get_running_loop()
    armed_at = loop.time()
    timers.arm("soon", wall.now + 0.2)
    wall.now -= 3600
    assert await fired.next(timeout=2.0) == "soon"
    assert loop.time() - armed_at < 1.5
    timers.stop()


async def test_a_deadline_already_past_fires_at_once_and_once() -> None:
    """Armed at start after downtime, a past deadline fires at the first turn, a single time."""
    wall, fired = Wall(), Fired()
    timers = MonotonicTimers(fired, wall=wall)
    timers.arm("missed", wall.now - 120)
    assert fired.ids == []
    timers.start()
    assert await fired.next() == "missed"
    timers.arm("marker", wall.now)
    assert await fired.next() == "marker"
    assert fired.ids == ["missed", "marker"] and len(timers) == 0
    timers.stop()


async def test_re_arming_replaces_and_disarming_cancels() -> None:
    """A moved deadline fires once, at its new time; a disarmed one never."""
    wall, fired = Wall(), Fired()
    timers = MonotonicTimers(fired, wall=wall)
    timers.start()
    timers.arm("moved", wall.now + 0.05)
    timers.arm("moved", wall.now + 0.1)
    timers.arm("gone", wall.now + 0.05)
    assert timers.disarm("gone") and not timers.disarm("gone")
    assert await fired.next() == "moved"
    timers.arm("marker", wall.now + 0.1)
    assert await fired.next() == "marker"
    assert fired.ids == ["moved", "marker"]
    timers.stop()

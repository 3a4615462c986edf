"""The pod lifecycle through a real scheduler process: timers armed, replaced, cancelled, fired."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import aiohttp
import pytest
import pytest_asyncio
from scheduler_support import Recorder, SchedulerProcess, wait_until

from scheduler.client import Handler, SchedulerRejected
from scheduler.timers import TimerPolicy

# One scheduler for the module: every test uses its own pod names, so they cannot interfere.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fast(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SchedulerProcess]:
    process = SchedulerProcess(tmp_path_factory.mktemp("lifecycle"))
    await process.start(cleanup_after_seconds=1, idle_after_seconds=1)
    yield process
    await process.kill(signal.SIGTERM)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(fast: SchedulerProcess) -> AsyncIterator[Recorder]:
    r = Recorder(fast.zmq)
    assert await r.handler.start(timeout=10)
    yield r
    await r.handler.stop(grace=0)


@pytest_asyncio.fixture(loop_scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


async def pods(http: aiohttp.ClientSession, scheduler: SchedulerProcess) -> dict[str, str]:
    async with http.get(f"{scheduler.http}/api/pods") as response:
        return {pod["pod"]: pod["status"] for pod in (await response.json())["pods"]}


async def test_an_unstarted_lobby_expires_then_is_cleaned_up(
    fast: SchedulerProcess, bot: Recorder, http: aiohttp.ClientSession
) -> None:
    """lobby_expired fires after lobby_ttl, the pod becomes expired, and pod_cleanup follows."""
    await bot.handler.pod_open("lobby", 0.2)
    await bot.handler.pod_open("lobby", 0.2)
    await wait_until(lambda: bot.of("pod_cleanup", "lobby"), what="clean-up")
    assert bot.of("lobby_expired", "lobby") == [{"pod": "lobby"}]
    assert bot.of("pod_cleanup", "lobby") == [{"pod": "lobby"}]
    assert (await pods(http, fast))["lobby"] == "expired"


async def test_starting_a_pod_cancels_its_lobby_expiry(bot: Recorder) -> None:
    """A started pod never expires as a lobby; its pick timers run instead."""
    await bot.handler.pod_open("started", 0.3)
    await bot.handler.pod_start("started", 2, TimerPolicy("fixed", 0.6))
    await bot.handler.seat_waiting("started", 0, 1, 15)
    await wait_until(lambda: bot.of("pick_timeout", "started"), what="the pick timer")
    assert bot.of("lobby_expired", "started") == []


async def test_re_arming_is_idempotent_and_a_new_pick_replaces_the_old(bot: Recorder) -> None:
    """The same pick twice keeps its deadline; the seat's next pick cancels the previous timer."""
    h = bot.handler
    await h.pod_start("p", 4, TimerPolicy("fixed", 0.5, warning_seconds=0.2))
    first = await h.seat_waiting("p", 1, 1, 15)
    assert await h.seat_waiting("p", 1, 1, 15) == first
    second = await h.seat_waiting("p", 1, 2, 14)
    assert first is not None and second is not None and second > first
    await wait_until(lambda: bot.of("pick_timeout", "p"), what="the pick timer")
    assert bot.of("pick_timeout", "p") == [{"pod": "p", "seat": 1, "pick_no": 2}]
    warning = {"pod": "p", "seat": 1, "pick_no": 2, "seconds_left": 0.2}
    assert bot.of("pick_warning", "p") == [warning]
    assert await h.seat_waiting("p", 1, 2, 14) == second


async def test_seat_idle_and_pod_end_cancel_timers(bot: Recorder) -> None:
    """An idle seat's timer never fires, nor do any after pod_end; clean-up is scheduled once."""
    h = bot.handler
    await h.pod_start("q", 3, TimerPolicy("fixed", 0.4))
    await h.seat_waiting("q", 0, 1, 15)
    await h.seat_idle("q", 0)
    await h.seat_waiting("q", 1, 1, 15)
    await wait_until(lambda: bot.of("pick_timeout", "q"), what="seat 1's timer")
    await h.seat_waiting("q", 2, 1, 15)
    await h.pod_end("q", "finished")
    await h.pod_end("q", "finished")
    assert await h.seat_waiting("q", 2, 2, 14) is None
    await wait_until(lambda: bot.of("pod_cleanup", "q"), what="clean-up")
    assert bot.of("pick_timeout", "q") == [{"pod": "q", "seat": 1, "pick_no": 1}]
    assert bot.of("pod_cleanup", "q") == [{"pod": "q"}]


async def test_a_quiet_pod_is_reported_idle(bot: Recorder) -> None:
    """A drafting pod without picks for idle_after seconds gets pod_idle."""
    await bot.handler.pod_start("slow", 2, TimerPolicy("none"))
    await wait_until(lambda: bot.of("pod_idle", "slow"), what="pod_idle")
    assert bot.of("pod_idle", "slow") == [{"pod": "slow"}]


POLICIES = [
    ("fixed", TimerPolicy("fixed", 75), 3, 75.0),
    ("scaled last card", TimerPolicy("scaled", 100, pack_size=15), 1, 10.0),
    ("mtr 13 left", TimerPolicy("mtr"), 13, 35.0),
]


@pytest.mark.parametrize(
    ("policy", "cards_left", "seconds"), [c[1:] for c in POLICIES], ids=[c[0] for c in POLICIES]
)
async def test_the_deadline_follows_the_pods_policy(
    bot: Recorder, policy: TimerPolicy, cards_left: int, seconds: float
) -> None:
    """seat_waiting answers with the deadline its pod's policy gives that pick."""
    await bot.handler.pod_start(f"pol-{policy.kind}", 2, policy)
    before = datetime.now(UTC)
    deadline = await bot.handler.seat_waiting(f"pol-{policy.kind}", 0, 1, cards_left)
    assert deadline is not None
    assert abs((deadline - before).total_seconds() - seconds) < 1.0


async def test_an_untimed_pod_arms_no_pick_timer(bot: Recorder) -> None:
    """With the none policy seat_waiting is acknowledged without a deadline."""
    await bot.handler.pod_start("free", 2, TimerPolicy("none"))
    assert await bot.handler.seat_waiting("free", 0, 1, 15) is None


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def states(bot: Recorder) -> Recorder:
    """Pods in each state: ``lob`` open, ``run`` drafting, ``done`` cancelled."""
    h = bot.handler
    await h.pod_open("lob", 60)
    await h.pod_start("run", 2, TimerPolicy("fixed", 60))
    await h.pod_start("done", 2, TimerPolicy("fixed", 60))
    await h.pod_end("done", "cancelled")
    return bot


REFUSALS = [
    ("unknown pod", lambda h: h.seat_waiting("nope", 0, 1, 15), "unknown pod nope"),
    ("lobby not started", lambda h: h.seat_waiting("lob", 0, 1, 15), "has not started"),
    ("seat out of range", lambda h: h.seat_waiting("run", 9, 1, 15), "has no seat 9"),
    ("restart an ended pod", lambda h: h.pod_start("done", 2, TimerPolicy("mtr")), "has ended"),
    ("reopen a started pod", lambda h: h.pod_open("run", 60), "already drafting"),
    ("end an unknown pod", lambda h: h.pod_end("nope", "cancelled"), "unknown pod"),
    ("unschedule a pod timer", lambda h: h.unschedule("pod_idle:run"), "lifecycle"),
]


@pytest.mark.parametrize(
    ("call", "reason"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
async def test_bad_lifecycle_requests_are_refused(
    states: Recorder, call: Callable[[Handler], Awaitable[object]], reason: str
) -> None:
    """Requests that make no sense for the pod's state are refused with a reason."""
    with pytest.raises(SchedulerRejected) as info:
        await call(states.handler)
    assert info.value.code == "rejected" and reason in info.value.reason

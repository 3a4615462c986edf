"""Background tasks: kept, named, their failures logged; supervised loops restart on lost
connections, stop on cancellation and on any other error."""

from __future__ import annotations

import asyncio
import gc
import logging
import random

import pytest

from bot.tasks import Backoff, cancel_and_wait, create_task, running_tasks, supervise


async def test_task_is_named_and_kept_until_done() -> None:
    """A task started through the helper has its name and is held while it runs."""
    release = asyncio.Event()

    async def work() -> int:
        await release.wait()
        return 7

    task = create_task(work(), name="demo:keep")
    del task
    gc.collect()
    (kept,) = [t for t in running_tasks() if t.get_name() == "demo:keep"]
    release.set()
    assert await asyncio.wait_for(kept, 5) == 7
    assert kept not in running_tasks()


async def test_task_failure_is_logged_with_its_name(caplog: pytest.LogCaptureFixture) -> None:
    """An exception nobody awaits is logged with the task's name and traceback."""

    async def fail() -> None:
        raise ValueError("boom")

    task = create_task(fail(), name="demo:fail")
    with pytest.raises(ValueError):
        await asyncio.wait_for(task, 5)
    (record,) = [r for r in caplog.records if r.name == "bot.tasks"]
    assert record.levelno == logging.ERROR and "demo:fail" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[1] is task.exception()


@pytest.mark.parametrize("outcome", ["cancelled", "suppressed", "returned"])
async def test_expected_endings_are_not_logged_as_errors(
    caplog: pytest.LogCaptureFixture, outcome: str
) -> None:
    """Cancellation, a listed exception and a normal return leave no error line."""
    started = asyncio.Event()

    async def work() -> None:
        started.set()
        if outcome == "suppressed":
            raise ConnectionResetError("peer left")
        if outcome == "cancelled":
            await asyncio.Event().wait()

    task = create_task(work(), name="demo:quiet", suppressed=(ConnectionResetError,))
    await asyncio.wait_for(started.wait(), 5)
    if outcome == "cancelled":
        task.cancel()
    await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 5)
    assert [r for r in caplog.records if r.name == "bot.tasks"] == []


async def test_supervised_loop_restarts_after_connection_errors() -> None:
    """A loop that loses its connection twice runs a third time, after a backoff each time."""
    runs: list[int] = []
    third = asyncio.Event()

    async def run() -> None:
        runs.append(len(runs))
        if len(runs) < 3:
            raise ConnectionRefusedError("scheduler not up yet")
        third.set()
        await asyncio.Event().wait()

    task = supervise(run, name="demo:handler", backoff=Backoff(0.001, 0.002))
    await asyncio.wait_for(third.wait(), 5)
    assert runs == [0, 1, 2] and not task.done()
    await cancel_and_wait([task])
    assert task.cancelled()


async def test_supervised_loop_passes_cancellation_through() -> None:
    """Cancelling the supervisor cancels the run in progress and is not taken for an error."""
    entered = asyncio.Event()
    cleaned = asyncio.Event()

    async def run() -> None:
        entered.set()
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.set()

    task = supervise(run, name="demo:cancel", backoff=Backoff(0.001, 0.002))
    await asyncio.wait_for(entered.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned.is_set()


async def test_supervised_loop_stops_on_an_unexpected_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug is not retried forever: the loop ends with the error, which is logged."""
    runs = 0

    async def run() -> None:
        nonlocal runs
        runs += 1
        raise KeyError("bug")

    task = supervise(run, name="demo:bug", backoff=Backoff(0.001, 0.002))
    with pytest.raises(KeyError):
        await asyncio.wait_for(task, 5)
    assert runs == 1
    assert any("demo:bug" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)


def test_backoff_grows_to_its_ceiling_and_resets() -> None:
    """Delays double up to the maximum (with jitter in the upper half) and reset after health."""
    backoff = Backoff(1.0, 8.0, rng=random.Random(3))
    delays = [backoff.next_delay() for _ in range(6)]
    ceilings = [1, 2, 4, 8, 8, 8]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    backoff.reset()
    assert 0.5 <= backoff.next_delay() <= 1.0


@pytest.mark.parametrize(("initial", "maximum"), [(0, 1), (2, 1), (-1, 5)])
def test_backoff_refuses_bad_bounds(initial: float, maximum: float) -> None:
    """A zero, negative or inverted backoff is refused at construction."""
    with pytest.raises(ValueError):
        Backoff(initial, maximum)

"""The one way the bot starts a background task: named, kept, watched, and stopped on purpose.

asyncio holds only a weak reference to a task, so a task nobody keeps can be collected mid-run, and
an exception in a task nobody awaits surfaces only as a warning at garbage collection, if at all.
:func:`create_task` keeps every task until it ends and logs whatever it died of (python-discord's
``scheduling.create_task``). :func:`supervise` is the long-lived loop of RoboDanny's reminder cog:
cancellation passes straight through, a lost connection restarts the loop after a growing delay, and
any other error ends it loudly rather than spinning.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_running: set[asyncio.Task[Any]] = set()

CONNECTION_ERRORS: tuple[type[BaseException], ...] = (OSError,)
"""What :func:`supervise` restarts after by default: ``OSError`` covers refused, reset and
unreachable sockets; callers add their library's own (a ZMQ or database error) as they need."""


def create_task(
    coro: Coroutine[Any, Any, T],
    *,
    name: str,
    suppressed: tuple[type[BaseException], ...] = (),
) -> asyncio.Task[T]:
    """Start ``coro`` as a task called ``name``, kept until done, its failure logged.

    ``suppressed`` lists the exceptions that are an expected end and not worth an error line.
    """
    task = asyncio.get_running_loop().create_task(coro, name=name)
    _running.add(task)
    task.add_done_callback(_running.discard)
    task.add_done_callback(lambda done: _log_failure(done, suppressed))
    return task


def running_tasks() -> frozenset[asyncio.Task[Any]]:
    """The background tasks started here that have not ended yet."""
    return frozenset(task for task in _running if not task.done())


def _log_failure(task: asyncio.Task[Any], suppressed: tuple[type[BaseException], ...]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None and not isinstance(exc, suppressed):
        log.error("background task %r failed", task.get_name(), exc_info=exc)


class Backoff:
    """Exponential delays with full jitter, reset after a run that lasted long enough.

    Full jitter spreads the reconnects of many clients that lost the same server at once.
    """

    def __init__(
        self,
        initial: float = 1.0,
        maximum: float = 60.0,
        *,
        rng: random.Random | None = None,
    ) -> None:
        if not 0 < initial <= maximum:
            raise ValueError(f"backoff needs 0 < initial ({initial}) <= maximum ({maximum})")
        self.initial = initial
        self.maximum = maximum
        self._rng = rng or random.Random()
        self._failures = 0

    def next_delay(self) -> float:
        ceiling = min(self.maximum, self.initial * 2**self._failures)
        self._failures += 1
        return self._rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self._failures = 0


def supervise(
    run: Callable[[], Awaitable[None]],
    *,
    name: str,
    restart_on: tuple[type[BaseException], ...] = CONNECTION_ERRORS,
    backoff: Backoff | None = None,
    healthy_after: float = 60.0,
) -> asyncio.Task[None]:
    """Run ``run()`` as a watched task, again after each ``restart_on`` error, until it returns.

    A run that lasted ``healthy_after`` seconds resets the backoff, so a connection that held for
    a while reconnects at once the next time it drops.
    """
    policy = backoff or Backoff()

    async def loop() -> None:
        clock = asyncio.get_running_loop().time
        while True:
            started = clock()
            try:
                await run()
                return
            except asyncio.CancelledError:
                raise
            except restart_on as exc:
                if clock() - started >= healthy_after:
                    policy.reset()
                delay = policy.next_delay()
                log.warning("%s lost its connection (%r); restarting in %.2fs", name, exc, delay)
                await asyncio.sleep(delay)

    return create_task(loop(), name=name)


async def cancel_and_wait(tasks: Iterable[asyncio.Task[Any]], *, timeout: float = 5.0) -> None:
    """Cancel ``tasks`` and wait for them to finish (at most ``timeout``): the shutdown path."""
    pending = [task for task in tasks if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*pending, return_exceptions=True), timeout=timeout
            )

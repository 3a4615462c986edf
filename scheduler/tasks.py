"""Background tasks, created once through one helper that names them, keeps them and watches them.

An asyncio task nobody holds may be garbage-collected mid-flight, and one whose exception nobody
retrieves fails silently; :class:`TaskGroup` fixes both for tasks that outlive their creator's call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class TaskGroup:
    """A set of named, watched background tasks that can be cancelled together."""

    def __init__(self, logger: logging.Logger) -> None:
        self._log = logger
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        """Start ``coro`` as a task named ``name``; its failure is logged, never lost."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self._log.error("task %s failed", task.get_name(), exc_info=exc)

    def __len__(self) -> int:
        return len(self._tasks)

    async def cancel_all(self, grace: float = 0.0) -> None:
        """Let running tasks finish for up to ``grace`` seconds, then cancel what is left."""
        tasks = set(self._tasks)
        if tasks and grace > 0:
            await asyncio.wait(tasks, timeout=grace)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


class Batch(Generic[T]):
    """Items that arrive within one turn of the loop, handled together by one call.

    A burst of due timers or results then costs one database commit instead of one each. A failed
    flush is logged and retried with the same items after ``retry_seconds``: nothing is dropped.
    """

    def __init__(
        self,
        flush: Callable[[list[T]], Awaitable[None]],
        tasks: TaskGroup,
        name: str,
        retry_seconds: float = 0.5,
    ) -> None:
        self._flush = flush
        self._tasks = tasks
        self._name = name
        self._retry = retry_seconds
        self._items: list[T] = []
        self._running = False

    def add(self, item: T) -> None:
        self._items.append(item)
        if not self._running:
            self._running = True
            self._tasks.spawn(self._drain(), self._name)

    def __len__(self) -> int:
        return len(self._items)

    async def drain_now(self) -> None:
        """Flush what is waiting, once, now (at shutdown, after the drain task is cancelled)."""
        if self._items:
            items, self._items = self._items, []
            await self._flush(items)

    async def _drain(self) -> None:
        try:
            while self._items:
                await asyncio.sleep(0)  # let the rest of this turn's burst arrive
                items, self._items = self._items, []
                try:
                    await self._flush(items)
                except Exception:
                    logging.getLogger("scheduler").exception(
                        "%s failed for %d items; retrying", self._name, len(items)
                    )
                    self._items[:0] = items
                    await asyncio.sleep(self._retry)
        finally:
            self._running = False

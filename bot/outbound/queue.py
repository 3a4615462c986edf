"""The outbound queue: every message the bot sends, edits or deletes goes through here.

One worker per channel makes that channel's calls one at a time, in the order below, so two edits
of one message can never overtake each other. Jobs on one message collapse while they wait
(:mod:`bot.outbound.jobs`), and edits and deletes wait ``coalesce_seconds`` before they are
eligible so that a burst of changes to a lobby becomes one call.

Order within a channel is start-time fair queueing over groups (a group is a pod): each new job is
stamped with a virtual start time ``max(channel clock, group's last stamp + 1)`` and the worker
takes the eligible job with the smallest stamp. A pod that queues fifty messages at once gets
stamps 0..49; another pod's one message arriving just after is stamped at the channel's clock and
goes next, so no pod waits behind another's backlog. Merging into a waiting job costs nothing, so
a pod that edits its lobby constantly does not lose its turn either. Across channels, each worker
has one call in flight, so a busy channel gets its share of the rate limit and no more.

Workers start when a channel gets a job and retire when it has had none for ``idle_seconds``. Both
happen in code with no ``await`` between the check and the act, which in one event loop is a
critical section: a job that arrives while a worker is retiring is either seen by the worker or
finds it gone and starts a new one; it is never left with nobody to run it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from bot.outbound.jobs import Job, JobKind, absorb, copy_fields, message_key, rides_along, send_key
from bot.outbound.transport import Transport
from bot.tasks import create_task

log = logging.getLogger(__name__)

M = TypeVar("M")

BULK_DELETE_MAX = 100
"""Discord's limit on messages in one bulk delete."""

_STAMPS_KEPT = 256


class OutboundError(Exception):
    """Base of the outbound queue's own errors (Discord's errors reach callers unchanged)."""


class WorkerFailed(OutboundError):
    """The channel's worker died of an unexpected error before making this call."""

    def __init__(self, label: str, cause: BaseException | None) -> None:
        self.label = label
        self.cause = cause
        super().__init__(f"outbound worker failed ({cause!r}); {label} was not made")


class QueueClosed(OutboundError):
    def __init__(self, label: str) -> None:
        self.label = label
        super().__init__(f"outbound queue is closed; {label} was not made")


@dataclass(frozen=True, slots=True)
class Retry:
    """How the queue retries a call that failed for a reason that may pass (a 429 storm longer
    than the client's own retries, a 5xx, a dropped connection).

    ``transient`` says which errors those are; the call is made again after each of ``delays``
    seconds in turn, the channel's worker waiting meanwhile (so the channel's order holds).
    ``prepare`` is applied once to a job's fields before its first attempt, ``rewind`` before
    every later one: the transport makes a send idempotent there (a nonce Discord deduplicates
    on, so a send whose answer was lost is not posted twice) and rewinds files it read.
    """

    transient: Callable[[BaseException], bool]
    delays: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0)
    prepare: Callable[[JobKind, Mapping[str, Any]], dict[str, Any]] = lambda _kind, f: dict(f)
    rewind: Callable[[Mapping[str, Any]], None] = lambda _fields: None


@dataclass(frozen=True, slots=True)
class OutboundStats:
    submitted: int
    merged: int
    calls: int
    failed: int
    retried: int
    workers: int
    waiting: int


@dataclass(slots=True)
class _Channel:
    waiting: dict[Any, Job] = field(default_factory=dict)
    running: dict[Any, Job] = field(default_factory=dict)
    clock: float = 0.0
    stamps: dict[Hashable, float] = field(default_factory=dict)
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    worker: asyncio.Task[None] | None = None

    def stamp(self, group: Hashable) -> float:
        start = max(self.clock, self.stamps.get(group, 0.0))
        self.stamps[group] = start + 1.0
        if len(self.stamps) > _STAMPS_KEPT:
            # A group whose last stamp the clock has passed has no backlog: forgetting it
            # changes nothing, since its next stamp would be the clock anyway.
            self.stamps = {g: t for g, t in self.stamps.items() if t > self.clock}
        return start

    def next_ready(self, now: float) -> Job | None:
        ready = [job for job in self.waiting.values() if job.ready_at <= now]
        return min(ready, key=lambda job: (job.tag, job.seq), default=None)

    def next_wake(self) -> float | None:
        return min((job.ready_at for job in self.waiting.values()), default=None)


class OutboundQueue(Generic[M]):
    """Submit with :meth:`send`, :meth:`edit`, :meth:`delete`; each returns a future of the
    outcome that the caller may await or ignore. A failed call sets the exception on the future
    (and is logged); it never stops the worker.
    """

    def __init__(
        self,
        transport: Transport[M],
        *,
        coalesce_seconds: float = 0.5,
        idle_seconds: float = 30.0,
        retry: Retry | None = None,
    ) -> None:
        if coalesce_seconds < 0 or idle_seconds < 0:
            raise ValueError("coalesce_seconds and idle_seconds must be >= 0")
        self._transport = transport
        self._coalesce = coalesce_seconds
        self._idle = idle_seconds
        self._retry = retry
        self._channels: dict[int, _Channel] = {}
        self._seq = itertools.count()
        self._closed = False
        self._submitted = self._merged = self._calls = self._failed = self._retried = 0

    def send(
        self,
        channel_id: int,
        fields: Mapping[str, Any],
        *,
        key: Hashable | None = None,
        group: Hashable = None,
    ) -> asyncio.Future[M]:
        """Post a message. Sends sharing a ``key`` while waiting become one, the newest."""
        slot = key if key is not None else object()
        return self._submit("send", channel_id, send_key(slot), None, fields, group, 0.0)

    def edit(
        self,
        channel_id: int,
        message_id: int,
        fields: Mapping[str, Any],
        *,
        group: Hashable = None,
        coalesce: bool = True,
    ) -> asyncio.Future[M | None]:
        """Change a message; resolves to the edited message, or None if a delete absorbed it.

        ``coalesce=False`` makes the edit (and any edit it merges with) eligible at once: for an
        edit that must reach the player before what follows it, such as showing an auto-pick
        before the next pack is sent. Among a group's eligible jobs the older goes first.
        """
        key = message_key(message_id)
        delay = self._coalesce if coalesce else 0.0
        return self._submit("edit", channel_id, key, message_id, fields, group, delay)

    def delete(
        self,
        channel_id: int,
        message_id: int,
        *,
        group: Hashable = None,
        coalesce: bool = True,
    ) -> asyncio.Future[None]:
        key = message_key(message_id)
        delay = self._coalesce if coalesce else 0.0
        return self._submit("delete", channel_id, key, message_id, {}, group, delay)

    def stats(self) -> OutboundStats:
        return OutboundStats(
            submitted=self._submitted,
            merged=self._merged,
            calls=self._calls,
            failed=self._failed,
            retried=self._retried,
            workers=sum(1 for ch in self._channels.values() if ch.worker is not None),
            waiting=sum(len(ch.waiting) for ch in self._channels.values()),
        )

    async def aclose(self, *, timeout: float = 10.0) -> None:
        """Refuse new jobs, give waiting ones ``timeout`` seconds to go out, fail the rest."""
        self._closed = True
        futures = [fut for job in self._jobs() for fut in job.futures if not fut.done()]
        if futures:
            await asyncio.wait(futures, timeout=timeout)
        workers = [ch.worker for ch in self._channels.values() if ch.worker is not None]
        for worker in workers:
            worker.cancel()
        for worker in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        for job in list(self._jobs()):
            _settle(job, error=QueueClosed(job.label))
        self._channels.clear()

    def _jobs(self) -> Iterator[Job]:
        for channel in self._channels.values():
            yield from channel.running.values()
            yield from channel.waiting.values()

    def _submit(
        self,
        kind: JobKind,
        channel_id: int,
        key: Any,
        message_id: int | None,
        fields: Mapping[str, Any],
        group: Hashable,
        delay: float,
    ) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        future.add_done_callback(_consume)
        job = Job(
            kind=kind,
            channel_id=channel_id,
            key=key,
            group=group,
            seq=next(self._seq),
            ready_at=loop.time() + delay,
            message_id=message_id,
            fields=copy_fields(fields),
            futures=[future],
        )
        if self._closed:
            future.set_exception(QueueClosed(job.label))
            return future
        self._submitted += 1
        channel = self._channels.get(channel_id)
        if channel is None:
            channel = self._channels[channel_id] = _Channel()
        running = channel.running.get(key)
        waiting = channel.waiting.get(key)
        if running is not None and waiting is None and rides_along(running, job):
            running.futures.extend(job.futures)
            self._merged += 1
        elif waiting is not None and absorb(waiting, job):
            self._merged += 1
        else:
            job.tag = channel.stamp(group)
            channel.waiting[key] = job
        channel.wakeup.set()
        if channel.worker is None:
            self._start_worker(channel_id, channel)
        return future

    def _start_worker(self, channel_id: int, channel: _Channel) -> None:
        worker = create_task(self._work(channel_id, channel), name=f"outbound:{channel_id}")
        channel.worker = worker

        def ended(task: asyncio.Task[None]) -> None:
            # A worker ends on its own only by retiring, which clears channel.worker first; one
            # still registered here died of a bug (logged by create_task). Restarting it could
            # meet the same bug forever, so its jobs fail instead and the channel starts afresh
            # with its next job: nothing waits on a worker that is gone.
            if channel.worker is not task or task.cancelled():
                return
            cause = task.exception()
            for job in [*channel.running.values(), *channel.waiting.values()]:
                _settle(job, error=WorkerFailed(job.label, cause))
            if self._channels.get(channel_id) is channel:
                del self._channels[channel_id]

        worker.add_done_callback(ended)

    async def _work(self, channel_id: int, channel: _Channel) -> None:
        clock = asyncio.get_running_loop().time
        while True:
            channel.wakeup.clear()
            job = channel.next_ready(clock())
            if job is None:
                wake = channel.next_wake()
                timeout = self._idle if wake is None else max(0.0, wake - clock())
                try:
                    await asyncio.wait_for(channel.wakeup.wait(), timeout)
                except TimeoutError:
                    if not channel.waiting and not channel.running:
                        # No await from the check to here: a submit either came before the
                        # check (and was seen) or comes after this and starts a new worker.
                        channel.worker = None
                        del self._channels[channel_id]
                        return
                continue
            batch = self._take(channel, job, clock())
            channel.clock = max(channel.clock, job.tag)
            try:
                await self._call(channel_id, batch)
            finally:
                for done in batch:
                    channel.running.pop(done.key, None)

    def _take(self, channel: _Channel, first: Job, now: float) -> list[Job]:
        """The job, plus every other eligible delete of the channel when one bulk call can go."""
        batch = [first]
        if first.kind == "delete" and self._bulk_allowed(first.channel_id):
            others = sorted(
                (
                    job
                    for job in channel.waiting.values()
                    if job.kind == "delete" and job is not first and job.ready_at <= now
                ),
                key=lambda job: (job.tag, job.seq),
            )
            batch.extend(others[: BULK_DELETE_MAX - 1])
        for job in batch:
            del channel.waiting[job.key]
            channel.running[job.key] = job
        return batch

    def _bulk_allowed(self, channel_id: int) -> bool:
        try:
            return self._transport.can_bulk_delete(channel_id)
        except Exception as exc:
            log.warning(
                "outbound: cannot tell if channel %s allows bulk delete: %r", channel_id, exc
            )
            return False

    async def _attempt(self, channel_id: int, batch: list[Job], fields: Mapping[str, Any]) -> Any:
        job = batch[0]
        self._calls += 1
        if job.kind == "send":
            return await self._transport.send(channel_id, fields)
        if job.kind == "edit":
            assert job.message_id is not None
            return await self._transport.edit(channel_id, job.message_id, fields)
        if len(batch) == 1:
            assert job.message_id is not None
            await self._transport.delete(channel_id, job.message_id)
        else:
            ids = [done.message_id for done in batch if done.message_id is not None]
            await self._transport.delete_many(channel_id, ids)
        return None

    async def _call(self, channel_id: int, batch: list[Job]) -> None:
        job = batch[0]
        retry = self._retry
        fields: Mapping[str, Any] = job.fields
        if retry is not None:
            fields = retry.prepare(job.kind, job.fields)
        delays = iter(retry.delays if retry is not None else ())
        try:
            while True:
                try:
                    result: Any = await self._attempt(channel_id, batch, fields)
                    break
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    delay = (
                        next(delays, None) if retry is not None and retry.transient(exc) else None
                    )
                    if delay is None or retry is None:
                        raise
                    self._retried += 1
                    log.warning("outbound %s failed (%r); again in %.1f s", job.label, exc, delay)
                    await asyncio.sleep(delay)
                    retry.rewind(fields)
        except asyncio.CancelledError:
            for done in batch:
                _settle(done, error=QueueClosed(done.label))
            raise
        except Exception as exc:
            self._failed += 1
            log.warning("outbound %s failed: %r", job.label, exc)
            for done in batch:
                _settle(done, error=exc)
            return
        for done in batch:
            _settle(done, result=None if done.kind == "delete" else result)


def _settle(job: Job, *, result: Any = None, error: BaseException | None = None) -> None:
    for future in job.futures:
        if future.done():
            continue
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)


def _consume(future: asyncio.Future[Any]) -> None:
    # Failures are logged by the worker; a caller that does not await its future must not also
    # get "exception was never retrieved" at garbage collection.
    if not future.cancelled():
        future.exception()

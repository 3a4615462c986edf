"""A loopback proxy between handlers (DEALER) and the scheduler (ROUTER) that mistreats frames.

The proxy binds a ROUTER where handlers connect and, for each handler identity it sees, connects
a DEALER of its own to the scheduler *with the same routing id*, so the scheduler's check that a
``register``'s ``handler_id`` equals the socket's identity still holds and a pod's jobs still
route by identity. Frames are forwarded one body frame at a time, in both directions, each
independently dropped, duplicated, delayed or held back behind later frames (reordered), at
rates drawn from one seeded RNG.

The front ROUTER has ``ROUTER_HANDOVER`` like the scheduler's, so a handler that reconnects
(after it decided the scheduler was silent) takes its identity over at the proxy; the proxy's
DEALER toward the scheduler stays connected, which the scheduler sees as the same peer.

CURVE cannot pass through: the proxy terminates the ZMQ connection on both sides and so would
need the keys of both. The link tests run without CURVE; CURVE has its own tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field

import zmq
import zmq.asyncio

TO_SCHEDULER = "to_scheduler"
TO_HANDLER = "to_handler"


@dataclass(frozen=True, slots=True)
class Faults:
    """Per-frame probabilities; each fault is drawn independently."""

    drop: float = 0.0
    duplicate: float = 0.0
    delay: float = 0.0
    reorder: float = 0.0
    # A delayed frame waits uniformly up to this long; a reordered one waits until this many
    # later frames of its direction went ahead of it (or ``max_delay`` passed).
    max_delay: float = 0.4
    reorder_behind: int = 2

    @classmethod
    def all_at(cls, rate: float) -> Faults:
        return cls(drop=rate, duplicate=rate, delay=rate, reorder=rate)


@dataclass
class _Direction:
    name: str
    heap: list[tuple[float, int, bytes, bytes]] = field(default_factory=list)
    held: list[tuple[int, bytes, bytes, float]] = field(default_factory=list)
    wake: asyncio.Event = field(default_factory=asyncio.Event)


class LinkProxy:
    """``await LinkProxy(upstream, faults, seed=1).start()``; handlers connect to ``.address``."""

    def __init__(self, upstream: str, faults: Faults, *, seed: int) -> None:
        self.upstream = upstream
        self.faults = faults
        self.rng = random.Random(seed)
        self.address = ""
        # What happened to frames, by (direction, fault): the figures of the report.
        self.counts: Counter[tuple[str, str]] = Counter()
        self._context = zmq.asyncio.Context()
        self._front = self._context.socket(zmq.ROUTER)
        self._front.setsockopt(zmq.ROUTER_HANDOVER, 1)
        self._front.setsockopt(zmq.LINGER, 0)
        self._back: dict[bytes, zmq.asyncio.Socket] = {}
        self._seq = itertools.count()
        self._directions = {d: _Direction(d) for d in (TO_SCHEDULER, TO_HANDLER)}
        self._tasks: list[asyncio.Task[None]] = []
        self._readers: dict[bytes, asyncio.Task[None]] = {}

    async def start(self) -> LinkProxy:
        self._front.bind("tcp://127.0.0.1:*")
        self.address = self._front.getsockopt_string(zmq.LAST_ENDPOINT)
        loop = asyncio.get_running_loop()
        self._tasks.append(loop.create_task(self._read_front()))
        for direction in self._directions.values():
            self._tasks.append(loop.create_task(self._release(direction)))
        return self

    async def stop(self) -> None:
        for task in [*self._tasks, *self._readers.values()]:
            task.cancel()
        for task in [*self._tasks, *self._readers.values()]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for socket in [self._front, *self._back.values()]:
            socket.close(linger=0)
        self._context.term()

    def set_faults(self, faults: Faults) -> None:
        self.faults = faults

    # --- reading -----------------------------------------------------------------------------

    async def _read_front(self) -> None:
        while True:
            frames = await self._front.recv_multipart()
            identity, body = frames[0], frames[1:]
            if identity not in self._back:
                self._open_back(identity)
            for part in body:
                self._inject(self._directions[TO_SCHEDULER], identity, part)

    def _open_back(self, identity: bytes) -> None:
        socket = self._context.socket(zmq.DEALER)
        socket.setsockopt(zmq.ROUTING_ID, identity)
        socket.setsockopt(zmq.LINGER, 0)
        socket.connect(self.upstream)
        self._back[identity] = socket
        self._readers[identity] = asyncio.get_running_loop().create_task(
            self._read_back(identity, socket)
        )

    async def _read_back(self, identity: bytes, socket: zmq.asyncio.Socket) -> None:
        while True:
            for part in await socket.recv_multipart():
                self._inject(self._directions[TO_HANDLER], identity, part)

    # --- faults ------------------------------------------------------------------------------

    def _inject(self, direction: _Direction, identity: bytes, body: bytes) -> None:
        f, rng, now = self.faults, self.rng, asyncio.get_running_loop().time()
        self.counts[(direction.name, "seen")] += 1
        if rng.random() < f.drop:
            self.counts[(direction.name, "dropped")] += 1
            return
        copies = 2 if rng.random() < f.duplicate else 1
        if copies == 2:
            self.counts[(direction.name, "duplicated")] += 1
        for _ in range(copies):
            if rng.random() < f.reorder:
                self.counts[(direction.name, "reordered")] += 1
                # Held until `reorder_behind` later frames have gone, so they overtake it.
                direction.held.append((f.reorder_behind, identity, body, now + f.max_delay))
                continue
            at = now
            if rng.random() < f.delay:
                self.counts[(direction.name, "delayed")] += 1
                at = now + rng.uniform(0.0, f.max_delay)
            heapq.heappush(direction.heap, (at, next(self._seq), identity, body))
        direction.wake.set()

    async def _release(self, direction: _Direction) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            while direction.heap and direction.heap[0][0] <= now:
                _, _, identity, body = heapq.heappop(direction.heap)
                await self._send(direction, identity, body)
                self._overtaken(direction, now)
            for item in list(direction.held):
                if item[3] <= now:
                    direction.held.remove(item)
                    await self._send(direction, item[1], item[2])
            waits = [direction.heap[0][0]] if direction.heap else []
            waits += [item[3] for item in direction.held]
            direction.wake.clear()
            timeout = max(0.0, min(waits) - loop.time()) if waits else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(direction.wake.wait(), timeout)

    def _overtaken(self, direction: _Direction, now: float) -> None:
        """A frame went out: every held frame has one fewer to wait behind; those at 0 go next."""
        still = []
        for behind, identity, body, until in direction.held:
            if behind <= 1:
                heapq.heappush(direction.heap, (now, next(self._seq), identity, body))
            else:
                still.append((behind - 1, identity, body, until))
        direction.held = still

    async def _send(self, direction: _Direction, identity: bytes, body: bytes) -> None:
        try:
            if direction.name == TO_SCHEDULER:
                await self._back[identity].send(body, flags=zmq.NOBLOCK)
            else:
                await self._front.send_multipart([identity, body], flags=zmq.NOBLOCK)
        except zmq.ZMQError:
            # The peer is gone (a handler between sockets): the frame is lost, like a drop.
            self.counts[(direction.name, "unroutable")] += 1

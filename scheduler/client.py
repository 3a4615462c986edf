"""The handler library: connect to the scheduler, run its jobs, drive the pod lifecycle.

A :class:`Handler` runs as one watched task in the caller's event loop. It connects a ZMQ ``DEALER``
whose identity is the handler's fixed id (so a restarted handler takes over its own route),
registers its job methods, heartbeats, and reconnects with backoff whenever the scheduler goes
silent or forgets it. Runs are de-duplicated by ``run_id``: a redelivered run is answered from the
result cache and never runs twice. Requests (lifecycle messages, ``schedule``) are resent with the
same ``msg_id`` until the scheduler acknowledges them, which it does only after committing them.

    handler = Handler("my-handler", address="tcp://127.0.0.1:5555")

    @handler.job("echo")
    async def echo(params: dict) -> dict:
        return params

    await handler.start()
    await handler.schedule("echo", {"x": 1}, trigger={"type": "date", "run_date": when})
    await handler.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import random
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import zmq
import zmq.asyncio

from scheduler import protocol as p
from scheduler.errors import SchedulerError
from scheduler.tasks import TaskGroup
from scheduler.timers import TimerPolicy

log = logging.getLogger("scheduler.client")

JobFunction = Callable[[dict[str, Any]], Awaitable[Any]]
F = TypeVar("F", bound=JobFunction)

# Silence longer than this many heartbeats means the scheduler is gone (DESIGN section 4).
SILENT_BEATS = 3
# A handler's routing id is its handler id, this separator and a suffix of its own (one per
# Handler object): a reconnect of the same object takes its route over at once
# (ROUTER_HANDOVER), and the scheduler can tell a second process with the same id from it.
SESSION_SEPARATOR = b"\x00"


def handler_id_of(identity: bytes) -> str | None:
    """The handler id a routing id stands for (``id`` or ``id\\x00session``), or None."""
    try:
        return identity.split(SESSION_SEPARATOR, 1)[0].decode()
    except UnicodeDecodeError:
        return None


def is_loopback_address(address: str) -> bool:
    """Whether a ZMQ endpoint can only be reached from this machine (loopback TCP, ipc, inproc)."""
    scheme, _, rest = address.partition("://")
    if scheme in ("ipc", "inproc"):
        return True
    if scheme != "tcp":
        return False
    host = rest.rsplit(":", 1)[0].strip("[]")
    if ";" in host:  # tcp://source;destination: the destination counts
        host = host.rsplit(";", 1)[1]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class CurveKeys:
    """A handler's side of CURVE: the scheduler's public key and the handler's own key pair
    (z85 bytes, as :func:`load_curve_keys` reads them from ``zmq.auth`` key files)."""

    server_public: bytes
    public: bytes
    secret: bytes = field(repr=False)


def load_curve_keys(server_public_file: str, secret_file: str) -> CurveKeys:
    """Read the scheduler's ``.key`` file and this handler's ``.key_secret`` file."""
    from zmq.auth.certs import load_certificate

    server_public, _ = load_certificate(server_public_file)
    public, secret = load_certificate(secret_file)
    if secret is None:
        raise ValueError(f"{secret_file}: holds no secret key (give the .key_secret file)")
    return CurveKeys(server_public, public, secret)


class SchedulerRejected(SchedulerError):
    """The scheduler refused a request; resending it would not help."""

    def __init__(self, request: str, code: str, reason: str) -> None:
        super().__init__(f"scheduler refused {request}: {code}: {reason}")
        self.request = request
        self.code = code
        self.reason = reason


class HandlerStopped(SchedulerError):
    """The handler stopped before the scheduler acknowledged a request."""


class Handler:
    """A connection to the scheduler that runs job methods and sends requests until acked."""

    def __init__(
        self,
        handler_id: str,
        *,
        address: str,
        shards: tuple[int, ...] = (),
        token: str | None = None,
        ack_timeout: float = 5.0,
        heartbeat_seconds: float = 2.0,
        reconnect_initial: float = 0.1,
        reconnect_max: float = 5.0,
        max_frame_bytes: int = p.DEFAULT_MAX_FRAME_BYTES,
        result_cache_size: int = 10_000,
        context: zmq.asyncio.Context | None = None,
        curve: CurveKeys | None = None,
    ) -> None:
        if not handler_id or len(handler_id) > p.MAX_ID_CHARS:
            raise ValueError(f"handler_id must be 1 to {p.MAX_ID_CHARS} characters")
        self.handler_id = handler_id
        self.identity = handler_id.encode() + SESSION_SEPARATOR + uuid.uuid4().hex[:12].encode()
        self.address = address
        self._curve = curve
        self.shards = shards
        self._token = token or ""
        self._ack_timeout = ack_timeout
        self._heartbeat = heartbeat_seconds
        self._reconnect = (reconnect_initial, reconnect_max)
        self._max_frame = max_frame_bytes
        self._cache_size = result_cache_size
        self._own_context = context is None
        self._context = context or zmq.asyncio.Context()
        self._methods: dict[str, JobFunction] = {}
        self._socket: zmq.asyncio.Socket | None = None
        self._registered = asyncio.Event()
        self._pending: dict[str, asyncio.Future[p.Ack]] = {}
        self._results: OrderedDict[str, p.Result] = OrderedDict()
        self._running: set[str] = set()
        self._tasks = TaskGroup(log)
        self._jobs = TaskGroup(log)
        self._main: asyncio.Task[None] | None = None
        self._dispatch: Mapping[str, Callable[[Any], Awaitable[None]]] = {
            "registered": self._on_registered,
            "heartbeat": self._on_heartbeat,
            "run": self._on_run,
            "ack": self._on_ack,
            "error": self._on_error,
        }

    # --- job methods -------------------------------------------------------------------------

    def job(self, name: str) -> Callable[[F], F]:
        """Decorator: register ``async def fn(params: dict) -> JSON`` as job method ``name``."""

        def decorate(fn: F) -> F:
            self.add_job(name, fn)
            return fn

        return decorate

    def add_job(self, name: str, fn: JobFunction) -> None:
        """Register ``fn`` as job method ``name``; before :meth:`start`, or re-register after."""
        if not name or len(name) > p.MAX_ID_CHARS:
            raise ValueError(f"job method name must be 1 to {p.MAX_ID_CHARS} characters")
        if not asyncio.iscoroutinefunction(fn):
            raise TypeError(f"job method {name!r} must be an async function")
        self._methods[name] = fn

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(sorted(self._methods))

    @property
    def registered(self) -> bool:
        """True while the scheduler knows this handler and can route jobs to it."""
        return self._registered.is_set()

    # --- lifetime ----------------------------------------------------------------------------

    async def start(self, *, wait: bool = True, timeout: float | None = 30.0) -> bool:
        """Start the connection task; with ``wait``, until registered or ``timeout`` passes.

        Returns whether the handler is registered. On a timeout the task keeps trying.
        """
        if self._main is None or self._main.done():
            self._main = self._tasks.spawn(
                self._connection(), f"scheduler handler {self.handler_id}"
            )
        if not wait:
            return self.registered
        return await self.wait_registered(timeout)

    async def wait_registered(self, timeout: float | None = None) -> bool:
        """Wait until the scheduler has registered this handler; False after ``timeout``."""
        try:
            async with asyncio.timeout(timeout):
                await self._registered.wait()
        except TimeoutError:
            log.warning("handler %s: not registered after %ss", self.handler_id, timeout)
            return False
        return True

    async def stop(self, *, grace: float = 5.0) -> None:
        """Stop: let running jobs finish for ``grace`` seconds, then close the connection."""
        await self._jobs.cancel_all(grace)
        await self._tasks.cancel_all()
        self._main = None
        for future in self._pending.values():
            if not future.done():
                future.set_exception(HandlerStopped(f"handler {self.handler_id} stopped"))
        # Wake requests still waiting for a registration, so they see their failed future.
        self._registered.set()
        self._registered.clear()
        self._close_socket()
        if self._own_context:
            self._context.term()

    # --- requests ----------------------------------------------------------------------------

    async def schedule(
        self,
        method: str,
        params: Mapping[str, Any],
        *,
        trigger: Mapping[str, Any],
        handler_id: str | None = None,
        job_id: str | None = None,
        timeout: float | None = None,
    ) -> str:
        """Schedule ``method`` for ``handler_id`` (default: this handler); returns the job id.

        ``trigger`` is ``{"type": "date" | "interval" | "cron", ...}`` as in the HTTP API; datetimes
        in it may be timezone-aware ``datetime`` objects. Without ``job_id`` one is made up here,
        so a resend can never create a second job.
        """
        message = p.Schedule(
            msg_id=_new_id(),
            method=method,
            params=dict(params),
            trigger={k: _json_time(k, v) for k, v in trigger.items()},
            handler_id=handler_id if handler_id is not None else self.handler_id,
            job_id=job_id or f"job-{uuid.uuid4().hex}",
        )
        ack = await self.request(message, timeout=timeout)
        return ack.job_id

    async def unschedule(self, job_id: str, *, timeout: float | None = None) -> None:
        """Remove a scheduled job; removing one that already ran or never existed is fine."""
        await self.request(p.Unschedule(_new_id(), job_id), timeout=timeout)

    async def pod_open(self, pod: str, lobby_ttl: float, *, timeout: float | None = None) -> None:
        """A lobby opened; the scheduler fires ``lobby_expired {pod}`` after ``lobby_ttl`` s."""
        await self.request(p.PodOpen(_new_id(), pod, float(lobby_ttl)), timeout=timeout)

    async def pod_start(
        self, pod: str, seats: int, timer_policy: TimerPolicy, *, timeout: float | None = None
    ) -> None:
        """The draft started; pick timers follow ``timer_policy`` from now on."""
        await self.request(p.PodStart(_new_id(), pod, seats, timer_policy), timeout=timeout)

    async def seat_waiting(
        self, pod: str, seat: int, pick_no: int, cards_left: int, *, timeout: float | None = None
    ) -> datetime | None:
        """A seat has a pack: arm its pick timer. Returns the pick's deadline (None: untimed).

        Idempotent: the same ``(pod, seat, pick_no)`` again keeps the first deadline.
        """
        ack = await self.request(
            p.SeatWaiting(_new_id(), pod, seat, pick_no, cards_left), timeout=timeout
        )
        return datetime.fromisoformat(ack.deadline) if ack.deadline else None

    async def seat_idle(self, pod: str, seat: int, *, timeout: float | None = None) -> None:
        """A seat has no pack in front of it: its pick timers are cancelled."""
        await self.request(p.SeatIdle(_new_id(), pod, seat), timeout=timeout)

    async def pod_end(
        self, pod: str, outcome: p.PodOutcome, *, timeout: float | None = None
    ) -> None:
        """The pod is over; its timers are cancelled and ``pod_cleanup`` is scheduled."""
        await self.request(p.PodEnd(_new_id(), pod, outcome), timeout=timeout)

    async def request(self, message: p.Request, *, timeout: float | None = None) -> p.Ack:
        """Send ``message`` until acked (same ``msg_id`` each time); raise if it is refused.

        An ``internal`` error (the scheduler failed, say its database was busy) is not a refusal:
        the request is resent like an unacknowledged one.
        """
        future: asyncio.Future[p.Ack] = asyncio.get_running_loop().create_future()
        self._pending[message.msg_id] = future
        try:
            async with asyncio.timeout(timeout):
                while True:
                    await self._registered.wait()
                    if future.done():
                        return future.result()
                    await self._send(message)
                    with contextlib.suppress(TimeoutError):
                        return await asyncio.wait_for(asyncio.shield(future), self._ack_timeout)
                    log.info("no ack for %s %s yet; resending", message.type, message.msg_id)
        finally:
            self._pending.pop(message.msg_id, None)

    # --- the connection ----------------------------------------------------------------------

    async def _connection(self) -> None:
        """Connect, register, serve; on silence or error reconnect with capped, jittered backoff."""
        delay = self._reconnect[0]
        while True:
            try:
                if await self._session():
                    delay = self._reconnect[0]
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("handler %s: connection failed", self.handler_id)
            self._registered.clear()
            self._close_socket()
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, self._reconnect[1])

    async def _session(self) -> bool:
        """One socket's life; returns whether it ever registered, once the scheduler goes silent."""
        socket = self._context.socket(zmq.DEALER)
        socket.setsockopt(zmq.ROUTING_ID, self.identity)
        if self._curve is not None:
            socket.setsockopt(zmq.CURVE_SERVERKEY, self._curve.server_public)
            socket.setsockopt(zmq.CURVE_PUBLICKEY, self._curve.public)
            socket.setsockopt(zmq.CURVE_SECRETKEY, self._curve.secret)
        socket.setsockopt(zmq.LINGER, 0)
        socket.setsockopt(zmq.RECONNECT_IVL, 100)
        socket.setsockopt(zmq.RECONNECT_IVL_MAX, 2000)
        socket.connect(self.address)
        self._socket = socket
        ever_registered = False
        receiving: asyncio.Future[list[bytes]] | None = None
        await self._send(self._register_message())
        now = time.monotonic()
        last_heard, next_beat = now, now + self._heartbeat
        try:
            while True:
                silent_after = last_heard + SILENT_BEATS * self._heartbeat
                wait = max(0.0, min(next_beat, silent_after) - time.monotonic())
                # One receive stays pending across waits: cancelling it on a timeout could drop a
                # message that had already been taken off the socket.
                if receiving is None:
                    receiving = asyncio.ensure_future(socket.recv_multipart())
                await asyncio.wait((receiving,), timeout=wait)
                if receiving.done():
                    frames = receiving.result()
                    receiving = None
                    last_heard = time.monotonic()
                    await self._receive(frames)
                    ever_registered = ever_registered or self.registered
                now = time.monotonic()
                if now >= next_beat:
                    await self._send(p.Heartbeat() if self.registered else self._register_message())
                    next_beat = now + self._heartbeat
                if now >= last_heard + SILENT_BEATS * self._heartbeat:
                    log.warning("handler %s: scheduler silent; reconnecting", self.handler_id)
                    return ever_registered
        finally:
            if receiving is not None:
                receiving.cancel()

    def _register_message(self) -> p.Register:
        return p.Register(self.handler_id, self.methods, self.shards, self._token)

    async def _receive(self, frames: list[bytes]) -> None:
        if len(frames) != 1:
            log.warning("handler %s: dropped a %d-part message", self.handler_id, len(frames))
            return
        try:
            message = p.decode(frames[0], accept=p.TO_HANDLER, max_bytes=self._max_frame)
        except p.ProtocolError as exc:
            log.warning("handler %s: bad frame from scheduler: %s", self.handler_id, exc)
            return
        await self._dispatch[message.type](message)

    async def _send(self, message: p.Message) -> bool:
        """Send without blocking; a message that cannot go now is resent by its owner later."""
        socket = self._socket
        if socket is None:
            return False
        try:
            await socket.send(p.encode(message), flags=zmq.NOBLOCK)
        except zmq.Again:
            return False
        except zmq.ZMQError as exc:
            log.warning("handler %s: send failed: %s", self.handler_id, exc)
            return False
        return True

    def _close_socket(self) -> None:
        if self._socket is not None:
            self._socket.close(linger=0)
            self._socket = None

    # --- inbound -----------------------------------------------------------------------------

    async def _on_registered(self, message: p.Registered) -> None:
        self._heartbeat = message.heartbeat_seconds
        if not self.registered:
            log.info("handler %s registered with %s", self.handler_id, self.address)
        self._registered.set()

    async def _on_heartbeat(self, message: p.Heartbeat) -> None:
        return None

    async def _on_ack(self, message: p.Ack) -> None:
        future = self._pending.get(message.msg_id)
        if future is not None and not future.done():
            future.set_result(message)

    async def _on_error(self, message: p.Error) -> None:
        if message.code == "not_registered":
            # The scheduler restarted and forgot us: register again before anything else.
            self._registered.clear()
            await self._send(self._register_message())
            return
        future = self._pending.get(message.ref)
        if future is not None and not future.done() and message.code != "internal":
            future.set_exception(SchedulerRejected(message.ref, message.code, message.reason))
            return
        log.warning(
            "handler %s: scheduler error %s: %s", self.handler_id, message.code, message.reason
        )
        if message.code == "unauthorized":
            self._registered.clear()

    async def _on_run(self, run: p.Run) -> None:
        cached = self._results.get(run.run_id)
        if cached is not None:
            self._results.move_to_end(run.run_id)
            await self._send(cached)
            return
        if run.run_id in self._running:
            return
        self._running.add(run.run_id)
        self._jobs.spawn(self._execute(run), f"job {run.method} {run.run_id}")

    async def _execute(self, run: p.Run) -> None:
        fn = self._methods.get(run.method)
        try:
            if fn is None:
                result = p.Result(run.run_id, False, None, f"no job method {run.method!r} here")
            else:
                result = p.Result(run.run_id, True, await fn(dict(run.params)))
                p.encode(result)
        except asyncio.CancelledError:
            self._running.discard(run.run_id)
            raise
        except p.ProtocolError as exc:
            result = p.Result(run.run_id, False, None, f"result is not JSON: {exc.reason}")
        except Exception as exc:
            log.exception("job %s (%s) failed", run.method, run.run_id)
            result = p.Result(run.run_id, False, None, f"{type(exc).__name__}: {exc}")
        self._results[run.run_id] = result
        while len(self._results) > self._cache_size:
            self._results.popitem(last=False)
        self._running.discard(run.run_id)
        await self._send(result)


def _new_id() -> str:
    return uuid.uuid4().hex


def _json_time(key: str, value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"trigger {key} must be timezone-aware")
        return value.isoformat()
    return value


__all__ = [
    "CurveKeys",
    "Handler",
    "HandlerStopped",
    "JobFunction",
    "SchedulerRejected",
    "TimerPolicy",
    "handler_id_of",
    "is_loopback_address",
    "load_curve_keys",
]

"""The ZMQ ``ROUTER``: frames in and out, handler registration and liveness.

Measured traits it is built around: a plain ROUTER silently drops messages to an unknown identity
or past its high-water mark, so ``ROUTER_MANDATORY`` is set and only a handler's answer counts as
delivery; with ``ROUTER_HANDOVER=0`` a restarted handler reusing its identity is unreachable while
the old connection lingers, so handover is on and every handler's identity is its fixed id.
A bad frame is logged and answered with an ``error``; nothing a peer sends stops the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import zmq
import zmq.asyncio

from scheduler import protocol as p
from scheduler.client import SILENT_BEATS, handler_id_of
from scheduler.keys import ZAP_DOMAIN, ServerKeys
from scheduler.metrics import Metrics

log = logging.getLogger("scheduler.router")

# Bursts of thousands of due timers must queue, not fail: the default of 1,000 is too small.
HIGH_WATER_MARK = 100_000
# Answers to the latest requests, by (handler, msg_id): a copy that comes late gets its first
# answer again instead of being applied a second time (see ``Router._handle``).
ANSWERED_REQUESTS = 20_000
# A handler id's live connection that has been silent this many heartbeats may be replaced by a
# new connection registering the same id (a restart); before that the newcomer is refused.
TAKEOVER_SILENT_BEATS = 1.5


@dataclass
class HandlerInfo:
    handler_id: str
    identity: bytes
    methods: frozenset[str]
    shards: tuple[int, ...]
    connected_at: float
    last_seen: float
    # The ZAP User-Id of its connection (the handler id its CURVE key is for); "" without CURVE.
    user_id: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "handler_id": self.handler_id,
            "methods": sorted(self.methods),
            "shards": list(self.shards),
            "connected_at": self.connected_at,
            "seconds_since_seen": round(time.monotonic() - self.last_seen, 3),
        }


RequestHandler = Callable[[HandlerInfo, Any], Awaitable[p.Message | None]]


class Router:
    """Owns the ROUTER socket and the table of live handlers."""

    def __init__(
        self,
        address: str,
        *,
        context: zmq.asyncio.Context,
        heartbeat_seconds: float,
        max_frame_bytes: int,
        token: str | None,
        metrics: Metrics,
        curve: ServerKeys | None = None,
        allow_takeover: bool = False,
    ) -> None:
        self.address = address
        self.heartbeat_seconds = heartbeat_seconds
        self.handlers: dict[str, HandlerInfo] = {}
        self._max_frame = max_frame_bytes
        self._token = token
        self._metrics = metrics
        self._curve = curve is not None
        self._allow_takeover = allow_takeover
        self._socket = context.socket(zmq.ROUTER)
        if curve is not None:
            # Before bind: the handshake of every connection is CURVE, checked by ZAP (the
            # allow-list authenticator the server runs in this context).
            self._socket.setsockopt(zmq.CURVE_SERVER, 1)
            self._socket.setsockopt(zmq.CURVE_SECRETKEY, curve.secret)
            self._socket.setsockopt(zmq.CURVE_PUBLICKEY, curve.public)
            self._socket.setsockopt(zmq.ZAP_DOMAIN, ZAP_DOMAIN.encode())
        self._socket.setsockopt(zmq.ROUTER_MANDATORY, 1)
        self._socket.setsockopt(zmq.ROUTER_HANDOVER, 1)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.setsockopt(zmq.SNDHWM, HIGH_WATER_MARK)
        self._socket.setsockopt(zmq.RCVHWM, HIGH_WATER_MARK)
        # Refused frames are answered with an error up to 16x the limit; beyond, libzmq drops the
        # peer before buffering the frame, so no peer can make the scheduler hold gigabytes.
        self._socket.setsockopt(zmq.MAXMSGSIZE, max_frame_bytes * 16)
        self.on_register: Callable[[HandlerInfo], Awaitable[None]] | None = None
        self.requests: Mapping[str, RequestHandler] = {}
        self._answered: OrderedDict[tuple[str, str], p.Message] = OrderedDict()

    def bind(self) -> str:
        """Bind the address (port 0 picks a free port); returns the endpoint actually bound."""
        address = self.address
        if address.startswith("tcp://") and address.endswith(":0"):
            address = address[:-2] + ":*"
        self._socket.bind(address)
        endpoint = self._socket.getsockopt_string(zmq.LAST_ENDPOINT)
        self.address = endpoint
        return endpoint

    def close(self) -> None:
        self._socket.close(linger=0)

    def route(self, handler_id: str, method: str) -> HandlerInfo | None:
        """The live handler for a run: the named one if it serves ``method``, else any that does."""
        if handler_id:
            info = self.handlers.get(handler_id)
            return info if info is not None and method in info.methods else None
        for info in self.handlers.values():
            if method in info.methods:
                return info
        return None

    async def send(self, identity: bytes, message: p.Message) -> bool:
        """Send without blocking; False when the peer is gone or its queue is full."""
        try:
            await self._socket.send_multipart([identity, p.encode(message)], flags=zmq.NOBLOCK)
        except zmq.Again:
            return False
        except zmq.ZMQError as exc:
            if exc.errno == zmq.EHOSTUNREACH:
                self._forget(identity, "unreachable")
                return False
            raise
        return True

    async def serve(self) -> None:
        """Receive forever; each frame is handled on its own and its failure is contained."""
        while True:
            user_id = ""
            if self._curve:
                parts = await self._socket.recv_multipart(copy=False)
                frames = [part.bytes for part in parts]
                with contextlib.suppress(zmq.ZMQError):
                    user_id = str(parts[-1].get("User-Id") or "")
            else:
                frames = await self._socket.recv_multipart()
            try:
                await self._handle(frames, user_id)
            except Exception:
                log.exception("error handling a frame from %r", frames[0][:64])
                ref = _ref_of(frames)
                await self.send(
                    frames[0], p.Error("internal", "the scheduler failed this request", ref)
                )

    async def beat(self) -> None:
        """Every heartbeat: beat to each handler, and drop those silent for three beats."""
        while True:
            now = time.monotonic()
            for info in list(self.handlers.values()):
                if now - info.last_seen > SILENT_BEATS * self.heartbeat_seconds:
                    self._forget(info.identity, "silent")
                else:
                    await self.send(info.identity, p.Heartbeat())
            await asyncio.sleep(self.heartbeat_seconds)

    async def _handle(self, frames: list[bytes], user_id: str = "") -> None:
        identity, body = frames[0], frames[1:]
        if len(body) != 1:
            self._metrics.bad_frames += 1
            await self.send(identity, p.Error("bad_envelope", "expected exactly one body frame"))
            return
        try:
            message = p.decode(body[0], accept=p.TO_SCHEDULER, max_bytes=self._max_frame)
        except p.ProtocolError as exc:
            self._metrics.bad_frames += 1
            log.warning("refused a frame from %r: %s", identity[:64], exc)
            await self.send(identity, p.error_for(exc))
            return
        if isinstance(message, p.Register):
            await self._register(identity, message, user_id)
            return
        info = self._known(identity)
        if info is not None and info.user_id != user_id:
            # The identity was taken over by a connection with another key (ROUTER_HANDOVER):
            # nothing it sends counts, and the rightful handler's reconnect takes it back.
            log.warning("refused a frame for %s from another CURVE key", info.handler_id)
            info = None
        if info is None:
            await self.send(identity, p.Error("not_registered", "register first", _ref(message)))
            return
        info.last_seen = time.monotonic()
        if isinstance(message, p.Heartbeat):
            return
        # A handler resends a request until it is acknowledged and sends the next one only then,
        # so two different requests arrive out of order only when a copy of the earlier one
        # comes late (a resend delayed on the way, a frame of a connection being handed over).
        # Applied again, that copy would undo what came after it (a late ``seat_idle`` cancels
        # the seat's next pick timer), so a request already answered is answered the same way
        # and not applied twice.
        key = (info.handler_id, _ref(message))
        answer = self._answered.get(key) if key[1] else None
        if answer is not None:
            self._answered.move_to_end(key)
            await self.send(identity, answer)
            return
        try:
            answer = await self.requests[message.type](info, message)
        except p.ProtocolError as exc:
            log.info("refused %s from %s: %s", message.type, info.handler_id, exc.reason)
            answer = p.Error(exc.code, exc.reason, exc.ref or _ref(message))
        if answer is not None:
            if key[1] and not (isinstance(answer, p.Error) and answer.code == "internal"):
                self._answered[key] = answer
                while len(self._answered) > ANSWERED_REQUESTS:
                    self._answered.popitem(last=False)
            await self.send(identity, answer)

    async def _register(self, identity: bytes, message: p.Register, user_id: str = "") -> None:
        if self._token is not None and not hmac.compare_digest(
            message.token.encode(), self._token.encode()
        ):
            log.warning("refused registration of %r: wrong token", message.handler_id)
            await self.send(identity, p.Error("unauthorized", "wrong or missing token"))
            return
        if self._curve and user_id != message.handler_id:
            log.warning(
                "refused registration of %r: its CURVE key is for %r", message.handler_id, user_id
            )
            await self.send(
                identity, p.Error("unauthorized", "this key is not allowed that handler_id")
            )
            return
        if not message.handler_id or handler_id_of(identity) != message.handler_id:
            await self.send(
                identity,
                p.Error("rejected", "handler_id must be set and match the socket's routing id"),
            )
            return
        now = time.monotonic()
        known = self.handlers.get(message.handler_id)
        if known is not None and known.identity != identity and not self._may_take_over(known):
            log.warning(
                "refused registration of %s from a second connection: the first is alive",
                message.handler_id,
            )
            await self.send(
                identity,
                p.Error("rejected", f"handler id {message.handler_id} is in use by a live peer"),
            )
            return
        info = HandlerInfo(
            message.handler_id,
            identity,
            frozenset(message.methods),
            message.shards,
            known.connected_at if known is not None else time.time(),
            now,
            user_id,
        )
        self.handlers[message.handler_id] = info
        if known is None:
            log.info("handler %s registered: %s", info.handler_id, ", ".join(sorted(info.methods)))
        await self.send(identity, p.Registered(info.handler_id, self.heartbeat_seconds))
        if self.on_register is not None:
            await self.on_register(info)

    def _may_take_over(self, known: HandlerInfo) -> bool:
        """May another connection of ``known``'s handler id take its place?

        A restarted handler comes back on a new connection (a new routing id: the id plus a
        session suffix) while the scheduler may still think the old one alive. It is let in
        when the old one missed a heartbeat and more (it is gone, not competing), at once when
        CURVE ties the id to a key (whoever holds the key is that handler), or always with
        ``scheduler.allow_takeover``. Otherwise a second live process with the same id and
        the token is refused: it could only take the first one's jobs.
        """
        if self._allow_takeover or self._curve:
            return True
        return time.monotonic() - known.last_seen > TAKEOVER_SILENT_BEATS * self.heartbeat_seconds

    def _known(self, identity: bytes) -> HandlerInfo | None:
        handler_id = handler_id_of(identity)
        if handler_id is None:
            return None
        info = self.handlers.get(handler_id)
        return info if info is not None and info.identity == identity else None

    def _forget(self, identity: bytes, why: str) -> None:
        info = self._known(identity)
        if info is not None:
            del self.handlers[info.handler_id]
            log.warning("handler %s dropped from routing (%s)", info.handler_id, why)


def _ref(message: p.Message) -> str:
    return getattr(message, "msg_id", "")


def _ref_of(frames: list[bytes]) -> str:
    """The request id of a frame that decoded but failed later, for the ``internal`` error."""
    try:
        return _ref(p.decode(frames[-1], accept=p.TO_SCHEDULER))
    except p.ProtocolError:
        return ""

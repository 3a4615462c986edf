"""The handler library against a scheduler played by the test at the wire (a real ROUTER socket)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import zmq
import zmq.asyncio

from scheduler import protocol as p
from scheduler.client import Handler, HandlerStopped, SchedulerRejected
from scheduler.timers import TimerPolicy


class WireScheduler:
    """A bare ROUTER speaking the protocol by hand, to drop, repeat and refuse at will."""

    def __init__(self) -> None:
        self.context = zmq.asyncio.Context()
        self.socket = self.context.socket(zmq.ROUTER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.bind("tcp://127.0.0.1:*")
        self.address = self.socket.getsockopt_string(zmq.LAST_ENDPOINT)

    async def receive(self, skip_heartbeats: bool = True) -> tuple[bytes, p.Message]:
        while True:
            identity, frame = await asyncio.wait_for(self.socket.recv_multipart(), 5)
            message = p.decode(frame, accept=p.TO_SCHEDULER)
            if not (skip_heartbeats and isinstance(message, p.Heartbeat)):
                return identity, message

    async def expect(self, kind: type[p.Message]) -> tuple[bytes, Any]:
        while True:
            identity, message = await self.receive()
            if isinstance(message, kind):
                return identity, message

    async def send(self, identity: bytes, message: p.Message) -> None:
        await self.socket.send_multipart([identity, p.encode(message)])

    async def accept(self) -> bytes:
        identity, message = await self.expect(p.Register)
        await self.send(identity, p.Registered(message.handler_id, 0.25))
        return identity

    def close(self) -> None:
        self.socket.close()
        self.context.term()


@pytest.fixture
async def wire() -> AsyncIterator[WireScheduler]:
    scheduler = WireScheduler()
    yield scheduler
    scheduler.close()


@pytest.fixture
async def handler(wire: WireScheduler) -> AsyncIterator[Handler]:
    h = Handler("h1", address=wire.address, heartbeat_seconds=0.25, ack_timeout=0.3)
    yield h
    await h.stop(grace=0)


async def test_registers_with_its_id_as_identity(wire: WireScheduler, handler: Handler) -> None:
    """The handler's ZMQ identity is its fixed id with a session suffix of its own (the same
    across its reconnects), and register lists its methods and shards."""

    @handler.job("echo")
    async def echo(params: dict[str, Any]) -> Any:
        return params

    start = asyncio.create_task(handler.start(timeout=5))
    identity, message = await wire.expect(p.Register)
    assert identity == handler.identity and identity.startswith(b"h1\x00")
    assert message == p.Register("h1", ("echo",), (), "")
    await wire.send(identity, p.Registered("h1", 0.25))
    assert await start is True and handler.registered


async def test_a_duplicated_run_runs_once(wire: WireScheduler, handler: Handler) -> None:
    """The same run_id delivered three times runs the job once; every answer is the same result."""
    calls: list[dict[str, Any]] = []
    release = asyncio.Event()

    @handler.job("slow")
    async def slow(params: dict[str, Any]) -> Any:
        calls.append(params)
        await release.wait()
        return {"n": len(calls)}

    await handler.start(wait=False)
    identity = await wire.accept()
    run = p.Run("run-1", "job-1", "slow", {"x": 1}, "2030-01-01T00:00:00+00:00")
    await wire.send(identity, run)
    await wire.send(identity, run)
    release.set()
    _, first = await wire.expect(p.Result)
    await wire.send(identity, run)
    _, second = await wire.expect(p.Result)
    assert calls == [{"x": 1}]
    assert first == second == p.Result("run-1", True, {"n": 1})


FAILURES = [
    ("job raises", "boom", "RuntimeError: kaput"),
    ("result not JSON", "opaque", "result is not JSON"),
    ("no such method", "missing", "no job method 'missing'"),
]


@pytest.mark.parametrize(
    ("method", "error"), [f[1:] for f in FAILURES], ids=[f[0] for f in FAILURES]
)
async def test_failed_jobs_report_an_error(
    wire: WireScheduler, handler: Handler, method: str, error: str
) -> None:
    """A job that fails, or returns what JSON cannot carry, answers ok=False with the reason."""

    @handler.job("boom")
    async def boom(params: dict[str, Any]) -> Any:
        raise RuntimeError("kaput")

    @handler.job("opaque")
    async def opaque(params: dict[str, Any]) -> Any:
        return {"x": object()}

    await handler.start(wait=False)
    identity = await wire.accept()
    await wire.send(identity, p.Run("r", "j", method, {}, ""))
    _, result = await wire.expect(p.Result)
    assert not result.ok and error in result.error


async def test_requests_are_resent_until_acked(wire: WireScheduler, handler: Handler) -> None:
    """A lost ack makes the handler resend the same msg_id; the call returns on the ack."""
    await handler.start(wait=False)
    identity = await wire.accept()
    call = asyncio.create_task(handler.seat_waiting("pod", 2, 5, 14))
    _, first = await wire.expect(p.SeatWaiting)
    _, again = await wire.expect(p.SeatWaiting)
    assert first == again and (first.pod, first.seat, first.pick_no, first.cards_left) == (
        "pod",
        2,
        5,
        14,
    )
    await wire.send(identity, p.Ack(first.msg_id, "t", "2030-01-01T00:00:30+00:00"))
    deadline = await asyncio.wait_for(call, 5)
    assert deadline is not None and deadline.isoformat() == "2030-01-01T00:00:30+00:00"


async def test_a_refused_request_raises(wire: WireScheduler, handler: Handler) -> None:
    """An error naming the request ends it with SchedulerRejected carrying the code and reason."""
    await handler.start(wait=False)
    identity = await wire.accept()
    call = asyncio.create_task(handler.pod_start("pod", 4, TimerPolicy("mtr")))
    _, message = await wire.expect(p.PodStart)
    assert message.timer_policy == TimerPolicy("mtr")
    await wire.send(identity, p.Error("rejected", "pod pod has ended", message.msg_id))
    with pytest.raises(SchedulerRejected) as info:
        await asyncio.wait_for(call, 5)
    assert (info.value.code, info.value.reason) == ("rejected", "pod pod has ended")


async def test_an_internal_error_is_retried_not_raised(
    wire: WireScheduler, handler: Handler
) -> None:
    """A scheduler failure answering a request makes the handler resend it, not give up."""
    await handler.start(wait=False)
    identity = await wire.accept()
    call = asyncio.create_task(handler.seat_idle("pod", 0))
    _, first = await wire.expect(p.SeatIdle)
    await wire.send(identity, p.Error("internal", "database is locked", first.msg_id))
    _, again = await wire.expect(p.SeatIdle)
    assert again == first
    await wire.send(identity, p.Ack(first.msg_id))
    await asyncio.wait_for(call, 5)


async def test_not_registered_makes_it_register_again(
    wire: WireScheduler, handler: Handler
) -> None:
    """A scheduler that forgot the handler says not_registered; the handler registers again."""
    await handler.start(wait=False)
    identity = await wire.accept()
    await wire.send(identity, p.Error("not_registered", "register first"))
    _, message = await wire.expect(p.Register)
    assert message.handler_id == "h1"


async def test_schedule_sends_aware_times_as_iso(wire: WireScheduler, handler: Handler) -> None:
    """schedule() turns aware datetimes into ISO text and makes up a stable job id."""
    from datetime import UTC, datetime

    await handler.start(wait=False)
    identity = await wire.accept()
    when = datetime(2030, 1, 1, tzinfo=UTC)
    call = asyncio.create_task(
        handler.schedule("echo", {"a": 1}, trigger={"type": "date", "run_date": when})
    )
    _, first = await wire.expect(p.Schedule)
    _, again = await wire.expect(p.Schedule)
    assert first == again and first.trigger["run_date"] == "2030-01-01T00:00:00+00:00"
    assert first.handler_id == "h1" and first.job_id.startswith("job-")
    await wire.send(identity, p.Ack(first.msg_id, first.job_id))
    assert await asyncio.wait_for(call, 5) == first.job_id


async def test_stop_ends_waiting_requests(wire: WireScheduler, handler: Handler) -> None:
    """Requests still waiting for an ack fail with HandlerStopped when the handler stops."""
    await handler.start(wait=False)
    await wire.accept()
    call = asyncio.create_task(handler.pod_end("pod", "cancelled"))
    await wire.expect(p.PodEnd)
    await handler.stop(grace=0)
    with pytest.raises(HandlerStopped):
        await asyncio.wait_for(call, 5)


async def test_stop_ends_requests_waiting_for_a_scheduler(wire: WireScheduler) -> None:
    """A request made while no scheduler answers fails with HandlerStopped at stop, not never."""
    lonely = Handler("h2", address=wire.address, heartbeat_seconds=0.25)
    await lonely.start(wait=False)
    call = asyncio.create_task(lonely.seat_idle("pod", 1))
    await wire.expect(p.Register)
    await lonely.stop(grace=0)
    with pytest.raises(HandlerStopped):
        await asyncio.wait_for(call, 5)


def test_job_methods_must_be_async() -> None:
    """Registering a plain function is refused at once, not when the first run fails."""
    h = Handler("h", address="tcp://127.0.0.1:1")
    with pytest.raises(TypeError):
        h.add_job("sync", lambda params: params)  # type: ignore[arg-type]

"""Injected faults at the wire: dropped and duplicated deliveries, garbage frames on the ROUTER."""

from __future__ import annotations

import asyncio
import json
import random
import socket
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
import zmq
import zmq.asyncio
from scheduler_support import SchedulerProcess, wait_until

from scheduler import protocol as p
from scheduler.client import Handler


class RawHandler:
    """A handler written by hand on a DEALER, so the test decides what to answer and when."""

    def __init__(self, address: str, identity: bytes) -> None:
        self.context = zmq.asyncio.Context()
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.ROUTING_ID, identity)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(address)

    async def send(self, message: p.Message) -> None:
        await self.socket.send(p.encode(message))

    async def send_raw(self, *frames: bytes) -> None:
        await self.socket.send_multipart(list(frames))

    async def expect(self, kind: type[p.Message], timeout: float = 5) -> Any:
        async with asyncio.timeout(timeout):
            while True:
                message = p.decode(await self.socket.recv(), accept=p.TO_HANDLER)
                if isinstance(message, kind):
                    return message

    def close(self) -> None:
        self.socket.close()
        self.context.term()


@pytest.fixture
async def raw(scheduler: SchedulerProcess) -> AsyncIterator[RawHandler]:
    handler = RawHandler(scheduler.zmq, b"raw")
    yield handler
    handler.close()


async def schedule(http: aiohttp.ClientSession, scheduler: SchedulerProcess, **body: Any) -> str:
    body.setdefault(
        "trigger",
        {"type": "date", "run_date": (datetime.now(UTC) + timedelta(seconds=0.05)).isoformat()},
    )
    async with http.post(f"{scheduler.http}/api/schedule", json=body) as response:
        assert response.status == 201, await response.text()
        return (await response.json())["job_id"]


async def job_runs(
    http: aiohttp.ClientSession, scheduler: SchedulerProcess, job_id: str
) -> list[dict[str, Any]]:
    async with http.get(f"{scheduler.http}/api/jobs/{job_id}") as response:
        return (await response.json())["runs"]


async def test_a_dropped_delivery_is_resent_with_the_same_run_id(
    scheduler: SchedulerProcess, raw: RawHandler, http: aiohttp.ClientSession
) -> None:
    """A run the handler never answers is delivered again, same run_id, until its result comes."""
    await raw.send(p.Register("raw", ("work",)))
    await raw.expect(p.Registered)
    job_id = await schedule(http, scheduler, handler_id="raw", job_method="work", job_params={})
    first = await raw.expect(p.Run)
    again = await raw.expect(p.Run)
    assert (again.run_id, again.job_id, again.attempt) == (first.run_id, job_id, 2)
    await raw.send(p.Result(first.run_id, True, {"done": 1}))
    await wait_until(
        lambda: _statuses(http, scheduler, job_id, ["done"]), what="the run to be recorded once"
    )


async def test_a_duplicated_result_is_recorded_once(
    scheduler: SchedulerProcess, raw: RawHandler, http: aiohttp.ClientSession
) -> None:
    """The same result twice leaves one finished run and counts one success."""
    await raw.send(p.Register("raw", ("work",)))
    await raw.expect(p.Registered)
    job_id = await schedule(http, scheduler, handler_id="raw", job_method="work", job_params={})
    run = await raw.expect(p.Run)
    for _ in range(3):
        await raw.send(p.Result(run.run_id, True, {"n": 1}))
    await wait_until(lambda: _statuses(http, scheduler, job_id, ["done"]), what="one done run")
    async with http.get(f"{scheduler.http}/metrics") as response:
        assert "draftpod_scheduler_succeeded_total 1\n" in await response.text()


async def _statuses(
    http: aiohttp.ClientSession, scheduler: SchedulerProcess, job_id: str, expected: list[str]
) -> bool:
    return [r["status"] for r in await job_runs(http, scheduler, job_id)] == expected


def garbage(rng: random.Random) -> list[list[bytes]]:
    """Random, truncated, oversized, multi-part and lying frames."""
    valid = p.encode(p.SeatWaiting("m", "pod", 1, 2, 3))
    frames: list[list[bytes]] = [[rng.randbytes(rng.randrange(0, 300))] for _ in range(150)]
    frames += [[valid[: rng.randrange(0, len(valid))]] for _ in range(50)]
    frames += [[b""], [b"{}"], [b"null"], [b"[]"], [b'{"v":1}'], [b'{"v":1,"type":7}']]
    frames += [[valid, valid], [b"", valid], [rng.randbytes(10), rng.randbytes(10), b""]]
    frames += [[b'{"v":1,"type":"register","handler_id":"bot","methods":["x"]}']]  # not its id
    frames += [[b'{"v":1,"type":"result","run_id":"nope","ok":true}']]  # unregistered
    frames += [[json.dumps({"v": 1, "type": "heartbeat", "pad": "x" * 2_000_000}).encode()]]
    frames += [
        [
            json.dumps(
                {
                    "v": 1,
                    "type": "schedule",
                    "msg_id": "m",
                    "method": "echo",
                    "params": {},
                    "trigger": {"type": "date", "run_date": "soon"},
                }
            ).encode()
        ]
    ]
    rng.shuffle(frames)
    return frames


async def test_fuzzing_the_router_leaves_it_serving(
    scheduler: SchedulerProcess, raw: RawHandler, http: aiohttp.ClientSession
) -> None:
    """Garbage on the ROUTER (ZMQ frames and raw TCP) is refused; a good handler keeps working."""
    good = Handler("bot", address=scheduler.zmq, heartbeat_seconds=0.25, ack_timeout=0.5)
    done = asyncio.Event()

    @good.job("echo")
    async def echo(params: dict[str, Any]) -> Any:
        done.set()
        return params

    assert await good.start(timeout=10)
    try:
        rng = random.Random(20261123)
        for frames in garbage(rng):
            await raw.send_raw(*frames)
        errors = [await raw.expect(p.Error) for _ in range(20)]
        assert {e.code for e in errors} <= {
            "not_json",
            "bad_envelope",
            "unsupported_version",
            "unknown_type",
            "invalid_field",
            "too_large",
            "rejected",
            "not_registered",
        }
        host, port = scheduler.zmq.removeprefix("tcp://").rsplit(":", 1)
        for n in range(20):
            with socket.create_connection((host, int(port)), timeout=5) as tcp:
                tcp.sendall(rng.randbytes(rng.randrange(1, 500)) if n % 2 else b"\xff" + bytes(9))
        await good.schedule(
            "echo",
            {"still": "alive"},
            trigger={"type": "date", "run_date": datetime.now(UTC).isoformat()},
        )
        await asyncio.wait_for(done.wait(), 10)
        assert scheduler.alive and good.registered
        async with http.get(f"{scheduler.http}/metrics") as response:
            text = await response.text()
        bad = next(line for line in text.splitlines() if line.startswith("draftpod_scheduler_bad"))
        assert int(bad.split()[1]) >= 200
    finally:
        await good.stop(grace=0)


async def test_registration_needs_the_token_when_one_is_set(
    scheduler_factory: Callable[..., SchedulerProcess],
) -> None:
    """With DRAFTPOD_API_TOKEN set nobody registers (and takes a handler's jobs) without it."""
    guarded = await scheduler_factory("guarded", DRAFTPOD_API_TOKEN="s3cret").start()
    intruder = RawHandler(guarded.zmq, b"bot")
    try:
        await intruder.send(p.Register("bot", ("pick_timeout",), token="guess"))
        refused = await intruder.expect(p.Error)
        assert refused.code == "unauthorized"
        await intruder.send(p.PodOpen("m1", "pod", 60))
        assert (await intruder.expect(p.Error)).code == "not_registered"
    finally:
        intruder.close()
    rightful = Handler("bot", address=guarded.zmq, token="s3cret", heartbeat_seconds=0.25)
    try:
        assert await rightful.start(timeout=10)
    finally:
        await rightful.stop(grace=0)

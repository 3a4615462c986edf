"""The scheduler as a process: jobs run, timers survive kill -9, held jobs wait for handlers.

Each test runs on a SQLite store, and on PostgreSQL too when one is named (see conftest.py).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
from scheduler_support import EVERY_BACKEND, HandlerProcess, Recorder, SchedulerProcess, wait_until

from scheduler.database import create_engine
from scheduler.timers import TimerPolicy

pytestmark = EVERY_BACKEND


@pytest.fixture
async def recorder(scheduler: SchedulerProcess) -> AsyncIterator[Recorder]:
    r = Recorder(scheduler.zmq)
    assert await r.handler.start(timeout=10)
    yield r
    await r.handler.stop(grace=0)


async def health(http: aiohttp.ClientSession, scheduler: SchedulerProcess) -> dict[str, Any]:
    async with http.get(f"{scheduler.http}/health") as response:
        return await response.json()


async def settled(http: aiohttp.ClientSession, scheduler: SchedulerProcess) -> bool:
    """True once every fired run has its result committed."""
    return (await health(http, scheduler))["jobs_due"] == 0


def soon(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


async def registered(http: aiohttp.ClientSession, scheduler: SchedulerProcess, name: str) -> bool:
    async with http.get(f"{scheduler.http}/api/handlers") as response:
        return name in [h["handler_id"] for h in (await response.json())["handlers"]]


async def test_jobs_from_http_and_from_the_client_run_with_results(
    scheduler: SchedulerProcess, recorder: Recorder, http: aiohttp.ClientSession
) -> None:
    """A registered handler runs a job scheduled over HTTP and one scheduled by the client."""
    async with http.get(f"{scheduler.http}/api/handlers") as response:
        handlers = (await response.json())["handlers"]
    assert [(h["handler_id"], "echo" in h["methods"]) for h in handlers] == [("bot", True)]
    body = {
        "handler_id": "bot",
        "job_method": "echo",
        "job_params": {"from": "http"},
        "trigger": {"type": "date", "run_date": soon(0.2)},
        "job_id": "from-http",
    }
    async with http.post(f"{scheduler.http}/api/schedule", json=body) as response:
        assert response.status == 201
        assert (await response.json())["job_id"] == "from-http"
    job_id = await recorder.handler.schedule(
        "echo", {"from": "client"}, trigger={"type": "date", "run_date": soon(0.2)}
    )
    await wait_until(lambda: len(recorder.of("echo")) == 2, what="both jobs")
    assert sorted(p["from"] for p in recorder.of("echo")) == ["client", "http"]
    await wait_until(lambda: settled(http, scheduler), what="results committed")
    for name, sent in (("from-http", "http"), (job_id, "client")):
        async with http.get(f"{scheduler.http}/api/jobs/{name}") as response:
            runs = (await response.json())["runs"]
        assert [(r["status"], r["result"]) for r in runs] == [("done", {"echo": {"from": sent}})]


async def test_kill_9_with_100_pending_timers_fires_each_once(
    scheduler: SchedulerProcess, recorder: Recorder, http: aiohttp.ClientSession
) -> None:
    """kill -9 mid-burst with 100 pick timers armed; after restart each has fired exactly once."""
    handler = recorder.handler
    await handler.pod_start("big", 100, TimerPolicy("fixed", 1.0))
    deadlines = [await handler.seat_waiting("big", seat, 1, 15) for seat in range(100)]
    assert all(d is not None for d in deadlines)
    await wait_until(lambda: len(recorder.of("pick_timeout")) >= 1, what="the burst to start")
    await scheduler.kill()
    assert len(recorder.of("pick_timeout")) < 100, "the kill should land mid-burst"
    last = max(d.timestamp() for d in deadlines if d is not None)
    await wait_until(lambda: time.time() > last + 0.3, what="every timer to come due while down")
    await scheduler.start()
    await wait_until(lambda: len(recorder.of("pick_timeout")) >= 100, timeout=20, what="100 fires")
    await wait_until(lambda: settled(http, scheduler), what="results committed")
    fired = Counter(p["seat"] for p in recorder.of("pick_timeout"))
    assert sorted(fired) == list(range(100))
    assert set(fired.values()) == {1}


async def test_a_killed_handler_gets_its_held_jobs_after_restart(
    scheduler: SchedulerProcess, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    """Jobs due while their handler is dead are held, then arrive once when it comes back."""
    worker = await HandlerProcess(scheduler.zmq, "worker", tmp_path / "runs.jsonl").start()
    await wait_until(lambda: registered(http, scheduler, "worker"), what="the worker to register")
    await worker.kill()
    for n in range(20):
        body = {
            "handler_id": "worker",
            "job_method": "record",
            "job_params": {"n": n},
            "trigger": {"type": "date", "run_date": soon(0.1)},
        }
        async with http.post(f"{scheduler.http}/api/schedule", json=body) as response:
            assert response.status == 201, await response.text()

    async def held() -> bool:
        async with http.get(f"{scheduler.http}/metrics") as response:
            text = await response.text()
        return "draftpod_scheduler_runs_held 20" in text

    await wait_until(held, what="20 runs held")
    assert worker.runs() == []
    await worker.start()
    try:
        await wait_until(lambda: len(worker.runs()) >= 20, what="the held jobs")
        await wait_until(lambda: settled(http, scheduler), what="results committed")
        counts = Counter(worker.runs())
        assert len(counts) == 20 and set(counts.values()) == {1}
    finally:
        await worker.kill()


async def test_a_job_cut_off_by_a_killed_handler_runs_again_after_restart(
    scheduler: SchedulerProcess, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    """kill -9 of the handler in the middle of a job: the run has no result, so it stays in the
    outbox and the restarted handler (whose run_id cache died with the old one) runs it again.
    Delivery is at least once, which is why job methods must be idempotent."""
    worker = HandlerProcess(scheduler.zmq, "worker", tmp_path / "runs.jsonl")
    await worker.start(hold=True)

    def phases() -> list[str]:
        return [json.loads(line)["phase"] for line in worker.runs()]

    try:
        await wait_until(lambda: registered(http, scheduler, "worker"), what="the worker")
        body = {
            "handler_id": "worker",
            "job_method": "hold",
            "job_params": {"n": 1},
            "trigger": {"type": "date", "run_date": soon(0.1)},
            "job_id": "cut-off",
        }
        async with http.post(f"{scheduler.http}/api/schedule", json=body) as response:
            assert response.status == 201, await response.text()
        await wait_until(lambda: phases() == ["started"], what="the job to start")
        await worker.kill()
        await worker.start()
        await wait_until(lambda: "finished" in phases(), what="the job to run again")
        await wait_until(lambda: settled(http, scheduler), what="results committed")
    finally:
        await worker.kill()
    assert phases() == ["started", "started", "finished"]
    async with http.get(f"{scheduler.http}/api/jobs/cut-off") as response:
        runs = (await response.json())["runs"]
    assert [(r["status"], r["result"]) for r in runs] == [("done", {"finished": {"n": 1}})]


async def test_one_shot_jobs_are_rebuilt_from_the_deadlines_table(
    scheduler: SchedulerProcess, recorder: Recorder, http: aiohttp.ClientSession
) -> None:
    """The deadlines table is the only durable copy of one-shot jobs (APScheduler deletes its own
    before running them); a restarted scheduler re-arms every pending one and each fires once."""
    for n in range(10):
        await recorder.handler.schedule(
            "echo", {"n": n}, trigger={"type": "date", "run_date": soon(1.0)}
        )
    assert await scheduler.kill(signal.SIGTERM) == 0
    if not scheduler.database_url:
        wal = scheduler.database.with_name(scheduler.database.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0, "a clean stop checkpoints the WAL"
    engine = create_engine(scheduler.store_url)
    try:
        with engine.connect() as db:
            assert db.execute(sa.text("SELECT count(*) FROM apscheduler_jobs")).scalar() == 0
            pending = "SELECT count(*) FROM deadlines WHERE status = 'pending'"
            assert db.execute(sa.text(pending)).scalar() == 10
    finally:
        engine.dispose()
    await scheduler.start()
    await wait_until(lambda: len(recorder.of("echo")) >= 10, what="10 rebuilt jobs")
    await wait_until(lambda: settled(http, scheduler), what="results committed")
    assert sorted(p["n"] for p in recorder.of("echo")) == list(range(10))


async def test_a_second_scheduler_on_the_same_store_refuses_to_start(
    scheduler: SchedulerProcess, scheduler_factory: Callable[..., SchedulerProcess]
) -> None:
    """Two schedulers on one store would run jobs twice; the second one exits with a reason."""
    second = scheduler_factory("second")
    config = second.write_config(database_url=scheduler.store_url)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "scheduler",
        "--config",
        str(config),
        stderr=asyncio.subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    _, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 3
    assert b"another scheduler is using this store" in err
    assert scheduler.alive


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
async def test_draftpod_scheduler_serves_and_stops_cleanly(
    scheduler_factory: Callable[..., SchedulerProcess], sig: int
) -> None:
    """`draftpod scheduler` runs the same server; SIGINT and SIGTERM stop it with exit code 0."""
    process = scheduler_factory("cli")
    process.via_cli = True
    await process.start()
    recorder = Recorder(process.zmq)
    try:
        assert await recorder.handler.start(timeout=10)
    finally:
        await recorder.handler.stop(grace=0)
    assert await process.kill(sig) == 0
    assert "stopped" in process.log_text()

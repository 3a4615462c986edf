"""The scheduler server: one asyncio loop running APScheduler, the ROUTER, the outbox and HTTP.

Start-up order matters and is the recovery procedure: take the store's lock, migrate, load the
runs still awaiting results, start APScheduler paused, rebuild its one-shot jobs from the
deadlines table (the source of truth), then open the sockets and resume, so that misfired jobs
(unlimited grace, coalesced) run once, now. Runs are replayed to each handler as it registers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import zmq.asyncio
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler import jobids, jobs
from scheduler import protocol as p
from scheduler.database import (
    CHECKPOINT_SECONDS,
    StoreLock,
    acquire_lock,
    checkpoint,
    create_engine,
    migrate,
    sqlite_path,
)
from scheduler.keys import AllowListAuthenticator, load_server_keys
from scheduler.lifecycle import Lifecycle
from scheduler.metrics import Metrics
from scheduler.monotonic import MonotonicTimers
from scheduler.outbox import Outbox
from scheduler.router import HandlerInfo, Router
from scheduler.store import Deadline, Finished, RunRecord, Store
from scheduler.tasks import Batch, TaskGroup
from scheduler.timetable import Timetable
from scheduler.triggers import TriggerError

log = logging.getLogger("scheduler.server")

PRUNE_EVERY_SECONDS = 300.0
LIFECYCLE_KINDS = frozenset({"lobby_expired", "pod_cleanup"})


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What the server needs, resolved from the config (see :mod:`scheduler.__main__`)."""

    zmq_address: str
    http_host: str
    http_port: int
    database_url: str
    heartbeat_seconds: float
    resend_initial_seconds: float
    resend_max_seconds: float
    max_frame_bytes: int
    cleanup_after_seconds: float
    idle_after_seconds: float
    keep_runs_seconds: float
    api_token: str | None = None
    http_enabled: bool = True
    # CURVE on the ROUTER: the scheduler's secret key file and the folder of allowed clients'
    # public keys (see scheduler/keys.py); both empty: no CURVE (loopback only, see app.py).
    curve_secret_key_file: str = ""
    curve_clients_dir: str = ""
    allow_takeover: bool = False


@dataclass(frozen=True, slots=True)
class Endpoints:
    zmq: str
    http: str


class SchedulerServer:
    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.started_at = time.time()
        self._tasks = TaskGroup(log)
        # Fired runs and results are written in arrival order, one transaction per loop turn.
        self._journal: Batch[RunRecord | Finished] = Batch(
            self._write_journal, self._tasks, "journal"
        )
        self._lock: StoreLock | None = None
        self._context: zmq.asyncio.Context | None = None
        self._http: Any = None
        self._auth: AllowListAuthenticator | None = None
        self.router: Router
        self.store: Store
        self.timers: MonotonicTimers
        self.recurring: AsyncIOScheduler
        self.timetable: Timetable
        self.lifecycle: Lifecycle
        self.outbox: Outbox

    async def start(self) -> Endpoints:
        s = self.settings
        engine = create_engine(s.database_url)
        self._lock = acquire_lock(engine)
        try:
            migrate(engine)
            self.store = Store(engine)
            # Unlimited grace with coalescing: a job due while the scheduler was down runs once at
            # start instead of being dropped after APScheduler's default 1 s.
            defaults = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
            # Recurring jobs live in the durable job store. One-shot jobs are durable in the
            # deadlines table and armed in memory as monotonic timers, rebuilt at every start: a
            # second durable copy would cost a commit per fire and add nothing, sharing a
            # scheduler would poll the database at every timer's wake-up, and APScheduler's
            # wall-clock date triggers would fire or hold timers when the clock jumps.
            self.recurring = AsyncIOScheduler(
                jobstores={"default": SQLAlchemyJobStore(engine=engine)},
                executors={"default": AsyncIOExecutor()},
                job_defaults=defaults,
                timezone=UTC,
            )
            self.timers = MonotonicTimers(self._due)
            self.timetable = Timetable(self.store, self.timers, self.recurring)
            self.lifecycle = Lifecycle(
                self.store,
                self.timetable,
                idle_after=s.idle_after_seconds,
                cleanup_after=s.cleanup_after_seconds,
            )
            self._context = zmq.asyncio.Context()
            curve = None
            if s.curve_secret_key_file:
                curve = load_server_keys(Path(s.curve_secret_key_file), Path(s.curve_clients_dir))
                self._auth = AllowListAuthenticator(self._context, curve.clients)
                self._auth.start()
                log.info("CURVE on: %d allowed client keys", len(curve.clients))
            self.router = Router(
                s.zmq_address,
                context=self._context,
                heartbeat_seconds=s.heartbeat_seconds,
                max_frame_bytes=s.max_frame_bytes,
                token=s.api_token,
                metrics=self.metrics,
                curve=curve,
                allow_takeover=s.allow_takeover,
            )
            self.outbox = Outbox(
                self.router,
                self.metrics,
                initial=s.resend_initial_seconds,
                maximum=s.resend_max_seconds,
            )
            self.router.on_register = self.outbox.replay
            self.router.requests = self._request_table()
            for run in self.store.pending_runs():
                await self.outbox.add(run)
            jobs.bind(self)
            self.recurring.start(paused=True)
            created, removed = self.timetable.reconcile()
            log.info(
                "job store rebuilt from deadlines: %d armed, %d stale removed", created, removed
            )
            zmq_endpoint = self.router.bind()
            http_endpoint = await self._start_http() if s.http_enabled else ""
            self._tasks.spawn(self.router.serve(), "router receive")
            self._tasks.spawn(self.router.beat(), "router heartbeat")
            self._tasks.spawn(self.outbox.resend(), "outbox resend")
            self._tasks.spawn(self._prune(), "prune runs")
            if sqlite_path(engine) is not None:
                self._tasks.spawn(self._checkpoints(), "sqlite checkpoints")
            self.timers.start()
            self.recurring.resume()
        except BaseException:
            await self.stop()
            raise
        log.info(
            "scheduler ready: zmq %s, http %s, %d runs awaiting results",
            zmq_endpoint,
            http_endpoint or "off",
            len(self.outbox.pending),
        )
        return Endpoints(zmq_endpoint, http_endpoint)

    async def stop(self) -> None:
        """Stop taking work, close the sockets and the store, release the lock."""
        jobs.bind(None)
        if getattr(self, "timetable", None) is not None:
            self.timers.stop()
            if self.recurring.running:
                self.recurring.shutdown(wait=False)
        if self._http is not None:
            await self._http.cleanup()
            self._http = None
        await self._tasks.cancel_all()
        if getattr(self, "store", None) is not None:
            # What the journal had not written yet would be recovered at start (re-fired with the
            # same run ids, replayed to handlers); writing it now spares that.
            await self._journal.drain_now()
            path = sqlite_path(self.store.engine)
            if path is not None:
                with contextlib.suppress(sqlite3.Error):
                    checkpoint(path, "TRUNCATE")
        if getattr(self, "router", None) is not None:
            self.router.close()
        if self._auth is not None:
            self._auth.stop()
            self._auth = None
        if self._context is not None:
            self._context.term()
            self._context = None
        if getattr(self, "store", None) is not None:
            self.store.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    async def _start_http(self) -> str:
        from scheduler.http import start_http

        self._http, endpoint = await start_http(self)
        return endpoint

    # --- firing ------------------------------------------------------------------------------

    def _due(self, job_id: str) -> None:
        """A one-shot timer is up (in its own loop callback): take it, then deliver it."""
        deadline = self.timetable.take(job_id)
        if deadline is None:
            log.debug("timer %s fired but is no longer armed", job_id)
            return
        self._tasks.spawn(self._fire(deadline, time.time()), f"fire {job_id}")

    async def fire_deadline(self, job_id: str) -> None:
        """A one-shot job of an earlier version's APScheduler store: fire it as a timer would."""
        self.timers.disarm(job_id)
        self._due(job_id)

    async def _fire(self, deadline: Deadline, now: float) -> None:
        """Deliver a due deadline now; its journal entry is committed in this turn's batch.

        Sending before the commit is safe because the run id is derived from the deadline: if
        the scheduler dies before the commit, the deadline is still pending, fires again at
        start with the same run id, and the handler answers from its cache instead of re-running.
        """
        job_id = deadline.job_id
        run = RunRecord(
            run_id_for(deadline),
            job_id,
            deadline.handler_id,
            deadline.method,
            deadline.params,
            deadline.due_at,
            now,
        )
        self.metrics.record_fire(now - deadline.due_at)
        self._journal.add(run)
        await self.outbox.add(run)
        if deadline.pod is not None and deadline.kind in LIFECYCLE_KINDS:
            self.lifecycle.fired(deadline, now)

    async def fire_recurring(
        self, job_id: str, handler_id: str, method: str, params_json: str
    ) -> None:
        now = time.time()
        params = json.loads(params_json)
        run = RunRecord(uuid.uuid4().hex, job_id, handler_id, method, params, now, now)
        self.metrics.record_fire(0.0)
        self._journal.add(run)
        await self.outbox.add(run)

    async def _write_journal(self, entries: list[RunRecord | Finished]) -> None:
        for entry, changed in zip(entries, self.store.journal(entries, time.time()), strict=True):
            if not isinstance(entry, Finished) or not changed:
                continue
            if entry.ok:
                self.metrics.succeeded += 1
            else:
                self.metrics.failed += 1
                log.warning("run %s failed: %s", entry.run_id, entry.error)

    # --- requests from handlers --------------------------------------------------------------

    def _request_table(self) -> Mapping[str, Any]:
        return {
            "result": self._on_result,
            "schedule": self._on_schedule,
            "unschedule": self._on_unschedule,
            "pod_open": self._lifecycle(
                lambda info, m, now: self.lifecycle.pod_open(info.handler_id, m, now)
            ),
            "pod_start": self._lifecycle(
                lambda info, m, now: self.lifecycle.pod_start(info.handler_id, m, now)
            ),
            "seat_waiting": self._lifecycle(lambda _, m, now: self.lifecycle.seat_waiting(m, now)),
            "seat_idle": self._lifecycle(lambda _, m, now: self.lifecycle.seat_idle(m, now)),
            "pod_end": self._lifecycle(lambda _, m, now: self.lifecycle.pod_end(m, now)),
        }

    def _lifecycle(self, operation: Any) -> Any:
        async def handle(info: HandlerInfo, message: p.Message) -> p.Message:
            ack = operation(info, message, time.time())
            self.metrics.requests += 1
            return ack

        return handle

    async def _on_result(self, info: HandlerInfo, m: p.Result) -> None:
        delivery = self.outbox.pending.get(m.run_id)
        if delivery is not None and delivery.run.handler_id not in ("", info.handler_id):
            log.warning(
                "ignored %s's result for a run of %s", info.handler_id, delivery.run.handler_id
            )
            return
        self.outbox.done(m.run_id)
        self._journal.add(Finished(m.run_id, m.ok, m.value, m.error))

    async def _on_schedule(self, info: HandlerInfo, m: p.Schedule) -> p.Ack:
        job_id = m.job_id or f"job-{uuid.uuid4().hex}"
        first = self.schedule_job(
            job_id=job_id,
            handler_id=m.handler_id or info.handler_id,
            method=m.method,
            params=m.params,
            trigger=m.trigger,
            ref=m.msg_id,
        )
        self.metrics.requests += 1
        return p.Ack(m.msg_id, job_id, first)

    async def _on_unschedule(self, info: HandlerInfo, m: p.Unschedule) -> p.Ack:
        if jobids.is_reserved(m.job_id):
            raise p.ProtocolError(
                "rejected", "pod timers follow the lifecycle messages", ref=m.msg_id
            )
        self.timetable.unschedule(m.job_id)
        self.metrics.requests += 1
        return p.Ack(m.msg_id, m.job_id)

    def schedule_job(
        self,
        *,
        job_id: str,
        handler_id: str,
        method: str,
        params: Mapping[str, Any],
        trigger: Mapping[str, Any],
        ref: str = "",
    ) -> str:
        """Add or replace a general job; returns its first fire time (ISO) or ``""``."""
        if not method:
            raise p.ProtocolError("rejected", "job method must not be empty", ref=ref)
        try:
            first = self.timetable.schedule(
                job_id=job_id,
                handler_id=handler_id,
                method=method,
                params=params,
                trigger=trigger,
                now=time.time(),
            )
        except (TriggerError, ValueError, TypeError) as exc:
            raise p.ProtocolError("rejected", str(exc), ref=ref) from None
        return first.isoformat() if first is not None else ""

    # --- housekeeping ------------------------------------------------------------------------

    async def _checkpoints(self) -> None:
        path = sqlite_path(self.store.engine)
        assert path is not None
        while True:
            await asyncio.sleep(CHECKPOINT_SECONDS)
            try:
                await asyncio.to_thread(checkpoint, path)
            except sqlite3.Error as exc:
                log.warning("WAL checkpoint failed (retrying): %s", exc)

    async def _prune(self) -> None:
        while True:
            await asyncio.sleep(PRUNE_EVERY_SECONDS)
            gone = self.store.prune(time.time() - self.settings.keep_runs_seconds)
            if gone:
                log.info("pruned %d finished runs", gone)

    def gauges(self) -> dict[str, float]:
        return {
            "handlers": len(self.router.handlers),
            "jobs_scheduled": self.timetable.jobs_scheduled(),
            "jobs_due": len(self.outbox.pending),
            "runs_held": self.outbox.held,
        }


def run_id_for(deadline: Deadline) -> str:
    """The run id of a deadline's one firing: the same however often it fires."""
    key = f"{deadline.job_id}\x00{deadline.due_at!r}".encode()
    return hashlib.blake2b(key, digest_size=16).hexdigest()

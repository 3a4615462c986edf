"""Arms and cancels jobs: the deadlines table first (the source of truth), then APScheduler.

APScheduler 3.x removes a one-shot job from its store before running it, so a scheduler killed at
that moment would lose the timer. Every one-shot job therefore has a deadlines row, which goes
from pending to fired in the same transaction that opens its run; while the process runs, the
pending rows are armed as monotonic timers (:mod:`scheduler.monotonic`, so that a wall-clock
jump neither fires nor holds them), rebuilt from the table by :meth:`Timetable.reconcile` at
every start. Recurring jobs (interval, cron) live in APScheduler's SQLAlchemy job store alone;
its callables are module-level functions in :mod:`scheduler.jobs` with primitive arguments,
added with ``replace_existing=True``.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger

from scheduler import jobids
from scheduler.monotonic import MonotonicTimers
from scheduler.store import Deadline, Store, deadlines
from scheduler.triggers import DateSpec, parse_trigger

log = logging.getLogger("scheduler.timetable")

# One-shot jobs of earlier versions lived in APScheduler too; reconcile removes any left there.
FIRE_DEADLINE = "scheduler.jobs:fire_deadline"
FIRE_RECURRING = "scheduler.jobs:fire_recurring"


@dataclass
class Changes:
    """What a committed transaction asks of the job store, applied after the commit."""

    add: list[Deadline] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)


class Timetable:
    def __init__(self, store: Store, timers: MonotonicTimers, recurring: BaseScheduler) -> None:
        self.store = store
        self.timers = timers
        self.recurring = recurring
        # What each armed one-shot timer delivers, so firing needs no database read.
        self.armed: dict[str, Deadline] = {}

    def apply(self, changes: Changes) -> None:
        added = {d.job_id for d in changes.add}
        for job_id in changes.remove:
            if job_id not in added:
                self._disarm(job_id)
        for deadline in changes.add:
            self._arm(deadline)

    def take(self, job_id: str) -> Deadline | None:
        """The deadline whose timer just fired, disarmed; None if it was cancelled meanwhile.

        Called in the timer's own callback, so a re-arm cannot slip in between.
        """
        return self.armed.pop(job_id, None)

    def _arm(self, deadline: Deadline) -> None:
        self.armed[deadline.job_id] = deadline
        self.timers.arm(deadline.job_id, deadline.due_at)

    def _disarm(self, job_id: str) -> bool:
        self.armed.pop(job_id, None)
        return self.timers.disarm(job_id)

    def jobs_scheduled(self) -> int:
        return len(self.timers) + len(self.recurring.get_jobs())

    def reconcile(self) -> tuple[int, int]:
        """Make APScheduler hold exactly the pending deadlines; returns (armed, removed)."""
        pending = self.store.pending_deadlines()
        removed = 0
        for job in self.recurring.get_jobs():
            if job.func_ref == FIRE_DEADLINE or job.id in pending:
                self.recurring.remove_job(job.id)
                removed += 1
        for job_id in self.timers:
            if job_id not in pending:
                self._disarm(job_id)
                removed += 1
        for deadline in pending.values():
            self._arm(deadline)
        return len(pending), removed

    # --- general jobs (handlers' schedule requests and the HTTP API) --------------------------

    def schedule(
        self,
        *,
        job_id: str,
        handler_id: str,
        method: str,
        params: Mapping[str, Any],
        trigger: Mapping[str, Any],
        now: float,
    ) -> datetime | None:
        """Add or replace a general job; returns its first fire time. Raises TriggerError."""
        if jobids.is_reserved(job_id):
            raise ValueError(f"job id {job_id!r} is reserved for pod timers")
        spec = parse_trigger(trigger)
        params = dict(params)
        json.dumps(params)
        if isinstance(spec, DateSpec):
            deadline = Deadline(
                job_id, "job", handler_id, method, params, spec.run_date.timestamp()
            )
            with self.store.transaction() as conn:
                self.store.put_deadline(conn, deadline, now)
            self.apply(Changes(add=[deadline]))
            return spec.run_date
        with self.store.transaction() as conn:
            cancelled = self.store.cancel_pending(conn, deadlines.c.job_id == job_id)
        self._disarm(job_id)
        job = self.recurring.add_job(
            FIRE_RECURRING,
            trigger=spec,
            args=[job_id, handler_id, method, json.dumps(params)],
            id=job_id,
            name=method,
            replace_existing=True,
        )
        log.debug("recurring job %s replaced %d deadlines", job_id, len(cancelled))
        return job.next_run_time

    def unschedule(self, job_id: str) -> bool:
        """Remove a general job; True if there was one."""
        with self.store.transaction() as conn:
            cancelled = self.store.cancel_pending(conn, deadlines.c.job_id == job_id)
        found = self._disarm(job_id) or bool(cancelled)
        with contextlib.suppress(JobLookupError):
            self.recurring.remove_job(job_id)
            found = True
        return found

    def describe(self, job_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Scheduled jobs as JSON: id, kind, handler, method, params, trigger, next run."""
        wanted = set(job_ids) if job_ids is not None else None
        out: list[dict[str, Any]] = []
        for deadline in list(self.armed.values()):
            if wanted is not None and deadline.job_id not in wanted:
                continue
            due = datetime.fromtimestamp(deadline.due_at, UTC)
            out.append(
                {
                    "job_id": deadline.job_id,
                    "kind": deadline.kind,
                    "handler_id": deadline.handler_id,
                    "method": deadline.method,
                    "params": deadline.params,
                    "trigger": str(DateTrigger(run_date=due, timezone=UTC)),
                    "next_run_time": due.isoformat(),
                }
            )
        for job in self.recurring.get_jobs():
            if wanted is not None and job.id not in wanted:
                continue
            if job.func_ref != FIRE_RECURRING:
                continue
            _, handler_id, method, params_json = job.args
            item = {
                "kind": "recurring",
                "handler_id": handler_id,
                "method": method,
                "params": json.loads(params_json),
            }
            next_run = job.next_run_time
            out.append(
                {
                    "job_id": job.id,
                    **item,
                    "trigger": str(job.trigger),
                    "next_run_time": next_run.isoformat() if next_run else None,
                }
            )
        return out

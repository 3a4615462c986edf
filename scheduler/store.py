"""The scheduler's own tables: pods, deadlines (the source of truth for every one-shot job) and runs
(the outbox). SQLAlchemy Core on a synchronous engine shared with APScheduler's job store.

Times are stored as UTC epoch seconds (floats) so that SQLite and PostgreSQL compare them alike;
the Python side sees timezone-aware datetimes only at the edges. Every method commits before it
returns, so a caller may acknowledge as soon as it has the answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from scheduler.timers import TimerPolicy

metadata = sa.MetaData()

pods = sa.Table(
    "pods",
    metadata,
    sa.Column("pod", sa.String(200), primary_key=True),
    sa.Column("handler_id", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("seats", sa.Integer, nullable=False, server_default="0"),
    sa.Column("policy_kind", sa.String(16), nullable=False, server_default="none"),
    sa.Column("policy_seconds", sa.Float, nullable=False, server_default="0"),
    sa.Column("warning_seconds", sa.Float, nullable=False, server_default="0"),
    sa.Column("pack_size", sa.Integer, nullable=False, server_default="15"),
    sa.Column("lobby_ttl", sa.Float, nullable=False, server_default="0"),
    sa.Column("outcome", sa.String(16)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("ended_at", sa.Float),
)

deadlines = sa.Table(
    "deadlines",
    metadata,
    sa.Column("job_id", sa.String(300), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("pod", sa.String(200), index=True),
    sa.Column("seat", sa.Integer),
    sa.Column("pick_no", sa.Integer),
    sa.Column("handler_id", sa.String(200), nullable=False),
    sa.Column("method", sa.String(200), nullable=False),
    sa.Column("params", sa.Text, nullable=False),
    sa.Column("due_at", sa.Float, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("fired_at", sa.Float),
    sa.Index("ix_deadlines_status_due", "status", "due_at"),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("job_id", sa.String(300), nullable=False, index=True),
    sa.Column("handler_id", sa.String(200), nullable=False),
    sa.Column("method", sa.String(200), nullable=False),
    sa.Column("params", sa.Text, nullable=False),
    sa.Column("due_at", sa.Float, nullable=False),
    sa.Column("fired_at", sa.Float, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("result", sa.Text),
    sa.Column("error", sa.Text),
    sa.Column("finished_at", sa.Float),
    sa.Index("ix_runs_status", "status"),
)

PodStatus = str  # open | drafting | finished | cancelled | expired
ENDED = frozenset({"finished", "cancelled", "expired"})


@dataclass(frozen=True, slots=True)
class Pod:
    pod: str
    handler_id: str
    status: PodStatus
    seats: int
    policy: TimerPolicy
    lobby_ttl: float
    outcome: str | None
    created_at: float
    started_at: float | None
    ended_at: float | None


@dataclass(frozen=True, slots=True)
class Deadline:
    """A one-shot job the scheduler owes: a pod timer or a date job from a handler or HTTP."""

    job_id: str
    kind: str
    handler_id: str
    method: str
    params: dict[str, Any]
    due_at: float
    pod: str | None = None
    seat: int | None = None
    pick_no: int | None = None
    status: str = "pending"


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One delivery of a job, kept until the handler's result arrives."""

    run_id: str
    job_id: str
    handler_id: str
    method: str
    params: dict[str, Any]
    due_at: float
    fired_at: float
    status: str = "pending"


class Store:
    """Queries over the scheduler's tables; each public method is one committed transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # --- pods --------------------------------------------------------------------------------

    def get_pod(self, pod: str, conn: Connection | None = None) -> Pod | None:
        query = sa.select(pods).where(pods.c.pod == pod)
        if conn is not None:
            row = conn.execute(query).first()
        else:
            with self.engine.connect() as own:
                row = own.execute(query).first()
        return _pod(row) if row is not None else None

    def list_pods(self) -> list[Pod]:
        with self.engine.connect() as conn:
            return [_pod(r) for r in conn.execute(sa.select(pods).order_by(pods.c.created_at))]

    def insert_pod(self, conn: Connection, pod: Pod) -> None:
        conn.execute(
            pods.insert().values(
                pod=pod.pod,
                handler_id=pod.handler_id,
                status=pod.status,
                seats=pod.seats,
                policy_kind=pod.policy.kind,
                policy_seconds=pod.policy.seconds,
                warning_seconds=pod.policy.warning_seconds,
                pack_size=pod.policy.pack_size,
                lobby_ttl=pod.lobby_ttl,
                outcome=pod.outcome,
                created_at=pod.created_at,
                started_at=pod.started_at,
                ended_at=pod.ended_at,
            )
        )

    def update_pod(self, conn: Connection, pod: str, **values: Any) -> None:
        policy = values.pop("policy", None)
        if isinstance(policy, TimerPolicy):
            values.update(
                policy_kind=policy.kind,
                policy_seconds=policy.seconds,
                warning_seconds=policy.warning_seconds,
                pack_size=policy.pack_size,
            )
        conn.execute(pods.update().where(pods.c.pod == pod).values(**values))

    # --- deadlines ---------------------------------------------------------------------------

    def get_deadline(self, job_id: str, conn: Connection | None = None) -> Deadline | None:
        query = sa.select(deadlines).where(deadlines.c.job_id == job_id)
        if conn is not None:
            row = conn.execute(query).first()
        else:
            with self.engine.connect() as own:
                row = own.execute(query).first()
        return _deadline(row) if row is not None else None

    def put_deadline(self, conn: Connection, deadline: Deadline, now: float) -> None:
        """Insert or replace a pending deadline (its job id is its identity)."""
        conn.execute(deadlines.delete().where(deadlines.c.job_id == deadline.job_id))
        conn.execute(
            deadlines.insert().values(
                job_id=deadline.job_id,
                kind=deadline.kind,
                pod=deadline.pod,
                seat=deadline.seat,
                pick_no=deadline.pick_no,
                handler_id=deadline.handler_id,
                method=deadline.method,
                params=json.dumps(deadline.params),
                due_at=deadline.due_at,
                status="pending",
                created_at=now,
            )
        )

    def cancel_pending(self, conn: Connection, where: sa.ColumnElement[bool]) -> list[str]:
        """Cancel the pending deadlines matching ``where``; returns their job ids."""
        condition = sa.and_(deadlines.c.status == "pending", where)
        ids = [r.job_id for r in conn.execute(sa.select(deadlines.c.job_id).where(condition))]
        if ids:
            conn.execute(deadlines.update().where(condition).values(status="cancelled"))
        return ids

    def pending_deadlines(self) -> dict[str, float]:
        """Every pending deadline's job id and due time: what the job store must hold."""
        with self.engine.connect() as conn:
            query = sa.select(deadlines.c.job_id, deadlines.c.due_at).where(
                deadlines.c.status == "pending"
            )
            return {r.job_id: r.due_at for r in conn.execute(query)}

    def claim(
        self, job_ids: list[str], now: float, new_id: Callable[[], str]
    ) -> list[tuple[Deadline, RunRecord]]:
        """Mark due deadlines fired and open their runs, in one transaction.

        A deadline goes from pending to fired once, so it yields at most one run however often
        APScheduler (or reconcile) fires it; one not pending, or not yet due, yields nothing.
        Claiming a burst together costs one commit, which is what keeps a burst on time.
        """
        claimed: list[tuple[Deadline, RunRecord]] = []
        with self.engine.begin() as conn:
            for job_id in job_ids:
                row = conn.execute(_CLAIM_SELECT, {"job_id": job_id}).first()
                if row is None or row.due_at > now + 1.0:
                    continue
                if conn.execute(_CLAIM_UPDATE, {"key": job_id, "fired_at": now}).rowcount != 1:
                    continue
                deadline = _deadline(row)
                run = RunRecord(
                    new_id(), job_id, row.handler_id, row.method, deadline.params, row.due_at, now
                )
                claimed.append((deadline, run))
            if claimed:
                conn.execute(runs.insert(), [_run_row(run) for _, run in claimed])
        return claimed

    def delete_pod_deadlines(self, conn: Connection, pod: str) -> None:
        conn.execute(
            deadlines.delete().where(deadlines.c.pod == pod, deadlines.c.status != "pending")
        )

    # --- runs --------------------------------------------------------------------------------

    def open_run(self, run: RunRecord) -> None:
        with self.engine.begin() as conn:
            self._insert_run(conn, run)

    def _insert_run(self, conn: Connection, run: RunRecord) -> None:
        conn.execute(runs.insert(), [_run_row(run)])

    def finish(self, results: list[tuple[str, bool, Any, str]], now: float) -> list[bool]:
        """Record results ``(run_id, ok, value, error)`` in one transaction; for each, whether
        it was pending (False: a duplicate result, ignored)."""
        done: list[bool] = []
        with self.engine.begin() as conn:
            for run_id, ok, value, error in results:
                changed = conn.execute(
                    _FINISH,
                    {
                        "key": run_id,
                        "status": "done" if ok else "failed",
                        "result": json.dumps(value),
                        "error": error or None,
                        "finished_at": now,
                    },
                )
                done.append(changed.rowcount == 1)
        return done

    def pending_runs(self) -> list[RunRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(runs).where(runs.c.status == "pending").order_by(runs.c.fired_at)
            )
            return [_run(r) for r in rows]

    def runs_for(self, job_ids: Iterable[str]) -> list[dict[str, Any]]:
        ids = list(job_ids)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(runs).where(runs.c.job_id.in_(ids)).order_by(runs.c.fired_at)
            )
            return [
                {
                    "run_id": r.run_id,
                    "job_id": r.job_id,
                    "status": r.status,
                    "due_at": r.due_at,
                    "fired_at": r.fired_at,
                    "finished_at": r.finished_at,
                    "result": json.loads(r.result) if r.result is not None else None,
                    "error": r.error,
                }
                for r in rows
            ]

    def prune_runs(self, before: float) -> int:
        """Forget finished runs older than ``before``; pending ones are never pruned."""
        with self.engine.begin() as conn:
            gone = conn.execute(
                runs.delete().where(runs.c.status != "pending", runs.c.finished_at < before)
            )
            return gone.rowcount


# Built once: constructing Core statements per call costs more than executing them on SQLite.
_CLAIM_SELECT = sa.select(deadlines).where(
    deadlines.c.job_id == sa.bindparam("job_id"), deadlines.c.status == "pending"
)
_CLAIM_UPDATE = (
    deadlines.update()
    .where(deadlines.c.job_id == sa.bindparam("key"), deadlines.c.status == "pending")
    .values(status="fired", fired_at=sa.bindparam("fired_at"))
)
_FINISH = (
    runs.update()
    .where(runs.c.run_id == sa.bindparam("key"), runs.c.status == "pending")
    .values(
        status=sa.bindparam("status"),
        result=sa.bindparam("result"),
        error=sa.bindparam("error"),
        finished_at=sa.bindparam("finished_at"),
    )
)


def _run_row(run: RunRecord) -> dict[str, Any]:
    return {
        "run_id": run.run_id,
        "job_id": run.job_id,
        "handler_id": run.handler_id,
        "method": run.method,
        "params": json.dumps(run.params),
        "due_at": run.due_at,
        "fired_at": run.fired_at,
        "status": "pending",
    }


def _pod(row: Any) -> Pod:
    policy = TimerPolicy(
        kind=row.policy_kind,
        seconds=row.policy_seconds,
        warning_seconds=row.warning_seconds,
        pack_size=row.pack_size,
    )
    return Pod(
        row.pod,
        row.handler_id,
        row.status,
        row.seats,
        policy,
        row.lobby_ttl,
        row.outcome,
        row.created_at,
        row.started_at,
        row.ended_at,
    )


def _deadline(row: Any) -> Deadline:
    return Deadline(
        row.job_id,
        row.kind,
        row.handler_id,
        row.method,
        json.loads(row.params),
        row.due_at,
        row.pod,
        row.seat,
        row.pick_no,
        row.status,
    )


def _run(row: Any) -> RunRecord:
    return RunRecord(
        row.run_id,
        row.job_id,
        row.handler_id,
        row.method,
        json.loads(row.params),
        row.due_at,
        row.fired_at,
        row.status,
    )

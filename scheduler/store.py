"""The scheduler's own tables: pods, deadlines (the source of truth for every one-shot job) and runs
(the outbox). SQLAlchemy Core on a synchronous engine shared with APScheduler's job store.

Times are stored as UTC epoch seconds (floats) so that SQLite and PostgreSQL compare them alike;
the Python side sees timezone-aware datetimes only at the edges. Every method commits before it
returns, so a caller may acknowledge as soon as it has the answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
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
class Finished:
    """A handler's result for a run, as the journal records it."""

    run_id: str
    ok: bool
    value: Any
    error: str


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
        if conn is not None:
            row = conn.execute(_GET_DEADLINE, {"key": job_id}).first()
        else:
            with self.engine.connect() as own:
                row = own.execute(_GET_DEADLINE, {"key": job_id}).first()
        return _deadline(row) if row is not None else None

    def put_deadline(self, conn: Connection, deadline: Deadline, now: float) -> None:
        """Insert or replace one pending deadline (its job id is its identity)."""
        self.put_deadlines(conn, [deadline], now)

    def cancel_pending(self, conn: Connection, where: sa.ColumnElement[bool]) -> list[str]:
        """Cancel the pending deadlines matching ``where``; returns their job ids."""
        statement = (
            deadlines.update()
            .where(deadlines.c.status == "pending", where)
            .values(status="cancelled")
            .returning(deadlines.c.job_id)
        )
        return list(conn.execute(statement).scalars())

    def cancel_seat(self, conn: Connection, pod: str, seat: int) -> list[str]:
        """Cancel a seat's pending pick timers (what every pick does); returns their job ids."""
        return list(conn.execute(_CANCEL_SEAT, {"p_pod": pod, "p_seat": seat}).scalars())

    def put_deadlines(self, conn: Connection, items: list[Deadline], now: float) -> None:
        """Insert or replace pending deadlines, in two statements whatever their number."""
        if not items:
            return
        conn.execute(_DELETE_DEADLINES, {"ids": [d.job_id for d in items]})
        conn.execute(deadlines.insert(), [_deadline_row(d, now) for d in items])

    def pending_deadlines(self) -> dict[str, Deadline]:
        """Every pending deadline by job id: what the timers must hold."""
        with self.engine.connect() as conn:
            query = sa.select(deadlines).where(deadlines.c.status == "pending")
            return {r.job_id: _deadline(r) for r in conn.execute(query)}

    def delete_pod_deadlines(self, conn: Connection, pod: str) -> None:
        conn.execute(
            deadlines.delete().where(deadlines.c.pod == pod, deadlines.c.status != "pending")
        )

    # --- runs --------------------------------------------------------------------------------

    def journal(self, entries: list[RunRecord | Finished], now: float) -> list[bool]:
        """Write fired runs, then results, in one transaction of a few batched statements.

        A fired run marks its deadline fired (if still pending) and opens its run row; a run id
        already present is not opened twice (a deadline re-fired after a crash has the same id).
        Results follow the runs they answer, which always come first in arrival order.
        Returns, per entry, whether it changed anything (False for a duplicate).
        """
        fired = [e for e in entries if isinstance(e, RunRecord)]
        finished = [e for e in entries if isinstance(e, Finished)]
        fresh: set[str] = set()
        first: set[str] = set()
        with self.engine.begin() as conn:
            if fired:
                conn.execute(
                    _FIRED, [{"key": r.job_id, "due": r.due_at, "at": r.fired_at} for r in fired]
                )
                ids = [r.run_id for r in fired]
                known = set(conn.execute(_KNOWN_RUNS, {"ids": ids}).scalars())
                rows: dict[str, dict[str, Any]] = {}
                for run in fired:
                    if run.run_id not in known and run.run_id not in rows:
                        rows[run.run_id] = _run_row(run)
                if rows:
                    conn.execute(runs.insert(), list(rows.values()))
                fresh = set(rows)
            if finished:
                ids = [f.run_id for f in finished]
                open_ids = set(conn.execute(_PENDING_RUNS, {"ids": ids}).scalars())
                updates: dict[str, dict[str, Any]] = {}
                for f in finished:
                    if f.run_id in open_ids and f.run_id not in updates:
                        updates[f.run_id] = {
                            "key": f.run_id,
                            "status": "done" if f.ok else "failed",
                            "result": json.dumps(f.value),
                            "error": f.error or None,
                            "finished_at": now,
                        }
                if updates:
                    conn.execute(_FINISH, list(updates.values()))
                first = set(updates)
        changed: list[bool] = []
        for entry in entries:
            bucket = fresh if isinstance(entry, RunRecord) else first
            changed.append(entry.run_id in bucket)
            bucket.discard(entry.run_id)
        return changed

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

    def prune(self, before: float) -> int:
        """Forget finished runs, and fired or cancelled job deadlines, older than ``before``.

        Pending rows are never pruned; pod deadlines go with their pod's clean-up.
        """
        with self.engine.begin() as conn:
            gone = conn.execute(
                runs.delete().where(runs.c.status != "pending", runs.c.finished_at < before)
            ).rowcount
            gone += conn.execute(
                deadlines.delete().where(
                    deadlines.c.pod.is_(None),
                    deadlines.c.status != "pending",
                    deadlines.c.created_at < before,
                )
            ).rowcount
            return gone


# Built once: constructing Core statements per call costs more than executing them on SQLite.
_FIRED = (
    deadlines.update()
    .where(
        deadlines.c.job_id == sa.bindparam("key"),
        deadlines.c.due_at == sa.bindparam("due"),
        deadlines.c.status == "pending",
    )
    .values(status="fired", fired_at=sa.bindparam("at"))
)
_DELETE_DEADLINES = deadlines.delete().where(
    deadlines.c.job_id.in_(sa.bindparam("ids", expanding=True))
)
_CANCEL_SEAT = (
    deadlines.update()
    .where(
        deadlines.c.pod == sa.bindparam("p_pod"),
        deadlines.c.seat == sa.bindparam("p_seat"),
        deadlines.c.kind.in_(["pick_timeout", "pick_warning"]),
        deadlines.c.status == "pending",
    )
    .values(status="cancelled")
    .returning(deadlines.c.job_id)
)
_GET_DEADLINE = sa.select(deadlines).where(deadlines.c.job_id == sa.bindparam("key"))
_KNOWN_RUNS = sa.select(runs.c.run_id).where(runs.c.run_id.in_(sa.bindparam("ids", expanding=True)))
_PENDING_RUNS = sa.select(runs.c.run_id).where(
    runs.c.run_id.in_(sa.bindparam("ids", expanding=True)), runs.c.status == "pending"
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


def _deadline_row(deadline: Deadline, now: float) -> dict[str, Any]:
    return {
        "job_id": deadline.job_id,
        "kind": deadline.kind,
        "pod": deadline.pod,
        "seat": deadline.seat,
        "pick_no": deadline.pick_no,
        "handler_id": deadline.handler_id,
        "method": deadline.method,
        "params": json.dumps(deadline.params),
        "due_at": deadline.due_at,
        "status": "pending",
        "created_at": now,
    }


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

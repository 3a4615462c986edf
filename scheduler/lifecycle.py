"""The pod lifecycle and its timers: ``open -> drafting -> finished / cancelled / expired``.

Each request is one committed transaction over the pods and deadlines tables, then the timers are
brought along; only then is it acknowledged. Every request is idempotent, because the bot resends
until acked: opening an open pod, starting a drafting one, ending an ended one, or arming a pick
timer for a ``(pod, seat, pick_no)`` already armed changes nothing (the first deadline stands).
Pods are cached in memory: this process is the only writer of its store (the store lock).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import sqlalchemy as sa

from scheduler import jobids
from scheduler import protocol as p
from scheduler.store import ENDED, Deadline, Pod, Store, deadlines
from scheduler.timers import TimerPolicy, pick_seconds, warning_offset
from scheduler.timetable import Changes, Timetable

log = logging.getLogger("scheduler.lifecycle")

NO_TIMER = TimerPolicy("none")
# Re-arming the idle timer on every pick would cost a timer update per pick; moving it only when
# it would move by more than this keeps pod_idle accurate to the second.
IDLE_SLACK_SECONDS = 1.0


class Lifecycle:
    def __init__(
        self, store: Store, timetable: Timetable, *, idle_after: float, cleanup_after: float
    ) -> None:
        self.store = store
        self.timetable = timetable
        self.idle_after = idle_after
        self.cleanup_after = cleanup_after
        self._pods: dict[str, Pod] = {}

    def pod_open(self, handler_id: str, m: p.PodOpen, now: float) -> p.Ack:
        expiry = jobids.lobby_expired(m.pod)
        pod = self._pod(m.pod)
        if pod is not None and pod.status != "open":
            raise _refuse(m, f"pod {m.pod} is already {pod.status}")
        if pod is None:
            changes = Changes()
            if m.lobby_ttl > 0:
                changes.add.append(_pod_deadline(expiry, handler_id, now + m.lobby_ttl))
            opened = Pod(m.pod, handler_id, "open", 0, NO_TIMER, m.lobby_ttl, None, now, None, None)
            with self.store.transaction() as conn:
                self.store.insert_pod(conn, opened)
                self._write(conn, changes, now)
            self._applied(m.pod, changes)
        existing = self.timetable.armed.get(expiry) or self.store.get_deadline(expiry)
        return p.Ack(m.msg_id, expiry, _iso(existing.due_at) if existing else "")

    def pod_start(self, handler_id: str, m: p.PodStart, now: float) -> p.Ack:
        pod = self._pod(m.pod)
        if pod is not None and pod.status in ENDED:
            raise _refuse(m, f"pod {m.pod} has ended ({pod.status})")
        if pod is not None and pod.status == "drafting":
            return p.Ack(m.msg_id)
        changes = Changes(add=[self._idle(m.pod, handler_id, now)])
        with self.store.transaction() as conn:
            if pod is None:
                started = Pod(
                    m.pod,
                    handler_id,
                    "drafting",
                    m.seats,
                    m.timer_policy,
                    0.0,
                    None,
                    now,
                    now,
                    None,
                )
                self.store.insert_pod(conn, started)
            else:
                self.store.update_pod(
                    conn,
                    m.pod,
                    status="drafting",
                    seats=m.seats,
                    policy=m.timer_policy,
                    started_at=now,
                    handler_id=handler_id,
                )
                changes.remove += self.store.cancel_pending(
                    conn, deadlines.c.job_id == jobids.lobby_expired(m.pod)
                )
            self._write(conn, changes, now)
        self._applied(m.pod, changes)
        return p.Ack(m.msg_id)

    def seat_waiting(self, m: p.SeatWaiting, now: float) -> p.Ack:
        timeout_id = jobids.pick_timeout(m.pod, m.seat, m.pick_no)
        pod = self._known(m)
        if pod.status == "open":
            raise _refuse(m, f"pod {m.pod} has not started")
        if pod.status in ENDED:
            return p.Ack(m.msg_id)
        existing = self.timetable.armed.get(timeout_id) or self.store.get_deadline(timeout_id)
        if existing is not None:
            return p.Ack(m.msg_id, timeout_id, _iso(existing.due_at))
        if m.seat >= pod.seats > 0:
            raise _refuse(m, f"pod {m.pod} has no seat {m.seat} (it has {pod.seats})")
        limit = pick_seconds(pod.policy, m.cards_left)
        changes = Changes()
        if limit is not None:
            pick = {"pod": m.pod, "seat": m.seat, "pick_no": m.pick_no}
            changes.add.append(
                Deadline(
                    timeout_id, "pick_timeout", pod.handler_id, "pick_timeout", pick,
                    now + limit, m.pod, m.seat, m.pick_no,
                )
            )  # fmt: skip
            warn = warning_offset(pod.policy, limit)
            if warn is not None:
                changes.add.append(
                    Deadline(
                        jobids.pick_warning(m.pod, m.seat, m.pick_no), "pick_warning",
                        pod.handler_id, "pick_warning",
                        {**pick, "seconds_left": pod.policy.warning_seconds},
                        now + warn, m.pod, m.seat, m.pick_no,
                    )
                )  # fmt: skip
        idle = self.timetable.armed.get(jobids.pod_idle(m.pod))
        if idle is None or now + self.idle_after - idle.due_at > IDLE_SLACK_SECONDS:
            changes.add.append(self._idle(m.pod, pod.handler_id, now))
        with self.store.transaction() as conn:
            changes.remove += self.store.cancel_seat(conn, m.pod, m.seat)
            self._write(conn, changes, now)
        self.timetable.apply(changes)
        return p.Ack(m.msg_id, timeout_id if limit else "", _iso(now + limit) if limit else "")

    def seat_idle(self, m: p.SeatIdle, now: float) -> p.Ack:
        self._known(m)
        with self.store.transaction() as conn:
            changes = Changes(remove=self.store.cancel_seat(conn, m.pod, m.seat))
        self.timetable.apply(changes)
        return p.Ack(m.msg_id)

    def pod_end(self, m: p.PodEnd, now: float) -> p.Ack:
        pod = self._known(m)
        cleanup = jobids.pod_cleanup(m.pod)
        if pod.status not in ENDED:
            changes = Changes(add=[self._cleanup(pod, now)])
            with self.store.transaction() as conn:
                self.store.update_pod(
                    conn, m.pod, status=m.outcome, outcome=m.outcome, ended_at=now
                )
                changes.remove += self.store.cancel_pending(conn, deadlines.c.pod == m.pod)
                self._write(conn, changes, now)
            self._applied(m.pod, changes)
        existing = self.timetable.armed.get(cleanup) or self.store.get_deadline(cleanup)
        return p.Ack(m.msg_id, cleanup, _iso(existing.due_at) if existing else "")

    def fired(self, deadline: Deadline, now: float) -> None:
        """What a fired pod deadline changes in the lifecycle itself."""
        if deadline.pod is None:
            return
        if deadline.kind == "lobby_expired":
            pod = self._pod(deadline.pod)
            if pod is None or pod.status != "open":
                return
            changes = Changes(add=[self._cleanup(pod, now)])
            with self.store.transaction() as conn:
                self.store.update_pod(
                    conn, pod.pod, status="expired", outcome="expired", ended_at=now
                )
                self._write(conn, changes, now)
            self._applied(pod.pod, changes)
        elif deadline.kind == "pod_cleanup":
            with self.store.transaction() as conn:
                self.store.delete_pod_deadlines(conn, deadline.pod)
            self._pods.pop(deadline.pod, None)

    # --- helpers -----------------------------------------------------------------------------

    def _pod(self, pod: str) -> Pod | None:
        cached = self._pods.get(pod)
        if cached is None:
            cached = self.store.get_pod(pod)
            if cached is not None:
                self._pods[pod] = cached
        return cached

    def _known(self, m: p.SeatWaiting | p.SeatIdle | p.PodEnd) -> Pod:
        pod = self._pod(m.pod)
        if pod is None:
            raise _refuse(m, f"unknown pod {m.pod}")
        return pod

    def _write(self, conn: sa.Connection, changes: Changes, now: float) -> None:
        self.store.put_deadlines(conn, changes.add, now)

    def _applied(self, pod: str, changes: Changes) -> None:
        """After a pod's row changed and committed: forget the cached row, move the timers."""
        self._pods.pop(pod, None)
        self.timetable.apply(changes)

    def _idle(self, pod: str, handler_id: str, now: float) -> Deadline:
        return _pod_deadline(jobids.pod_idle(pod), handler_id, now + self.idle_after)

    def _cleanup(self, pod: Pod, now: float) -> Deadline:
        return _pod_deadline(jobids.pod_cleanup(pod.pod), pod.handler_id, now + self.cleanup_after)


def _pod_deadline(job_id: str, handler_id: str, due_at: float) -> Deadline:
    key = jobids.parse(job_id)
    assert key is not None
    return Deadline(job_id, key.kind, handler_id, key.kind, {"pod": key.pod}, due_at, key.pod)


def _refuse(m: p.Request, reason: str) -> p.ProtocolError:
    return p.ProtocolError("rejected", reason, ref=m.msg_id)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()

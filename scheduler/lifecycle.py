"""The pod lifecycle and its timers: ``open -> drafting -> finished / cancelled / expired``.

Each request is one committed transaction over the pods and deadlines tables, then the job store is
brought along; only then is it acknowledged. Every request is idempotent, because the bot resends
until acked: opening an open pod, starting a drafting one, ending an ended one, or arming a pick
timer for a ``(pod, seat, pick_no)`` already armed changes nothing (the first deadline stands).
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


class Lifecycle:
    def __init__(
        self, store: Store, timetable: Timetable, *, idle_after: float, cleanup_after: float
    ) -> None:
        self.store = store
        self.timetable = timetable
        self.idle_after = idle_after
        self.cleanup_after = cleanup_after

    def pod_open(self, handler_id: str, m: p.PodOpen, now: float) -> p.Ack:
        changes = Changes()
        expiry = jobids.lobby_expired(m.pod)
        with self.store.transaction() as conn:
            pod = self.store.get_pod(m.pod, conn)
            if pod is not None and pod.status != "open":
                raise _refuse(m, f"pod {m.pod} is already {pod.status}")
            if pod is None:
                self.store.insert_pod(
                    conn,
                    Pod(m.pod, handler_id, "open", 0, NO_TIMER, m.lobby_ttl, None, now, None, None),
                )
                if m.lobby_ttl > 0:
                    self._arm(
                        conn, changes, _pod_deadline(expiry, handler_id, now + m.lobby_ttl), now
                    )
        self.timetable.apply(changes)
        existing = self.store.get_deadline(expiry)
        return p.Ack(m.msg_id, expiry, _iso(existing.due_at) if existing else "")

    def pod_start(self, handler_id: str, m: p.PodStart, now: float) -> p.Ack:
        changes = Changes()
        with self.store.transaction() as conn:
            pod = self.store.get_pod(m.pod, conn)
            if pod is not None and pod.status in ENDED:
                raise _refuse(m, f"pod {m.pod} has ended ({pod.status})")
            if pod is None or pod.status == "open":
                if pod is None:
                    self.store.insert_pod(
                        conn,
                        Pod(
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
                        ),
                    )
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
                self._arm_idle(conn, changes, m.pod, handler_id, now)
        self.timetable.apply(changes)
        return p.Ack(m.msg_id)

    def seat_waiting(self, m: p.SeatWaiting, now: float) -> p.Ack:
        timeout_id = jobids.pick_timeout(m.pod, m.seat, m.pick_no)
        pod = self._pod(m)
        if pod.status == "open":
            raise _refuse(m, f"pod {m.pod} has not started")
        if pod.status in ENDED:
            return p.Ack(m.msg_id)
        existing = self.store.get_deadline(timeout_id)
        if existing is not None:
            return p.Ack(m.msg_id, timeout_id, _iso(existing.due_at))
        if m.seat >= pod.seats > 0:
            raise _refuse(m, f"pod {m.pod} has no seat {m.seat} (it has {pod.seats})")
        limit = pick_seconds(pod.policy, m.cards_left)
        changes = Changes()
        with self.store.transaction() as conn:
            changes.remove += self._cancel_seat(conn, m.pod, m.seat)
            if limit is not None:
                pick = {"pod": m.pod, "seat": m.seat, "pick_no": m.pick_no}
                self._arm(
                    conn,
                    changes,
                    Deadline(
                        timeout_id,
                        "pick_timeout",
                        pod.handler_id,
                        "pick_timeout",
                        pick,
                        now + limit,
                        m.pod,
                        m.seat,
                        m.pick_no,
                    ),
                    now,
                )
                warn = warning_offset(pod.policy, limit)
                if warn is not None:
                    params = {**pick, "seconds_left": pod.policy.warning_seconds}
                    self._arm(
                        conn,
                        changes,
                        Deadline(
                            jobids.pick_warning(m.pod, m.seat, m.pick_no),
                            "pick_warning",
                            pod.handler_id,
                            "pick_warning",
                            params,
                            now + warn,
                            m.pod,
                            m.seat,
                            m.pick_no,
                        ),
                        now,
                    )
            self._arm_idle(conn, changes, m.pod, pod.handler_id, now)
        self.timetable.apply(changes)
        return p.Ack(m.msg_id, timeout_id if limit else "", _iso(now + limit) if limit else "")

    def seat_idle(self, m: p.SeatIdle, now: float) -> p.Ack:
        self._pod(m)
        with self.store.transaction() as conn:
            changes = Changes(remove=self._cancel_seat(conn, m.pod, m.seat))
        self.timetable.apply(changes)
        return p.Ack(m.msg_id)

    def pod_end(self, m: p.PodEnd, now: float) -> p.Ack:
        pod = self._pod(m)
        cleanup = jobids.pod_cleanup(m.pod)
        if pod.status not in ENDED:
            changes = Changes()
            with self.store.transaction() as conn:
                self.store.update_pod(
                    conn, m.pod, status=m.outcome, outcome=m.outcome, ended_at=now
                )
                changes.remove += self.store.cancel_pending(conn, deadlines.c.pod == m.pod)
                self._arm_cleanup(conn, changes, pod, now)
            self.timetable.apply(changes)
        existing = self.store.get_deadline(cleanup)
        return p.Ack(m.msg_id, cleanup, _iso(existing.due_at) if existing else "")

    def fired(self, deadline: Deadline, now: float) -> None:
        """What a fired pod deadline changes in the lifecycle itself."""
        if deadline.pod is None:
            return
        if deadline.kind == "lobby_expired":
            changes = Changes()
            with self.store.transaction() as conn:
                pod = self.store.get_pod(deadline.pod, conn)
                if pod is None or pod.status != "open":
                    return
                self.store.update_pod(
                    conn, pod.pod, status="expired", outcome="expired", ended_at=now
                )
                self._arm_cleanup(conn, changes, pod, now)
            self.timetable.apply(changes)
        elif deadline.kind == "pod_cleanup":
            with self.store.transaction() as conn:
                self.store.delete_pod_deadlines(conn, deadline.pod)

    # --- helpers -----------------------------------------------------------------------------

    def _pod(self, m: p.SeatWaiting | p.SeatIdle | p.PodEnd) -> Pod:
        pod = self.store.get_pod(m.pod)
        if pod is None:
            raise _refuse(m, f"unknown pod {m.pod}")
        return pod

    def _arm(self, conn: sa.Connection, changes: Changes, deadline: Deadline, now: float) -> None:
        self.store.put_deadline(conn, deadline, now)
        changes.add.append(deadline)

    def _arm_idle(
        self, conn: sa.Connection, changes: Changes, pod: str, handler_id: str, now: float
    ) -> None:
        idle = _pod_deadline(jobids.pod_idle(pod), handler_id, now + self.idle_after)
        self._arm(conn, changes, idle, now)

    def _arm_cleanup(self, conn: sa.Connection, changes: Changes, pod: Pod, now: float) -> None:
        cleanup = _pod_deadline(
            jobids.pod_cleanup(pod.pod), pod.handler_id, now + self.cleanup_after
        )
        self._arm(conn, changes, cleanup, now)

    def _cancel_seat(self, conn: sa.Connection, pod: str, seat: int) -> list[str]:
        return self.store.cancel_pending(
            conn,
            sa.and_(
                deadlines.c.pod == pod,
                deadlines.c.seat == seat,
                deadlines.c.kind.in_(sorted(jobids.SEAT_KINDS)),
            ),
        )


def _pod_deadline(job_id: str, handler_id: str, due_at: float) -> Deadline:
    key = jobids.parse(job_id)
    assert key is not None
    return Deadline(job_id, key.kind, handler_id, key.kind, {"pod": key.pod}, due_at, key.pod)


def _refuse(m: p.Request, reason: str) -> p.ProtocolError:
    return p.ProtocolError("rejected", reason, ref=m.msg_id)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()

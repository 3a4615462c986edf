"""Job ids, built in one place so that arming the same deadline twice replaces, never duplicates.

Every deadline the scheduler owns has an id derived from what it is about; the APScheduler job,
the deadlines row and the run all carry it. :func:`parse` turns an id back into its parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DeadlineKind = Literal["pick_timeout", "pick_warning", "lobby_expired", "pod_idle", "pod_cleanup"]
POD_KINDS: frozenset[str] = frozenset(
    {"pick_timeout", "pick_warning", "lobby_expired", "pod_idle", "pod_cleanup"}
)
SEAT_KINDS: frozenset[str] = frozenset({"pick_timeout", "pick_warning"})


@dataclass(frozen=True, slots=True)
class JobKey:
    """The parts of a pod deadline's id."""

    kind: str
    pod: str
    seat: int | None = None
    pick_no: int | None = None


def pick_timeout(pod: str, seat: int, pick_no: int) -> str:
    return f"pick_timeout:{pod}:{seat}:{pick_no}"


def pick_warning(pod: str, seat: int, pick_no: int) -> str:
    return f"pick_warning:{pod}:{seat}:{pick_no}"


def lobby_expired(pod: str) -> str:
    return f"lobby_expired:{pod}"


def pod_idle(pod: str) -> str:
    return f"pod_idle:{pod}"


def pod_cleanup(pod: str) -> str:
    return f"pod_cleanup:{pod}"


def parse(job_id: str) -> JobKey | None:
    """The parts of a pod deadline's id, or None for any other job id."""
    kind, sep, rest = job_id.partition(":")
    if not sep or kind not in POD_KINDS:
        return None
    if kind in SEAT_KINDS:
        pod, _, tail = rest.rpartition(":")
        pod, _, seat = pod.rpartition(":")
        if not pod or not seat.lstrip("-").isdigit() or not tail.isdigit():
            return None
        return JobKey(kind, pod, int(seat), int(tail))
    return JobKey(kind, rest) if rest else None


def is_reserved(job_id: str) -> bool:
    """True for ids in the pod deadlines' namespace, which only the lifecycle may create."""
    return job_id.partition(":")[0] in POD_KINDS

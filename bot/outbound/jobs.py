"""Outbound jobs and the rules for two jobs on one key: which survives and what it carries.

A job is keyed by the message it acts on: ``("message", id)`` for edits and deletes, and for sends
(which have no id yet) ``("send", key)`` with a key the caller chooses, such as one per seat's pack
slot. While two jobs on one key both wait, they collapse into one API call:

=========== =========== =====================================================
waiting     arriving    result
=========== =========== =====================================================
send        send        one send of the newer content
edit        edit        one edit; fields merged, the newer value of each wins
edit        delete      one delete
delete      edit        one delete (an edit of a doomed message is dropped)
delete      delete      one delete
=========== =========== =====================================================

A job already handed to Discord is never changed: an arriving job waits behind it, except an edit
or delete behind a delete, which only waits for that delete's outcome. Every future of a collapsed
job resolves with the outcome of the call that was made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

JobKind = Literal["send", "edit", "delete"]
JobKey = tuple[Literal["send", "message"], Hashable]


@dataclass(slots=True, eq=False)
class Job:
    """One pending Discord call; mutable only while it waits (see the module's rules)."""

    kind: JobKind
    channel_id: int
    key: JobKey
    group: Hashable
    seq: int
    ready_at: float
    message_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    futures: list[asyncio.Future[Any]] = field(default_factory=list)
    tag: float = 0.0
    """Virtual start time for fair queueing between groups (see :mod:`bot.outbound.queue`)."""

    @property
    def label(self) -> str:
        target = f"message {self.message_id}" if self.message_id is not None else f"{self.key[1]!r}"
        return f"{self.kind} {target} in channel {self.channel_id}"


def send_key(key: Hashable) -> JobKey:
    return ("send", key)


def message_key(message_id: int) -> JobKey:
    return ("message", message_id)


def absorb(waiting: Job, arriving: Job) -> bool:
    """Fold ``arriving`` into ``waiting`` (same key, not yet started) by the table above.

    Returns False when the pair has no rule, which cannot happen for well-formed keys (a send key
    never equals a message key); the caller then queues ``arriving`` on its own.
    """
    pair = (waiting.kind, arriving.kind)
    if pair == ("send", "send"):
        waiting.fields = dict(arriving.fields)
    elif pair == ("edit", "edit"):
        waiting.fields = {**waiting.fields, **arriving.fields}
    elif pair == ("edit", "delete"):
        waiting.kind = "delete"
        waiting.fields = {}
    elif pair not in {("delete", "edit"), ("delete", "delete")}:
        return False
    # The merged job is due when the more urgent of the two was; it keeps its place in line.
    waiting.ready_at = min(waiting.ready_at, arriving.ready_at)
    waiting.futures.extend(arriving.futures)
    return True


def rides_along(running: Job, arriving: Job) -> bool:
    """Whether ``arriving`` needs no call of its own because ``running`` deletes its message."""
    return running.kind == "delete" and arriving.kind in {"edit", "delete"}


def copy_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A private copy, so a caller reusing its dict cannot change a waiting job."""
    return dict(fields)
